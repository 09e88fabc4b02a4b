import Dispatch
import MCPWire
import Synchronization

/// Sends requests to the child and matches its answers by id. The reader thread handles each line
/// and, during a run, sends the next call itself right away (closed loop: `inFlight` calls
/// outstanding), so no thread hand-off sits inside a measured round trip.
final class LoadDriver: Sendable {
    struct RunResult {
        var latenciesNanos: [UInt64]
        var elapsedNanos: UInt64
        var errors: Int
        var firstLine: [UInt8]?
    }

    private struct State {
        // Control requests (initialize, tools/list): one at a time, answered to the main thread.
        var awaitingID: Int?
        var awaitedLine: [UInt8]?
        // A run of tools/call.
        var running = false
        var base = 0
        var total = 0
        var sent = 0
        var completed = 0
        var sendTimes: [UInt64] = []
        var latencies: [UInt64] = []
        var errors = 0
        var keepFirst = false
        var firstLine: [UInt8]?
        var startedAt: UInt64 = 0
        var finishedAt: UInt64 = 0
        var eof = false
        var nextID = 1
    }

    let child: BenchChild
    private let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)
    /// `{"jsonrpc":"2.0","id":` — the id follows, then one of `tails`.
    private let head: [UInt8] = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    /// `,"method":"tools/call","params":{…}}\n`, one per tool name (round-robin).
    private let tails: [[UInt8]]

    init(child: BenchChild, toolNames: [String], payloadBytes: Int) {
        self.child = child
        let pattern = Array("abcdefghijklmnopqrstuvwxyz0123456789 ".utf8)
        var text = [UInt8]()
        text.reserveCapacity(payloadBytes)
        while text.count < payloadBytes { text.append(pattern[text.count % pattern.count]) }
        let textLiteral = JSONValue.string(String(decoding: text, as: UTF8.self)).serializedBytes()
        tails = toolNames.map { name in
            var tail = Array(#","method":"tools/call","params":{"name":"#.utf8)
            tail += JSONValue.string(name).serializedBytes()
            tail += Array(#","arguments":{"text":"#.utf8)
            tail += textLiteral
            tail += Array("}}}\n".utf8)
            return tail
        }
    }

    // MARK: - Reader side

    func handle(line: UnsafeRawBufferPointer) {
        let scan = ResponseScan(line)
        guard scan.isResponse, let id = scan.id else { return }  // notifications, logs
        let now = BenchClock.now()
        var next: Int?
        var finished = false
        var controlAnswered = false
        state.withLock { s in
            if s.awaitingID == id {
                s.awaitingID = nil
                s.awaitedLine = Array(line)
                controlAnswered = true
                return
            }
            guard s.running, id >= s.base, id < s.base + s.total else { return }
            let index = id - s.base
            s.latencies.append(now - s.sendTimes[index])
            if scan.isError { s.errors += 1 }
            if s.keepFirst, s.firstLine == nil { s.firstLine = Array(line) }
            s.completed += 1
            if s.sent < s.total {
                next = s.base + s.sent
                s.sendTimes[s.sent] = BenchClock.now()
                s.sent += 1
            } else if s.completed == s.total {
                s.running = false
                s.finishedAt = now
                finished = true
            }
        }
        if controlAnswered || finished { done.signal() }
        if let next { sendCall(id: next) }
    }

    func handleEOF() {
        state.withLock { $0.eof = true }
        done.signal()
    }

    private func sendCall(id: Int) {
        child.send([head, Array(String(id).utf8), tails[id % tails.count]])
    }

    // MARK: - Main-thread side

    /// Sends a request and waits for its answer (the whole line).
    func request(method: String, params: JSONObject?, timeout: Double) throws(BenchError) -> JSONValue {
        let id = state.withLock { s -> Int in
            let id = s.nextID
            s.nextID += 1
            s.awaitingID = id
            return id
        }
        let message = JSONRPCMessage.request(.init(id: .int(id), method: method, params: params))
        guard child.send([message.line()]) else { throw .protocolFailure("cannot write \(method) to the child") }
        let line = try wait(timeout: timeout, for: method) { $0.awaitedLine }
        state.withLock { $0.awaitedLine = nil }
        guard case .message(.response(let response)) = JSONRPCMessage.decode(line: line) else {
            throw .protocolFailure("\(method): not a response: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        switch response.outcome {
        case .result(let value): return value
        case .error(let error): throw .protocolFailure("\(method) failed: \(error.message) (\(error.code))")
        }
    }

    func notify(method: String) {
        child.send([JSONRPCMessage.notification(.init(method: method)).line()])
    }

    /// Runs `count` tools/call with `inFlight` outstanding and returns when all are answered.
    func run(count: Int, inFlight: Int, keepFirst: Bool, timeout: Double) throws(BenchError) -> RunResult {
        guard count > 0 else { return RunResult(latenciesNanos: [], elapsedNanos: 0, errors: 0) }
        let burst = min(inFlight, count)
        let base = state.withLock { s -> Int in
            let base = s.nextID
            s.nextID += count
            s.base = base
            s.total = count
            s.sent = burst
            s.completed = 0
            s.errors = 0
            s.sendTimes = Array(repeating: 0, count: count)
            s.latencies = []
            s.latencies.reserveCapacity(count)
            s.keepFirst = keepFirst
            s.firstLine = nil
            s.running = true
            s.startedAt = BenchClock.now()
            for i in 0..<burst { s.sendTimes[i] = s.startedAt }
            return base
        }
        for i in 0..<burst { sendCall(id: base + i) }
        _ = try wait(timeout: timeout, for: "\(count) tools/call") { s in s.running ? nil : true }
        return state.withLock { s in
            RunResult(
                latenciesNanos: s.latencies, elapsedNanos: s.finishedAt - s.startedAt, errors: s.errors,
                firstLine: s.firstLine)
        }
    }

    private func wait<T>(timeout: Double, for what: String, _ ready: (inout State) -> T?) throws(BenchError) -> T {
        let deadline = DispatchTime.now() + timeout
        while true {
            let outcome = state.withLock { s -> (T?, Bool) in (ready(&s), s.eof) }
            if let value = outcome.0 { return value }
            if outcome.1 { throw .protocolFailure("the child closed its stdout while waiting for \(what)") }
            if done.wait(timeout: deadline) == .timedOut {
                throw .timedOut("no answer to \(what) within \(Int(timeout)) s")
            }
        }
    }
}
