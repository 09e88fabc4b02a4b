import MCPWire
import Testing

@testable import FirewallHub

/// Limits with an injected clock: a looping client is stopped; limits reset on time, without sleeping.
@Suite struct RateLimitTests {
    private let refund = SessionFlowTests.call("payments.refund")

    @Test func aLoopingClientHitsThePerMinuteLimitAndItResetsOnTime() throws {
        var flow = SessionFlow(
            config: try SessionFlowTests.config(
                #""limits": [{"name": "refunds", "tool": "payments.refund", "per_minute": 5}]"#))
        var now = 1_000.0
        var refused = 0
        // 300 refunds, one every 0.1 s: only the first 5 of each minute may go through.
        for _ in 0..<300 {
            if let decision = flow.decide(refund, at: now) {
                #expect(decision.isFinal)
                refused += 1
            } else {
                SessionFlowTests.run(&flow, refund, at: now)
            }
            now += 0.1
        }
        #expect(refused == 295)
        #expect(flow.forwardedCount == 5)
        // The five ran in second 1000: the window frees at 1060.
        let decision = try #require(flow.decide(refund, at: 1_059.9))
        guard case .limit(let label, .deny, let hit) = decision.reasons[0] else { throw Failure("not a limit") }
        #expect(label == #"limits[0] "refunds""#)
        #expect(hit == .init(counter: "payments.refund", window: .minute, count: 5, limit: 5, resetsAt: 1_060))
        let text = ToolResult.text(
            FlowText.denied(exposedName: "payments__refund", decision: decision, now: 1_050))
        #expect(
            text
                == #"Denied by mcp-firewall-hub session policy: payments__refund is refused (limits[0] "refunds": 5 calls "#
                + "of payments.refund in the last minute (limit 5 a minute); the next one is allowed in 10 s). The call "
                + "was not sent to the server. Approvals cannot override this. Do not retry it before the limit resets "
                + "(in 10 s); tell the user.")
        #expect(flow.decide(refund, at: 1_060) == nil)
    }

    @Test func theWindowSlides() throws {
        var flow = SessionFlow(
            config: try SessionFlowTests.config(#""limits": [{"tool": "payments.*", "per_minute": 3}]"#))
        SessionFlowTests.run(&flow, refund, at: 0)
        SessionFlowTests.run(&flow, refund, at: 20)
        SessionFlowTests.run(&flow, refund, at: 40)
        #expect(flow.decide(refund, at: 59)?.reasons.count == 1)
        // The call of second 0 left at 60; the one of second 20 leaves at 80.
        #expect(flow.decide(refund, at: 60) == nil)
        SessionFlowTests.run(&flow, refund, at: 60)
        let decision = try #require(flow.decide(refund, at: 61))
        guard case .limit(_, _, let hit) = decision.reasons[0] else { throw Failure("not a limit") }
        #expect(hit.resetsAt == 80)
    }

    @Test func perSessionLimitsNeverResetAndCanHoldInsteadOfDeny() throws {
        var flow = SessionFlow(
            config: try SessionFlowTests.config(
                #""limits": [{"tool": ["payments.refund"], "per_session": 2, "action": "approve"}]"#))
        SessionFlowTests.run(&flow, refund, at: 0)
        SessionFlowTests.run(&flow, refund, at: 1)
        let held = try #require(flow.decide(refund, at: 1_000_000))
        #expect(held.action == .approve)
        // A session-long grant from an earlier approval must not wave the limit through.
        #expect(held.grants == .never)
        #expect(
            FlowText.heldNote(held, now: 2)
                == "Held by session policy: limits[0] (payments.refund): 2 calls of payments.refund in this session "
                + "(limit 2 a session); this limit resets only when the session ends (the MCP server is restarted).")
        // Approved by a human, it runs and counts.
        SessionFlowTests.run(&flow, refund, at: 3)
        guard case .limit(_, _, let hit) = try #require(flow.decide(refund, at: 4)).reasons[0] else {
            throw Failure("not a limit")
        }
        #expect(hit.count == 3)
    }

    @Test func countersArePerToolPerServerOrShared() throws {
        let config = try SessionFlowTests.config(
            #"""
            "limits": [{"tool": "*", "each": "tool", "per_minute": 2},
                       {"tool": "*", "each": "server", "per_minute": 3},
                       {"tool": ["notes.*", "web.*"], "per_minute": 5}]
            """#)
        var flow = SessionFlow(config: config)
        let a = SessionFlowTests.call("notes.a")
        let b = SessionFlowTests.call("notes.b")
        SessionFlowTests.run(&flow, a, at: 0)
        SessionFlowTests.run(&flow, a, at: 0)
        #expect(flow.decide(a, at: 0)?.rule == "limits[0] (*)")
        #expect(flow.decide(b, at: 0) == nil)
        SessionFlowTests.run(&flow, b, at: 0)
        #expect(flow.decide(b, at: 0)?.rule == "limits[1] (*)")
        // notes and web share the third limit's one counter: 3 notes calls and 2 web calls fill it.
        SessionFlowTests.run(&flow, SessionFlowTests.call("web.x"), at: 0)
        #expect(flow.decide(SessionFlowTests.call("web.z"), at: 0) == nil)
        SessionFlowTests.run(&flow, SessionFlowTests.call("web.y"), at: 0)
        #expect(flow.decide(SessionFlowTests.call("web.z"), at: 0)?.rule == "limits[2] (notes.*, web.*)")
        #expect(flow.decide(SessionFlowTests.call("slack.post"), at: 0) == nil)
    }

    @Test func countersAreBounded() throws {
        var flow = SessionFlow(
            config: try SessionFlowTests.config(#""limits": [{"tool": "*", "each": "tool", "per_session": 2}]"#))
        let max = SessionFlow.maxCountersPerLimit
        for i in 0..<(max + 500) { SessionFlowTests.run(&flow, SessionFlowTests.call("notes.t\(i)"), at: 0) }
        // The first max - 1 tools have their own counter (1 call each); the other 501 share one.
        #expect(flow.decide(SessionFlowTests.call("notes.t0"), at: 0) == nil)
        let shared = try #require(flow.decide(SessionFlowTests.call("notes.new_one"), at: 0))
        guard case .limit(_, _, let hit) = shared.reasons[0] else { throw Failure("not a limit") }
        #expect(hit.count == 501)
        #expect(hit.counter == "tools beyond the first \(max - 1) counted separately")
    }

    @Test func rateWindowArithmetic() {
        var window = RateWindow()
        #expect(window.count(at: 0) == 0)
        #expect(window.nextAllowed(limit: 1, at: 0) == nil)
        window.add(at: 10.9)
        window.add(at: 11.2)
        window.add(at: 11.7)
        #expect(window.count(at: 12) == 3)
        #expect(window.nextAllowed(limit: 3, at: 12) == 70)
        #expect(window.nextAllowed(limit: 2, at: 12) == 71)
        #expect(window.nextAllowed(limit: 4, at: 12) == nil)
        #expect(window.count(at: 70) == 2)
        #expect(window.count(at: 71) == 0)
        #expect(window.sessionCount == 3)
        // A slot reused a minute later starts from zero.
        window.add(at: 71)
        #expect(window.count(at: 71) == 1)
        #expect(window.sessionCount == 4)
        #expect(RateWindow.second(.nan) == 0)
        #expect(RateWindow.second(-0.5) == -1)
    }
}
