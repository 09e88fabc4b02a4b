import Foundation
import HubTestSupport
import MCPWire
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Live reload of hub.json in a running `serve`, driven as an operator would: edit the file, then
/// SIGHUP (or just save it), while a client keeps its session.
@Suite("Live reload", .timeLimit(.minutes(5)))
struct LiveReloadTests {
    private func echo(_ hub: MCPProcess, _ name: String, _ n: Int) async throws -> JSONValue {
        try await hub.call("tools/call", params: ["name": .string(name), "arguments": ["n": .int(n)]])
    }

    private func toolNames(_ hub: MCPProcess) async throws -> [String] {
        try await hub.call("tools/list")["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    @Test func aPolicyChangeAppliesToTheNextCall() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let before = try await echo(hub, "a.echo", 1)
        #expect(!before.isToolError, "\(before)")

        try fixture.setServerKey("a", "policy", ["default": "allow", "deny": ["echo"]])
        hub.sendSignal(SIGHUP)
        try await hub.waitForStderr(containing: "reload (SIGHUP): new settings for a", timeout: .seconds(30))
        let after = try await echo(hub, "a.echo", 2)
        #expect(after.isToolError, "\(after)")
        #expect(after.firstText?.contains("deny") == true, "\(after)")
        // The session and the process went on: no restart, no second start.
        #expect(!hub.stderrText.contains("[a] restarting"))
        #expect(try await hub.call("ping") == [:])
    }

    @Test func serversAddedAndRemovedAreStartedAndStoppedAndTheClientIsTold() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        #expect(try await toolNames(hub).contains("a.echo"))
        _ = hub.takeQueuedMessages()

        try fixture.editConfig { root in
            guard var servers = root["servers"]?.objectValue, var entry = servers["a"]?.objectValue else { return }
            entry["args"] = ["--name", "b"]
            servers["b"] = .object(entry)
            servers["a"] = nil
            root["servers"] = .object(servers)
        }
        hub.sendSignal(SIGHUP)
        try await hub.waitForStderr(containing: "reload (SIGHUP): added b; removed a", timeout: .seconds(30))
        try await hub.waitForStderr(containing: "[b] ready", timeout: .seconds(60))
        try await hub.waitForStderr(containing: "[a] stopped", timeout: .seconds(60))
        let names = try await toolNames(hub)
        #expect(names.contains("b.echo") && !names.contains("a.echo"), "\(names)")
        let removed = try await hub.request("tools/call", params: ["name": "a.echo", "arguments": [:]])
        #expect(removed.errorMessage?.contains("Unknown tool") == true, "\(removed)")
        let added = try await echo(hub, "b.echo", 3)
        #expect(added["structuredContent"]?["echo"]?["n"] == 3, "\(added)")
        let notices = hub.takeQueuedMessages().filter {
            if case .notification(let n) = $0 { return n.method == "notifications/tools/list_changed" }
            return false
        }
        #expect(!notices.isEmpty)
    }

    @Test func hidingAToolTakesItOutOfTheListAndTellsTheClient() async throws {
        let fixture = try HubFixture.fixtures([("a", ["--tools", "echo,other"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        #expect(try await toolNames(hub).contains("a.echo"))
        _ = hub.takeQueuedMessages()
        try fixture.setServerKey("a", "policy", ["default": "allow", "hide": ["echo"]])
        try fixture.editConfig { root in
            root["flows"] = [["name": "x", "after": "a.other", "tool": ["a.*"], "action": "deny"]]
        }
        hub.sendSignal(SIGHUP)
        try await hub.waitForStderr(containing: "reload (SIGHUP): new settings for a", timeout: .seconds(30))
        #expect(hub.stderrText.contains("\"flows, limits, exfiltration_guard\" changed; it stays as it was"))
        let names = try await toolNames(hub)
        #expect(!names.contains("a.echo") && names.contains("a.other"), "\(names)")
        let hidden = try await hub.request("tools/call", params: ["name": "a.echo", "arguments": [:]])
        #expect(hidden.errorMessage?.contains("Unknown tool") == true, "\(hidden)")
        let notices = hub.takeQueuedMessages().filter {
            if case .notification(let n) = $0 { return n.method == "notifications/tools/list_changed" }
            return false
        }
        #expect(notices.count == 1)
    }

    @Test func anInvalidFileKeepsTheRunningConfigAndSaysWhy() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()

        try fixture.editConfig { root in
            root["timeouts"] = ["call_seconds": 0]
            root["bogus"] = true
        }
        hub.sendSignal(SIGHUP)
        try await hub.waitForStderr(containing: "has 2 problems; the running config is kept", timeout: .seconds(30))
        try await hub.waitForStderr(containing: "unknown key \"bogus\"")
        try await hub.waitForStderr(containing: "timeouts.call_seconds")
        let still = try await echo(hub, "a.echo", 4)
        #expect(still["structuredContent"]?["echo"]?["n"] == 4, "\(still)")
    }

    @Test func withWatchSavingTheFileIsEnoughWithoutASignal() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub(arguments: ["serve", "--config", fixture.configURL.path, "--watch"])
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        try fixture.setServerKey("a", "policy", ["default": "allow", "deny": ["echo"]])
        try await hub.waitForStderr(containing: "reload (hub.json changed): new settings for a", timeout: .seconds(60))
        let after = try await echo(hub, "a.echo", 5)
        #expect(after.isToolError, "\(after)")
    }

    @Test func aHeldCallApprovedAfterAReloadThatDeniesItDoesNotRun() async throws {
        let fixture = try HubFixture(
            servers: [("a", "fixture-server", ["--name", "a"], ["default": "allow", "approve": ["echo"]])],
            extra: ["approval": ["code_delivery": "agent"]])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let held = try await echo(hub, "a.echo", 6)
        let code = try #require(approvalCode(in: held.firstText ?? ""), "\(held)")

        try fixture.setServerKey("a", "policy", ["default": "allow", "deny": ["echo"]])
        hub.sendSignal(SIGHUP)
        try await hub.waitForStderr(containing: "reload (SIGHUP): new settings for a", timeout: .seconds(30))
        let confirmed = try await hub.call(
            "tools/call", params: ["name": "firewall_confirm", "arguments": ["otp": .string(code)]])
        #expect(confirmed.isToolError, "\(confirmed)")
        #expect(confirmed["structuredContent"]?["echo"] == nil, "\(confirmed)")
        try await hub.waitForStderr(containing: "but the policy now denies it")
    }

    @Test func withoutWatchASavedFileWaitsForTheSignal() async throws {
        // An agent with a file-write tool must not loosen its own policy by saving hub.json.
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        try fixture.setServerKey("a", "policy", ["default": "allow", "deny": ["echo"]])
        try await Task.sleep(for: .seconds(3))  // several looks of a watch, were one running
        let still = try await echo(hub, "a.echo", 7)
        #expect(!still.isToolError, "\(still)")
        #expect(!hub.stderrText.contains("reload"))
    }

    @Test func aHeldCallDoesNotRunOnAServerStartedAgainWithOtherSettings() async throws {
        let fixture = try HubFixture(
            servers: [("a", "fixture-server", ["--name", "a"], ["default": "allow", "approve": ["echo"]])],
            extra: ["approval": ["code_delivery": "agent"]])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let held = try await echo(hub, "a.echo", 8)
        let code = try #require(approvalCode(in: held.firstText ?? ""), "\(held)")
        try fixture.setServerKey("a", "args", ["--name", "a", "--stderr-noise"])
        hub.sendSignal(SIGHUP)
        try await hub.waitForStderr(containing: "reload (SIGHUP): restarting a", timeout: .seconds(30))
        try await hub.waitForStderr(containing: "[a] ready", timeout: .seconds(60))
        let confirmed = try await hub.call(
            "tools/call", params: ["name": "firewall_confirm", "arguments": ["otp": .string(code)]])
        #expect(confirmed.isToolError, "\(confirmed)")
        #expect(confirmed["structuredContent"]?["echo"] == nil, "\(confirmed)")
    }

    @Test func aFIFOInPlaceOfHubJSONIsRefusedWithoutStallingTheRouter() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        try FileManager.default.removeItem(at: fixture.configURL)
        #expect(mkfifo(fixture.configURL.path, 0o600) == 0)
        hub.sendSignal(SIGHUP)
        try await hub.waitForStderr(
            containing: "is not a regular file; the running config is kept", timeout: .seconds(30))
        #expect(try await hub.call("ping") == [:])
        let still = try await echo(hub, "a.echo", 9)
        #expect(still["structuredContent"]?["echo"]?["n"] == 9, "\(still)")
    }

    @Test func aSignalDuringStartUpDoesNotEndTheSession() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        // As soon as the hub's own code runs (it ignores SIGHUP first thing, before it reads its config
        // or starts a server), or at the latest once it says it is serving.
        var ignoring = false
        let deadline = ContinuousClock.now + .seconds(120)
        while !ignoring && !hub.stderrText.contains("serving") && ContinuousClock.now < deadline {
            let status = (try? String(contentsOfFile: "/proc/\(hub.pid)/status", encoding: .utf8)) ?? ""
            let mask = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
                .flatMap { UInt64($0.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16) }
            ignoring = (mask ?? 0) & 1 != 0
            if !ignoring { try await Task.sleep(for: .milliseconds(20)) }
        }
        hub.sendSignal(SIGHUP)
        try await hub.initializeAndWaitForTargets()
        #expect(try await hub.call("ping") == [:])
    }
}
