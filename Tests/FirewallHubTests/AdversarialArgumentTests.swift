import MCPWire
import Testing

@testable import FirewallHub

/// Issue 14 item 6: an argument rule sees every string inside the value, decoded, so a value that is not
/// a plain string cannot carry what the rule is about past it.
@Suite struct AdversarialArgumentTests {
    private static let sqlPolicy = #"""
        {"rules": [
            {"tool": "q", "arguments": {"sql": "(?i)\\b(drop|truncate)\\b"}, "action": "deny", "name": "ddl"},
            {"tool": "q", "arguments": {"sql": "(?i)\\bselect\\b"}, "action": "allow", "name": "reads"},
            {"tool": "pay", "arguments": {"amount": "^[0-9]{6,}$"}, "action": "approve", "name": "big"},
            {"tool": "pay", "action": "allow"},
            {"tool": "open", "arguments": {"path": "^/tmp/"}, "action": "allow", "name": "tmp"}
        ],
        "default": "approve"}
        """#

    private func decide(_ tool: String, _ arguments: String) throws -> PolicyAction {
        let text = #"{"servers": {"s": {"command": "x", "policy": \#(Self.sqlPolicy)}}}"#
        let config = try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: [:])
        let engine = PolicyEngine(server: config.servers[0], defaults: config.defaults)
        let object = try #require(try JSONParser.parse(arguments).objectValue)
        return engine.decide(tool: tool, annotations: nil, arguments: object).action
    }

    /// The review's example: as compact JSON the `\n` escape glued `n` to `drop`, so `\bdrop\b` missed it.
    @Test(arguments: [
        #"{"sql": ["x\ndrop table t"]}"#,
        #"{"sql": ["select 1", "drop table t"]}"#,
        #"{"sql": {"query": {"text": ["x\tDROP table t"]}}}"#,
        #"{"sql": {"drop table t": true}}"#,
        #"{"sql": [[[["\u0064rop table t"]]]]}"#,
        #"{"sql": "select 1; truncate t"}"#,
    ])
    func aDenyRuleSeesEveryStringInsideTheValue(_ arguments: String) throws {
        #expect(try decide("q", arguments) == .deny)
    }

    /// An allow rule must hold for every text: one harmless string does not carry the rest.
    @Test func anAllowRuleNeedsEveryTextToMatch() throws {
        #expect(try decide("q", #"{"sql": "select 1"}"#) == .allow)
        #expect(try decide("q", #"{"sql": ["select 1", "select 2"]}"#) == .allow)
        #expect(try decide("q", #"{"sql": ["select 1", "delete from t"]}"#) == .approve)
        #expect(try decide("q", #"{"sql": {"select": "delete from t"}}"#) == .approve)
        #expect(try decide("open", #"{"path": "/tmp/a"}"#) == .allow)
        #expect(try decide("open", #"{"path": ["/tmp/a", "/etc/passwd"]}"#) == .approve)
        #expect(try decide("open", #"{"path": {"/tmp/a": "/etc/passwd"}}"#) == .approve)
        // Nothing to match allows nothing.
        #expect(try decide("open", #"{"path": []}"#) == .approve)
        #expect(try decide("open", #"{"path": {}}"#) == .approve)
    }

    /// Numbers are matched as written, booleans and null as their JSON words.
    @Test func scalarsAreMatchedAsTheyAreWritten() throws {
        #expect(try decide("pay", #"{"amount": 100000}"#) == .approve)
        #expect(try decide("pay", #"{"amount": [5, 250000]}"#) == .approve)
        #expect(try decide("pay", #"{"amount": 99999}"#) == .allow)
        #expect(try decide("pay", #"{"amount": "100000"}"#) == .approve)
        let condition = PolicyRule.ArgumentCondition(
            argument: "x", pattern: try ArgumentPattern.compile("^(true|false|null)$").get())
        for value: JSONValue in [true, false, nil] {
            #expect(condition.holds(for: value, requireEvery: true))
        }
    }

    /// Past `maxTexts` the value is judged on the safe side without looking further.
    @Test func aValueWithTooManyTextsIsJudgedOnTheSafeSide() throws {
        let many = JSONValue.array(
            Array(repeating: "select 1", count: PolicyRule.ArgumentCondition.maxTexts + 1))
        let deny = PolicyRule.ArgumentCondition(argument: "sql", pattern: try ArgumentPattern.compile("drop").get())
        let allow = PolicyRule.ArgumentCondition(argument: "sql", pattern: try ArgumentPattern.compile("select").get())
        #expect(deny.holds(for: many, requireEvery: false))
        #expect(!allow.holds(for: many, requireEvery: true))
        let few = JSONValue.array(Array(repeating: "select 1", count: PolicyRule.ArgumentCondition.maxTexts))
        #expect(!deny.holds(for: few, requireEvery: false))
        #expect(allow.holds(for: few, requireEvery: true))
    }
}
