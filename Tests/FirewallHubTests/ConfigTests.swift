import Foundation
import MCPWire
import Testing

@testable import FirewallHub

private func parseConfig(
    _ text: String, environment: [String: String] = [:], file: String = "/etc/hub/hub.json"
) throws -> HubConfig {
    let json = try JSONParser.parse(text)
    return try ConfigLoader.parse(json, filePath: file, environment: environment)
}

/// Parses `text`, expecting a `ConfigError`; fails the test (and returns nil) otherwise.
private func configError(
    _ text: String, environment: [String: String] = [:], file: String = "/etc/hub/hub.json",
    sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigError? {
    do {
        let json = try JSONParser.parse(text)
        _ = try ConfigLoader.parse(json, filePath: file, environment: environment)
        Issue.record("expected a ConfigError", sourceLocation: sourceLocation)
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A config with one server `a` whose entry is `{"command": "x", <extra>}`.
private func oneServer(_ extra: String = "", top: String = "") -> String {
    let comma = extra.isEmpty ? "" : ", "
    let topComma = top.isEmpty ? "" : ", "
    return #"{"servers": {"a": {"command": "x"\#(comma)\#(extra)}}\#(topComma)\#(top)}"#
}

/// A fresh temporary directory, removed by the caller with `removeDirectory`.
private func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("policy-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return URL(fileURLWithPath: path).standardizedFileURL.path
}

private func removeDirectory(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

@Suite struct ConfigParsingTests {
    @Test func fullExampleParses() throws {
        let text = #"""
            {
              "servers": {
                "payments": {
                  "command": "pay-server", "args": ["--live"], "env": {"API_KEY": "${STRIPE_KEY}"}, "cwd": "srv",
                  "description": "Stripe", "disabled": false,
                  "policy": {
                    "default": "approve",
                    "allow": ["get_*", "list_*"], "approve": ["refund"], "deny": ["delete_*"],
                    "rules": [{"tool": "execute_sql", "arguments": {"sql": "(?i)\\b(drop|truncate)\\b"},
                               "action": "deny"}]
                  },
                  "approval": {"elicitation_timeout_seconds": 5},
                  "timeouts": {"call_seconds": 60}
                }
              },
              "defaults": {"default": "approve"},
              "approval": {"code_delivery": "out_of_band", "elicitation": false, "code_ttl_seconds": 120,
                           "max_attempts": 3, "code_digits": 8, "elicitation_timeout_seconds": 40,
                           "notify": ["notify-send", "Approval code {code}"], "fallback": "deny"},
              "naming": {"separator": "__", "max_length": 48, "dotless_clients": ["my-client"]},
              "timeouts": {"call_seconds": 200, "startup_seconds": 20}
            }
            """#
        let config = try parseConfig(text, environment: ["STRIPE_KEY": "sk_test_1"])
        #expect(config.filePath == "/etc/hub/hub.json")
        #expect(config.servers.count == 1)
        let server = try #require(config.servers.first)
        #expect(server.name == "payments")
        #expect(server.jsonPath == "servers.payments")
        #expect(server.command == "pay-server")
        #expect(server.args == ["--live"])
        #expect(server.env == ["API_KEY": "sk_test_1"])
        #expect(server.cwd == "/etc/hub/srv")
        #expect(server.policy.defaultAction == .approve)
        #expect(server.policy.allow == [ToolGlob("get_*"), ToolGlob("list_*")])
        #expect(server.policy.approve == [ToolGlob("refund")])
        #expect(server.policy.deny == [ToolGlob("delete_*")])
        #expect(server.policy.rules.count == 1)
        #expect(server.policy.rules[0].arguments.map(\.argument) == ["sql"])
        #expect(server.policy.rules[0].arguments[0].pattern.source == #"(?i)\b(drop|truncate)\b"#)
        #expect(server.timeouts == TimeoutConfig(callSeconds: 60, startupSeconds: 20))
        #expect(config.timeouts == TimeoutConfig(callSeconds: 200, startupSeconds: 20))
        #expect(config.defaults == PolicyDefaults(defaultAction: .approve))
        #expect(config.approval.codeDelivery == .outOfBand)
        #expect(config.approval.elicitation == false)
        #expect(config.approval.codeTTLSeconds == 120)
        #expect(config.approval.codeDigits == 8)
        #expect(config.approval.elicitationTimeoutSeconds == 40)
        #expect(config.approval.notify == ["notify-send", "Approval code {code}"])
        #expect(config.approval.fallback == .deny)
        #expect(config.approval(for: server).elicitationTimeoutSeconds == 5)
        #expect(config.approval(for: server).maxAttempts == 3)
        #expect(config.approval(for: server).codeDigits == 8)
        #expect(config.naming == NamingConfig(separator: "__", maxLength: 48, dotlessClients: ["my-client"]))
    }

    @Test func defaultsWhenBlocksAreAbsent() throws {
        let config = try parseConfig(oneServer())
        #expect(config.defaults == nil)
        #expect(config.approval == ApprovalConfig())
        #expect(config.approval.codeDigits == 6)
        #expect(config.approval.elicitationTimeoutSeconds == 50)
        #expect(config.approval.codeDelivery == nil)
        #expect(config.approval.fallback == .deny)
        #expect(config.naming.separator == nil)
        #expect(config.naming.maxLength == 64)
        #expect(config.naming.dotlessClients == nil)
        #expect(config.timeouts == TimeoutConfig(callSeconds: 300, startupSeconds: 60))
        let server = try #require(config.servers.first)
        #expect(server.args.isEmpty && server.env.isEmpty && server.cwd == nil && server.approval == nil)
        #expect(server.policy == PolicyConfig())
    }

    @Test func everyAllowedSeparatorIsAccepted() throws {
        #expect(NamingConfig.allowedSeparators == [".", "__", "_", "-"])
        for separator in NamingConfig.allowedSeparators {
            let config = try parseConfig(oneServer(top: #""naming": {"separator": "\#(separator)"}"#))
            #expect(config.naming.separator == separator)
        }
    }

    @Test func serversKeepFileOrder() throws {
        let names = ["zeta", "alpha", "m-1", "beta_2", "Omega"]
        let entries = names.map { #""\#($0)": {"command": "x"}"# }.joined(separator: ", ")
        let config = try parseConfig(#"{"servers": {\#(entries)}}"#)
        #expect(config.servers.map(\.name) == names)
    }

    @Test func mcpServersIsASynonym() throws {
        let config = try parseConfig(#"{"mcpServers": {"a": {"command": "x"}, "b": {"command": "y"}}}"#)
        #expect(config.servers.map(\.name) == ["a", "b"])
        #expect(config.servers[0].jsonPath == "mcpServers.a")

        let error = configError(#"{"servers": {"a": {"command": "x"}}, "mcpServers": {"b": {"command": "y"}}}"#)
        #expect(error?.jsonPath == "mcpServers")
        #expect(error?.description.contains("keep only one") == true)
    }

    @Test func noServersIsAnError() {
        for text in [#"{}"#, #"{"servers": {}}"#, #"{"defaults": {"default": "deny"}}"#] {
            let error = configError(text)
            #expect(error?.kind == .noServers)
            #expect(error?.description.contains("no servers configured") == true)
        }
        let allDisabled = configError(#"{"servers": {"a": {"command": "x", "disabled": true}}}"#)
        #expect(allDisabled?.kind == .noServers)
        #expect(allDisabled?.description.contains("disabled") == true)
    }

    @Test func disabledServersAreSkippedAndNotExpanded() throws {
        let text = #"""
            {"servers": {"off": {"command": "${NOT_SET}", "disabled": true}, "on": {"command": "x"}}}
            """#
        let config = try parseConfig(text)
        #expect(config.servers.map(\.name) == ["on"])
        #expect(config.disabledServers == ["off"])
        // Structure is still checked.
        let error = configError(
            #"{"servers": {"off": {"command": "x", "disabled": true, "arg": []}, "on": {"command": "x"}}}"#)
        #expect(error?.jsonPath == "servers.off.arg")
    }

    @Test func topLevelMustBeAnObject() {
        let error = configError("[1, 2]")
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "/etc/hub/hub.json: the top level must be a JSON object, found array")
    }

    @Test func serverNames() throws {
        let ok = String(repeating: "a", count: 32)
        #expect(try parseConfig(#"{"servers": {"\#(ok)": {"command": "x"}}}"#).servers[0].name == ok)
        #expect(try parseConfig(#"{"servers": {"firewall": {"command": "x"}}}"#).servers[0].name == "firewall")

        let tooLong = configError(#"{"servers": {"\#(ok)b": {"command": "x"}}}"#)
        #expect(tooLong?.jsonPath == "servers.\(ok)b")
        #expect(tooLong?.kind == .invalidValue)
        let space = configError(#"{"servers": {"bad name": {"command": "x"}}}"#)
        #expect(space?.jsonPath == #"servers["bad name"]"#)
        let dot = configError(#"{"servers": {"a.b": {"command": "x"}}}"#)
        #expect(dot?.jsonPath == #"servers["a.b"]"#)
        let empty = configError(#"{"servers": {"": {"command": "x"}}}"#)
        #expect(empty?.jsonPath == #"servers[""]"#)
        #expect(empty?.message.contains("must not be empty") == true)
        let unicode = configError(#"{"servers": {"café": {"command": "x"}}}"#)
        #expect(unicode?.kind == .invalidValue)
    }
}

@Suite struct ConfigErrorTests {
    @Test func unknownKeysAtEveryLevel() {
        let cases: [(String, String, String?)] = [
            (oneServer(top: #""server": 1"#), "server", "servers"),
            (oneServer(#""arg": ["a"]"#), "servers.a.arg", "args"),
            (oneServer(#""policy": {"alow": []}"#), "servers.a.policy.alow", "allow"),
            (
                oneServer(#""policy": {"rules": [{"tool": "t", "actoin": "deny"}]}"#),
                "servers.a.policy.rules[0].actoin",
                "action"
            ),
            (oneServer(#""approval": {"max_attempt": 3}"#), "servers.a.approval.max_attempt", "max_attempts"),
            (oneServer(#""timeouts": {"call": 3}"#), "servers.a.timeouts.call", nil),
            (oneServer(top: #""approval": {"notfy": ["x"]}"#), "approval.notfy", "notify"),
            (oneServer(top: #""naming": {"seperator": "."}"#), "naming.seperator", "separator"),
            (oneServer(top: #""timeouts": {"call_second": 3}"#), "timeouts.call_second", "call_seconds"),
            (oneServer(top: #""defaults": {"defualt": "deny"}"#), "defaults.defualt", "default"),
            (oneServer(top: #""completely_unrelated": 1"#), "completely_unrelated", nil),
        ]
        for (text, path, suggestion) in cases {
            let error = configError(text)
            #expect(error?.kind == .unknownKey, "\(path)")
            #expect(error?.jsonPath == path)
            #expect(error?.description.contains(": \(path): unknown key") == true, "\(error?.description ?? "")")
            if let suggestion {
                #expect(error?.message.contains("did you mean \"\(suggestion)\"?") == true, "\(error?.message ?? "")")
            } else {
                #expect(error?.message.contains("did you mean") == false, "\(error?.message ?? "")")
            }
            #expect(error?.message.contains("allowed: ") == true)
        }
    }

    @Test func unknownActionHasTheDocumentedMessage() {
        let text = #"""
            {"servers": {"payments": {"command": "x", "policy": {"rules": [{"tool": "t", "action": "block"}]}}}}
            """#
        let error = configError(text, file: "hub.json")
        #expect(
            error?.description
                == "hub.json: servers.payments.policy.rules[0].action: "
                + #"unknown action "block"; allowed: allow, approve, deny"#
        )
        let nearMiss = configError(oneServer(#""policy": {"default": "alow"}"#))
        #expect(nearMiss?.jsonPath == "servers.a.policy.default")
        #expect(nearMiss?.message.contains(#"did you mean "allow"?"#) == true)
        let hubDefault = configError(oneServer(top: #""defaults": {"default": "maybe"}"#))
        #expect(hubDefault?.jsonPath == "defaults.default")
    }

    @Test func wrongTypes() {
        let cases: [(String, String)] = [
            (#"{"servers": []}"#, "servers"),
            (#"{"servers": {"a": "cmd"}}"#, "servers.a"),
            (#"{"servers": {"a": {"command": 1}}}"#, "servers.a.command"),
            (oneServer(#""args": "a b""#), "servers.a.args"),
            (oneServer(#""args": ["a", 2]"#), "servers.a.args[1]"),
            (oneServer(#""env": ["A=1"]"#), "servers.a.env"),
            (oneServer(#""env": {"PORT": 8080}"#), "servers.a.env.PORT"),
            (oneServer(#""cwd": false"#), "servers.a.cwd"),
            (oneServer(#""disabled": "yes""#), "servers.a.disabled"),
            (oneServer(#""description": 3"#), "servers.a.description"),
            (oneServer(#""policy": []"#), "servers.a.policy"),
            (oneServer(#""policy": {"allow": "get_*"}"#), "servers.a.policy.allow"),
            (oneServer(#""policy": {"deny": [1]}"#), "servers.a.policy.deny[0]"),
            (oneServer(#""policy": {"rules": {}}"#), "servers.a.policy.rules"),
            (oneServer(#""policy": {"rules": ["t"]}"#), "servers.a.policy.rules[0]"),
            (
                oneServer(#""policy": {"rules": [{"tool": "t", "action": "deny", "arguments": ["x"]}]}"#),
                "servers.a.policy.rules[0].arguments"
            ),
            (
                oneServer(#""policy": {"rules": [{"tool": "t", "action": "deny", "arguments": {"n": 1}}]}"#),
                "servers.a.policy.rules[0].arguments.n"
            ),
            (
                oneServer(#""policy": {"rules": [{"tool": "t", "action": "deny", "name": 1}]}"#),
                "servers.a.policy.rules[0].name"
            ),
            (oneServer(top: #""approval": {"elicitation": "yes"}"#), "approval.elicitation"),
            (oneServer(top: #""approval": {"notify": "notify-send"}"#), "approval.notify"),
            (oneServer(top: #""approval": {"code_ttl_seconds": "300"}"#), "approval.code_ttl_seconds"),
            (oneServer(top: #""naming": {"dotless_clients": "cursor"}"#), "naming.dotless_clients"),
            (oneServer(top: #""naming": {"separator": 1}"#), "naming.separator"),
            (oneServer(top: #""timeouts": []"#), "timeouts"),
            (oneServer(top: #""defaults": "deny""#), "defaults"),
        ]
        for (text, path) in cases {
            let error = configError(text)
            #expect(error?.kind == .wrongType, "\(path): \(error?.description ?? "nil")")
            #expect(error?.jsonPath == path)
            #expect(error?.message.contains("expected ") == true)
        }
    }

    @Test func missingKeys() {
        let noCommand = configError(#"{"servers": {"a": {"args": []}}}"#)
        #expect(noCommand?.kind == .missingKey)
        #expect(noCommand?.jsonPath == "servers.a")
        #expect(noCommand?.message.contains("\"command\"") == true)
        let noTool = configError(oneServer(#""policy": {"rules": [{"action": "deny"}]}"#))
        #expect(noTool?.kind == .missingKey)
        #expect(noTool?.jsonPath == "servers.a.policy.rules[0]")
        let noAction = configError(oneServer(#""policy": {"rules": [{"tool": "x"}]}"#))
        #expect(noAction?.kind == .missingKey)
        #expect(noAction?.message.contains("allow, approve, deny") == true)
    }

    @Test func emptyStringsAndPatterns() {
        let cases: [(String, String)] = [
            (#"{"servers": {"a": {"command": ""}}}"#, "servers.a.command"),
            (oneServer(#""cwd": """#), "servers.a.cwd"),
            (oneServer(#""policy": {"allow": ["get_*", ""]}"#), "servers.a.policy.allow[1]"),
            (oneServer(#""policy": {"rules": [{"tool": "", "action": "deny"}]}"#), "servers.a.policy.rules[0].tool"),
            (
                oneServer(#""policy": {"rules": [{"tool": "t", "action": "deny", "arguments": {"sql": ""}}]}"#),
                "servers.a.policy.rules[0].arguments.sql"
            ),
            (
                oneServer(#""policy": {"rules": [{"tool": "t", "action": "deny", "name": ""}]}"#),
                "servers.a.policy.rules[0].name"
            ),
            (oneServer(top: #""approval": {"notify": []}"#), "approval.notify"),
            (oneServer(top: #""approval": {"notify": ["", "x"]}"#), "approval.notify"),
            (oneServer(top: #""naming": {"dotless_clients": [""]}"#), "naming.dotless_clients[0]"),
            (oneServer(#""env": {"": "v"}"#), #"servers.a.env[""]"#),
            (oneServer(#""env": {"A=B": "v"}"#), #"servers.a.env["A=B"]"#),
        ]
        for (text, path) in cases {
            let error = configError(text)
            #expect(error?.kind == .invalidValue, "\(path): \(error?.description ?? "nil")")
            #expect(error?.jsonPath == path)
        }
    }

    @Test func invalidRegexNamesPathAndReason() {
        let text = oneServer(#""policy": {"rules": [{"tool": "q", "arguments": {"sql": "(drop"}, "action": "deny"}]}"#)
        let error = configError(text)
        #expect(error?.kind == .invalidValue)
        #expect(error?.jsonPath == "servers.a.policy.rules[0].arguments.sql")
        #expect(error?.message.contains(#"invalid regular expression "(drop""#) == true)
        #expect(error?.message.contains("expected ')'") == true, "\(error?.message ?? "")")
        let odd = configError(
            oneServer(#""policy": {"rules": [{"tool": "q", "arguments": {"a b": "[z-a]"}, "action": "deny"}]}"#))
        #expect(odd?.jsonPath == #"servers.a.policy.rules[0].arguments["a b"]"#)
    }

    @Test func outOfRangeNumbers() throws {
        let cases: [(String, String, String)] = [
            (oneServer(top: #""approval": {"code_ttl_seconds": 9}"#), "approval.code_ttl_seconds", "10 to 86400"),
            (oneServer(top: #""approval": {"code_ttl_seconds": 86401}"#), "approval.code_ttl_seconds", "10 to 86400"),
            (oneServer(top: #""approval": {"max_attempts": 0}"#), "approval.max_attempts", "1 to 20"),
            (oneServer(top: #""approval": {"max_attempts": 21}"#), "approval.max_attempts", "1 to 20"),
            (oneServer(top: #""approval": {"code_digits": 5}"#), "approval.code_digits", "6 to 12"),
            (oneServer(top: #""approval": {"code_digits": 13}"#), "approval.code_digits", "6 to 12"),
            (
                oneServer(top: #""approval": {"elicitation_timeout_seconds": 0}"#),
                "approval.elicitation_timeout_seconds",
                "1 to 3600"
            ),
            (oneServer(top: #""naming": {"max_length": 15}"#), "naming.max_length", "16 to 128"),
            (oneServer(#""approval": {"code_ttl_seconds": 60}"#), "servers.a.approval.code_ttl_seconds", "hub-wide"),
            (oneServer(top: #""naming": {"max_length": 129}"#), "naming.max_length", "16 to 128"),
            (oneServer(top: #""timeouts": {"call_seconds": 0}"#), "timeouts.call_seconds", "1 to 86400"),
            (oneServer(top: #""timeouts": {"startup_seconds": 601}"#), "timeouts.startup_seconds", "1 to 600"),
            (oneServer(#""timeouts": {"call_seconds": 1.5}"#), "servers.a.timeouts.call_seconds", "not a whole number"),
            (
                oneServer(#""approval": {"max_attempts": 99999999999999999999999}"#), "servers.a.approval.max_attempts",
                "out of range"
            ),
        ]
        for (text, path, allowed) in cases {
            let error = configError(text)
            #expect(error?.kind == .invalidValue, "\(path)")
            #expect(error?.jsonPath == path)
            #expect(error?.message.contains(allowed) == true, "\(error?.message ?? "")")
        }
        // The same numbers written differently are accepted.
        let config = try parseConfig(oneServer(top: #""timeouts": {"call_seconds": 3e2, "startup_seconds": 10.0}"#))
        #expect(config.timeouts == TimeoutConfig(callSeconds: 300, startupSeconds: 10))
    }

    @Test func unknownEnumValues() {
        let cases: [(String, String, String)] = [
            (
                oneServer(top: #""approval": {"code_delivery": "email"}"#), "approval.code_delivery",
                "agent, out_of_band"
            ),
            (oneServer(top: #""approval": {"fallback": "allow"}"#), "approval.fallback", "agent, deny"),
            (oneServer(top: #""naming": {"separator": "::"}"#), "naming.separator", "., __, _, -"),
        ]
        for (text, path, allowed) in cases {
            let error = configError(text)
            #expect(error?.kind == .invalidValue)
            #expect(error?.jsonPath == path)
            #expect(error?.message.hasSuffix("allowed: \(allowed)") == true, "\(error?.message ?? "")")
        }
    }
}

@Suite struct ConfigEnvironmentTests {
    @Test func expansionEverywhereItIsAllowed() throws {
        let text = #"""
            {"servers": {"s": {"command": "${BIN}/server", "args": ["--port=${PORT:-8080}", "$HOME", "${HOST:-}"],
              "env": {"KEY": "${KEY}", "MODE": "${MODE:-test}", "PLAIN": "a$b"}, "cwd": "${ROOT}/work"}}}
            """#
        let env = ["BIN": "/opt/bin", "KEY": "k", "MODE": "", "ROOT": "/srv", "HOME": "/home/u"]
        let server = try #require(try parseConfig(text, environment: env).servers.first)
        #expect(server.command == "/opt/bin/server")
        #expect(server.args == ["--port=8080", "$HOME", ""])
        #expect(server.env == ["KEY": "k", "MODE": "test", "PLAIN": "a$b"])
        #expect(server.cwd == "/srv/work")
        // A set variable wins over the default; an empty `${X}` is allowed.
        let other = try parseConfig(text, environment: env.merging(["PORT": "9", "KEY": ""]) { $1 }).servers[0]
        #expect(other.args[0] == "--port=9")
        #expect(other.env["KEY"] == "")
    }

    @Test func missingVariableHasTheDocumentedMessage() {
        let text = #"{"servers": {"payments": {"command": "x", "env": {"API_KEY": "${STRIPE_KEY}"}}}}"#
        let error = configError(text, environment: ["OTHER": "1"], file: "hub.json")
        #expect(error?.kind == .missingVariable)
        #expect(
            error?.description
                == "hub.json: servers.payments.env.API_KEY: "
                + #"environment variable STRIPE_KEY is not set (used by server "payments")"#
        )
        let inArgs = configError(oneServer(#""args": ["ok", "${NOPE}"]"#))
        #expect(inArgs?.jsonPath == "servers.a.args[1]")
        let inCommand = configError(#"{"servers": {"a": {"command": "${NOPE}"}}}"#)
        #expect(inCommand?.jsonPath == "servers.a.command")
        let inCwd = configError(oneServer(#""cwd": "${NOPE}""#))
        #expect(inCwd?.jsonPath == "servers.a.cwd")
    }

    @Test func malformedReferences() {
        for bad in ["${", "a${B", "${1X}", "${A B}", "${A:x}", "${}", "${A:=b}"] {
            let error = configError(oneServer(#""env": {"V": "\#(bad)"}"#))
            #expect(error?.kind == .invalidValue, "\(bad)")
            #expect(error?.jsonPath == "servers.a.env.V")
            #expect(error?.message.contains("malformed variable reference") == true)
        }
        #expect(ConfigVariableExpander.expand("${A:-x}y${B}", environment: ["B": "b"]) == .success("xyb"))
        #expect(ConfigVariableExpander.expand("$ {A} $", environment: [:]) == .success("$ {A} $"))
    }

    @Test func secretsNeverAppearInErrorsOrDescriptions() throws {
        let secret = "sk_live_VERY_SECRET_42"
        let env = ["STRIPE_KEY": secret, "OTHER_SECRET": secret]
        // Errors raised after the secret was expanded, in the same server.
        let failing = [
            oneServer(#""env": {"API_KEY": "${STRIPE_KEY}", "B": "${MISSING}"}"#),
            oneServer(#""env": {"API_KEY": "${STRIPE_KEY}"}, "cwd": "${MISSING}""#),
            oneServer(#""env": {"API_KEY": "${STRIPE_KEY}"}, "policy": {"default": "block"}"#),
            oneServer(#""args": ["${STRIPE_KEY}", 3]"#),
            oneServer(#""env": {"API_KEY": "${STRIPE_KEY}", "BAD": "${STRIPE_KEY"}"#),
            oneServer(#""env": {"API_KEY": "\#(secret)", "N": 1}"#),
        ]
        for text in failing {
            let error = configError(text, environment: env)
            #expect(error != nil)
            #expect(error?.description.contains(secret) == false, "\(error?.description ?? "")")
            #expect(error?.description.contains("VERY_SECRET") == false)
        }
        let server = try parseConfig(oneServer(#""env": {"API_KEY": "${STRIPE_KEY}"}"#), environment: env).servers[0]
        #expect(server.env["API_KEY"] == secret)
        #expect(!String(describing: server).contains(secret))
        #expect(!"\(server)".contains(secret))
        #expect(!String(reflecting: server).contains(secret))
        var dumped = ""
        dump(server, to: &dumped)
        #expect(!dumped.contains(secret))
        #expect(dumped.contains("API_KEY"))
    }

    @Test func relativeCwdIsResolvedAgainstTheConfigDirectory() throws {
        let file = "/home/u/.config/mcp-firewall-hub/hub.json"
        func cwd(_ value: String) throws -> String? {
            try parseConfig(oneServer(#""cwd": "\#(value)""#), file: file).servers[0].cwd
        }
        #expect(try cwd("data") == "/home/u/.config/mcp-firewall-hub/data")
        #expect(try cwd("./a/b/") == "/home/u/.config/mcp-firewall-hub/a/b")
        #expect(try cwd("../x") == "/home/u/.config/x")
        #expect(try cwd("/abs/path") == "/abs/path")
    }

    @Test func timeoutsAndApprovalOverridesMerge() throws {
        let text = #"""
            {"servers": {"a": {"command": "x", "timeouts": {"startup_seconds": 5}, "approval": {"fallback": "deny"}},
                         "b": {"command": "y"}},
             "timeouts": {"call_seconds": 100}, "approval": {"code_digits": 7}}
            """#
        let config = try parseConfig(text)
        #expect(config.servers[0].timeouts == TimeoutConfig(callSeconds: 100, startupSeconds: 5))
        #expect(config.servers[1].timeouts == TimeoutConfig(callSeconds: 100, startupSeconds: 60))
        var expected = ApprovalOverrides()
        expected.fallback = .deny
        #expect(config.servers[0].approval == expected)
        let merged = config.approval(for: config.servers[0])
        #expect(merged.fallback == .deny && merged.codeDigits == 7)
        #expect(config.approval(for: config.servers[1]) == config.approval)
    }
}

@Suite struct ConfigFileTests {
    @Test func loadsAFileAndResolvesCwdNextToIt() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/hub.json"
        // With a UTF-8 byte-order mark, which editors sometimes add.
        let text = "\u{FEFF}" + oneServer(#""cwd": "work""#)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let config = try ConfigLoader.load(path: path, environment: [:])
        #expect(config.filePath == path)
        #expect(config.servers[0].cwd == dir + "/work")
    }

    @Test func fileErrors() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: dir + "/missing.json", environment: [:]) }
        do {
            _ = try ConfigLoader.load(path: dir + "/missing.json", environment: [:])
        } catch {
            #expect(error.kind == .fileNotFound)
            #expect(error.description == "\(dir)/missing.json: config file not found")
        }
        do {
            _ = try ConfigLoader.load(path: dir, environment: [:])
            Issue.record("a directory loaded")
        } catch {
            #expect(error.kind == .unreadable)
        }
    }

    @Test func invalidJSONReportsLineAndColumn() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let path = dir + "/hub.json"
        try Data("{\n  \"servers\": {\n    \"é\": 1,\n  }\n}\n".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ConfigLoader.load(path: path, environment: [:])
            Issue.record("invalid JSON loaded")
        } catch {
            #expect(error.kind == .invalidJSON)
            #expect(error.jsonPath == "")
            #expect(error.message.hasPrefix("invalid JSON at line 4, column 3: "), "\(error.message)")
        }
        let duplicate = #"{"servers": {"a": {"command": "x"}, "a": {"command": "y"}}}"#
        try Data(duplicate.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ConfigLoader.load(path: path, environment: [:])
            Issue.record("duplicate server loaded")
        } catch {
            #expect(error.kind == .invalidJSON)
            #expect(error.message.contains(#"duplicate object key "a""#))
        }
    }

    @Test func lineAndColumnCountCharacters() {
        let bytes = Array("ab\ncé\nx".utf8)
        #expect(ConfigLoader.lineAndColumn(of: 0, in: bytes) == (1, 1))
        #expect(ConfigLoader.lineAndColumn(of: 2, in: bytes) == (1, 3))
        #expect(ConfigLoader.lineAndColumn(of: 3, in: bytes) == (2, 1))
        #expect(ConfigLoader.lineAndColumn(of: 6, in: bytes) == (2, 3))  // after the two-byte é
        #expect(ConfigLoader.lineAndColumn(of: 7, in: bytes) == (3, 1))
    }
}

@Suite struct ConfigLocatorTests {
    @Test func explicitPathWinsAndMustExist() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let explicit = dir + "/mine.json"
        let fromEnv = dir + "/env.json"
        try Data("{}".utf8).write(to: URL(fileURLWithPath: explicit))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: fromEnv))
        let env = ["MCP_FIREWALL_HUB_CONFIG": fromEnv, "XDG_CONFIG_HOME": dir, "HOME": dir]
        #expect(try ConfigLocator.resolve(explicitPath: explicit, environment: env).get() == explicit)
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: env).get() == fromEnv)

        let missing = ConfigLocator.resolve(explicitPath: dir + "/nope.json", environment: env)
        guard case .failure(let error) = missing else {
            Issue.record("a missing --config path was accepted")
            return
        }
        #expect(error.kind == .fileNotFound)
        #expect(error.description.contains("--config"))
        let missingEnv = ConfigLocator.resolve(explicitPath: nil, environment: ["MCP_FIREWALL_HUB_CONFIG": dir + "/no"])
        guard case .failure(let envError) = missingEnv else {
            Issue.record("a missing $MCP_FIREWALL_HUB_CONFIG path was accepted")
            return
        }
        #expect(envError.description.contains("MCP_FIREWALL_HUB_CONFIG"))
    }

    @Test func xdgThenHome() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let xdgFile = dir + "/xdg/mcp-firewall-hub/hub.json"
        let homeFile = dir + "/home/.config/mcp-firewall-hub/hub.json"
        for file in [xdgFile, homeFile] {
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: URL(fileURLWithPath: file))
        }
        let both = ["XDG_CONFIG_HOME": dir + "/xdg", "HOME": dir + "/home"]
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: both).get() == xdgFile)
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: ["HOME": dir + "/home"]).get() == homeFile)
        // A relative XDG_CONFIG_HOME is ignored.
        let relative = ["XDG_CONFIG_HOME": "xdg", "HOME": dir + "/home"]
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: relative).get() == homeFile)
    }

    @Test func notFoundListsEveryPlace() throws {
        let dir = try makeTemporaryDirectory()
        defer { removeDirectory(dir) }
        let result = ConfigLocator.resolve(explicitPath: nil, environment: ["XDG_CONFIG_HOME": dir + "/xdg"])
        guard case .failure(let error) = result else {
            Issue.record("found a config that does not exist")
            return
        }
        #expect(error.kind == .notLocated)
        #expect(error.message.contains("--config"))
        #expect(error.message.contains("MCP_FIREWALL_HUB_CONFIG"))
        #expect(error.message.contains(dir + "/xdg/mcp-firewall-hub/hub.json"))
        let noHome = ConfigLocator.resolve(explicitPath: nil, environment: [:])
        guard case .failure(let homeError) = noHome else {
            Issue.record("found a config without HOME")
            return
        }
        #expect(homeError.message.contains("HOME is not set"))
        #expect(!homeError.message.contains(FileManager.default.currentDirectoryPath + "/hub.json"))
    }
}
