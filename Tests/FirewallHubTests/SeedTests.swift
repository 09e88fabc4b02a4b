import Foundation
import MCPWire
import Testing

@testable import FirewallHub

/// Single-target mode (the MCP Action Firewall drop-in): word splitting, the seed config, its policy,
/// and how the command line becomes a hub config.
@Suite struct SeedTests {
    // MARK: - Shell words

    @Test func wordsSplitLikeAPOSIXShell() throws {
        #expect(
            try ShellWords.split("uvx mcp-server-stripe --api-key sk_test_1") == [
                "uvx", "mcp-server-stripe", "--api-key", "sk_test_1",
            ])
        #expect(try ShellWords.split("  a \t b\n c  ") == ["a", "b", "c"])
        #expect(try ShellWords.split("cmd 'two words' \"and three words\"") == ["cmd", "two words", "and three words"])
        #expect(try ShellWords.split("cmd 'it''s' a\"b\"'c'") == ["cmd", "its", "abc"])
        #expect(try ShellWords.split("cmd '' \"\"") == ["cmd", "", ""])
        // Double quotes: only \" \\ \$ \` lose their backslash.
        #expect(
            try ShellWords.split(#"cmd "a\"b" "c\\d" "e\$f" "g\`h" "i\nj""#) == [
                "cmd", "a\"b", "c\\d", "e$f", "g`h", "i\\nj",
            ])
        // Single quotes keep everything, backslashes included.
        #expect(try ShellWords.split(#"cmd 'a\b' '$HOME'"#) == ["cmd", "a\\b", "$HOME"])
        // Outside quotes a backslash makes the next character literal.
        #expect(try ShellWords.split(#"cmd a\ b \'c \$HOME \|"#) == ["cmd", "a b", "'c", "$HOME", "|"])
        // Backslash-newline continues the line.
        #expect(try ShellWords.split("cmd a\\\nb") == ["cmd", "ab"])
        // Globs are passed literally, never expanded.
        #expect(try ShellWords.split("ls *.json ?x [ab]") == ["ls", "*.json", "?x", "[ab]"])
        // A lone $ and ~ or # inside a word are literal, as in the shell.
        #expect(try ShellWords.split("cmd a$ x~y a#b $") == ["cmd", "a$", "x~y", "a#b", "$"])
        #expect(try ShellWords.split("   ") == [])
    }

    @Test func wordsRejectUnterminatedQuotesAndDanglingBackslashes() {
        #expect(throws: ShellWords.Failure.unterminatedQuote(quote: "'", position: 5)) {
            try ShellWords.split("cmd 'oops")
        }
        #expect(throws: ShellWords.Failure.unterminatedQuote(quote: "\"", position: 5)) {
            try ShellWords.split("cmd \"oops \\\"")
        }
        #expect(throws: ShellWords.Failure.danglingBackslash) { try ShellWords.split("cmd oops\\") }
    }

    @Test func wordsRejectWhatOnlyAShellWouldInterpret() {
        for text in [
            "cmd $HOME", "cmd ${KEY}", "cmd $(whoami)", "cmd `id`", "cmd \"$KEY\"", "cmd \"`id`\"", "a | b", "a && b",
            "a; b", "a > out", "a < in", "(a)", "cmd ~/x", "cmd # comment",
        ] {
            #expect(throws: ShellWords.Failure.self, "\(text)") { try ShellWords.split(text) }
        }
        // The message gives the position, never the text (it may be a secret).
        do {
            _ = try ShellWords.split("server --api-key sk_live_$ECRET")
            Issue.record("expected a failure")
        } catch {
            #expect(error == .shellSyntax(what: "a variable reference ($…)", position: 26))
            #expect(!error.description.contains("sk_live"))
        }
    }

    @Test func unquotedLeadingNameEqualsValueWordsAreAssignments() throws {
        let words = try ShellWords.words("API_KEY=sk_1 'QUOTED=x' A\"B\"=c x=y=z")
        #expect(words[0].assignment?.name == "API_KEY")
        #expect(words[0].assignment?.value == "sk_1")
        #expect(words[1].assignment == nil)
        #expect(words[2].assignment == nil)
        #expect(words[3].assignment?.name == "x")
        #expect(words[3].assignment?.value == "y=z")
        #expect(try ShellWords.words("1X=y")[0].assignment == nil)
        #expect(try ShellWords.words("=y")[0].assignment == nil)
        #expect(try ShellWords.words("X='a b'")[0].assignment?.value == "a b")
    }

    // MARK: - Seed config

    private func parse(_ text: String, file: String = "/cfg/firewall_config.json") throws -> SeedConfig {
        try SeedConfig.parse(try JSONParser.parse(text), file: file)
    }

    private func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigError? {
        do {
            _ = try parse(text)
            Issue.record("expected a ConfigError for \(text)", sourceLocation: sourceLocation)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func everyKeyOfTheSeedFormatParses() throws {
        let config = try parse(
            """
            {"global": {"allow_prefixes": ["get_", "list_"], "block_keywords": ["delete"],
                        "default_action": "allow", "otp_attempt_count": 4},
             "servers": {"stripe": {"allow_prefixes": ["peek_"], "block_keywords": ["charge"],
                                    "default_action": "block"},
                         "empty": {}}}
            """)
        #expect(config.file == "/cfg/firewall_config.json")
        #expect(config.global.allowPrefixes.map(\.value) == ["get_", "list_"])
        #expect(config.global.allowPrefixes[1].path == "global.allow_prefixes[1]")
        #expect(config.global.blockKeywords.map(\.value) == ["delete"])
        #expect(config.global.defaultAction?.value == .allow)
        #expect(config.otpAttemptCount == 4)
        #expect(config.servers.map(\.name) == ["stripe", "empty"])
        let stripe = try #require(config.rules(forServer: "stripe"))
        #expect(stripe.allowPrefixes.map(\.path) == ["servers.stripe.allow_prefixes[0]"])
        #expect(stripe.blockKeywords.map(\.value) == ["charge"])
        #expect(stripe.defaultAction == .init(value: .block, path: "servers.stripe.default_action"))
        #expect(config.rules(forServer: "empty") == SeedConfig.Rules())
        #expect(config.rules(forServer: "nope") == nil)
        // Only "global" is required; inside it every key is optional.
        let minimal = try parse(#"{"global": {}}"#)
        #expect(minimal.otpAttemptCount == 1)
        #expect(minimal.global == SeedConfig.Rules())
        #expect(minimal.servers.isEmpty)
    }

    @Test func typeErrorsAndUnknownKeysNameTheFileAndPath() throws {
        let string = try #require(parseError(#"{"global": {"allow_prefixes": "get_"}}"#))
        #expect(string.kind == .wrongType)
        #expect(string.file == "/cfg/firewall_config.json")
        #expect(string.jsonPath == "global.allow_prefixes")
        #expect(string.description.contains(#"["get_"]"#))

        let empty = try #require(parseError(#"{"global": {"allow_prefixes": ["get_", ""]}}"#))
        #expect(empty.kind == .invalidValue)
        #expect(empty.jsonPath == "global.allow_prefixes[1]")
        let blank = try #require(parseError(#"{"global": {}, "servers": {"s": {"block_keywords": [" "]}}}"#))
        #expect(blank.jsonPath == "servers.s.block_keywords[0]")
        let number = try #require(parseError(#"{"global": {"block_keywords": ["drop", 7]}}"#))
        #expect(number.kind == .wrongType)
        #expect(number.jsonPath == "global.block_keywords[1]")

        let unknown = try #require(parseError(#"{"global": {"allow_prefix": ["get_"]}}"#))
        #expect(unknown.kind == .unknownKey)
        #expect(unknown.jsonPath == "global.allow_prefix")
        #expect(unknown.description.contains("did you mean \"allow_prefixes\""))
        let serverUnknown = try #require(
            parseError(#"{"global": {}, "servers": {"stripe": {"otp_attempt_count": 2}}}"#))
        #expect(serverUnknown.jsonPath == "servers.stripe.otp_attempt_count")
        #expect(serverUnknown.kind == .unknownKey)
        let topUnknown = try #require(parseError(#"{"global": {}, "server": {}}"#))
        #expect(topUnknown.jsonPath == "server")

        let action = try #require(parseError(#"{"global": {"default_action": "deny"}}"#))
        #expect(action.jsonPath == "global.default_action")
        #expect(action.description.contains("allow, block"))
        let attempts = try #require(parseError(#"{"global": {"otp_attempt_count": 0}}"#))
        #expect(attempts.jsonPath == "global.otp_attempt_count")
        let attemptsType = try #require(parseError(#"{"global": {"otp_attempt_count": "3"}}"#))
        #expect(attemptsType.kind == .wrongType)
        let missing = try #require(parseError(#"{"servers": {}}"#))
        #expect(missing.kind == .missingKey)
        let serversType = try #require(parseError(#"{"global": {}, "servers": []}"#))
        #expect(serversType.jsonPath == "servers")
        let serverType = try #require(parseError(#"{"global": {}, "servers": {"s": ["get_"]}}"#))
        #expect(serverType.jsonPath == "servers.s")
        let top = try #require(parseError(#"["global"]"#))
        #expect(top.kind == .wrongType)
    }

    @Test func loadingReportsMissingFilesAndBadJSONWithTheirPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("none.json").path
        #expect(throws: ConfigError.self) { try SeedConfig.load(path: missing) }
        let bad = dir.appendingPathComponent("bad.json")
        try Data("{\"global\": {,}}".utf8).write(to: bad)
        do {
            _ = try SeedConfig.load(path: bad.path)
            Issue.record("expected invalid JSON")
        } catch {
            #expect(error.kind == .invalidJSON)
            #expect(error.file == bad.standardizedFileURL.path)
            #expect(error.message.contains("line 1"))
        }
        let good = dir.appendingPathComponent("good.json")
        try Data(#"{"global": {"otp_attempt_count": 2}}"#.utf8).write(to: good)
        #expect(try SeedConfig.load(path: good.path).otpAttemptCount == 2)
    }

    @Test func bundledDefaultsMatchMCPActionFirewall030() throws {
        let bundled = SeedConfig.bundled
        #expect(bundled.file == nil)
        #expect(bundled.global.allowPrefixes.map(\.value) == ["get_", "list_", "read_", "fetch_"])
        #expect(
            bundled.global.blockKeywords.map(\.value) == [
                "delete", "update", "create", "pay", "send", "transfer", "drop", "remove", "refund",
            ])
        #expect(bundled.global.defaultAction?.value == .block)
        #expect(bundled.otpAttemptCount == 1)
        #expect(bundled.servers.map(\.name) == ["stripe", "database"])
        let stripe = try #require(bundled.rules(forServer: "stripe"))
        #expect(stripe.allowPrefixes.isEmpty)
        #expect(stripe.blockKeywords.map(\.value) == ["refund", "charge"])
        #expect(stripe.defaultAction?.value == .block)
        let database = try #require(bundled.rules(forServer: "database"))
        #expect(database.allowPrefixes.map(\.value) == ["select_"])
        #expect(database.blockKeywords.map(\.value) == ["drop", "truncate", "alter"])
        // What --generate-config writes parses back to the same rules.
        let regenerated = try parse(SeedConfig.bundledJSON.prettyPrinted())
        #expect(regenerated.global == bundled.global)
        #expect(regenerated.servers == bundled.servers)
    }

    // MARK: - Seed policy

    private func decide(_ policy: SeedPolicy, _ tool: String) -> PolicyDecision {
        policy.decide(tool: tool, annotations: nil, arguments: nil)
    }

    @Test func blockKeywordBeatsAllowPrefixThenDefault() {
        let policy = SeedPolicy(config: .bundled, serverName: nil)
        // The one intended difference from 0.3.0: allow prefix + block keyword is held.
        let both = decide(policy, "get_and_delete_everything")
        #expect(both.action == .approve)
        #expect(both.rule == #"built-in defaults: global.block_keywords[0] "delete""#)
        #expect(
            decide(policy, "get_balance")
                == PolicyDecision(
                    action: .allow, rule: #"built-in defaults: global.allow_prefixes[0] "get_""#))
        #expect(decide(policy, "fetch_url").action == .allow)
        #expect(decide(policy, "refund").rule == #"built-in defaults: global.block_keywords[8] "refund""#)
        #expect(
            decide(policy, "execute_sql")
                == PolicyDecision(
                    action: .approve, rule: #"built-in defaults: global.default_action "block""#))
        // Case-insensitive on both sides; keywords are substrings, prefixes only at the start.
        #expect(decide(policy, "GET_Balance").action == .allow)
        #expect(decide(policy, "Bulk_DELETE").action == .approve)
        #expect(decide(policy, "widget_get_").action == .approve)
        // A keyword inside a longer word still counts (as in 0.3.0): "list_payouts" holds "pay".
        #expect(decide(policy, "list_payouts").action == .approve)
        // Listing decides exactly what a call decides, with no argument rules.
        let listed = policy.decideForListing(tool: "get_and_delete_everything", annotations: nil)
        #expect(listed.decision == both)
        #expect(listed.argumentRules.isEmpty)
    }

    @Test func nameMergesServerListsAndReplacesTheDefault() throws {
        let config = try parse(
            """
            {"global": {"allow_prefixes": ["get_"], "block_keywords": ["delete"], "default_action": "block"},
             "servers": {"stripe": {"allow_prefixes": ["Peek_"], "block_keywords": ["CHARGE"],
                                    "default_action": "allow"}}}
            """)
        let global = SeedPolicy(config: config, serverName: nil)
        #expect(global.mergedServer == nil)
        #expect(decide(global, "peek_balance").action == .approve)
        #expect(decide(global, "get_charge").action == .allow)
        #expect(decide(global, "other").rule == #"global.default_action "block""#)

        let stripe = SeedPolicy(config: config, serverName: "stripe")
        #expect(stripe.mergedServer == "stripe")
        #expect(
            decide(stripe, "peek_balance")
                == PolicyDecision(
                    action: .allow, rule: #"servers.stripe.allow_prefixes[0] "Peek_""#))
        #expect(
            decide(stripe, "get_charge")
                == PolicyDecision(
                    action: .approve, rule: #"servers.stripe.block_keywords[0] "CHARGE""#))
        // The global lists still apply (extended, not replaced) ...
        #expect(decide(stripe, "get_user").rule == #"global.allow_prefixes[0] "get_""#)
        #expect(decide(stripe, "delete_user").action == .approve)
        // ... and the server's default_action replaces the global one.
        #expect(
            decide(stripe, "other")
                == PolicyDecision(
                    action: .allow, rule: #"servers.stripe.default_action "allow""#))

        let unknown = SeedPolicy(config: config, serverName: "nope")
        #expect(unknown.mergedServer == nil)
        #expect(decide(unknown, "other").action == .approve)

        let noDefault = SeedPolicy(config: try parse(#"{"global": {}}"#), serverName: nil)
        #expect(decide(noDefault, "anything").action == .approve)
        #expect(decide(noDefault, "anything").rule.contains("no default_action"))
    }

    @Test func bundledServerBlocksApplyByName() {
        let stripe = SeedPolicy(config: .bundled, serverName: "stripe")
        #expect(
            decide(stripe, "get_charge")
                == PolicyDecision(
                    action: .approve, rule: #"built-in defaults: servers.stripe.block_keywords[1] "charge""#))
        let database = SeedPolicy(config: .bundled, serverName: "database")
        #expect(
            decide(database, "select_rows")
                == PolicyDecision(
                    action: .allow, rule: #"built-in defaults: servers.database.allow_prefixes[0] "select_""#))
        #expect(decide(database, "truncate_table").action == .approve)
        #expect(decide(SeedPolicy(config: .bundled, serverName: nil), "select_rows").action == .approve)
    }

    // MARK: - Setup from the command line

    @Test func setupBuildsOneUnnamespacedServer() throws {
        let setup = try SeedSetup.make(
            target: "TOKEN=abc uvx mcp-server-stripe --api-key 'sk_test_1 2'", name: nil, configPath: nil,
            currentDirectory: "/nonexistent-dir")
        let server = try #require(setup.hubConfig.servers.first)
        #expect(setup.hubConfig.servers.count == 1)
        #expect(server.name == "mcp-server-stripe")
        #expect(setup.serverName == "mcp-server-stripe")
        #expect(server.command == "uvx")
        #expect(server.args == ["mcp-server-stripe", "--api-key", "sk_test_1 2"])
        #expect(server.env == ["TOKEN": "abc"])
        #expect(setup.hubConfig.naming.namespaced == false)
        #expect(setup.hubConfig.approval.codeDelivery == .agent)
        #expect(setup.hubConfig.approval.maxAttempts == 1)
        #expect(setup.hubConfig.approval.codeTTLSeconds == 300)
        #expect(setup.policy.mergedServer == nil)
        // Nothing meant for the log holds an argument.
        for notice in setup.notices {
            if case .info(let text) = notice { #expect(!text.contains("sk_test")) }
            if case .warning(let text) = notice { #expect(!text.contains("sk_test")) }
        }
    }

    @Test func setupNamesTheServerAndMergesTheNamedBlock() throws {
        let named = try SeedSetup.make(
            target: "/opt/bin/server --flag", name: "stripe", configPath: nil, currentDirectory: "/tmp")
        #expect(named.serverName == "stripe")
        #expect(named.policy.mergedServer == "stripe")
        #expect(named.hubConfig.servers[0].command == "/opt/bin/server")

        let odd = try SeedSetup.make(target: "server", name: "my server.v2", configPath: nil, currentDirectory: "/")
        #expect(odd.serverName == "my_server_v2")
        #expect(odd.policy.mergedServer == nil)
        #expect(
            odd.notices.contains {
                if case .warning(let t) = $0 { t.contains("no servers.my server.v2") } else { false }
            })

        let relative = try SeedSetup.make(target: "./bin/server", name: nil, configPath: nil, currentDirectory: "/work")
        #expect(relative.hubConfig.servers[0].command == "/work/bin/server")
        #expect(relative.serverName == "server")
        // A launcher's first argument names the server only when it is not an option.
        #expect(SeedSetup.derivedName(command: "npx", args: ["-y", "@scope/pkg"]) == "npx")
        #expect(SeedSetup.derivedName(command: "/usr/bin/uvx", args: ["mcp-server-x@1.0"]) == "mcp-server-x_1_0")
        #expect(SeedSetup.derivedName(command: "python3", args: ["server.py"]) == "python3")
    }

    @Test func setupRejectsBadTargets() {
        #expect(throws: SeedSetup.Failure.target(.empty)) {
            try SeedSetup.make(target: "  ", name: nil, configPath: nil, currentDirectory: "/")
        }
        #expect(throws: SeedSetup.Failure.noCommand) {
            try SeedSetup.make(target: "A=1 B=2", name: nil, configPath: nil, currentDirectory: "/")
        }
        #expect(throws: SeedSetup.Failure.target(.empty)) {
            try SeedSetup.make(target: "'' arg", name: nil, configPath: nil, currentDirectory: "/")
        }
    }

    // MARK: - Command line

    @Test func seedFlagsParseWithoutASubcommand() throws {
        let seed = try CLIParser.parse(["--target", "uvx x --k v", "--name", "stripe", "--config", "f.json", "-v"])
        var expected = CommonOptions()
        expected.target = "uvx x --k v"
        expected.name = "stripe"
        expected.configPath = "f.json"
        expected.verbose = true
        #expect(seed == .seed(expected))
        #expect(try CLIParser.parse(["--target=a b"]) == .seed(CommonOptions(target: "a b")))

        #expect(try CLIParser.parse(["--generate-config"]) == .generateConfig(path: nil))
        #expect(try CLIParser.parse(["--generate-config", "x.json"]) == .generateConfig(path: "x.json"))
        #expect(try CLIParser.parse(["--generate-config=x.json"]) == .generateConfig(path: "x.json"))
        #expect(try CLIParser.parse(["--generate-config", "-v"]) == .generateConfig(path: nil))
        #expect(
            try CLIParser.parse(["--target", "--generate-config", "--generate-config"]) == .generateConfig(path: nil))

        let tools = try CLIParser.parse(["tools", "--target", "srv", "--name", "db", "--json"])
        #expect(tools == .tools(CommonOptions(target: "srv", name: "db"), json: true, clientName: nil))
        #expect(try CLIParser.parse(["serve", "--target", "srv"]) == .serve(CommonOptions(target: "srv")))

        #expect(throws: CLIError.missingTarget) { try CLIParser.parse(["--name", "stripe"]) }
        #expect(throws: CLIError.needsTarget("--name")) { try CLIParser.parse(["tools", "--name", "stripe"]) }
        #expect(throws: CLIError.missingValue("--target")) { try CLIParser.parse(["--target"]) }
        #expect(throws: CLIError.self) { try CLIParser.parse(["--bogus"]) }
        #expect(try CLIParser.parse(["--name", "x", "--help"]) == .help(topic: "seed"))
    }
}

extension CommonOptions {
    fileprivate init(target: String?, name: String? = nil) {
        self.init()
        self.target = target
        self.name = name
    }
}
