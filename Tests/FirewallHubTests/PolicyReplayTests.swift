import MCPWire
import Testing

@testable import FirewallHub

/// `check --replay`: recorded decisions against a new policy.
struct PolicyReplayTests {
    private func config(_ policy: String) throws -> HubConfig {
        try ConfigLoader.parse(
            try JSONParser.parse(#"{"servers": {"payments": {"command": "p", "policy": \#(policy)}}}"#),
            filePath: "/hub.json", environment: [:])
    }

    private func record(_ tool: String, _ decision: String, _ arguments: JSONValue? = nil) -> JSONObject {
        var record: JSONObject = [
            "kind": "decision", "time": "2025-06-01T10:00:00.007Z", "server": "payments", "tool": .string(tool),
            "name": .string("payments.\(tool)"), "decision": .string(decision), "rule": "r",
        ]
        if let arguments { record["arguments"] = arguments }
        return record
    }

    @Test func everyChangedDecisionIsReportedAndNothingElse() throws {
        var replay = PolicyReplay(
            config: try config(
                #"""
                {"default": "approve", "allow": ["get_*"], "deny": ["delete_*"],
                 "rules": [{"tool": "refund", "arguments": {"amount": "^[0-9]{1,2}$"}, "action": "allow"}]}
                """#))
        replay.replay(record("get_balance", "allow"))  // unchanged
        replay.replay(record("delete_customer", "approve"))  // stricter now
        replay.replay(record("refund", "approve", ["amount": 50]))  // looser now (rule allows small refunds)
        replay.replay(record("refund", "approve", ["amount": 5000]))  // unchanged
        replay.replay(record("refund", "pin_hold"))  // not a policy decision
        replay.replay(["kind": "outcome", "server": "payments", "tool": "refund"])  // not a decision record
        var gone = record("x", "allow")
        gone["server"] = "jira"
        replay.replay(gone)
        var omitted = record("refund", "approve")
        omitted["arguments_omitted_bytes"] = 70000
        replay.replay(omitted)
        #expect(replay.replayed == 4)
        #expect(replay.changed.map(\.name) == ["payments.delete_customer", "payments.refund"])
        #expect(replay.changed.map { $0.now?.action } == [.deny, .allow])
        #expect(replay.stricter == 1 && replay.looser == 1)
        #expect(replay.skipped.count == 2 && replay.ignored == 1)
        #expect(replay.report.contains("payments.delete_customer  approve -> deny  now: "))
        #expect(
            replay.report.contains(
                "replay: 4 recorded decisions, 2 would change (1 stricter, 1 looser), 2 not replayed, "
                    + "1 pin hold not compared\n"))
    }

    @Test func redactedArgumentsMakeTheReplayApproximateAndSayWhy() throws {
        var replay = PolicyReplay(config: try config(#"{"default": "deny", "allow": ["refund"]}"#))
        replay.replay(record("refund", "approve", ["card": "[redacted]"]))
        #expect(replay.changed.first?.notes == ["arguments partly redacted in the record"])
    }

    @Test func recordedTextIsShownAsDataNeverAsTerminalControlOrANewLine() throws {
        var replay = PolicyReplay(config: try config(#"{"default": "deny"}"#))
        var record = record("refund", "allow")
        record["name"] = "x\u{1B}]0;pwned\u{07}\nreplay: 0 recorded decisions"
        replay.replay(record)
        replay.skipUnreadable()
        #expect(!replay.report.contains("\u{1B}"))
        #expect(replay.report.contains("x\\u{1b}]0;pwned\\u{7}\\nreplay: 0 recorded decisions  allow -> deny"))
        #expect(replay.report.contains("1 line not a record"))
        #expect(replay.isInconclusive)
    }
}
