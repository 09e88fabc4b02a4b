import Foundation
import HubTestSupport
import MCPWire
import Testing

/// `call` driven through the real binary, as a person at a terminal (a pseudo-terminal) or a script
/// (pipes) would run it: the policy's outcome in the exit status, the server's result on stdout, and
/// approval asked of the human where one is.
@Suite struct OperatorCallTests {
    private static let refund = #"{"charge_id": "ch_1", "amount": 5}"#

    private func call(
        _ fixture: HubFixture, _ tool: String, _ arguments: String? = nil, extra: [String] = [], stdin: String? = nil
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        var command = ["call", tool, "--config", fixture.configURL.path] + extra
        if let arguments { command += ["--args", arguments] }
        return try await OperatorCheckExplainTests.run(command, stdin: stdin)
    }

    /// The demo servers with the repo's policies and no approval channel but the terminal.
    private func fixture(approval: JSONObject = [:]) throws -> HubFixture {
        try HubFixture.standard(extra: ["approval": .object(approval)])
    }

    @Test func anAllowedCallPrintsTheResult() async throws {
        let fixture = try fixture()
        let result = try await call(fixture, "payments.get_balance")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == #"{"available":1000,"currency":"USD"}"#)
        #expect(result.stderr.contains("payments.get_balance: allow (servers.payments.policy.allow[0] \"get_*\")"))
        #expect(fixture.executedTools("payments") == ["get_balance"])
        let raw = try await call(fixture, "payments.get_balance", extra: ["--json"])
        let parsed = try JSONParser.parse(raw.stdout)
        #expect(parsed["structuredContent"]?["available"] == 1000)
        #expect(parsed["isError"] == false)
    }

    @Test func aDeniedCallExitsTwoAndNeverRuns() async throws {
        let fixture = try fixture()
        let result = try await call(fixture, "payments.delete_customer", #"{"customer_id": "c1"}"#)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("Denied by mcp-firewall-hub"))
        #expect(fixture.executedTools("payments").isEmpty)
    }

    @Test func withoutATerminalOrAChannelAHeldCallIsRefusedWithWhy() async throws {
        let fixture = try fixture()
        let result = try await call(fixture, "payments.refund", Self.refund)
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains("no approval channel reaches a human"))
        #expect(fixture.executedTools("payments").isEmpty)
    }

    @Test func aToolErrorAndAnUnknownToolExitOne() async throws {
        let fixture = try fixture()
        let unknown = try await call(fixture, "payments.no_such_tool")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("Unknown tool"))
        let raw = try await call(fixture, "payments.no_such_tool", extra: ["--json"])
        #expect(try JSONParser.parse(raw.stdout)["error"]?["code"] != nil)
        let bad = try await call(fixture, "payments.get_balance", "not json")
        #expect(bad.status == 64)
    }

    @Test func anOutOfBandCodeIsReadFromStdinWithoutATerminal() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let codeFile = directory.appendingPathComponent("code").path
        // The notify command gets the code as its own argument (never inside a shell script).
        let fixture = try fixture(approval: [
            "notify": ["/bin/sh", "-c", "printf %s \"$1\" > \"$2\"", "sh", "{code}", .string(codeFile)]
        ])
        let process = try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"),
            arguments: ["call", "payments.refund", "--config", fixture.configURL.path, "--args", Self.refund])
        defer { process.terminate() }
        try await process.waitForStderr(containing: "An approval code was sent to the user", timeout: .seconds(60))
        let code = try await waitForFile(codeFile)
        process.sendRaw(code + "\n")
        let status = try await process.waitForExit(timeout: .seconds(60))
        #expect(status == 0, "\(process.stderrText)")
        #expect(process.stdoutLines.joined().contains("Refunded 5 USD on charge ch_1"))
        #expect(fixture.executedTools("payments") == ["refund"])
    }

    @Test func aHeldCallIsApprovedAtTheTerminal() async throws {
        let fixture = try fixture()
        let terminal = try PseudoTerminal.launch(
            Binaries.url("mcp-firewall-hub"),
            arguments: ["call", "payments.refund", "--config", fixture.configURL.path, "--args", Self.refund])
        defer { terminal.terminate() }
        try await terminal.waitFor("mcp-firewall-hub: server \"payments\" wants to run refund.", timeout: .seconds(60))
        try await terminal.waitFor("[y/N]: ")
        #expect(terminal.transcript.contains("\"charge_id\": \"ch_1\""))
        #expect(fixture.executedTools("payments").isEmpty)
        terminal.type("y\n")
        try await terminal.waitFor("choose 1-4 [once]: ")
        terminal.type("\n")
        let status = try await terminal.waitForExit(timeout: .seconds(60))
        #expect(status == 0, "\(terminal.transcript)")
        #expect(terminal.transcript.contains("Refunded 5 USD on charge ch_1"))
        #expect(fixture.executedTools("payments") == ["refund"])
    }

    @Test func aHeldCallDeclinedAtTheTerminalNeverRuns() async throws {
        let fixture = try fixture()
        let terminal = try PseudoTerminal.launch(
            Binaries.url("mcp-firewall-hub"),
            arguments: ["call", "payments.refund", "--config", fixture.configURL.path, "--args", Self.refund])
        defer { terminal.terminate() }
        try await terminal.waitFor("[y/N]: ", timeout: .seconds(60))
        terminal.type("maybe\n")
        try await terminal.waitFor("not understood; try again")
        terminal.type("n\n")
        try await terminal.waitFor("choose 1-4 [once]: ")
        terminal.type("\n")
        let status = try await terminal.waitForExit(timeout: .seconds(60))
        #expect(status == 3, "\(terminal.transcript)")
        #expect(terminal.transcript.contains("was declined by the user"))
        #expect(fixture.executedTools("payments").isEmpty)
    }

    @Test func aCodeSentOutOfBandIsTypedAtTheTerminal() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let codeFile = directory.appendingPathComponent("code").path
        let fixture = try fixture(approval: [
            "elicitation": false,
            "notify": ["/bin/sh", "-c", "printf %s \"$1\" > \"$2\"", "sh", "{code}", .string(codeFile)],
        ])
        let terminal = try PseudoTerminal.launch(
            Binaries.url("mcp-firewall-hub"),
            arguments: ["call", "payments.refund", "--config", fixture.configURL.path, "--args", Self.refund])
        defer { terminal.terminate() }
        try await terminal.waitFor("Approval code (Enter to refuse): ", timeout: .seconds(60))
        terminal.type("000000\n")  // wrong (or, once in a million runs, right: then it simply runs)
        let code = try await waitForFile(codeFile)
        if code != "000000" {
            try await terminal.waitFor("wrong approval code")
            terminal.type(code + "\n")
        }
        let status = try await terminal.waitForExit(timeout: .seconds(60))
        #expect(status == 0, "\(terminal.transcript)")
        #expect(fixture.executedTools("payments") == ["refund"])
    }

    private func waitForFile(_ path: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError.unexpectedReply("the notify command never wrote \(path)")
    }
}
