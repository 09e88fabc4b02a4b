import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Which era the hub opens toward each target (`servers.*.protocol`), with servers that behave like
/// the official Python SDK: the first request commits the process to an era for good.
@Suite struct TargetEraTests {
    private func tools(_ fixture: HubFixture) async throws -> (status: Int32, names: [String], stderr: String) {
        let process = try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"), arguments: ["tools", "--config", fixture.configURL.path, "--json"])
        defer { process.terminate() }
        process.closeStdin()
        let status = try await process.waitForExit(timeout: .seconds(90))
        let rows = try JSONParser.parse(process.stdoutLines.joined(separator: "\n")).arrayValue ?? []
        return (status, rows.compactMap { $0["name"]?.stringValue }, process.stderrText)
    }

    /// The reproduction of issue 13: a server that needs 4 s to read its input used to be probed with
    /// `server/discover`, committed itself to 2026-07-28, and then refused the hub's late `initialize`.
    @Test func aSlowDualEraServerIsListedAndTheWaitIsAnnounced() async throws {
        let fixture = try HubFixture(
            servers: [("slow", "fixture-server", ["--dual-era", "--tools", "echo,boom"], nil)],
            env: ["slow": ["DEMO_STARTUP_DELAY_MS": "4000"]])
        let (status, names, stderr) = try await tools(fixture)
        #expect(status == 0, "stderr: \(stderr)")
        #expect(names.contains("slow.echo"))
        #expect(stderr.contains("waiting for slow"))
        #expect(!stderr.contains("serving that era"), "a dual-era server gets the legacy session")
    }

    @Test func protocolModernOpensADualEraServerIn2026() async throws {
        let fixture = try HubFixture(
            servers: [("dual", "fixture-server", ["--dual-era"], ["default": "allow"])],
            serverKeys: ["dual": ["protocol": "modern"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let echo = try await hub.call("tools/call", params: ["name": "dual.echo", "arguments": ["x": 1]])
        #expect(echo["structuredContent"]?["echo"]?["x"] == 1)
        #expect(echo["resultType"] == nil, "a legacy client gets a legacy result")
        try await hub.waitForStderr(containing: "serving that era")
    }

    /// `modern` falls back to `initialize` when `server/discover` is refused with an error that does not
    /// name 2026-07-28 (a legacy server answers -32601).
    @Test func protocolModernFallsBackForALegacyServer() async throws {
        let fixture = try HubFixture(
            servers: [("notes", "demo-notes", [], nil)], serverKeys: ["notes": ["protocol": "modern"]])
        let (status, names, stderr) = try await tools(fixture)
        #expect(status == 0, "stderr: \(stderr)")
        #expect(names.contains("notes.list_notes"))
    }

    /// `auto` opens a modern-only server after it refuses `initialize`; `legacy` does not, and says why.
    @Test func aModernOnlyServerNeedsAutoOrModern() async throws {
        for mode in ["auto", "modern"] {
            let fixture = try HubFixture(
                servers: [("modern", "modern-server", [], nil)], serverKeys: ["modern": ["protocol": .string(mode)]])
            let (status, names, stderr) = try await tools(fixture)
            #expect(status == 0, "\(mode): \(stderr)")
            #expect(names.contains("modern.echo"), "\(mode)")
        }
        let fixture = try HubFixture(
            servers: [("modern", "modern-server", [], nil)], serverKeys: ["modern": ["protocol": "legacy"]])
        let (status, names, stderr) = try await tools(fixture)
        #expect(status == 1)
        #expect(!names.contains("modern.echo"))
        #expect(stderr.contains("initialize failed"))
        #expect(stderr.contains("-32022"))
    }

    /// A server that refuses both openings fails once, naming both refusals.
    @Test func aServerRefusingBothOpeningsFailsWithBothReasons() async throws {
        let fixture = try HubFixture(servers: [("broken", "fixture-server", ["--initialize-error"], nil)])
        let (status, _, stderr) = try await tools(fixture)
        #expect(status == 1)
        #expect(stderr.contains("initialize failed: fixture-server: --initialize-error was given"))
        #expect(stderr.contains("then server/discover failed"))
    }

    /// After a crash, the restart of a slow dual-era server (4 s before it reads) still gets `initialize`
    /// first, and the call that waited for it is answered.
    @Test func aSlowServerRestartedAfterACrashServesTheWaitingCall() async throws {
        let fixture = try HubFixture(
            servers: [
                (
                    "slow", "fixture-server", ["--dual-era", "--tools", "echo,boom", "--crash-on", "boom"],
                    ["default": "allow"]
                )
            ],
            env: ["slow": ["DEMO_STARTUP_DELAY_MS": "4000"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        // On a very busy machine the start may outlast the hub's grace: the server then comes by list_changed.
        while try await hub.call("tools/list")["tools"]?.arrayValue?.contains(where: { $0["name"] == "slow.echo" })
            != true
        {
            while true {
                if case .notification(let n) = try await hub.nextMessage(timeout: .seconds(60)),
                    n.method == "notifications/tools/list_changed"
                {
                    break
                }
            }
        }
        let first = try await hub.call("tools/call", params: ["name": "slow.echo", "arguments": ["n": 1]])
        #expect(first["structuredContent"]?["echo"]?["n"] == 1)
        let crash = try await hub.request("tools/call", params: ["name": "slow.boom", "arguments": [:]])
        #expect(crash.outcome.errorCode != nil)
        let again = try await hub.call(
            "tools/call", params: ["name": "slow.echo", "arguments": ["n": 2]], timeout: .seconds(60))
        #expect(again["structuredContent"]?["echo"]?["n"] == 2)
        #expect(!hub.stderrText.contains("serving that era"))
    }
}
