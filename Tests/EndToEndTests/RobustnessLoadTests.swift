import Foundation
import HubTestSupport
import MCPWire
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Issue 4, the invariant under load: 1,000 concurrent calls over 3 targets, one target SIGKILLed
/// mid-way. Every call is answered exactly once, with its own id, and the hub's memory stays bounded.
@Suite struct RobustnessLoadTests {
    private static let callCount = 1000
    private static let hangingCalls = 20
    /// Call i has id `idBase + i`, clear of the test client's own small numeric ids.
    private static let idBase = 1_000_000

    private struct Plan {
        var server: String
        var tool: String
    }

    /// Call i goes to a, b or c in turn; the first `hangingCalls` calls to c hang until c is killed.
    private static func plan(_ i: Int) -> Plan {
        let server = ["a", "b", "c"][i % 3]
        let hangs = server == "c" && i / 3 < hangingCalls
        return Plan(server: server, tool: hangs ? "wait" : "echo")
    }

    private static func line(_ i: Int) -> [UInt8] {
        let plan = plan(i)
        let message: JSONValue = [
            "jsonrpc": "2.0", "id": .int(idBase + i), "method": "tools/call",
            "params": ["name": .string("\(plan.server).\(plan.tool)"), "arguments": ["token": .string("t-\(i)")]],
        ]
        return message.serializedBytes() + [0x0A]
    }

    @Test(.enabled(if: RobustnessProc.available)) func thousandCallsOverThreeTargetsWithOneKilled() async throws {
        let args = ["--tools", "echo,wait", "--hang-on", "wait", "--slow-ms", "100"]
        let fixture = try HubFixture.fixtures([("a", args), ("b", args), ("c", args)])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let targets = await RobustnessProc.waitForTargetTree(of: hub.pid, count: 3)
        defer { RobustnessProc.killLeftovers(RobustnessProc.descendants(of: hub.pid)) }
        let victim = try #require(targets.first { RobustnessProc.commandLine($0).contains("--name c ") })
        let baseline = hub.stdoutLines.count
        let half = Self.callCount / 2

        // Phase 1: half the calls at once; c's hanging calls are certainly pending when it dies.
        hub.sendRaw((0..<half).flatMap(Self.line))
        let firstWave = half - Self.hangingCalls
        let deadline = ContinuousClock.now + .seconds(60)
        while hub.stdoutLines.count - baseline < firstWave / 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        kill(victim, SIGKILL)
        // Phase 2: the other half, while the hub notices the death and restarts c for its next call.
        hub.sendRaw((half..<Self.callCount).flatMap(Self.line))
        while hub.stdoutLines.count - baseline < Self.callCount && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let residentKiB = RobustnessProc.residentKiB(hub.pid)
        _ = try await hub.call("ping")
        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(20)) == 0)

        var answers: [Int: [JSONRPCMessage.Response]] = [:]
        var strays: [String] = []
        for response in hub.responsesSoFar {
            guard case .number(let lexeme)? = response.id, let n = Int(lexeme) else {
                strays.append(response.text)
                continue
            }
            if n < Self.idBase { continue }  // the test client's own requests (initialize, tools/list, ping)
            guard (0..<Self.callCount).contains(n - Self.idBase) else {
                strays.append(response.text)
                continue
            }
            answers[n - Self.idBase, default: []].append(response)
        }
        #expect(strays.isEmpty, "responses to ids nobody sent: \(strays.prefix(5))")
        var unanswered: [Int] = []
        var duplicated: [Int] = []
        var misrouted: [Int] = []
        var failures: [String: Int] = [:]
        for i in 0..<Self.callCount {
            guard let list = answers[i], !list.isEmpty else {
                unanswered.append(i)
                continue
            }
            if list.count > 1 { duplicated.append(i) }
            let plan = Self.plan(i)
            switch list[0].outcome {
            case .result(let result):
                if result["structuredContent"]?["echo"]?["token"]?.stringValue != "t-\(i)" { misrouted.append(i) }
                if plan.tool == "wait" { misrouted.append(i) }
            case .error(let error):
                failures[plan.server, default: 0] += 1
                #expect(error.message.contains("\"c\""), "call \(i) to \(plan.server) failed: \(error.message)")
            }
        }
        #expect(unanswered.isEmpty, "unanswered: \(unanswered.prefix(20))")
        #expect(duplicated.isEmpty, "answered twice: \(duplicated.prefix(20))")
        #expect(misrouted.isEmpty, "wrong answer: \(misrouted.prefix(20))")
        #expect(failures["a"] == nil && failures["b"] == nil)
        #expect((failures["c"] ?? 0) >= Self.hangingCalls)
        print(
            "robustness load: \(Self.callCount) calls, \(failures["c"] ?? 0) failed with c's death; "
                + "hub VmRSS \(residentKiB / 1024) MiB")
        #expect(residentKiB > 0 && residentKiB < 200 * 1024, "hub VmRSS \(residentKiB) KiB")
    }
}
