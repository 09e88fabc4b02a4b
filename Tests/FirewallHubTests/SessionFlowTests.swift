import MCPWire
import Testing

@testable import FirewallHub

/// Session policy with an injected clock: flows across servers, the exfiltration guard, verdicts.
@Suite struct SessionFlowTests {
    static let servers = ["notes", "web", "slack", "payments", "github"]

    static func config(_ json: String) throws -> SessionPolicyConfig {
        let members = servers.map { "\"\($0)\": {\"command\": \"x\"}" }.joined(separator: ", ")
        let text = "{\"servers\": {\(members)}, \(json)}"
        return try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: [:]).session
    }

    static func call(_ qualified: String, _ annotations: JSONObject? = nil) -> FlowCall {
        let parts = qualified.split(separator: ".", maxSplits: 1).map(String.init)
        return FlowCall(
            server: parts[0], tool: parts[1], exposedName: parts[0] + "__" + parts[1], annotations: annotations)
    }

    /// Forwards and answers `call` at `time`.
    static func run(
        _ flow: inout SessionFlow, _ call: FlowCall, at time: Double,
        outcome: FlowOutcome = .succeeded(hasContent: true)
    ) {
        let ticket = flow.forwarded(call, at: time)
        flow.record(ticket, outcome: outcome, at: time + 0.5)
    }

    static let egressRule = #"""
        "flows": [{"name": "egress after private and untrusted reads", "after": ["notes.read_*"],
                   "and_after": ["web.*", "github.get_issue"], "tool": ["slack.post_*", "web.post_*"],
                   "action": "approve"}]
        """#

    @Test func privateReadThenUntrustedReadThenEgressIsHeldNamingBothCalls() throws {
        var flow = SessionFlow(config: try Self.config(Self.egressRule))
        let post = Self.call("slack.post_message")
        #expect(flow.decide(post, at: 0) == nil)
        Self.run(&flow, Self.call("notes.read_note"), at: 10)
        // Private data alone: the rule needs both.
        #expect(flow.decide(post, at: 20) == nil)
        Self.run(&flow, Self.call("slack.list_channels"), at: 25)
        Self.run(&flow, Self.call("web.fetch"), at: 30)
        let decision = try #require(flow.decide(post, at: 72))
        #expect(decision.action == .approve)
        #expect(!decision.isFinal)
        #expect(decision.rule == #"flows[0] "egress after private and untrusted reads""#)
        guard case .flow(_, _, let triggers) = decision.reasons[0] else { throw Failure("not a flow reason") }
        #expect(triggers.map(\.qualifiedName) == ["notes.read_note", "web.fetch"])
        #expect(triggers.map(\.sequence) == [1, 3])
        // Only an approval given after the second trigger may run it without asking.
        #expect(decision.grants == .givenAfter(30.5))
        let note = FlowText.heldNote(decision, now: 72)
        #expect(
            note
                == #"Held by session policy: flows[0] "egress after private and untrusted reads": this session already ran "#
                + "call #1 notes__read_note (62 s ago) and call #3 web__fetch (42 s ago).")
        // Tools the rule does not name are untouched.
        #expect(flow.decide(Self.call("slack.list_channels"), at: 72) == nil)
        #expect(flow.decide(Self.call("notes.write_note"), at: 72) == nil)
    }

    @Test func theOrderOfTheTwoReadsDoesNotMatter() throws {
        var flow = SessionFlow(config: try Self.config(Self.egressRule))
        Self.run(&flow, Self.call("github.get_issue"), at: 1)
        Self.run(&flow, Self.call("notes.read_note"), at: 2)
        let decision = try #require(flow.decide(Self.call("web.post_form"), at: 3))
        guard case .flow(_, _, let triggers) = decision.reasons[0] else { throw Failure("not a flow reason") }
        #expect(triggers.map(\.qualifiedName) == ["github.get_issue", "notes.read_note"])
    }

    @Test func successOnlyRulesIgnoreFailedCalls() throws {
        var flow = SessionFlow(
            config: try Self.config(
                #""flows": [{"after": "notes.*", "after_outcome": "success", "tool": "web.*", "action": "deny"}]"#))
        Self.run(&flow, Self.call("notes.read_note"), at: 1, outcome: .failed(hasContent: true))
        Self.run(&flow, Self.call("notes.read_note"), at: 2, outcome: .protocolError)
        Self.run(&flow, Self.call("notes.read_note"), at: 3, outcome: .noAnswer)
        #expect(flow.decide(Self.call("web.fetch"), at: 4) == nil)
        Self.run(&flow, Self.call("notes.read_note"), at: 5, outcome: .succeeded(hasContent: false))
        let decision = try #require(flow.decide(Self.call("web.fetch"), at: 6))
        #expect(decision.isFinal)
        #expect(decision.grants == .never)
        #expect(decision.rule == "flows[0] (after notes.*: web.*)")
    }

    @Test func anyOutcomeRulesCountEvenUnansweredCalls() throws {
        var flow = SessionFlow(
            config: try Self.config(#""flows": [{"after": "notes.*", "tool": "web.*", "action": "approve"}]"#))
        Self.run(&flow, Self.call("notes.read_note"), at: 1, outcome: .noAnswer)
        #expect(flow.decide(Self.call("web.fetch"), at: 2) != nil)
    }

    @Test func aCallInFlightHasNotTriggeredYet() throws {
        var flow = SessionFlow(
            config: try Self.config(#""flows": [{"after": "notes.*", "tool": "web.*", "action": "approve"}]"#))
        let ticket = flow.forwarded(Self.call("notes.read_note"), at: 1)
        #expect(flow.decide(Self.call("web.fetch"), at: 2) == nil)
        flow.record(ticket, outcome: .succeeded(hasContent: true), at: 3)
        #expect(flow.decide(Self.call("web.fetch"), at: 4) != nil)
    }

    @Test func aFlowDenyIsFinalAndBeatsEveryApproval() throws {
        let config = try Self.config(
            #"""
            "flows": [{"after": "notes.*", "tool": "web.*", "action": "approve"},
                      {"name": "never post after notes", "after": "notes.*", "tool": "web.post_*", "action": "deny"}],
            "limits": [{"tool": "web.*", "per_session": 1, "action": "approve"}]
            """#)
        var flow = SessionFlow(config: config)
        Self.run(&flow, Self.call("notes.read_note"), at: 1)
        Self.run(&flow, Self.call("web.fetch"), at: 2)
        let decision = try #require(flow.decide(Self.call("web.post_form"), at: 3))
        #expect(decision.action == .deny)
        #expect(decision.rule == #"flows[1] "never post after notes""#)
        #expect(decision.reasons.count == 3)
        // The per-call policy would allow it; the verdict is still a deny no grant can lift.
        let verdict = CallVerdict(policy: PolicyDecision(action: .allow, rule: "p"), flow: decision)
        #expect(verdict == .deny(rule: decision.rule, flow: decision))
        #expect(CallVerdict.grantApplies(decision.grants, grantedAt: 1_000) == false)
        let text = ToolResult.text(FlowText.denied(exposedName: "web__post_form", decision: decision, now: 3))
        #expect(text.contains("Approvals cannot override this"))
        #expect(text.contains("call #1 notes__read_note"))
    }

    @Test func verdictsMergePolicyAndFlow() throws {
        var flow = SessionFlow(
            config: try Self.config(#""flows": [{"after": "notes.*", "tool": "web.*", "action": "approve"}]"#))
        Self.run(&flow, Self.call("notes.read_note"), at: 10)
        let decision = try #require(flow.decide(Self.call("web.fetch"), at: 20))
        let allow = PolicyDecision(action: .allow, rule: "allow-rule")
        let approve = PolicyDecision(action: .approve, rule: "approve-rule")
        let deny = PolicyDecision(action: .deny, rule: "deny-rule")
        #expect(CallVerdict(policy: allow, flow: nil) == .allow(rule: "allow-rule"))
        #expect(CallVerdict(policy: approve, flow: nil) == .approve(rule: "approve-rule", grants: .any, flow: nil))
        #expect(CallVerdict(policy: deny, flow: decision) == .deny(rule: "deny-rule", flow: nil))
        #expect(
            CallVerdict(policy: allow, flow: decision)
                == .approve(rule: decision.rule, grants: .givenAfter(10.5), flow: decision))
        #expect(
            CallVerdict(policy: approve, flow: decision)
                == .approve(rule: "approve-rule; " + decision.rule, grants: .givenAfter(10.5), flow: decision))
        #expect(CallVerdict.grantApplies(.givenAfter(10.5), grantedAt: 11))
        #expect(!CallVerdict.grantApplies(.givenAfter(10.5), grantedAt: 9))
        #expect(!CallVerdict.grantApplies(.givenAfter(10.5), grantedAt: nil))
        #expect(CallVerdict.grantApplies(.any, grantedAt: nil))
    }

    @Test func explainAndAuditNameTheTrigger() throws {
        var flow = SessionFlow(config: try Self.config(Self.egressRule))
        Self.run(&flow, Self.call("notes.read_note"), at: 0)
        Self.run(&flow, Self.call("github.get_issue"), at: 100)
        let decision = try #require(flow.decide(Self.call("slack.post_message"), at: 400))
        #expect(
            FlowText.explain(decision, now: 400) == [
                "session policy: needs approval (only an approval given after the trigger counts)",
                #"  - flows[0] "egress after private and untrusted reads": this session already ran call #1 notes__read_note (6 min ago) and call #2 github__get_issue (5 min ago)"#,
            ])
        #expect(
            FlowText.audit(decision, now: 400)
                == #"session-policy approve: approve by flows[0] "egress after private and untrusted reads" after #1 notes.read_note 400s ago, #2 github.get_issue 300s ago"#
        )
    }
}
