import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Until the router enforces them, discovery and session-policy settings stop the hub at start
/// (exit 78, no server started) instead of running without the protection they describe.
@Suite struct UnwiredSettingsEndToEndTests {
    @Test(arguments: [
        #""flows": [{"after": "payments.*", "tool": "payments.refund", "action": "deny"}]"#,
        #""limits": [{"tool": "payments.refund", "per_minute": 1}]"#,
        #""exfiltration_guard": {}"#,
        #""listing": {"mode": "discover"}"#,
    ])
    func serveRefusesToStartWithoutStartingAServer(setting: String) async throws {
        let directory = try TempFiles.directory()
        let journal = directory.appendingPathComponent("journal").path
        let config = """
            {"servers": {"payments": {"command": "\(Binaries.url("demo-payments").path)",
              "env": {"DEMO_JOURNAL": "\(journal)"}}}, \(setting)}
            """
        let url = try TempFiles.write(config, name: "hub.json", in: directory)
        let process = try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"), arguments: ["serve", "--config", url.path])
        defer { process.terminate() }
        process.closeStdin()
        let status = try await process.waitForExit(timeout: .seconds(30))
        #expect(status == 78)
        #expect(process.stdoutLines.isEmpty)
        #expect(process.stderrText.contains("does not enforce it yet"))
        #expect(!FileManager.default.fileExists(atPath: journal))
    }
}
