import Foundation
import HubTestSupport
import MCPWire
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Issue 4, shutdown: end of stdin or SIGTERM → grace for calls in flight, every request answered once,
/// targets stopped by process group, exit 0; and no target outlives even a SIGKILLed hub.
@Suite struct RobustnessShutdownTests {
    @Test(.enabled(if: RobustnessProc.available)) func stdinEOFExitsPromptlyAndLeavesNoProcess() async throws {
        let fixture = try HubFixture.fixtures([("a", []), ("b", ["--tools", "echo,other"])])
        defer { fixture.remove() }
        // A stop that needed SIGTERM would first wait out this grace (120 s): exiting within the 60 s below,
        // however loaded the machine, shows both targets left on their own when their stdin closed.
        let hub = try fixture.launchHub(environment: ["MCP_FIREWALL_HUB_STOP_GRACE_MS": "120000"])
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let echo = try await hub.call("tools/call", params: ["name": "a.echo", "arguments": ["x": 1]])
        #expect(echo["structuredContent"]?["echo"]?["x"] == 1)
        let tree = await RobustnessProc.waitForDescendants(of: hub.pid, count: 2)
        defer { RobustnessProc.killLeftovers(tree) }
        #expect(tree.count >= 2)

        let start = ContinuousClock.now
        hub.closeStdin()
        let status = try await hub.waitForExit(timeout: .seconds(60))
        print("robustness: hub exited \(ContinuousClock.now - start) after stdin EOF (2 targets that exit on EOF)")
        #expect(status == 0)
        #expect(await RobustnessProc.waitUntilGone(tree, timeout: .seconds(30)).isEmpty)
    }

    @Test func callsInFlightAtEOFAreAnsweredExactlyOnce() async throws {
        let fixture = try HubFixture.fixtures([
            ("slow", ["--tools", "echo", "--slow-ms", "100"]),
            ("stuck", ["--tools", "echo,wait", "--hang-on", "wait"]),
        ])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        hub.sendCall("slow.echo", arguments: ["token": "s1"], id: .string("slow-1"))
        hub.sendCall("stuck.wait", arguments: [:], id: .string("stuck-1"))
        // The last line has no newline: it must still be read, run and answered before the exit.
        hub.sendRaw(
            #"{"jsonrpc":"2.0","id":"last","method":"tools/call","params":{"name":"slow.echo","arguments":{"token":"s2"}}}"#
        )
        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(15)) == 0)

        let responses = hub.responsesSoFar
        var byID: [RequestID: [JSONRPCMessage.Response]] = [:]
        for response in responses { if let id = response.id { byID[id, default: []].append(response) } }
        for id in ["slow-1", "stuck-1", "last"] {
            #expect(byID[.string(id)]?.count == 1, "\(id): \(byID[.string(id)] ?? [])")
        }
        // The slow calls finished within the grace; the hung one was answered with an error.
        #expect(byID[.string("slow-1")]?.first?.outcome.result?["structuredContent"]?["echo"]?["token"] == "s1")
        #expect(byID[.string("last")]?.first?.outcome.result?["structuredContent"]?["echo"]?["token"] == "s2")
        let stuck = byID[.string("stuck-1")]?.first?.errorMessage ?? ""
        #expect(stuck.contains("shutting down"), "\(stuck)")
    }

    @Test(.enabled(if: RobustnessProc.available)) func sigtermAnswersEverythingAndExitsZero() async throws {
        let fixture = try HubFixture.fixtures([("stuck", ["--tools", "echo,wait", "--hang-on", "wait"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let tree = await RobustnessProc.waitForDescendants(of: hub.pid, count: 1)
        defer { RobustnessProc.killLeftovers(tree) }
        hub.sendCall("stuck.wait", id: .int(41))
        _ = try await hub.call("ping")  // the call has reached the router
        hub.sendSignal(SIGTERM)
        #expect(try await hub.waitForExit(timeout: .seconds(15)) == 0)
        let counts = hub.responseCounts()
        #expect(counts[.int(41)] == 1)
        #expect(hub.responsesSoFar.first { $0.id == .int(41) }?.errorMessage?.contains("shutting down") == true)
        #expect(await RobustnessProc.waitUntilGone(tree, timeout: .seconds(30)).isEmpty)
        #expect(hub.stderrText.contains("signal 15"))
    }

    @Test(.enabled(if: RobustnessProc.available)) func aGrandchildIgnoringSIGTERMDoesNotSurviveShutdown() async throws {
        let fixture = try HubFixture.fixtures([("tree", ["--spawn-stubborn-grandchild"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        try await hub.waitForStderr(containing: "stubborn grandchild pid")
        // fixture-server → sh (ignores SIGTERM) → sleep (inherits the ignored SIGTERM)
        let targets = await RobustnessProc.waitForTargetTree(of: hub.pid, count: 3)
        let tree = RobustnessProc.descendants(of: hub.pid)  // with the supervisor
        defer { RobustnessProc.killLeftovers(tree) }
        #expect(targets.count >= 3, "\(tree.map(RobustnessProc.commandLine))")

        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(20)) == 0)
        // The hub waits for the group to be reaped (SIGKILL after the grace) before it exits.
        let survivors = tree.filter { !RobustnessProc.isGone($0) }
        #expect(survivors.isEmpty, "\(survivors.map(RobustnessProc.commandLine))")
    }

    @Test(.enabled(if: RobustnessProc.available)) func targetsDoNotOutliveASIGKILLedHub() async throws {
        let fixture = try HubFixture.fixtures([("a", []), ("b", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let targets = await RobustnessProc.waitForTargetTree(of: hub.pid, count: 2)
        let tree = RobustnessProc.descendants(of: hub.pid)  // targets and their supervisors
        defer { RobustnessProc.killLeftovers(tree) }
        #expect(targets.count == 2, "\(targets.map(RobustnessProc.commandLine))")
        #expect(targets.allSatisfy { RobustnessProc.commandLine($0).contains("fixture-server") })

        hub.sendSignal(SIGKILL)
        #expect(try await hub.waitForExit() == 128 + SIGKILL)
        let survivors = await RobustnessProc.waitUntilGone(tree, timeout: .seconds(30))
        #expect(survivors.isEmpty, "\(survivors.map(RobustnessProc.commandLine))")
    }
}
