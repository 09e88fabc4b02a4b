import Dispatch
import Foundation
import MCPWire
import Synchronization
import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private func stressConfig(servers: Int) throws -> HubConfig {
    var entries = JSONObject()
    for i in 0..<servers {
        entries["t\(i)"] = ["command": "/bin/false", "policy": ["default": "allow"]]
    }
    // Time-outs long enough never to fire by themselves: the test fires the ones it picks.
    let json: JSONValue = ["servers": .object(entries), "timeouts": ["call_seconds": 3600]]
    return try ConfigLoader.parse(json, filePath: "/tmp/stress-hub.json", environment: [:])
}

/// Collects every line written to the write end of a pipe.
private final class PipeCapture: Sendable {
    let writer: FDWriter
    private let lines = Mutex<[[UInt8]]>([])
    private let ended = DispatchSemaphore(value: 0)

    init() {
        var fds: [Int32] = [-1, -1]
        _ = pipe(&fds)
        writer = FDWriter(fd: fds[1], closeOnFinish: true, name: "stress client out")
        let ended = self.ended
        LineReader(
            fd: fds[0], closeOnEOF: true, name: "stress capture",
            onLines: { [self] batch in self.lines.withLock { $0 += batch } },
            onEOF: { ended.signal() }
        ).start()
    }

    /// Flushes and closes the writer, waits for the reader's EOF, and returns every line.
    func finish() -> [[UInt8]] {
        writer.drainAndStop()
        _ = ended.wait(timeout: .now() + .seconds(30))
        return lines.withLock { $0 }
    }
}

/// Walks a session through a start-up without a process (the transitions a real one takes): opened
/// in the legacy era, its tools listed, ready.
private func makeReady(_ target: TargetSession, tools: [JSONObject]) {
    _ = target.startup.begin()
    _ = target.startup.answered(.initialize, .result(["capabilities": ["tools": [:]]]))
    _ = target.lists.beginStartup([.tools])
    _ = target.lists.page(.tools, items: tools, nextCursor: nil, duringStartup: true)
    target.startup.listed()
}

@Suite struct RouterStressTests {
    /// The pending table against a model: every hub id comes out at most once, by whichever path
    /// (answer, time-out, drain), and only ids that are pending come out at all.
    @Test(arguments: [1, 2, 3] as [UInt64]) func pendingTableMatchesAModel(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let calls = CallTable(targets: 1)
        var model: [Int: RequestID] = [:]
        var issued: Set<Int> = []
        var removed: [Int: Int] = [:]
        for step in 0..<20_000 {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...3:
                let client = RequestID.string("c\(step)")
                let ticket = calls.admit(.init(id: client, method: "tools/call"), modern: nil)
                let id = calls.newID(target: 0)
                let timer = Bool.random(using: &rng) ? step : nil
                calls.forward(
                    ForwardedCall(
                        ticket: ticket, clientEra: .legacy, label: "t0.echo", method: "tools/call", params: [:],
                        timer: timer),
                    to: 0, id: id, clientToken: nil)
                #expect(!issued.contains(id), "hub id \(id) issued twice")
                issued.insert(id)
                model[id] = client
            case 4, 5:
                // A target's answer: a live id, a finished one, or junk ids that were never sent.
                let candidates: [RequestID] = [
                    model.keys.randomElement(using: &rng).map { .int($0) } ?? .int(0),
                    issued.randomElement(using: &rng).map { .int($0) } ?? .int(-1),
                    .string("1"), .number("1.0"), .number("99999999999999999999"), .int(-5),
                ]
                let id = candidates.randomElement(using: &rng)!
                let taken = calls.answered(target: 0, id: id)
                if case .number(let lexeme) = id, let n = Int(lexeme), lexeme == String(n), model[n] != nil {
                    guard case .call(let call)? = taken else {
                        Issue.record("pending id \(n) not returned")
                        continue
                    }
                    #expect(calls.close(call.ticket)?.id == model[n])
                    model[n] = nil
                    removed[n, default: 0] += 1
                } else {
                    #expect(taken == nil, "\(id) came out of the table but was not pending")
                }
            case 6, 7:
                guard let id = model.keys.randomElement(using: &rng) else { continue }
                let timedOut = calls.timedOut(target: 0, id: id)
                let call = try #require(timedOut)
                #expect(calls.timedOut(target: 0, id: id) == nil)
                #expect(calls.close(call.ticket)?.id == model[id])
                #expect(calls.close(call.ticket) == nil)
                model[id] = nil
                removed[id, default: 0] += 1
            case 8:
                if Int.random(in: 0..<20, using: &rng) == 0 {
                    let drained = calls.drain(target: 0)
                    #expect(Set(drained.map(\.id)) == Set(model.keys))
                    for entry in drained {
                        removed[entry.id, default: 0] += 1
                        if case .call(let call) = entry.purpose { _ = calls.close(call.ticket) }
                    }
                    model = [:]
                }
            default:
                #expect(calls.calls(at: 0).count == model.count)
            }
        }
        #expect(calls.calls(at: 0).count == model.count)
        #expect(removed.values.allSatisfy { $0 == 1 })
    }

    /// The router under a random storm of client calls, answers (in any order, duplicated, late,
    /// unknown), time-outs, cancellations, target exits and garbage, then a shutdown: every client
    /// request is answered exactly once (never, if the client cancelled it first), with its own answer.
    @Test(arguments: [7, 8, 9] as [UInt64]) func everyClientRequestIsAnsweredExactlyOnce(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let capture = PipeCapture()
        let logCapture = PipeCapture()
        let router = HubRouter(
            config: try stressConfig(servers: 3), environment: [:],
            log: HubLog(writer: logCapture.writer, verbose: true),
            mode: .serve)
        router.clientOut = PeerOutput(capture.writer)
        let tool: JSONObject = ["name": "echo", "inputSchema": ["type": "object"]]
        for target in router.targets {
            target.beginGeneration()
            makeReady(target, tools: [tool])
        }
        router.rebuildCatalog()
        let names = router.catalog.entries.map(\.exposedName)
        #expect(names.count == 3)

        var expected: [RequestID: Int] = [:]  // answers each client id must get
        var expectedResult: [RequestID: Int] = [:]  // the hub id whose result the answer must carry
        var nextID = 0
        func pending(_ client: RequestID) -> Bool {
            router.targets.contains { target in
                router.calls.calls(at: target.index).contains { router.calls[$0.call.ticket]?.id == client }
            }
        }
        func line(_ value: JSONValue) -> [UInt8] { value.serializedBytes() }
        // Events go through the sink, as in the hub: one at a time with anything the timer thread delivers.
        func deliver(_ event: HubEvent) { router.sink.withRouter { $0.handle(event) } }

        for _ in 0..<6000 {
            let roll = Int.random(in: 0..<100, using: &rng)
            let target = router.targets.randomElement(using: &rng)!
            switch roll {
            case 0..<40:
                nextID += 1
                let id: RequestID = Bool.random(using: &rng) ? .int(nextID) : .string("s\(nextID)")
                expected[id] = 1
                let name = names.randomElement(using: &rng)!
                deliver(
                    .clientLines([
                        line([
                            "jsonrpc": "2.0", "id": id.json, "method": "tools/call",
                            "params": ["name": .string(name), "arguments": ["n": .int(nextID)]],
                        ])
                    ]))
            case 40..<65:
                let calls = router.calls.calls(at: target.index).compactMap { entry -> (Int, RequestID)? in
                    router.calls[entry.call.ticket].map { (entry.id, $0.id) }
                }
                guard let (hubID, client) = calls.randomElement(using: &rng) else { continue }
                expectedResult[client] = hubID
                let answer = line(["jsonrpc": "2.0", "id": .int(hubID), "result": ["hub": .int(hubID)]])
                let copies = Int.random(in: 0..<10, using: &rng) == 0 ? 2 : 1
                deliver(
                    .target(
                        index: target.index, generation: target.generation,
                        .stdoutLines(Array(repeating: answer, count: copies))))
            case 65..<70:
                let stray = Int.random(in: 0..<(nextID + 10), using: &rng)
                if router.calls.purpose(target: target.index, id: stray) != nil { continue }
                deliver(
                    .target(
                        index: target.index, generation: target.generation,
                        .stdoutLines([line(["jsonrpc": "2.0", "id": .int(stray), "result": [:]]), Array("junk".utf8)])))
            case 70..<78:
                let callTimers = router.timers.pending { purpose in
                    if case .call = purpose { return true }
                    return false
                }
                guard let timer = callTimers.randomElement(using: &rng) else { continue }
                deliver(.timer(timer))
            case 78..<85:
                guard nextID > 0 else { continue }
                let n = Int.random(in: 1...nextID, using: &rng)
                let candidates: [RequestID] = [.int(n), .string("s\(n)")]
                let id = candidates.randomElement(using: &rng)!
                if pending(id) { expected[id] = 0 }
                deliver(
                    .clientLines([
                        line(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": id.json]])
                    ]))
            case 85..<88:
                deliver(
                    .target(index: target.index, generation: target.generation, .exited(.signaled(SIGKILL))))
                // What a completed restart looks like to the router: a new generation, ready again.
                target.beginGeneration()
                makeReady(target, tools: [tool])
            default:
                nextID += 1
                expected[.int(nextID)] = 1
                deliver(.clientLines([line(["jsonrpc": "2.0", "id": .int(nextID), "method": "ping"])]))
            }
        }
        // Shutdown: the grace ends (here: at once, by its timer), and whatever is still pending is answered.
        deliver(.clientClosed)
        if let grace = router.lifecycle.graceTimer { deliver(.timer(grace)) }
        #expect(router.calls.inFlightCount == 0)
        #expect(router.calls.openTickets.isEmpty)
        #expect(router.lifecycle.stoppingTargets)

        var counts: [RequestID: Int] = [:]
        var wrong: [String] = []
        for raw in capture.finish() {
            guard case .message(.response(let response)) = JSONRPCMessage.decode(line: raw), let id = response.id
            else {
                wrong.append(String(decoding: raw, as: UTF8.self))
                continue
            }
            counts[id, default: 0] += 1
            if case .result(let result) = response.outcome, let hub = expectedResult[id], result["hub"] != nil {
                if result["hub"] != .int(hub) { wrong.append("\(id) got \(result)") }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(5))")
        let mismatches = expected.filter { counts[$0.key, default: 0] != $0.value }
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) ids: \(mismatches.prefix(10).map { "\($0.key): \(counts[$0.key] ?? 0)" })")
        #expect(Set(counts.keys).isSubset(of: Set(expected.keys)))
        // Every answer came from the request's own path, never from the router's safety nets.
        let safetyNets = logCapture.finish().map { String(decoding: $0, as: UTF8.self) }.filter {
            $0.contains("left unanswered") || $0.contains("still open at shutdown")
        }
        #expect(safetyNets.isEmpty, "\(safetyNets.prefix(3))")
    }
}
