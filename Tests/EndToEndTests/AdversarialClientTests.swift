import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Issue 14.2 and 14.3, a hostile client: a model that guesses approval codes across many holds, and one
/// that tries to widen an approval itself.
@Suite struct AdversarialClientTests {
    private func refund(_ hub: MCPProcess, amount: Int) async throws -> JSONValue {
        try await hub.call(
            "tools/call",
            params: ["name": "payments.refund", "arguments": ["charge_id": "ch_1", "amount": .int(amount)]])
    }

    private func confirm(_ hub: MCPProcess, _ arguments: JSONValue) async throws -> String {
        try await hub.call("tools/call", params: ["name": "firewall_confirm", "arguments": arguments]).firstText ?? ""
    }

    /// Hold, guess until the call is discarded, hold again: the per-call limit alone allowed unlimited
    /// guesses. With `max_wrong_codes` 5 the sixth guess is refused unchecked, even the right code, and a
    /// new hold says codes are locked.
    @Test func guessingAcrossHoldsLocksCodesForTheSession() async throws {
        let fixture = try HubFixture.standard(extra: ["approval": ["code_delivery": "agent", "max_wrong_codes": 5]])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        var guesses = 0
        var lastCode = ""
        var lastCallID = ""
        while guesses < 5 {
            let held = try await refund(hub, amount: guesses + 1).firstText ?? ""
            lastCode = try #require(approvalCode(in: held))
            lastCallID = try #require(heldCallID(in: held))
            for _ in 0..<3 where guesses < 5 {
                let wrong = lastCode == "000000" ? "000001" : "000000"
                let answer = try await confirm(hub, ["otp": .string(wrong), "call_id": .string(lastCallID)])
                #expect(answer.contains("wrong approval code") || answer.contains("too many wrong codes"), "\(answer)")
                guesses += 1
            }
        }
        let locked = try await confirm(hub, ["otp": .string(lastCode), "call_id": .string(lastCallID)])
        #expect(locked.contains("LOCKED"), "\(locked)")
        let heldAgain = try await refund(hub, amount: 99).firstText ?? ""
        #expect(heldAgain.contains("LOCKED") && approvalCode(in: heldAgain) == nil, "\(heldAgain)")
        #expect(fixture.executedTools("payments").isEmpty)
    }

    /// A confirm without call_id is checked against no code while several calls wait.
    @Test func oneGuessTestsOneCall() async throws {
        let fixture = try HubFixture.standard()
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let first = try #require(approvalCode(in: try await refund(hub, amount: 1).firstText ?? ""))
        _ = try await refund(hub, amount: 2)
        let answer = try await confirm(hub, ["otp": .string(first)])
        #expect(answer.contains("several calls are waiting (h1, h2)") && answer.contains("not checked"), "\(answer)")
        #expect(fixture.executedTools("payments").isEmpty)
        #expect(!(try await confirm(hub, ["otp": .string(first), "call_id": "h1"])).contains("firewall_confirm:"))
        #expect(fixture.executedTools("payments") == ["refund"])
    }

    @Test func theModelCannotChooseAScope() async throws {
        let fixture = try HubFixture.standard()
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let code = try #require(approvalCode(in: try await refund(hub, amount: 1).firstText ?? ""))
        for scope in ["session", "10_minutes", "same_arguments", "forever"] {
            let answer = try await confirm(hub, ["otp": .string(code), "call_id": "h1", "remember": .string(scope)])
            #expect(answer.contains("only the user can widen"), "\(scope): \(answer)")
        }
        _ = try await confirm(hub, ["otp": .string(code), "call_id": "h1"])
        #expect(fixture.executedTools("payments") == ["refund"])
        // No grant was made: the next refund is held again.
        #expect(try await refund(hub, amount: 2).firstText?.contains("PAUSED_FOR_APPROVAL") == true)
    }

    /// `max_pending` bounds the calls waiting at once; nothing waiting is dropped to make room.
    @Test func heldCallsAreBounded() async throws {
        let fixture = try HubFixture.standard(extra: ["approval": ["code_delivery": "agent", "max_pending": 2]])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let code = try #require(approvalCode(in: try await refund(hub, amount: 1).firstText ?? ""))
        _ = try await refund(hub, amount: 2)
        let third = try await refund(hub, amount: 3).firstText ?? ""
        #expect(third.contains("2 calls already wait for approval"), "\(third)")
        #expect(!(try await confirm(hub, ["otp": .string(code), "call_id": "h1"])).contains("firewall_confirm:"))
        #expect(fixture.executedTools("payments") == ["refund"])
    }
}
