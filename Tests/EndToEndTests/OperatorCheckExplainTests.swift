import Foundation
import HubTestSupport
import MCPWire
import Testing

/// `check` and `explain` driven through the real binary: exit statuses for CI, every problem named,
/// servers started only when asked or needed.
@Suite struct OperatorCheckExplainTests {
    static func run(_ arguments: [String], environment: [String: String]? = nil, stdin: String? = nil) async throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"), arguments: arguments, environment: environment)
        defer { process.terminate() }
        if let stdin { process.sendRaw(stdin) }
        process.closeStdin()
        let status = try await process.waitForExit(timeout: .seconds(90))
        return (status, process.stdoutLines.joined(separator: "\n"), process.stderrText)
    }

    @Test func checkReplayPrintsEveryRecordedDecisionThatWouldChange() async throws {
        let fixture = try HubFixture.standard()
        let lines = [
            #"{"v":1,"kind":"session_start","time":"2025-06-01T09:59:59.000Z"}"#,
            #"{"v":1,"kind":"decision","time":"2025-06-01T10:00:00.007Z","server":"payments","tool":"refund","name":"payments.refund","decision":"allow","rule":"old","arguments":{"charge":"ch_1","amount":500}}"#,
            #"{"v":1,"kind":"decision","time":"2025-06-01T10:00:01.000Z","server":"payments","tool":"get_balance","name":"payments.get_balance","decision":"allow","rule":"old","arguments":{}}"#,
        ]
        let audit = try TempFiles.write(
            lines.joined(separator: "\n") + "\n", name: "audit.jsonl", in: fixture.directory)
        let result = try await Self.run(["check", "--config", fixture.configURL.path, "--replay", audit.path])
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("payments.refund  allow -> approve  now: servers.payments.policy.approve[0]"))
        #expect(!result.stdout.contains("payments.get_balance  allow"))
        #expect(result.stdout.contains("replay: 2 recorded decisions, 1 would change (1 stricter, 0 looser)"))
        let missing = try await Self.run(
            ["check", "--config", fixture.configURL.path, "--replay", fixture.directory.path + "/none.jsonl"])
        #expect(missing.status == 74, "\(missing)")
        #expect(missing.stdout.contains("cannot read the audit file"))
    }

    // MARK: check

    @Test func checkPassesAValidConfigAndFailsWarningsOnlyWhenStrict() async throws {
        // code_delivery "agent", and an allow rule on SQL text: two warnings.
        let fixture = try HubFixture.standard()
        let relaxed = try await Self.run(["check", "--config", fixture.configURL.path])
        #expect(relaxed.status == 0, "\(relaxed)")
        #expect(relaxed.stdout.contains("warning: \(fixture.configURL.path): approval.code_delivery: "))
        #expect(
            relaxed.stdout.contains(
                "warning: \(fixture.configURL.path): servers.payments.policy.rules[1].arguments.sql: "))
        #expect(relaxed.stdout.contains("  fix: "))
        #expect(relaxed.stdout.hasSuffix("valid, 2 warnings"))
        let strict = try await Self.run(["check", "--config", fixture.configURL.path, "--strict"])
        #expect(strict.status == 1)
        let clean = try HubFixture(
            servers: [("notes", "demo-notes", [], ["default": "approve", "allow": ["list_*"]])],
            extra: ["approval": ["notify": ["true"]]])
        let none = try await Self.run(["check", "--config", clean.configURL.path, "--strict"])
        #expect(none.status == 0, "\(none)")
        #expect(none.stdout.hasSuffix(": valid"))
    }

    @Test func checkNamesEveryProblemWithAFixAndStartsNothing() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let journal = directory.appendingPathComponent("journal").path
        let config = """
            {"servers": {"payments": {"command": "\(Binaries.url("demo-payments").path)",
               "env": {"DEMO_JOURNAL": "\(journal)"}, "timeouts": {"call_seconds": -1},
               "policy": {"default": "alow", "rules": [{"tool": "x", "action": "block"}]}}},
             "approval": {"code_digits": 2}, "naming": {"seperator": "__"}}
            """
        let url = try TempFiles.write(config, name: "hub.json", in: directory)
        let result = try await Self.run(["check", "--config", url.path, "--start"])
        #expect(result.status == 78)
        for path in [
            "approval.code_digits", "naming.seperator", "servers.payments.timeouts.call_seconds",
            "servers.payments.policy.default", "servers.payments.policy.rules[0].action",
        ] {
            #expect(result.stdout.contains("error: \(url.path): \(path): "), "missing \(path) in \(result.stdout)")
        }
        #expect(result.stdout.components(separatedBy: "\n  fix: ").count == 6)
        #expect(result.stdout.contains("fix: rename the key to \"separator\""))
        #expect(result.stdout.hasSuffix("invalid (5 errors); warnings are reviewed once it is valid"))
        #expect(!FileManager.default.fileExists(atPath: journal))
        // serve refuses the same file, naming every problem too.
        let serve = try await Self.run(["serve", "--config", url.path])
        #expect(serve.status == 78)
        #expect(serve.stderr.components(separatedBy: "mcp-firewall-hub: error: ").count == 6)
        #expect(serve.stdout.isEmpty)
    }

    @Test func checkStartReportsEachServerAndFailsOnAFailedOne() async throws {
        let fixture = try HubFixture(
            servers: [
                ("broken", "fixture-server", ["--exit-before-initialize", "7"], ["default": "approve"]),
                ("notes", "demo-notes", [], ["default": "approve", "deny": ["delete_not"]]),
            ], extra: ["approval": ["notify": ["true"]]])
        let result = try await Self.run(["check", "--config", fixture.configURL.path, "--start"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("server broken: FAILED: "))
        #expect(result.stdout.contains("exit code 7"))
        #expect(result.stdout.contains("server notes: ready ("))
        // The live tool list shows the deny glob names no tool (a typo: delete_note).
        #expect(result.stdout.contains("servers.notes.policy.deny[0]: \"delete_not\" names no tool"))
        #expect(result.stdout.hasSuffix("1 server failed to start"))
    }

    @Test func checkAcceptsDiscoveryAndSessionPolicy() async throws {
        // The router enforces them, so check (like serve) takes them as valid.
        let fixture = try HubFixture(
            servers: [("notes", "demo-notes", [], ["default": "approve", "hide": ["delete_*"]])],
            extra: [
                "listing": ["mode": "discover"],
                "limits": [["tool": "notes.write_note", "per_minute": 2]],
                "flows": [["after": "notes.read_*", "tool": "notes.write_*", "action": "deny"]],
            ])
        let result = try await Self.run(["check", "--config", fixture.configURL.path])
        #expect(result.status != 78, "\(result)")
        #expect(!result.stdout.contains("does not enforce"))
        #expect(!result.stdout.contains("invalid"))
    }

    @Test func checkWithoutAConfigSaysWhereItLooked() async throws {
        let home = try TempFiles.directory()
        defer { TempFiles.remove(home) }
        let result = try await Self.run(
            ["check"], environment: ["HOME": home.path, "XDG_CONFIG_HOME": "", "MCP_FIREWALL_HUB_CONFIG": ""])
        #expect(result.status == 78)
        #expect(result.stdout.contains("no config file found"))
        #expect(result.stdout.contains("fix: "))
    }

    // MARK: explain

    @Test func explainShowsEveryStepWithoutStartingTheServer() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        // The server cannot start: explain must not need it for a decision a rule makes.
        let config = """
            {"servers": {"db": {"command": "/nonexistent/db-server", "policy": {"default": "approve",
               "rules": [{"tool": "query", "arguments": {"sql": "(?i)\\\\bdrop\\\\b"}, "action": "deny"},
                         {"tool": "query", "arguments": {"sql": "^select\\\\b"}, "action": "allow"}]}}}}
            """
        let url = try TempFiles.write(config, name: "hub.json", in: directory)
        let denied = try await Self.run([
            "explain", "db.query", "--config", url.path, "--args", #"{"sql": ["select 1", "DROP TABLE t"]}"#,
        ])
        #expect(denied.status == 0, "\(denied)")
        #expect(denied.stdout.hasPrefix("db.query: DENY"))
        #expect(denied.stdout.contains("decided by servers.db.policy.rules[0]"))
        #expect(denied.stdout.contains("\"select 1\"  no match"))
        #expect(denied.stdout.contains("\"DROP TABLE t\"  MATCH"))
        #expect(denied.stdout.contains("annotations: not needed"))
        #expect(!denied.stderr.contains("starting"))
        let allowed = try await Self.run([
            "explain", "db__query", "--client", "claude-code", "--config", url.path, "--args",
            #"{"sql": "select * from t"}"#,
        ])
        #expect(allowed.stdout.hasPrefix("db.query: ALLOW"))
        #expect(allowed.stdout.contains("lists it as db__query"))
        #expect(allowed.stdout.contains("does not hold: next rule"))
        let missing = try await Self.run(["explain", "db.query", "--config", url.path])
        #expect(missing.stdout.hasPrefix("db.query: APPROVE"))
        #expect(missing.stdout.contains("missing from the call: does not hold"))
    }

    @Test func explainSaysAHiddenToolIsUnknownToClients() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let config =
            #"{"servers": {"db": {"command": "/nonexistent/db-server", "policy": {"default": "allow", "hide": ["drop_*"]}}}}"#
        let url = try TempFiles.write(config, name: "hub.json", in: directory)
        let hidden = try await Self.run(["explain", "db.drop_all", "--config", url.path])
        #expect(hidden.status == 0, "\(hidden)")
        #expect(hidden.stdout.hasPrefix(#"db.drop_all: hidden by servers.db.policy.hide[0] "drop_*"."#))
        #expect(hidden.stdout.contains("answered exactly as an unknown tool"))
        let shown = try await Self.run(["explain", "db.query", "--config", url.path])
        #expect(shown.stdout.hasPrefix("db.query: ALLOW"))
    }

    @Test func explainStartsTheServerOnlyWhenAnnotationsDecide() async throws {
        let fixture = try HubFixture(servers: [("notes", "demo-notes", [], nil)])
        let started = try await Self.run(["explain", "notes.read_note", "--config", fixture.configURL.path])
        #expect(started.status == 0, "\(started)")
        #expect(started.stdout.hasPrefix("notes.read_note: ALLOW"))
        #expect(started.stdout.contains("decided by annotation readOnlyHint"))
        #expect(started.stdout.contains("annotations (from the server's tools/list)"))
        #expect(started.stderr.contains("starting notes"))
        let unknown = try await Self.run([
            "explain", "notes.read_note", "--no-start", "--config", fixture.configURL.path,
        ])
        #expect(unknown.stdout.hasPrefix("notes.read_note: APPROVE (or ALLOW, depending on the server's annotations)"))
        #expect(unknown.stdout.contains("the decision would be allow if the server annotates"))
        #expect(!unknown.stderr.contains("starting"))
        // A destructive word decides without annotations: nothing to start.
        let destructive = try await Self.run(["explain", "notes.delete_note", "--config", fixture.configURL.path])
        #expect(destructive.stdout.hasPrefix("notes.delete_note: APPROVE\n"))
        #expect(!destructive.stderr.contains("starting"))
    }

    @Test func explainRefusesNamesThatRouteNowhere() async throws {
        let fixture = try HubFixture(servers: [("notes", "demo-notes", [], ["default": "approve"])])
        let unknownServer = try await Self.run([
            "explain", "nope.tool", "--no-start", "--config", fixture.configURL.path,
        ])
        #expect(unknownServer.status == 1)
        #expect(unknownServer.stderr.contains("names no tool"))
        let unknownTool = try await Self.run(["explain", "notes.nope", "--start", "--config", fixture.configURL.path])
        #expect(unknownTool.status == 1)
        #expect(unknownTool.stdout.contains("lists no tool \"nope\""))
        let badArgs = try await Self.run([
            "explain", "notes.read_note", "--args", "[1]", "--config", fixture.configURL.path,
        ])
        #expect(badArgs.status == 64)
        #expect(badArgs.stderr.contains("--args must be a JSON object"))
        let noName = try await Self.run(["explain", "--config", fixture.configURL.path])
        #expect(noName.status == 64)
    }

    @Test func operatorCommandsHaveHelpWithExamples() async throws {
        for command in ["check", "explain", "call", "import"] {
            let help = try await Self.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.hasPrefix("USAGE: mcp-firewall-hub \(command)"))
            #expect(help.stdout.contains("EXAMPLES:"))
            #expect(help.stdout.contains("EXIT STATUS"))
        }
        let overview = try await Self.run(["--help"])
        #expect(overview.stdout.contains("mcp-firewall-hub check [--config PATH]"))
    }
}
