import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Issue 4, target side: crashes, restarts with backoff and a cap, garbage on stdout, timeouts,
/// cancellation, a target that stops reading, start-up failures.
@Suite struct RobustnessTargetTests {
    private func toolNames(_ hub: MCPProcess) async throws -> [String] {
        let list = try await hub.call("tools/list")
        return (list["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    @Test func aCrashAnswersEveryPendingCallAndTheNextCallRestartsAndRelists() async throws {
        let fixture = try HubFixture.fixtures([
            ("flaky", []),
            ("steady", []),
        ])
        defer { fixture.remove() }
        let toolsFile = try TempFiles.write("echo,wait,boom", name: "flaky-tools", in: fixture.directory)
        try fixture.setServerKey(
            "flaky", "args",
            ["--name", "flaky", "--tools-file", .string(toolsFile.path), "--crash-on", "boom", "--hang-on", "wait"])

        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        #expect(try await toolNames(hub).contains("flaky.wait"))
        for i in 0..<3 { hub.sendCall("flaky.wait", id: .string("w\(i)")) }
        _ = try await hub.call("ping")
        let crash = try await hub.request("tools/call", params: ["name": "flaky.boom", "arguments": [:]])
        #expect(crash.errorMessage?.contains("\"flaky\"") == true, "\(crash)")
        #expect(crash.errorMessage?.contains("exit code 3") == true, "\(crash)")
        for i in 0..<3 {
            let answer = await hub.waitForResponse(.string("w\(i)"))
            #expect(answer?.errorMessage?.contains("exited (exit code 3)") == true, "\(String(describing: answer))")
        }
        // The other server never noticed.
        let steady = try await hub.call("tools/call", params: ["name": "steady.echo", "arguments": ["n": 1]])
        #expect(steady["structuredContent"]?["echo"]?["n"] == 1)

        // Next call restarts it (after the backoff); its new tool list is announced.
        try TempFiles.write("echo,wait,boom,extra", name: "flaky-tools", in: fixture.directory)
        _ = hub.takeQueuedMessages()
        let again = try await hub.call("tools/call", params: ["name": "flaky.echo", "arguments": ["n": 2]])
        #expect(again["structuredContent"]?["echo"]?["n"] == 2)
        let notices = hub.takeQueuedMessages().filter {
            if case .notification(let n) = $0 { return n.method == "notifications/tools/list_changed" }
            return false
        }
        #expect(notices.count == 1)
        #expect(try await toolNames(hub).contains("flaky.extra"))
        #expect(hub.stderrText.contains("[flaky] restarting"))
        let counts = hub.responseCounts()
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts)")
    }

    @Test func restartsAreCappedPerMinute() async throws {
        let fixture = try HubFixture.fixtures([("flaky", ["--tools", "boom", "--crash-on", "boom"])])
        defer { fixture.remove() }
        // The cap counts starts in a minute; five crash-and-restart rounds can take longer than that on a
        // loaded machine, so the test widens the window (the cap itself is unit-tested on a clock).
        let hub = try fixture.launchHub(environment: ["MCP_FIREWALL_HUB_RESTART_WINDOW_S": "3600"])
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        // One start plus four restarts (backoffs 0.5 + 1 + 2 + 4 s): each call crashes it again.
        for attempt in 1...5 {
            let crash = try await hub.request(
                "tools/call", params: ["name": "flaky.boom", "arguments": [:]], timeout: .seconds(30))
            #expect(crash.errorMessage?.contains("exited (exit code 3)") == true, "attempt \(attempt): \(crash)")
        }
        let refused = try await hub.request("tools/call", params: ["name": "flaky.boom", "arguments": [:]])
        #expect(refused.errorMessage?.contains("5 times in the last 3600 s") == true, "\(refused)")
        #expect(try await hub.call("ping") == [:])
    }

    @Test func garbageOnATargetsStdoutIsLoggedAndSkipped() async throws {
        let fixture = try HubFixture.fixtures([("noisy", ["--garbage-stdout", "--stderr-noise"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        for n in 0..<5 {
            let echo = try await hub.call("tools/call", params: ["name": "noisy.echo", "arguments": ["n": .int(n)]])
            #expect(echo["structuredContent"]?["echo"]?["n"] == .int(n))
        }
        #expect(hub.stderrText.contains("[noisy] ignored a stdout line that is not a JSON-RPC message"))
        #expect(hub.stderrText.contains("[noisy] noisy: stderr noise"))
        #expect(!hub.stdoutLines.contains { $0.contains("this is not json") })
    }

    @Test func aTimedOutCallIsAnsweredOnceAndItsLateAnswerDropped() async throws {
        let fixture = try HubFixture.fixtures(
            [("slow", ["--slow-ms", "3000", "--stderr-noise"])], extra: ["timeouts": ["call_seconds": 1]])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let late = try await hub.request(
            "tools/call", params: ["name": "slow.echo", "arguments": [:]], id: .string("late"))
        #expect(late.errorMessage?.contains("did not answer within 1 s") == true, "\(late)")
        // The target was told, and its answer (about 2 s later) goes nowhere.
        try await hub.waitForStderr(containing: "notifications/cancelled")
        try await hub.waitForStderr(containing: "which is not pending", timeout: .seconds(10))
        _ = try await hub.call("ping")
        #expect(hub.responseCounts()[.string("late")] == 1)
    }

    @Test func aCancelledCallIsNeverAnswered() async throws {
        let fixture = try HubFixture.fixtures([
            ("stuck", ["--tools", "echo,wait", "--hang-on", "wait", "--stderr-noise"])
        ])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        hub.sendCall("stuck.wait", id: .string("doomed"))
        _ = try await hub.call("ping")
        hub.notify("notifications/cancelled", params: ["requestId": "doomed", "reason": "changed my mind"])
        try await hub.waitForStderr(containing: "notifications/cancelled")
        _ = try await hub.call("tools/call", params: ["name": "stuck.echo", "arguments": [:]])
        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(15)) == 0)
        // Not even the shutdown answers it: the client gave it up.
        #expect(hub.responseCounts()[.string("doomed")] == nil)
    }

    @Test func aTargetThatStopsReadingBlocksNothingElse() async throws {
        let fixture = try HubFixture.fixtures([
            ("stuck", ["--tools", "echo,block", "--stop-reading-on", "block"]),
            ("ok", []),
        ])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        hub.sendCall("stuck.block", id: .string("block"))
        try await hub.waitForStderr(containing: "no longer reading stdin")
        // 8 MB to a target that reads nothing: the hub's writer to it stalls on a full pipe.
        let blob = String(repeating: "z", count: 8_000_000)
        hub.sendCall("stuck.echo", arguments: ["b": .string(blob)], id: .string("big"))
        for n in 0..<20 {
            let echo = try await hub.call(
                "tools/call", params: ["name": "ok.echo", "arguments": ["n": .int(n)]], timeout: .seconds(20))
            #expect(echo["structuredContent"]?["echo"]?["n"] == .int(n))
        }
        #expect(try await toolNames(hub).contains("ok.echo"))
        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(20)) == 0)
        let counts = hub.responseCounts()
        #expect(counts[.string("block")] == 1)
        #expect(counts[.string("big")] == 1)
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts)")
    }

    @Test func startUpFailuresAreReportedPerServerAndTheRestServe() async throws {
        let fixture = try HubFixture.fixtures([
            ("early", ["--exit-before-initialize", "7"]),
            ("refuses", ["--initialize-error"]),
            ("silent", ["--no-initialize-reply"]),
            ("good", []),
        ])
        defer { fixture.remove() }
        try fixture.setServerKey("silent", "timeouts", ["startup_seconds": 1])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let names = try await toolNames(hub)
        #expect(names.contains("good.echo"))
        #expect(!names.contains { $0.hasPrefix("early.") || $0.hasPrefix("refuses.") || $0.hasPrefix("silent.") })
        let stderr = hub.stderrText
        #expect(stderr.contains("[early] failed: exited during start-up (exit code 7)"), "\(stderr)")
        #expect(stderr.contains("[refuses] failed: initialize failed"), "\(stderr)")
        #expect(stderr.contains("[silent] failed: did not finish starting within 1 s"), "\(stderr)")
        let unavailable = try await hub.request("tools/call", params: ["name": "early.echo", "arguments": [:]])
        #expect(unavailable.outcome.errorCode == -32602)
        let good = try await hub.call("tools/call", params: ["name": "good.echo", "arguments": ["ok": 1]])
        #expect(good["structuredContent"]?["echo"]?["ok"] == 1)
    }
}
