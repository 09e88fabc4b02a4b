import Foundation
import HubTestSupport
import MCPWire
import Testing

/// `import` driven through the real binary on a client config in its standard place (a temporary
/// HOME): hub.json written, the client's file left alone without --write and rewritten (after a
/// backup) with it, and the imported servers reachable through the hub.
@Suite struct OperatorImportTests {
    private struct Home {
        let directory: URL
        let clientFile: URL
        let environment: [String: String]
        let original: String

        init() throws {
            directory = try TempFiles.directory()
            #if os(macOS)
                let folder = directory.appendingPathComponent("Library/Application Support/Claude")
            #else
                let folder = directory.appendingPathComponent(".config/Claude")
            #endif
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            original = """
                {
                  "globalShortcut": "Ctrl+Space",
                  "mcpServers": {
                    "notes": {"command": "\(Binaries.url("demo-notes").path)", "env": {"NOTES_API_KEY": "k-123456789"}},
                    "remote": {"url": "https://example.com/mcp"},
                    "custom": {"command": "x", "autoApprove": ["everything"]}
                  }
                }
                """
            clientFile = try TempFiles.write(original, name: "claude_desktop_config.json", in: folder)
            environment = [
                "HOME": directory.path, "XDG_CONFIG_HOME": directory.appendingPathComponent(".config").path,
            ]
        }
    }

    @Test func importsWritesHubJSONAndRewritesTheClientOnlyWhenAsked() async throws {
        let home = try Home()
        defer { TempFiles.remove(home.directory) }
        let hubPath = home.directory.appendingPathComponent("hub.json").path
        let dry = try await OperatorCheckExplainTests.run(
            ["import", "--from", "claude-desktop", "--output", hubPath], environment: home.environment)
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("left in \(home.clientFile.path): \"remote\": a remote"))
        #expect(dry.stdout.contains("\"custom\": has \"autoApprove\""))
        #expect(dry.stdout.contains("\"firewall\": {"))
        #expect(dry.stdout.contains("kept as written (not shown): servers.notes.env.NOTES_API_KEY"))
        #expect(!dry.stdout.contains("k-123456789"))
        #expect(try String(contentsOf: home.clientFile, encoding: .utf8) == home.original)
        let attributes = try FileManager.default.attributesOfItem(atPath: hubPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let hub = try JSONParser.parse(String(contentsOfFile: hubPath, encoding: .utf8))
        #expect(hub["servers"]?["notes"]?["env"]?["NOTES_API_KEY"] == "k-123456789")

        // hub.json is never overwritten.
        let again = try await OperatorCheckExplainTests.run(
            ["import", "--from", "claude-desktop", "--output", hubPath], environment: home.environment)
        #expect(again.status == 1)
        #expect(again.stderr.contains("exists; import never overwrites it"))

        // The imported server works through the hub.
        let check = try await OperatorCheckExplainTests.run(["check", "--config", hubPath, "--start"])
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("server notes: ready"))
        let listed = try await OperatorCheckExplainTests.run(["call", "notes.list_notes", "--config", hubPath])
        #expect(listed.status == 0, "\(listed)")

        // --write: backup first, then the imported entry replaced by the hub's; the rest kept.
        let second = home.directory.appendingPathComponent("hub2.json").path
        let written = try await OperatorCheckExplainTests.run(
            ["import", "--from", "claude-desktop", "--output", second, "--write"], environment: home.environment)
        #expect(written.status == 0, "\(written)")
        let backup = home.clientFile.path + ".bak-mcp-firewall-hub"
        #expect(try String(contentsOfFile: backup, encoding: .utf8) == home.original)
        let client = try JSONParser.parse(String(contentsOf: home.clientFile, encoding: .utf8))
        #expect(client["globalShortcut"] == "Ctrl+Space")
        #expect(client["mcpServers"]?.objectValue?.keys == ["remote", "custom", "firewall"])
        #expect(client["mcpServers"]?["custom"]?["autoApprove"] == ["everything"])
        #expect(client["mcpServers"]?["firewall"]?["args"] == ["serve", "--config", .string(second)])
        let hubBinary = try #require(client["mcpServers"]?["firewall"]?["command"]?.stringValue)
        #expect(FileManager.default.isExecutableFile(atPath: hubBinary))
    }

    @Test func aPreviewPrintsHubJSONWithoutItsSecretsAndWritesNothing() async throws {
        let home = try Home()
        defer { TempFiles.remove(home.directory) }
        let preview = try await OperatorCheckExplainTests.run(
            ["import", "--from", home.clientFile.path, "--output", "-"], environment: home.environment)
        #expect(preview.status == 0, "\(preview)")
        let hub = try JSONParser.parse(preview.stdout)
        #expect(hub["servers"]?.objectValue?.keys == ["notes"])
        #expect(!preview.stdout.contains("k-123456789"))
        #expect(preview.stderr.contains("the entry your client needs instead"))
        #expect(try String(contentsOf: home.clientFile, encoding: .utf8) == home.original)
        let refused = try await OperatorCheckExplainTests.run(
            ["import", "--output", "-", "--write"], environment: home.environment)
        #expect(refused.status == 64)
    }

    @Test func nothingToImportFromAnEmptyHome() async throws {
        let home = try TempFiles.directory()
        defer { TempFiles.remove(home) }
        let result = try await OperatorCheckExplainTests.run(
            ["import"], environment: ["HOME": home.path, "XDG_CONFIG_HOME": ""])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no MCP client config found"))
    }
}
