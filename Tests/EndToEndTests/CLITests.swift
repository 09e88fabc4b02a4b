import Foundation
import HubTestSupport
import MCPWire
import Testing

/// The command-line surface: `tools`, `--help`, `--version`, config errors.
@Suite struct CLITests {
    private func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"), arguments: arguments, environment: environment)
        defer { process.terminate() }
        process.closeStdin()
        let status = try await process.waitForExit(timeout: .seconds(30))
        return (status, process.stdoutLines.joined(separator: "\n"), process.stderrText)
    }

    @Test func toolsJSONListsEveryToolWithItsDecisionAndRule() async throws {
        let fixture = try HubFixture.standard()
        let (status, stdout, _) = try await run(["tools", "--config", fixture.configURL.path, "--json"])
        #expect(status == 0)
        let rows = try #require(try JSONParser.parse(stdout).arrayValue)
        for row in rows {
            #expect(row.objectValue?.keys == ["name", "server", "tool", "decision", "rule", "description", "pin"])
        }
        func row(_ name: String) -> JSONValue? { rows.first { $0["name"] == .string(name) } }
        #expect(row("payments.get_balance")?["decision"] == "allow")
        #expect(row("payments.get_balance")?["server"] == "payments")
        #expect(row("payments.get_balance")?["tool"] == "get_balance")
        #expect(row("payments.refund")?["decision"] == "approve")
        #expect(row("payments.delete_customer")?["decision"] == "deny")
        #expect(
            row("payments.delete_customer")?["rule"]?.stringValue?.contains("servers.payments.policy.deny[0]") == true)
        #expect(row("notes.write_note")?["decision"] == "approve")
        #expect(row("firewall_confirm") != nil)
        let names = rows.compactMap { $0["name"]?.stringValue }
        #expect(Set(names).count == names.count)
        #expect(names.last == "firewall_confirm")
    }

    @Test func toolsTableAndClientNaming() async throws {
        let fixture = try HubFixture.standard()
        let (status, stdout, _) = try await run(["tools", "--config", fixture.configURL.path, "--client", "claude-ai"])
        #expect(status == 0)
        #expect(stdout.hasPrefix("NAME"))
        #expect(stdout.contains("payments__refund"))
        #expect(stdout.contains("approve"))
    }

    @Test func toolsExitsNonZeroNamingAFailedServerButListsTheRest() async throws {
        let fixture = try HubFixture(servers: [
            ("broken", "fixture-server", ["--exit-before-initialize", "7"], nil),
            ("notes", "demo-notes", [], nil),
        ])
        let (status, stdout, stderr) = try await run(["tools", "--config", fixture.configURL.path, "--json"])
        #expect(status == 1)
        let names = try JSONParser.parse(stdout).arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("notes.list_notes"))
        #expect(stderr.contains("broken"))
        #expect(stderr.contains("exit code 7"))
    }

    @Test func aBrokenConfigNamesThePathAndStartsNothing() async throws {
        let directory = try TempFiles.directory()
        let journal = directory.appendingPathComponent("journal").path
        let config = """
            {"servers": {"payments": {"command": "\(Binaries.url("demo-payments").path)",
              "env": {"DEMO_JOURNAL": "\(journal)"},
              "policy": {"rules": [{"tool": "x", "action": "block"}]}}}}
            """
        let url = try TempFiles.write(config, name: "hub.json", in: directory)
        let (status, stdout, stderr) = try await run(["serve", "--config", url.path])
        #expect(status == 78)
        #expect(stdout.isEmpty)
        #expect(stderr.contains("servers.payments.policy.rules[0].action"))
        #expect(stderr.contains("allow, approve, deny"))
        #expect(!FileManager.default.fileExists(atPath: journal))
    }

    @Test func aMissingVariableNamesTheServerAndVariable() async throws {
        let directory = try TempFiles.directory()
        let config = """
            {"mcpServers": {"stripe": {"command": "uvx", "env": {"KEY": "${HUB_TEST_UNSET_VARIABLE}"}}}}
            """
        let url = try TempFiles.write(config, name: "hub.json", in: directory)
        let (status, _, stderr) = try await run(["tools", "--config", url.path])
        #expect(status == 78)
        #expect(stderr.contains("HUB_TEST_UNSET_VARIABLE"))
        #expect(stderr.contains("stripe"))
    }

    @Test func withoutAConfigItSaysWhereItLooked() async throws {
        let home = try TempFiles.directory()
        let (status, _, stderr) = try await run(
            ["tools"],
            environment: ["HOME": home.path, "XDG_CONFIG_HOME": home.path + "/xdg", "MCP_FIREWALL_HUB_CONFIG": ""])
        #expect(status == 78)
        #expect(stderr.contains("--config"))
        #expect(stderr.contains("xdg/mcp-firewall-hub/hub.json"))
    }

    @Test func helpVersionAndUsageErrors() async throws {
        let help = try await run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("serve"))
        let toolsHelp = try await run(["tools", "--help"])
        #expect(toolsHelp.stdout.contains("--json"))
        let version = try await run(["--version"])
        #expect(version.stdout.hasPrefix("mcp-firewall-hub "))
        let bad = try await run(["serve", "--bogus"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--bogus"))
    }
}
