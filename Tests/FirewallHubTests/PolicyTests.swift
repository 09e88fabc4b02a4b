import MCPWire
import Testing

@testable import FirewallHub

/// An engine for server `s` whose `policy` block is `policyJSON`, with an optional hub `defaults` block.
private func makeEngine(
    _ policyJSON: String, defaults: String? = nil, key: String = "servers", server: String = "s"
) throws -> PolicyEngine {
    let top = defaults.map { #", "defaults": \#($0)"# } ?? ""
    let text = #"{"\#(key)": {"\#(server)": {"command": "x", "policy": \#(policyJSON)}}\#(top)}"#
    let config = try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: [:])
    return PolicyEngine(server: config.servers[0], defaults: config.defaults)
}

private func object(_ json: String) throws -> JSONObject {
    try #require(try JSONParser.parse(json).objectValue)
}

private let readOnly = JSONObject([("readOnlyHint", true)])

@Suite struct ToolGlobTests {
    @Test(arguments: [
        ("get_user", "get_user", true),
        ("get_user", "get_users", false),
        ("get_user", "xget_user", false),
        ("get_*", "get_", true),
        ("get_*", "get_user", true),
        ("get_*", "Get_user", false),
        ("*", "", true),
        ("*", "anything at all", true),
        ("**", "x", true),
        ("?", "", false),
        ("?", "a", true),
        ("?", "é", true),
        ("?", "ab", false),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("*_user", "get_user", true),
        ("*_user", "get_user_id", false),
        ("a*b*c", "abc", true),
        ("a*b*c", "aXbYc", true),
        ("a*b*c", "aXbYcZ", false),
        ("a*b*c", "acb", false),
        ("*a*", "banana", true),
        ("*ab", "aab", true),
        ("a*a*a*a*a*a*a*a*a*b", String(repeating: "a", count: 200), false),
        ("a*a*a*a*a*a*a*a*a*b", String(repeating: "a", count: 200) + "b", true),
        ("list.*", "list.items", true),
        ("list.*", "listXitems", false),
        ("[ab]", "a", false),
        ("[ab]", "[ab]", true),
        ("", "", true),
        ("", "a", false),
    ])
    func matching(pattern: String, name: String, expected: Bool) {
        #expect(ToolGlob(pattern).matches(name) == expected)
    }

    @Test func literal() {
        #expect(ToolGlob("refund").isLiteral)
        #expect(!ToolGlob("get_*").isLiteral)
        #expect(!ToolGlob("a?").isLiteral)
    }
}

@Suite struct PolicyOrderTests {
    @Test func actionsAreOrderedByRestrictiveness() {
        #expect(PolicyAction.allow < .approve)
        #expect(PolicyAction.approve < .deny)
        #expect([PolicyAction.approve, .deny, .allow].max() == .deny)
    }

    @Test func rulesBeatNameLists() throws {
        let engine = try makeEngine(
            #"{"deny": ["run_*"], "rules": [{"tool": "run_report", "action": "allow"}]}"#)
        let decision = engine.decide(tool: "run_report", annotations: nil, arguments: nil)
        #expect(decision == PolicyDecision(action: .allow, rule: "servers.s.policy.rules[0] (run_report)"))
        #expect(engine.decide(tool: "run_other", annotations: nil, arguments: nil).action == .deny)
    }

    @Test func firstMatchingRuleWins() throws {
        let engine = try makeEngine(
            #"""
            {"rules": [{"tool": "q", "arguments": {"sql": "^select"}, "action": "allow", "name": "selects"},
                       {"tool": "q*", "action": "deny"},
                       {"tool": "q", "action": "allow"}]}
            """#)
        #expect(
            engine.decide(tool: "q", annotations: nil, arguments: try object(#"{"sql": "select 1"}"#))
                == PolicyDecision(action: .allow, rule: #"servers.s.policy.rules[0] "selects""#))
        #expect(
            engine.decide(tool: "q", annotations: nil, arguments: try object(#"{"sql": "delete"}"#))
                == PolicyDecision(action: .deny, rule: "servers.s.policy.rules[1] (q*)"))
    }

    @Test func mostRestrictiveListWins() throws {
        let engine = try makeEngine(
            #"{"allow": ["*"], "approve": ["pay_*", "*_invoice"], "deny": ["pay_out", "x"]}"#)
        #expect(
            engine.decide(tool: "pay_out", annotations: nil, arguments: nil)
                == PolicyDecision(action: .deny, rule: #"servers.s.policy.deny[0] "pay_out""#))
        #expect(
            engine.decide(tool: "pay_invoice", annotations: nil, arguments: nil)
                == PolicyDecision(action: .approve, rule: #"servers.s.policy.approve[0] "pay_*""#))
        #expect(
            engine.decide(tool: "void_invoice", annotations: nil, arguments: nil)
                == PolicyDecision(action: .approve, rule: #"servers.s.policy.approve[1] "*_invoice""#))
        #expect(
            engine.decide(tool: "status", annotations: nil, arguments: nil)
                == PolicyDecision(action: .allow, rule: #"servers.s.policy.allow[0] "*""#))
    }

    @Test func listOrderInTheFileDoesNotMatter() throws {
        // Same lists, deny written first or last: deny still wins.
        for policy in [#"{"deny": ["a"], "allow": ["a"]}"#, #"{"allow": ["a"], "approve": ["a"], "deny": ["a"]}"#] {
            #expect(try makeEngine(policy).decide(tool: "a", annotations: nil, arguments: nil).action == .deny)
        }
    }

    @Test func serverDefaultBeatsHubDefault() throws {
        let both = try makeEngine(#"{"default": "allow"}"#, defaults: #"{"default": "deny"}"#)
        #expect(
            both.decide(tool: "t", annotations: nil, arguments: nil)
                == PolicyDecision(action: .allow, rule: "servers.s.policy.default"))
        let hubOnly = try makeEngine(#"{}"#, defaults: #"{"default": "deny"}"#)
        #expect(
            hubOnly.decide(tool: "t", annotations: readOnly, arguments: nil)
                == PolicyDecision(action: .deny, rule: "defaults.default"))
        let emptyDefaults = try makeEngine(#"{}"#, defaults: #"{}"#)
        #expect(emptyDefaults.decide(tool: "t", annotations: nil, arguments: nil).rule == "built-in default")
    }

    @Test func listsBeatDefaults() throws {
        let engine = try makeEngine(#"{"default": "deny", "allow": ["get_*"]}"#, defaults: #"{"default": "deny"}"#)
        #expect(engine.decide(tool: "get_x", annotations: nil, arguments: nil).action == .allow)
        #expect(engine.decide(tool: "other", annotations: nil, arguments: nil).action == .deny)
    }

    @Test func provenanceUsesTheKeyTheFileUsed() throws {
        let engine = try makeEngine(#"{"deny": ["x"]}"#, key: "mcpServers", server: "pay")
        let decision = engine.decide(tool: "x", annotations: nil, arguments: nil)
        #expect(decision.rule == #"mcpServers.pay.policy.deny[0] "x""#)
    }
}

@Suite struct PolicyAnnotationTests {
    @Test func readOnlyHintAllowsOnlyAtTheBuiltInStep() throws {
        let engine = try makeEngine(#"{}"#)
        #expect(
            engine.decide(tool: "get_user", annotations: readOnly, arguments: nil)
                == PolicyDecision(action: .allow, rule: "annotation readOnlyHint"))
        #expect(
            engine.decide(tool: "get_user", annotations: nil, arguments: nil)
                == PolicyDecision(action: .approve, rule: "built-in default"))
        let falseHint = JSONObject([("readOnlyHint", false)])
        #expect(engine.decide(tool: "get_user", annotations: falseHint, arguments: nil).action == .approve)
        let stringHint = JSONObject([("readOnlyHint", "true")])
        #expect(engine.decide(tool: "get_user", annotations: stringHint, arguments: nil).action == .approve)
    }

    @Test func destructiveHintBlocksAutoAllow() throws {
        let engine = try makeEngine(#"{}"#)
        let both = JSONObject([("readOnlyHint", true), ("destructiveHint", true)])
        #expect(engine.decide(tool: "get_user", annotations: both, arguments: nil).action == .approve)
        let notDestructive = JSONObject([("readOnlyHint", true), ("destructiveHint", false)])
        #expect(engine.decide(tool: "get_user", annotations: notDestructive, arguments: nil).action == .allow)
    }

    @Test(arguments: ["delete_user", "DropTable", "issue_REFUND", "get_settings", "format_text", "list_posts", "run"])
    func destructiveWordBlocksReadOnlyAutoAllow(tool: String) throws {
        let engine = try makeEngine(#"{}"#)
        #expect(
            engine.decide(tool: tool, annotations: readOnly, arguments: nil)
                == PolicyDecision(action: .approve, rule: "built-in default"))
    }

    @Test func annotationsNeverLoosenExplicitSettings() throws {
        let engine = try makeEngine(
            #"{"default": "approve", "deny": ["read_secrets"], "rules": [{"tool": "peek", "action": "deny"}]}"#)
        #expect(engine.decide(tool: "read_secrets", annotations: readOnly, arguments: nil).action == .deny)
        #expect(engine.decide(tool: "peek", annotations: readOnly, arguments: nil).action == .deny)
        #expect(
            engine.decide(tool: "get_user", annotations: readOnly, arguments: nil)
                == PolicyDecision(action: .approve, rule: "servers.s.policy.default"))
        let hubApprove = try makeEngine(#"{}"#, defaults: #"{"default": "approve"}"#)
        #expect(hubApprove.decide(tool: "get_user", annotations: readOnly, arguments: nil).action == .approve)
    }

    @Test func destructiveWordList() {
        let words = PolicyEngine.destructiveWords
        // The documented list, in order (README cross-checks it).
        let documented = """
            delete, drop, remove, refund, pay, transfer, send, write, update, create, exec, execute, insert, \
            truncate, alter, destroy, kill, purge, wipe, reset, revoke, grant, charge, cancel, move, rename, push, \
            merge, deploy, publish, post, put, patch, set, upload, run, shell, admin, sudo, rm, format
            """
        #expect(words == documented.components(separatedBy: ", "))
        #expect(Set(words).count == words.count)
        #expect(words.allSatisfy { $0 == $0.lowercased() && !$0.isEmpty })
        for word in ["delete", "refund", "execute", "sudo", "rm", "format", "set", "post"] {
            #expect(words.contains(word))
        }
        #expect(PolicyEngine.destructiveWord(in: "Get_Settings") == "set")
        #expect(PolicyEngine.destructiveWord(in: "list_items") == nil)
    }
}

@Suite struct PolicyArgumentRuleTests {
    private let policy = #"""
        {"default": "allow", "rules": [
          {"tool": "execute_sql", "arguments": {"sql": "(?i)\\b(drop|truncate)\\b"}, "action": "deny"},
          {"tool": "transfer", "arguments": {"amount": "^[0-9]{4,}$", "currency": "^\"?USD"}, "action": "approve"},
          {"tool": "configure", "arguments": {"options": "^force$"}, "action": "deny"},
          {"tool": "flag", "arguments": {"on": "^true$"}, "action": "deny"}
        ]}
        """#

    @Test func stringArgumentsMatchAsTheyAre() throws {
        let engine = try makeEngine(policy)
        let drop = engine.decide(
            tool: "execute_sql", annotations: nil, arguments: try object(#"{"sql": "DROP TABLE x"}"#))
        #expect(
            drop
                == PolicyDecision(
                    action: .deny, rule: #"servers.s.policy.rules[0] (execute_sql: sql =~ "(?i)\b(drop|truncate)\b")"#))
        let select = engine.decide(
            tool: "execute_sql", annotations: nil, arguments: try object(#"{"sql": "select 1"}"#))
        #expect(select == PolicyDecision(action: .allow, rule: "servers.s.policy.default"))
        // Word boundary: "dropped" is not "drop".
        let word = try object(#"{"sql": "select dropped from t"}"#)
        #expect(engine.decide(tool: "execute_sql", annotations: nil, arguments: word).action == .allow)
    }

    @Test func missingArgumentDoesNotMatch() throws {
        let engine = try makeEngine(policy)
        #expect(engine.decide(tool: "execute_sql", annotations: nil, arguments: nil).action == .allow)
        let otherArgument = try object(#"{"query": "drop"}"#)
        #expect(engine.decide(tool: "execute_sql", annotations: nil, arguments: otherArgument).action == .allow)
        // Every condition must hold.
        let onlyAmount = try object(#"{"amount": 10000}"#)
        #expect(engine.decide(tool: "transfer", annotations: nil, arguments: onlyAmount).action == .allow)
    }

    @Test func nonStringArgumentsMatchByEveryTextInside() throws {
        let engine = try makeEngine(policy)
        let big = try object(#"{"amount": 10000, "currency": "USD"}"#)
        let decision = engine.decide(tool: "transfer", annotations: nil, arguments: big)
        #expect(decision.action == .approve)
        #expect(
            decision.rule == #"servers.s.policy.rules[1] (transfer: amount =~ "^[0-9]{4,}$", currency =~ "^"?USD")"#)
        let small = try object(#"{"amount": 99, "currency": "USD"}"#)
        #expect(engine.decide(tool: "transfer", annotations: nil, arguments: small).action == .allow)
        // A string value is matched without its JSON quotes.
        let stringAmount = try object(#"{"amount": "12345", "currency": "USD"}"#)
        #expect(engine.decide(tool: "transfer", annotations: nil, arguments: stringAmount).action == .approve)
        // Objects are not JSON text: their keys and values are matched one by one.
        let forced = try object(#"{"options": {"force" :  true, "n": [1, 2]}}"#)
        #expect(engine.decide(tool: "configure", annotations: nil, arguments: forced).action == .deny)
        let gentle = try object(#"{"options": {"gentle": false}}"#)
        #expect(engine.decide(tool: "configure", annotations: nil, arguments: gentle).action == .allow)
        #expect(engine.decide(tool: "flag", annotations: nil, arguments: try object(#"{"on": true}"#)).action == .deny)
        #expect(engine.decide(tool: "flag", annotations: nil, arguments: try object(#"{"on": null}"#)).action == .allow)
    }

    @Test func ruleToolGlobUsesTheOriginalName() throws {
        let engine = try makeEngine(#"{"rules": [{"tool": "exec*", "action": "deny"}]}"#)
        #expect(engine.decide(tool: "execute", annotations: nil, arguments: nil).action == .deny)
        #expect(engine.decide(tool: "s.execute", annotations: nil, arguments: nil).action == .approve)
    }
}

@Suite struct PolicyListingTests {
    @Test func argumentRulesAreSkippedAndReported() throws {
        let engine = try makeEngine(
            #"""
            {"deny": ["execute_sql"], "rules": [
              {"tool": "execute_sql", "arguments": {"sql": "^select "}, "action": "allow", "name": "plain selects"},
              {"tool": "execute_*", "arguments": {"sql": "x"}, "action": "deny"},
              {"tool": "other", "arguments": {"a": "x"}, "action": "allow"}
            ]}
            """#)
        let listing = engine.decideForListing(tool: "execute_sql", annotations: nil)
        #expect(listing.decision == PolicyDecision(action: .deny, rule: #"servers.s.policy.deny[0] "execute_sql""#))
        // The deny rule cannot change a deny; the rule for "other" does not apply to this tool.
        #expect(listing.argumentRules == [#"servers.s.policy.rules[0] "plain selects""#])
        let call = engine.decide(
            tool: "execute_sql", annotations: nil, arguments: try object(#"{"sql": "select 1"}"#))
        #expect(call.action == .allow)
    }

    @Test func rulesAfterADecidingPlainRuleCannotChangeIt() throws {
        let engine = try makeEngine(
            #"""
            {"rules": [
              {"tool": "t", "arguments": {"a": "1"}, "action": "deny"},
              {"tool": "t*", "action": "allow"},
              {"tool": "t", "arguments": {"a": "2"}, "action": "approve"}
            ]}
            """#)
        let listing = engine.decideForListing(tool: "t", annotations: readOnly)
        #expect(listing.decision == PolicyDecision(action: .allow, rule: "servers.s.policy.rules[1] (t*)"))
        #expect(listing.argumentRules == [#"servers.s.policy.rules[0] (t: a =~ "1")"#])
    }

    @Test func listingFallsThroughToAnnotations() throws {
        let engine = try makeEngine(#"{"rules": [{"tool": "get_*", "arguments": {"id": "^admin"}, "action": "deny"}]}"#)
        let listing = engine.decideForListing(tool: "get_user", annotations: readOnly)
        #expect(listing.decision == PolicyDecision(action: .allow, rule: "annotation readOnlyHint"))
        #expect(listing.argumentRules.count == 1)
        let plain = engine.decideForListing(tool: "list_users", annotations: nil)
        #expect(plain.decision == PolicyDecision(action: .approve, rule: "built-in default"))
        #expect(plain.argumentRules.isEmpty)
    }
}
