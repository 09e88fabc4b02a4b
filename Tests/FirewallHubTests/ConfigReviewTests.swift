import Foundation
import MCPWire
import Testing

@testable import FirewallHub

/// The risky settings `check` warns about: each one found where it is, with a fix, and a careful
/// config gets none.
@Suite struct ConfigReviewTests {
    private func warnings(_ text: String, file: String = "/nonexistent/hub.json") throws -> [ConfigWarning] {
        let document = try JSONParser.parse(text)
        let config = try ConfigLoader.parse(document, filePath: file, environment: ["PATH": "/usr/bin:/bin"])
        return ConfigReview.warnings(for: config, document: document, environment: ["PATH": "/usr/bin:/bin"])
    }

    private func kinds(_ text: String) throws -> [ConfigWarning.Kind] { try warnings(text).map(\.kind) }

    /// A server entry that starts (`/bin/sh` exists everywhere) with a careful policy.
    private static let careful = #""command": "/bin/sh", "policy": {"default": "approve", "allow": ["get_*"]}"#

    @Test func aCarefulConfigHasNoWarnings() throws {
        #expect(
            try warnings(
                #"{"servers": {"a": {\#(Self.careful)}}, "approval": {"notify": ["notify-send", "{summary}"]}}"#
            ).isEmpty)
    }

    @Test func pinningTurnedOff() throws {
        let off = try warnings(
            #"{"servers": {"a": {\#(Self.careful)}}, "approval": {"notify": ["notify-send", "{summary}"]}, "pins": {"enabled": false}}"#
        )
        #expect(off.map(\.kind) == [.pinningOff])
        #expect(off.first?.jsonPath == "pins.enabled")
    }

    @Test func agentCodesAndAgentFallback() throws {
        let all = try warnings(
            #"{"servers": {"a": {\#(Self.careful), "approval": {"fallback": "agent"}}}, "approval": {"code_delivery": "agent"}}"#
        )
        #expect(all.map(\.jsonPath) == ["approval.code_delivery"])
        let fallback = try warnings(#"{"servers": {"a": {\#(Self.careful), "approval": {"fallback": "agent"}}}}"#)
        #expect(fallback.map(\.jsonPath) == ["servers.a.approval.fallback"])
        #expect(fallback.allSatisfy { $0.kind == .agentCodes && !$0.fix.isEmpty })
    }

    @Test func allowByDefaultInEveryForm() throws {
        let all = try warnings(
            #"""
            {"servers": {"a": {"command": "/bin/sh", "policy": {"default": "allow", "allow": ["*"],
              "rules": [{"tool": "*", "action": "allow"}]}}}, "defaults": {"default": "allow"},
             "approval": {"notify": ["x"]}}
            """#)
        #expect(
            Set(all.filter { $0.kind == .allowByDefault }.map(\.jsonPath))
                == [
                    "servers.a.policy.default", "servers.a.policy.allow[0]", "servers.a.policy.rules[0]",
                    "defaults.default",
                ])
    }

    @Test func regexAllowRulesOnSQLAndShell() throws {
        let all = try warnings(
            #"""
            {"servers": {"db": {"command": "/bin/sh", "policy": {"default": "approve", "rules": [
               {"tool": "execute_sql", "arguments": {"sql": "select"}, "action": "allow"},
               {"tool": "execute_sql", "arguments": {"sql": "\\bdrop\\b"}, "action": "deny"},
               {"tool": "execute_sql", "arguments": {"sql": "(?i)\\bdrop\\b"}, "action": "deny"},
               {"tool": "run", "arguments": {"command": "^ls( |$)"}, "action": "allow"},
               {"tool": "get", "arguments": {"id": "^\\d+$"}, "action": "allow"}]}}},
             "approval": {"notify": ["x"]}}
            """#)
        let found = all.map { "\($0.kind) \($0.jsonPath)" }
        #expect(
            Set(found) == [
                "regexAllowOnCode servers.db.policy.rules[0].arguments.sql",
                "unanchoredAllow servers.db.policy.rules[0].arguments.sql",
                "caseSensitiveDeny servers.db.policy.rules[1].arguments.sql",
                "regexAllowOnCode servers.db.policy.rules[3].arguments.command",
            ], "\(found)")
    }

    @Test func shadowedRules() throws {
        let all = try warnings(
            #"""
            {"servers": {"a": {"command": "/bin/sh", "policy": {"default": "approve", "rules": [
               {"tool": "refund", "action": "approve"}, {"tool": "refund", "arguments": {"id": "x"}, "action": "deny"}]}}},
             "approval": {"notify": ["x"]}}
            """#)
        #expect(all.map { "\($0.kind) \($0.jsonPath)" } == ["shadowedRule servers.a.policy.rules[1]"])
    }

    @Test func serversWithoutPolicyAndNameCollisions() throws {
        let all = try warnings(
            #"{"servers": {"x": {"command": "/bin/sh"}, "x__y": {\#(Self.careful)}}, "approval": {"notify": ["n"]}}"#)
        #expect(Set(all.map { "\($0.kind) \($0.jsonPath)" }) == ["noPolicy servers.x", "nameCollision servers.x__y"])
        let underscore = try warnings(
            #"{"servers": {"x": {\#(Self.careful)}, "x_y": {\#(Self.careful)}}, "naming": {"separator": "_"}, "approval": {"notify": ["n"]}}"#
        )
        #expect(underscore.map(\.kind) == [.nameCollision])
    }

    @Test func heldCallsNothingCanApprove() throws {
        let all = try warnings(#"{"servers": {"a": {\#(Self.careful)}}, "approval": {"elicitation": false}}"#)
        #expect(all.map { "\($0.kind) \($0.jsonPath)" } == ["noApprovalChannel approval.elicitation"])
        let one = try warnings(
            #"{"servers": {"a": {\#(Self.careful), "approval": {"elicitation": false}}, "b": {\#(Self.careful)}}}"#)
        #expect(one.map { "\($0.kind) \($0.jsonPath)" } == ["noApprovalChannel servers.a.approval"])
        let outOfBand = try warnings(
            #"{"servers": {"a": {\#(Self.careful)}}, "approval": {"code_delivery": "out_of_band"}}"#)
        #expect(outOfBand.map(\.kind) == [.outOfBandWithoutNotify])
    }

    @Test func shellNotifyCommands() throws {
        #expect(ConfigReview.shellNotifyProblem(["sh", "-c", "notify-send {summary}"]) == "{summary}")
        #expect(
            ConfigReview.shellNotifyProblem(["/bin/bash", "-lc", "x {arguments} {tool}"]) == "{arguments} and {tool}")
        #expect(ConfigReview.shellNotifyProblem(["sh", "-c", "printf %s \"$1\" > f", "sh", "{summary}"]) == nil)
        #expect(ConfigReview.shellNotifyProblem(["bash", "/opt/notify.sh", "{summary}"]) == nil)
        #expect(ConfigReview.shellNotifyProblem(["notify-send", "{summary}"]) == nil)
        #expect(ConfigReview.shellNotifyProblem(["sh", "-c", "echo {code}"]) == nil)
        let all = try warnings(
            #"{"servers": {"a": {\#(Self.careful)}}, "approval": {"notify": ["sh", "-c", "n {summary}"]}}"#)
        #expect(all.map { "\($0.kind) \($0.jsonPath)" } == ["shellNotify approval.notify"])
    }

    @Test func guessableCodesLongPromptsAndNames() throws {
        let all = try warnings(
            #"""
            {"servers": {"a": {\#(Self.careful)}}, "approval": {"notify": ["n"], "max_wrong_codes": 1000,
             "elicitation_timeout_seconds": 120}, "naming": {"separator": ".", "max_length": 100}}
            """#)
        #expect(
            Set(all.map { "\($0.kind) \($0.jsonPath)" }) == [
                "guessableCodes approval.max_wrong_codes", "longElicitation approval.elicitation_timeout_seconds",
                "clientRejectsNames naming.separator", "clientRejectsNames naming.max_length",
            ])
    }

    @Test func serversThatCannotStartFromHere() throws {
        let all = try warnings(
            #"{"servers": {"a": {"command": "no-such-program-here", "policy": {"default": "approve"}}, "b": {"command": "/bin/sh", "cwd": "/no/such/dir", "policy": {"default": "approve"}}}, "approval": {"notify": ["n"]}}"#
        )
        #expect(
            Set(all.map { "\($0.kind) \($0.jsonPath)" }) == [
                "serverNotStartable servers.a.command", "serverNotStartable servers.b.cwd",
            ])
    }

    @Test func literalSecretsInAFileOthersCanRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("review-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("hub.json").path
        let text =
            #"{"servers": {"a": {\#(Self.careful), "env": {"API_TOKEN": "tok_123456", "MODE": "x", "KEY2": "${K}"}}}, "approval": {"notify": ["n"]}}"#
        FileManager.default.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644])
        let document = try JSONParser.parse(text)
        let config = try ConfigLoader.parse(document, filePath: file, environment: ["K": "v"])
        let readable = ConfigReview.warnings(for: config, document: document, environment: [:])
        #expect(readable.map(\.kind) == [.readableSecrets])
        #expect(readable.first?.message.contains("servers.a.env.API_TOKEN") == true)
        #expect(readable.first?.message.contains("tok_123456") == false)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        #expect(ConfigReview.warnings(for: config, document: document, environment: [:]).isEmpty)
    }

    @Test func withTheToolListsUnknownNamesAndArguments() throws {
        let text = #"""
            {"servers": {"a": {"command": "/bin/sh", "policy": {"default": "approve", "deny": ["delte_user", "drop_*"],
               "rules": [{"tool": "query", "arguments": {"statement": "(?i)drop"}, "action": "deny"},
                         {"tool": "querry", "action": "deny"}]}}}}
            """#
        let config = try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/h.json", environment: [:])
        let tools: [JSONObject] = [
            ["name": "delete_user", "inputSchema": ["type": "object", "properties": ["id": [:]]]],
            ["name": "query", "inputSchema": ["type": "object", "properties": ["sql": [:]]]],
        ]
        var review = ConfigReview.Collector(file: "/h.json")
        ConfigReview.toolWarnings(config, tools: [("a", tools)], into: &review)
        #expect(
            review.warnings.map { "\($0.kind) \($0.jsonPath)" } == [
                "unknownTool servers.a.policy.deny[0]", "unknownArgument servers.a.policy.rules[0].arguments",
                "unknownTool servers.a.policy.rules[1].tool",
            ])
    }

    @Test func patternHelpers() {
        #expect(ConfigReview.isAnchoredAtStart("^select"))
        #expect(ConfigReview.isAnchoredAtStart("(?i)^select"))
        #expect(ConfigReview.isAnchoredAtStart("(?is)\\Aselect"))
        #expect(!ConfigReview.isAnchoredAtStart("select"))
        #expect(!ConfigReview.isAnchoredAtStart("(?:^a|b)"))
        #expect(ConfigReview.isCaseSensitive("\\bdrop\\b"))
        #expect(!ConfigReview.isCaseSensitive("(?i)drop"))
        #expect(!ConfigReview.isCaseSensitive("(?si)drop"))
        #expect(!ConfigReview.isCaseSensitive("a(?i:drop)"))
        #expect(!ConfigReview.isCaseSensitive("\\d+"))
    }
}
