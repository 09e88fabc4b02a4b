import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Single-target mode — the drop-in for MCP Action Firewall users — through the real binary, with the
/// demo payments server (or the fixture server) as the one target.
@Suite struct SeedModeTests {
    static let secret = "sk_live_SECRET_4242"

    /// A temp directory (the hub's working directory), with the target's journal inside it.
    struct Scene {
        let directory: URL
        var journal: URL { directory.appendingPathComponent("target.journal") }

        init() throws { directory = try TempFiles.directory() }

        func cleanUp() { TempFiles.remove(directory) }

        /// The `--target` string: the journal passed as a leading assignment (as a shell would), then the
        /// binary and `extra`.
        func target(_ binary: String = "demo-payments", _ extra: String = "--api-key \(SeedModeTests.secret)")
            -> String
        {
            "DEMO_JOURNAL=\(SeedModeTests.quoted(journal.path)) \(SeedModeTests.quoted(Binaries.url(binary).path)) \(extra)"
        }

        func launch(_ arguments: [String], environment: [String: String]? = nil) throws -> MCPProcess {
            try MCPProcess.launch(
                Binaries.url("mcp-firewall-hub"), arguments: arguments, environment: environment,
                currentDirectory: directory)
        }

        /// Runs a command that ends by itself (`tools`, `--generate-config`); returns status, stdout, stderr.
        func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            let process = try launch(arguments)
            defer { process.terminate() }
            process.closeStdin()
            let status = try await process.waitForExit(timeout: .seconds(30))
            return (status, process.stdoutLines.joined(separator: "\n"), process.stderrText)
        }

        func writeConfig(_ json: JSONValue, name: String = "seed.json") throws -> URL {
            try TempFiles.write(json.prettyPrinted(), name: name, in: directory)
        }

        /// The journal entries: one per tool the target actually ran.
        var executed: [JSONValue] {
            guard let text = try? String(contentsOf: journal, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0)) }
        }

        var executedTools: [String] { executed.compactMap { $0["tool"]?.stringValue } }
    }

    /// `text` in single quotes, for a `--target` string.
    fileprivate static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    private func call(_ hub: MCPProcess, _ name: String, _ arguments: JSONValue = [:], meta: JSONValue? = nil)
        async throws -> JSONValue
    {
        var params: JSONObject = ["name": .string(name), "arguments": arguments]
        if let meta { params["_meta"] = meta }
        return try await hub.call("tools/call", params: .object(params))
    }

    private func toolNames(_ hub: MCPProcess) async throws -> [String] {
        let list = try await hub.call("tools/list")
        return (list["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    /// Decisions from `tools --json`: tool name → (decision, rule).
    private func decisions(_ stdout: String) throws -> [String: (decision: String, rule: String)] {
        let rows = try #require(try JSONParser.parse(stdout).arrayValue)
        var result: [String: (String, String)] = [:]
        for row in rows {
            if let name = row["name"]?.stringValue {
                result[name] = (row["decision"]?.stringValue ?? "", row["rule"]?.stringValue ?? "")
            }
        }
        return result
    }

    private func wrongCode(for code: String) -> String { code == "000000" ? "111111" : "000000" }

    // MARK: - Defaults, names, merge

    @Test func defaultConfigKeepsToolNamesAndAddsFirewallConfirmOnce() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target()])
        defer { hub.terminate() }
        _ = try await hub.initialize(clientName: "claude-ai")
        let names = try await toolNames(hub)
        #expect(
            Array(names.prefix(6)) == [
                "get_balance", "list_customers", "refund", "delete_customer", "execute_sql", "echo",
            ])
        #expect(names.last == "firewall_confirm")
        #expect(names.filter { $0 == "firewall_confirm" }.count == 1)
        #expect(!names.contains { $0.contains(".") || $0.contains("__") })
        let balance = try await call(hub, "get_balance")
        #expect(!balance.isToolError, "\(balance)")
        #expect(balance["structuredContent"]?["currency"] == "USD")
        // Bundled defaults: block keywords hold, allow prefixes run, everything else is held (default block).
        for (tool, arguments) in [
            ("refund", ["charge_id": "ch_1", "amount": 1] as JSONValue),
            ("delete_customer", ["customer_id": "cus_001"]), ("echo", ["text": "hi"]),
        ] {
            let held = try await call(hub, tool, arguments)
            #expect(held.isToolError)
            #expect(held.firstText?.contains("PAUSED_FOR_APPROVAL") == true, "\(tool): \(held)")
        }
        #expect(!(try await call(hub, "list_customers")).isToolError)
        #expect(scene.executedTools == ["get_balance", "list_customers"])
    }

    @Test func nameMergesTheServerBlockOfTheBundledConfig() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let fixture = scene.target("fixture-server", "--tools get_charge,select_rows,get_and_delete_everything")
        let plain = try await scene.run(["tools", "--target", fixture, "--json"])
        #expect(plain.status == 0, "\(plain.stderr)")
        let global = try decisions(plain.stdout)
        #expect(global["get_charge"]?.decision == "allow")
        #expect(global["select_rows"]?.decision == "approve")
        #expect(global["get_and_delete_everything"]?.decision == "approve")
        #expect(global["get_and_delete_everything"]?.rule == #"built-in defaults: global.block_keywords[0] "delete""#)

        let stripe = try decisions(
            try await scene.run(["tools", "--target", fixture, "--name", "stripe", "--json"]).stdout)
        #expect(stripe["get_charge"]?.decision == "approve")
        #expect(stripe["get_charge"]?.rule == #"built-in defaults: servers.stripe.block_keywords[1] "charge""#)
        let database = try decisions(
            try await scene.run(["tools", "--target", fixture, "--name", "database", "--json"]).stdout)
        #expect(database["select_rows"]?.decision == "allow")
        #expect(database["select_rows"]?.rule == #"built-in defaults: servers.database.allow_prefixes[0] "select_""#)

        // The same through a live session: with --name stripe the get_ prefix no longer lets get_charge run.
        let hub = try scene.launch(["--target", fixture, "--name", "stripe"])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let held = try await call(hub, "get_charge", ["id": "ch_1"])
        #expect(held.firstText?.contains("PAUSED_FOR_APPROVAL") == true)
        #expect(held.firstText?.contains(#"servers.stripe.block_keywords[1] \"charge\""#) == true)
        let both = try await call(hub, "get_and_delete_everything")
        #expect(both.firstText?.contains("PAUSED_FOR_APPROVAL") == true)
        #expect(scene.executedTools.isEmpty)
        try await hub.waitForStderr(containing: "server \"stripe\"")
    }

    @Test func aTargetToolNamedFirewallConfirmGetsAStandInName() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target("fixture-server", "--tools firewall_confirm,get_x")])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let names = try await toolNames(hub)
        #expect(names.filter { $0 == "firewall_confirm" }.count == 1)
        let standIn = try #require(names.first { $0.hasPrefix("firewall_confirm_") })
        #expect(standIn.count == "firewall_confirm_".count + 8)
        #expect(names.contains("get_x"))
        // The stand-in routes to the target's tool (held by the default action); the plain name is the hub's.
        let held = try await call(hub, standIn, ["otp": "123456"])
        let text = try #require(held.firstText)
        #expect(text.contains("PAUSED_FOR_APPROVAL"))
        let action = try JSONParser.parse(text)["action"]
        #expect(action?["tool"]?.stringValue == standIn)
        let confirm = try await call(
            hub, "firewall_confirm", ["otp": .string(wrongCode(for: approvalCode(in: text) ?? ""))])
        #expect(confirm.isToolError)
        #expect(scene.executedTools.isEmpty)
    }

    // MARK: - The approval flow

    @Test func heldCallTextAndWrongThenRightCode() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let config = try scene.writeConfig(ConfigFiles.withAttempts(3))
        let hub = try scene.launch(["--target", scene.target(), "--config", config.path])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let held = try await call(hub, "refund", ["charge_id": "ch_42", "amount": 7])
        #expect(held.isToolError)
        #expect(held["structuredContent"] == nil)
        let text = try #require(held.firstText)
        let object = try JSONParser.parse(text)
        #expect(object["status"] == "PAUSED_FOR_APPROVAL")
        #expect(object["message"]?.stringValue?.isEmpty == false)
        #expect(object["action"]?["tool"] == "refund")
        #expect(object["action"]?["arguments"] == ["charge_id": "ch_42", "amount": 7])
        let instruction = try #require(object["instruction"]?.stringValue)
        #expect(instruction.contains("firewall_confirm"))
        #expect(instruction.contains("STOP"))
        let code = try #require(approvalCode(in: instruction))
        #expect(code.count == 6 && code.allSatisfy(\.isNumber))
        #expect(scene.executedTools.isEmpty)

        let wrong = try await call(hub, "firewall_confirm", ["otp": .string(wrongCode(for: code))])
        #expect(wrong.isToolError)
        #expect(wrong.firstText?.contains("wrong approval code") == true)
        #expect(wrong.firstText?.contains("2 attempt(s) left") == true)
        #expect(scene.executedTools.isEmpty)

        let approved = try await call(hub, "firewall_confirm", ["otp": .string(code)])
        #expect(!approved.isToolError, "\(approved)")
        #expect(approved.firstText?.contains("Refunded 7 USD on charge ch_42") == true)
        #expect(scene.executedTools == ["refund"])
        #expect(scene.executed.first?["arguments"] == ["charge_id": "ch_42", "amount": 7])
        // A code works once.
        let again = try await call(hub, "firewall_confirm", ["otp": .string(code)])
        #expect(again.isToolError)
        #expect(scene.executedTools == ["refund"])
    }

    @Test func otpAttemptCountOneDiscardsOnTheFirstWrongCode() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        // The bundled defaults have otp_attempt_count 1, as 0.3.0's do.
        let hub = try scene.launch(["--target", scene.target()])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let held = try await call(hub, "refund", ["charge_id": "ch_1", "amount": 1])
        let code = try #require(approvalCode(in: held.firstText ?? ""))
        let wrong = try await call(hub, "firewall_confirm", ["otp": .string(wrongCode(for: code))])
        #expect(wrong.isToolError)
        #expect(wrong.firstText?.contains("discarded") == true, "\(wrong)")
        let late = try await call(hub, "firewall_confirm", ["otp": .string(code)])
        #expect(late.isToolError)
        #expect(scene.executedTools.isEmpty)
    }

    @Test func aTypoNeverDiscardsAnotherPendingCall() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target()])  // otp_attempt_count 1
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let a = try await call(hub, "refund", ["charge_id": "ch_a", "amount": 1])
        let b = try await call(hub, "refund", ["charge_id": "ch_b", "amount": 2])
        let codeA = try #require(approvalCode(in: a.firstText ?? ""))
        let codeB = try #require(approvalCode(in: b.firstText ?? ""))
        let idA = try #require(heldCallID(in: a.firstText ?? ""))
        var typo = "123456"
        while typo == codeA || typo == codeB { typo = String(Int(typo)! + 1) }
        // A typo with no call_id while two calls wait discards neither (0.3.0 deleted every pending call).
        let wrong = try await call(hub, "firewall_confirm", ["otp": .string(typo)])
        #expect(wrong.isToolError)
        // A typo charged to A discards A only.
        let wrongA = try await call(hub, "firewall_confirm", ["otp": .string(typo), "call_id": .string(idA)])
        #expect(wrongA.firstText?.contains("discarded") == true)
        let okB = try await call(hub, "firewall_confirm", ["otp": .string(codeB)])
        #expect(!okB.isToolError, "\(okB)")
        #expect(scene.executed.compactMap { $0["arguments"]?["charge_id"]?.stringValue } == ["ch_b"])
    }

    @Test func numericCodesAreAcceptedAndDenyDiscards() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target()])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        // A code with a leading zero cannot be a JSON number; hold until one without.
        var code = ""
        for attempt in 0..<20 {
            let held = try await call(hub, "echo", ["n": .int(attempt)])
            code = try #require(approvalCode(in: held.firstText ?? ""))
            if code.first != "0" { break }
            _ = try await call(hub, "firewall_confirm", ["otp": .string(code), "decision": "deny"])
        }
        try #require(code.first != "0")
        let ran = try await call(hub, "firewall_confirm", ["otp": .number(code)])
        #expect(!ran.isToolError, "\(ran)")
        #expect(scene.executedTools == ["echo"])

        let held = try await call(hub, "delete_customer", ["customer_id": "cus_001"])
        let denyCode = try #require(approvalCode(in: held.firstText ?? ""))
        let denied = try await call(hub, "firewall_confirm", ["otp": .string(denyCode), "decision": "deny"])
        #expect(denied.isToolError)
        #expect(denied.firstText?.contains("refused") == true, "\(denied)")
        let after = try await call(hub, "firewall_confirm", ["otp": .string(denyCode)])
        #expect(after.isToolError)
        #expect(scene.executedTools == ["echo"])
    }

    @Test func theOriginalMetaIsKeptOnTheApprovedReplay() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target()])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let meta: JSONValue = ["progressToken": "tok-7", "trace": "abc"]
        let held = try await call(hub, "refund", ["charge_id": "ch_m", "amount": 3], meta: meta)
        let code = try #require(approvalCode(in: held.firstText ?? ""))
        let approved = try await call(hub, "firewall_confirm", ["otp": .string(code)])
        #expect(!approved.isToolError, "\(approved)")
        #expect(scene.executedTools == ["refund"])
        // The replay carries the original `_meta`; the progress token is swapped for the hub's own (it maps
        // the target's progress back to the client's token), everything else is as the client sent it.
        let replayed = scene.executed.first?["_meta"]
        #expect(replayed?["trace"] == "abc")
        #expect(replayed?["progressToken"]?.stringValue?.hasPrefix("mcp-firewall-hub/progress/") == true)
    }

    // MARK: - Config files

    @Test func aSeedConfigFileWithEveryKey() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let config = try scene.writeConfig([
            "global": [
                "allow_prefixes": ["get_", "LIST_"], "block_keywords": ["delete", "refund"],
                "default_action": "allow", "otp_attempt_count": 2,
            ],
            "servers": [
                "payments": ["allow_prefixes": ["exec"], "block_keywords": ["balance"], "default_action": "block"],
                "other": ["allow_prefixes": ["refund"]],
            ],
        ])
        let global = try await scene.run(["tools", "--target", scene.target(), "--config", config.path, "--json"])
        #expect(global.status == 0, "\(global.stderr)")
        let g = try decisions(global.stdout)
        #expect(g["get_balance"]?.decision == "allow")
        #expect(g["list_customers"]?.rule == #"global.allow_prefixes[1] "LIST_""#)
        #expect(g["echo"]?.decision == "allow")
        #expect(g["echo"]?.rule == #"global.default_action "allow""#)
        #expect(g["execute_sql"]?.decision == "allow")
        #expect(g["refund"]?.decision == "approve")

        let named = try await scene.run(
            ["tools", "--target", scene.target(), "--config", config.path, "--name", "payments", "--json"])
        let p = try decisions(named.stdout)
        #expect(p["get_balance"]?.decision == "approve")
        #expect(p["get_balance"]?.rule == #"servers.payments.block_keywords[0] "balance""#)
        #expect(p["execute_sql"]?.rule == #"servers.payments.allow_prefixes[0] "exec""#)
        #expect(p["echo"]?.decision == "approve")
        #expect(p["echo"]?.rule == #"servers.payments.default_action "block""#)
        #expect(p["refund"]?.rule == #"global.block_keywords[1] "refund""#)
        #expect(!named.stderr.contains("warning"), "\(named.stderr)")

        // otp_attempt_count 2: one wrong code leaves one try; the second discards.
        let hub = try scene.launch(["--target", scene.target(), "--config", config.path, "--name", "payments"])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let held = try await call(hub, "get_balance")
        let code = try #require(approvalCode(in: held.firstText ?? ""))
        let first = try await call(hub, "firewall_confirm", ["otp": .string(wrongCode(for: code))])
        #expect(first.firstText?.contains("1 attempt(s) left") == true, "\(first)")
        let second = try await call(hub, "firewall_confirm", ["otp": .string(wrongCode(for: code))])
        #expect(second.firstText?.contains("discarded") == true, "\(second)")
        #expect(scene.executedTools.isEmpty)

        // An unknown --name says so and keeps the global rules.
        let unknown = try await scene.run(
            ["tools", "--target", scene.target(), "--config", config.path, "--name", "nope", "--json"])
        #expect(unknown.stderr.contains("no servers.nope block"))
        #expect(try decisions(unknown.stdout)["echo"]?.decision == "allow")
    }

    @Test func configTypeErrorsStopTheHubNamingThePath() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        for (json, path) in [
            (#"{"global": {"allow_prefixes": "get_"}}"#, "global.allow_prefixes"),
            (#"{"global": {"block_keywords": [""]}}"#, "global.block_keywords[0]"),
            (#"{"global": {}, "servers": {"s": {"default_action": "deny"}}}"#, "servers.s.default_action"),
            (#"{"global": {"allow_prefixs": []}}"#, "global.allow_prefixs"),
        ] {
            let file = try TempFiles.write(json, name: "bad.json", in: scene.directory)
            let result = try await scene.run(["--target", scene.target(), "--config", file.path])
            #expect(result.status == 78, "\(json): \(result.stderr)")
            #expect(result.stderr.contains(file.path))
            #expect(result.stderr.contains(path), "\(json): \(result.stderr)")
        }
        #expect(scene.executedTools.isEmpty)
    }

    @Test func aStrayFirewallConfigInTheWorkingDirectoryIsNotLoaded() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        try TempFiles.write(
            #"{"global": {"allow_prefixes": [], "block_keywords": [], "default_action": "allow"}}"#,
            name: "firewall_config.json", in: scene.directory)
        let implicit = try await scene.run(["tools", "--target", scene.target(), "--json"])
        #expect(implicit.stderr.contains("firewall_config.json was NOT loaded"), "\(implicit.stderr)")
        #expect(implicit.stderr.contains("--config firewall_config.json"))
        #expect(try decisions(implicit.stdout)["echo"]?.decision == "approve")

        let explicit = try await scene.run(
            ["tools", "--target", scene.target(), "--config", "firewall_config.json", "--json"])
        #expect(!explicit.stderr.contains("NOT loaded"))
        #expect(try decisions(explicit.stdout)["echo"]?.decision == "allow")
    }

    @Test func generateConfigWritesTheBundledDefaultsAndNeverOverwrites() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let first = try await scene.run(["--generate-config"])
        #expect(first.status == 0, "\(first.stderr)")
        let file = scene.directory.appendingPathComponent("firewall_config.json")
        #expect(first.stdout.contains(file.lastPathComponent))
        let written = try String(contentsOf: file, encoding: .utf8)
        let json = try JSONParser.parse(written)
        #expect(json["global"]?["allow_prefixes"] == ["get_", "list_", "read_", "fetch_"])
        #expect(json["global"]?["default_action"] == "block")
        #expect(json["global"]?["otp_attempt_count"] == 1)
        #expect(json["servers"]?["stripe"]?["block_keywords"] == ["refund", "charge"])
        #expect(json["servers"]?["database"]?["allow_prefixes"] == ["select_"])

        try TempFiles.write("{\"mine\": true}\n", name: "firewall_config.json", in: scene.directory)
        let again = try await scene.run(["--generate-config"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"))
        #expect(try String(contentsOf: file, encoding: .utf8) == "{\"mine\": true}\n")

        let custom = try await scene.run(["--generate-config", "custom.json"])
        #expect(custom.status == 0)
        let customText = try String(contentsOf: scene.directory.appendingPathComponent("custom.json"), encoding: .utf8)
        #expect(customText == written)
        // The generated file loads as a --config.
        let loaded = try await scene.run(["tools", "--target", scene.target(), "--config", "custom.json", "--json"])
        #expect(loaded.status == 0, "\(loaded.stderr)")
        #expect(try decisions(loaded.stdout)["get_balance"]?.rule == #"global.allow_prefixes[0] "get_""#)
    }

    // MARK: - tools, secrets, robustness, shutdown

    @Test func toolsWorksWithATarget() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let table = try await scene.run(["tools", "--target", scene.target()])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("get_balance"))
        #expect(table.stdout.contains("firewall_confirm"))
        #expect(!table.stdout.contains("demo-payments.get_balance"))
        let json = try await scene.run(["tools", "--target", scene.target(), "--name", "stripe", "--json"])
        let rows = try decisions(json.stdout)
        #expect(rows["get_balance"]?.decision == "allow")
        #expect(rows["refund"]?.decision == "approve")
        #expect(rows["firewall_confirm"]?.decision == "allow")
        #expect(!table.stderr.contains(Self.secret))
        #expect(!json.stderr.contains(Self.secret))
    }

    @Test func secretsOnTheTargetCommandLineAndCodesNeverReachTheLog() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target(), "--name", "stripe", "--verbose"])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        _ = try await call(hub, "get_balance")
        let held = try await call(hub, "refund", ["charge_id": "ch_s", "amount": 1])
        let code = try #require(approvalCode(in: held.firstText ?? ""))
        _ = try await call(hub, "firewall_confirm", ["otp": .string(code)])
        hub.closeStdin()
        #expect(try await hub.waitForExit() == 0)
        #expect(scene.executedTools == ["get_balance", "refund"])
        #expect(hub.stderrText.contains("stripe"))
        #expect(!hub.stderrText.contains(Self.secret), "\(hub.stderrText)")
        #expect(!hub.stderrText.contains(code))

        // A target that cannot start: the executable is named, its arguments are not.
        let missing = try await scene.run(["--target", "/nonexistent/mcp-server --api-key \(Self.secret)"])
        #expect(missing.stderr.contains("/nonexistent/mcp-server"), "\(missing.stderr)")
        #expect(!missing.stderr.contains(Self.secret))
        // A target string that cannot be split, or that needs a shell: refused, without echoing it.
        for bad in [
            "server --api-key '\(Self.secret)", "server --api-key \(Self.secret)$X", "server | tee \(Self.secret)",
        ] {
            let refused = try await scene.run(["--target", bad])
            #expect(refused.status == 64, "\(refused.stderr)")
            #expect(refused.stderr.contains("--target"))
            #expect(!refused.stderr.contains(Self.secret), "\(refused.stderr)")
        }
    }

    @Test func malformedMessagesGetErrorAnswersNotACrash() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target()])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let nullParams = try await hub.request("tools/call", params: .null)
        #expect(nullParams.outcome.errorCode != nil)
        let nullArguments = try await hub.request("tools/call", params: ["name": "get_balance", "arguments": .null])
        #expect(nullArguments.outcome.errorCode == -32602)
        let noName = try await hub.request("tools/call", params: ["arguments": [:]])
        #expect(noName.outcome.errorCode == -32602)
        hub.sendRaw("[{\"jsonrpc\":\"2.0\",\"id\":91,\"method\":\"ping\"}]\n")
        hub.sendRaw("\"just a string\"\n")
        for _ in 0..<2 {
            let message = try await hub.nextMessage()
            guard case .response(let response) = message else {
                Issue.record("expected an error response, got \(message)")
                continue
            }
            #expect(response.outcome.errorCode == -32600)
        }
        // A line well over 64 KiB is served like any other.
        let big = String(repeating: "x", count: 200_000)
        let long = try await call(hub, "get_balance", ["padding": .string(big)])
        #expect(!long.isToolError)
        #expect(try await hub.call("ping") == [:])
        #expect(scene.executedTools == ["get_balance"])
    }

    @Test func aCrashedTargetAnswersTheInFlightCallAtOnce() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        let hub = try scene.launch(["--target", scene.target("fixture-server", "--tools get_boom --crash-on get_boom")])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        // call_seconds is 300 s: an answer within the 20 s below can only come from the crash itself.
        let response = try await hub.request(
            "tools/call", params: ["name": "get_boom", "arguments": [:]], timeout: .seconds(20))
        #expect(response.outcome.errorCode != nil, "\(response)")
    }

    @Test func theHubExitsPromptlyWhenItsInputEnds() async throws {
        let scene = try Scene()
        defer { scene.cleanUp() }
        // A stop that needed SIGTERM would wait out this grace (120 s) first: exiting within the 60 s below,
        // however loaded the machine, shows the target left on its own when its stdin closed.
        let hub = try scene.launch(
            ["--target", scene.target()], environment: ["MCP_FIREWALL_HUB_STOP_GRACE_MS": "120000"])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        _ = try await call(hub, "get_balance")
        let clock = ContinuousClock()
        let start = clock.now
        hub.closeStdin()
        let status = try await hub.waitForExit(timeout: .seconds(60))
        print("seed mode: the hub exited \(clock.now - start) after its stdin closed")
        #expect(status == 0)
        #expect(!hub.stderrText.contains("error"), "\(hub.stderrText)")
    }
}

extension SeedModeTests {
    fileprivate enum ConfigFiles {
        /// The bundled rules with another otp_attempt_count.
        static func withAttempts(_ count: Int) -> JSONValue {
            [
                "global": [
                    "allow_prefixes": ["get_", "list_", "read_", "fetch_"],
                    "block_keywords": [
                        "delete", "update", "create", "pay", "send", "transfer", "drop", "remove", "refund",
                    ],
                    "default_action": "block", "otp_attempt_count": .int(count),
                ]
            ]
        }
    }
}
