import MCPWire
import Synchronization
import Testing

@testable import FirewallHub

/// Hands out the given codes in order (then "999999"), so tests know every code in advance.
private final class ScriptedCodes: Sendable {
    private let queue: Mutex<[String]>
    init(_ codes: [String]) { queue = Mutex(codes) }
    var source: @Sendable (Int) -> String {
        { [self] _ in queue.withLock { $0.isEmpty ? "999999" : $0.removeFirst() } }
    }
}

private func makeCall(_ tool: String = "refund", arguments: JSONObject? = JSONObject([("amount", 5)])) -> FrozenCall {
    FrozenCall(
        server: "payments", tool: tool, exposedName: "payments.\(tool)", arguments: arguments,
        meta: JSONObject([("progressToken", "p1")]), rule: "servers.payments.approve")
}

/// A six-digit, zero-padded code, e.g. 42 → "000042".
private func sixDigits(_ value: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}

private func makeStore(
    _ codes: [String], ttl: Double = 300, maxAttempts: Int = 3, digits: Int = 6, maxPending: Int = 100,
    maxWrongCodes: Int = 100
) -> ApprovalStore {
    ApprovalStore(
        settings: ApprovalSettings(
            ttlSeconds: ttl, maxAttempts: maxAttempts, digits: digits, maxPending: maxPending,
            maxWrongCodes: maxWrongCodes),
        codeSource: ScriptedCodes(codes).source)
}

extension ApprovalStore {
    /// `hold` that must succeed (the tests below hold within the limits).
    @discardableResult
    mutating func mustHold(_ call: FrozenCall, now: Double, withSessionCode: Bool = false) -> HeldCall {
        switch hold(call, now: now, withSessionCode: withSessionCode) {
        case .success(let held): return held
        case .failure(let refusal): preconditionFailure("hold refused: \(refusal)")
        }
    }
}

@Suite("ApprovalStore")
struct ApprovalStoreTests {
    // MARK: holding and approving

    @Test func holdReturnsHandleCodeAndExpiry() {
        var store = makeStore(["123456", "654321"])
        let first = store.mustHold(makeCall(), now: 10)
        let second = store.mustHold(makeCall("charge"), now: 20)
        #expect(first == HeldCall(id: "h1", code: "123456", sessionCode: nil, expiresAt: 310))
        #expect(second == HeldCall(id: "h2", code: "654321", sessionCode: nil, expiresAt: 320))
        #expect(store.pendingCount == 2)
        #expect(store.pendingIDs == ["h1", "h2"])
        #expect(store.pendingCall(id: "h2") == makeCall("charge"))
        #expect(store.pendingCall(id: "h3") == nil)
    }

    @Test func rightCodeApprovesOnceAndOnlyOnce() {
        var store = makeStore(["123456"])
        store.mustHold(makeCall(), now: 0)
        #expect(store.confirm(code: "123456", callID: nil, now: 1) == .approved(makeCall(), scope: .once))
        #expect(store.pendingCount == 0)
        #expect(store.confirm(code: "123456", callID: nil, now: 2) == .alreadyUsed)
        #expect(store.confirm(code: "123456", callID: "h1", now: 3) == .alreadyUsed)
        #expect(store.deny(code: "123456", callID: nil, now: 4) == .alreadyUsed)
    }

    @Test func approvedCallKeepsArgumentsMetaAndVerifiableDigest() {
        var store = makeStore(["123456"])
        store.mustHold(makeCall(), now: 0)
        guard case .approved(let call, .once) = store.confirm(code: "123456", callID: "h1", now: 1) else {
            Issue.record("expected approval")
            return
        }
        #expect(call.arguments == JSONObject([("amount", 5)]))
        #expect(call.meta?["progressToken"] == "p1")
        #expect(call.digestMatches)
    }

    @Test func surroundingWhitespaceIsTrimmed() {
        var store = makeStore(["012345"])
        store.mustHold(makeCall(), now: 0)
        #expect(store.confirm(code: " \t012345 \n", callID: nil, now: 1) == .approved(makeCall(), scope: .once))
    }

    @Test(arguments: ["", "12345", "1234567", "12a456", "123 456", "+12345", "-12345", "１２３４５６", "١٢٣٤٥٦", "12345６"])
    func invalidFormatIsRejectedWithoutChargingATry(code: String) {
        var store = makeStore(["123456"], maxAttempts: 1)
        store.mustHold(makeCall(), now: 0)
        #expect(store.confirm(code: code, callID: nil, now: 1) == .invalidFormat)
        #expect(store.confirm(code: code, callID: "h1", now: 1) == .invalidFormat)
        // With maxAttempts 1 a charged try would have discarded the call.
        #expect(store.confirm(code: "123456", callID: nil, now: 2) == .approved(makeCall(), scope: .once))
    }

    @Test func codeLengthFollowsSettings() {
        var store = ApprovalStore(settings: ApprovalSettings(digits: 8))
        let held = store.mustHold(makeCall(), now: 0)
        #expect(held.code.utf8.count == 8)
        #expect(store.confirm(code: String(held.code.prefix(6)), callID: nil, now: 1) == .invalidFormat)
        #expect(store.confirm(code: held.code, callID: nil, now: 1) == .approved(makeCall(), scope: .once))
    }

    @Test func emptyStoreHasNoPendingCalls() {
        var store = makeStore([])
        #expect(store.confirm(code: "123456", callID: nil, now: 0) == .noPendingCalls)
        #expect(store.deny(code: "123456", callID: nil, now: 0) == .noPendingCalls)
    }

    // MARK: wrong codes

    @Test func wrongCodesCountDownThenDiscardTheCall() {
        var store = makeStore(["123456"])
        store.mustHold(makeCall(), now: 0)
        #expect(
            store.confirm(code: "000000", callID: nil, now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 2, sessionLeft: 99))
        #expect(
            store.confirm(code: "000001", callID: "h1", now: 2)
                == .wrongCode(callID: "h1", attemptsLeft: 1, sessionLeft: 98))
        #expect(store.confirm(code: "000002", callID: nil, now: 3) == .attemptsExhausted(callID: "h1", sessionLeft: 97))
        #expect(store.pendingCount == 0)
        #expect(store.confirm(code: "123456", callID: nil, now: 4) == .alreadyUsed)
    }

    @Test func exhaustingOneCallLeavesTheOtherIntact() {
        var store = makeStore(["111111", "222222"])
        store.mustHold(makeCall("a"), now: 0)
        store.mustHold(makeCall("b"), now: 0)
        #expect(
            store.confirm(code: "000000", callID: "h1", now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 2, sessionLeft: 99))
        #expect(
            store.confirm(code: "000000", callID: "h1", now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 1, sessionLeft: 98))
        #expect(
            store.confirm(code: "000000", callID: "h1", now: 1) == .attemptsExhausted(callID: "h1", sessionLeft: 97))
        #expect(store.pendingIDs == ["h2"])
        // h2's counter was never touched: still three tries.
        #expect(
            store.confirm(code: "000000", callID: "h2", now: 2)
                == .wrongCode(callID: "h2", attemptsLeft: 2, sessionLeft: 96))
        #expect(store.confirm(code: "222222", callID: nil, now: 3) == .approved(makeCall("b"), scope: .once))
    }

    /// Issue 14.3: a confirm without call_id tested every pending code at once. Now it tests none while
    /// several calls wait, and charges nothing.
    @Test func withoutCallIDAmongSeveralNoCodeIsChecked() {
        var store = makeStore(["111111", "222222"])
        store.mustHold(makeCall("a"), now: 0)
        store.mustHold(makeCall("b"), now: 0)
        #expect(store.confirm(code: "111112", callID: nil, now: 1) == .callIDRequired(["h1", "h2"]))
        #expect(store.confirm(code: "111111", callID: nil, now: 1) == .callIDRequired(["h1", "h2"]))
        #expect(store.deny(code: "222222", callID: nil, now: 1) == .callIDRequired(["h1", "h2"]))
        #expect(store.pendingCount == 2)
        #expect(store.wrongCodes == 0)
        #expect(
            store.confirm(code: "000000", callID: "h1", now: 2)
                == .wrongCode(callID: "h1", attemptsLeft: 2, sessionLeft: 99))
        #expect(store.confirm(code: "111111", callID: "h1", now: 3) == .approved(makeCall("a"), scope: .once))
        // One call left: a code without call_id is for that call.
        #expect(store.confirm(code: "222222", callID: nil, now: 3) == .approved(makeCall("b"), scope: .once))
    }

    @Test func codeOfAnotherCallIsAWrongCodeForTheNamedCall() {
        var store = makeStore(["111111", "222222"])
        store.mustHold(makeCall("a"), now: 0)
        store.mustHold(makeCall("b"), now: 0)
        #expect(
            store.confirm(code: "222222", callID: "h1", now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 2, sessionLeft: 99))
        #expect(
            store.deny(code: "222222", callID: "h1", now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 1, sessionLeft: 98))
        #expect(store.pendingCount == 2)
        #expect(store.confirm(code: "222222", callID: "h2", now: 2) == .approved(makeCall("b"), scope: .once))
        #expect(store.confirm(code: "111111", callID: "h1", now: 2) == .approved(makeCall("a"), scope: .once))
    }

    @Test func unknownCallID() {
        var store = makeStore(["111111"])
        store.mustHold(makeCall(), now: 0)
        #expect(store.confirm(code: "111111", callID: "h9", now: 1) == .unknownCallID("h9"))
        #expect(store.confirm(code: "111111", callID: "", now: 1) == .unknownCallID(""))
        #expect(store.pendingCount == 1)
        #expect(store.confirm(code: "111111", callID: "h1", now: 2) == .approved(makeCall(), scope: .once))
    }

    // MARK: the session's budget of wrong codes (issue 14.3)

    /// Hold, guess until the call is discarded, hold again, …: the per-call limit alone let a model
    /// guess forever. The session budget ends that: after it, no code is accepted, not even the right one.
    @Test func holdingAgainDoesNotRefillTheGuesses() {
        var codes = (0..<20).map { _ in "555555" }
        codes[0] = "555555"
        var store = makeStore(codes, maxAttempts: 3, maxWrongCodes: 7)
        var outcomes: [ConfirmOutcome] = []
        for round in 0..<3 {
            store.mustHold(makeCall(), now: Double(round))
            for guess in 0..<3 {
                outcomes.append(store.confirm(code: sixDigits(guess + 10 * round), callID: nil, now: Double(round)))
            }
        }
        #expect(store.isLocked)
        #expect(store.wrongCodes == 7)
        #expect(outcomes[6] == .wrongCode(callID: "h3", attemptsLeft: 2, sessionLeft: 0))
        #expect(outcomes[7] == .locked(wrongCodes: 7))
        #expect(outcomes[8] == .locked(wrongCodes: 7))
        // Locked: the right code of the live call is refused too, and nothing new can be held.
        #expect(store.confirm(code: "555555", callID: "h3", now: 5) == .locked(wrongCodes: 7))
        #expect(store.deny(code: "555555", callID: nil, now: 5) == .locked(wrongCodes: 7))
        #expect(store.hold(makeCall(), now: 5) == .failure(.locked(wrongCodes: 7)))
        // It stays locked for the session, whatever the time.
        #expect(store.confirm(code: "555555", callID: "h3", now: 1e9) == .locked(wrongCodes: 7))
    }

    @Test func rightCodesAndFormatErrorsDoNotSpendTheBudget() {
        var store = makeStore((0..<10).map { sixDigits(111_111 * ($0 % 9 + 1)) }, maxWrongCodes: 1)
        for i in 0..<5 {
            let held = store.mustHold(makeCall(), now: 0)
            #expect(store.confirm(code: "12", callID: held.id, now: 0) == .invalidFormat)
            #expect(store.confirm(code: held.code, callID: nil, now: 0) == .approved(makeCall(), scope: .once), "\(i)")
        }
        #expect(!store.isLocked)
    }

    // MARK: expiry

    // MARK: expiry

    @Test func codeWorksUntilJustBeforeExpiry() {
        var store = makeStore(["111111"])
        store.mustHold(makeCall(), now: 100)
        #expect(store.confirm(code: "111111", callID: nil, now: 399.999) == .approved(makeCall(), scope: .once))
    }

    @Test func expiredCodeAnswersExpiredUntilOneExtraTTL() {
        var store = makeStore(["111111"])
        store.mustHold(makeCall(), now: 0)
        #expect(store.confirm(code: "111111", callID: nil, now: 300) == .expired(callID: "h1"))
        #expect(store.pendingCount == 0)
        #expect(store.confirm(code: "111111", callID: nil, now: 400) == .expired(callID: "h1"))
        #expect(store.confirm(code: "000000", callID: "h1", now: 400) == .expired(callID: "h1"))
        #expect(store.confirm(code: "111111", callID: nil, now: 600) == .noPendingCalls)
        #expect(store.confirm(code: "111111", callID: "h1", now: 600) == .unknownCallID("h1"))
    }

    @Test func expiredCallIsNotApprovedEvenWithCallID() {
        var store = makeStore(["111111"])
        store.mustHold(makeCall(), now: 0)
        #expect(store.confirm(code: "111111", callID: "h1", now: 500) == .expired(callID: "h1"))
        #expect(store.deny(code: "111111", callID: "h1", now: 500) == .expired(callID: "h1"))
    }

    @Test func removeExpiredDropsSilentlyButRemembers() {
        var store = makeStore(["111111", "222222"])
        store.mustHold(makeCall("a"), now: 0)
        store.mustHold(makeCall("b"), now: 100)
        #expect(store.removeExpired(now: 350) == ["h1"])
        #expect(store.pendingIDs == ["h2"])
        #expect(store.removeExpired(now: 350) == [])
        #expect(store.confirm(code: "111111", callID: nil, now: 360) == .expired(callID: "h1"))
        // An expired code is not charged to the remaining call.
        #expect(
            store.confirm(code: "000000", callID: "h2", now: 361)
                == .wrongCode(callID: "h2", attemptsLeft: 2, sessionLeft: 99))
        #expect(store.confirm(code: "222222", callID: nil, now: 362) == .approved(makeCall("b"), scope: .once))
    }

    @Test func usedCodesAreForgottenWhenTheirTTLWouldHavePassed() {
        var store = makeStore(["111111"])
        store.mustHold(makeCall(), now: 0)
        #expect(store.confirm(code: "111111", callID: nil, now: 10) == .approved(makeCall(), scope: .once))
        #expect(store.confirm(code: "111111", callID: nil, now: 299) == .alreadyUsed)
        #expect(store.confirm(code: "111111", callID: nil, now: 300) == .noPendingCalls)
    }

    @Test func retiredMemoryIsBounded() {
        let count = ApprovalStore.retiredMemoryLimit + 1
        var store = makeStore((0..<count).map { sixDigits($0) }, maxPending: 1)
        for i in 0..<count {
            store.mustHold(makeCall(), now: 0)
            store.cancel(callID: "h\(i + 1)")
        }
        #expect(store.confirm(code: sixDigits(0), callID: nil, now: 1) == .noPendingCalls)
        #expect(store.confirm(code: sixDigits(1), callID: nil, now: 1) == .alreadyUsed)
        #expect(store.confirm(code: sixDigits(count - 1), callID: nil, now: 1) == .alreadyUsed)
    }

    // MARK: deny and cancel

    @Test func denyDiscardsTheCall() {
        var store = makeStore(["111111"])
        store.mustHold(makeCall(), now: 0)
        #expect(
            store.deny(code: "000000", callID: nil, now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 2, sessionLeft: 99))
        #expect(
            store.confirm(code: "000000", callID: nil, now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 1, sessionLeft: 98))
        #expect(store.deny(code: " 111111 ", callID: "h1", now: 2) == .denied(makeCall()))
        #expect(store.pendingCount == 0)
        #expect(store.confirm(code: "111111", callID: nil, now: 3) == .alreadyUsed)
    }

    @Test func cancelRemovesOnlyThatCall() {
        var store = makeStore(["111111", "222222"])
        store.mustHold(makeCall("a"), now: 0)
        store.mustHold(makeCall("b"), now: 0)
        store.cancel(callID: "h1")
        store.cancel(callID: "h7")
        #expect(store.pendingIDs == ["h2"])
        #expect(store.confirm(code: "111111", callID: nil, now: 1) == .alreadyUsed)
        #expect(store.confirm(code: "222222", callID: nil, now: 1) == .approved(makeCall("b"), scope: .once))
    }

    // MARK: the session code (issue 14.2)

    @Test func theSessionCodeApprovesWithSessionScopeAndEitherCodeUsesTheCallUp() {
        var store = makeStore(["111111", "222222", "333333", "444444"])
        let held = store.mustHold(makeCall("a"), now: 0, withSessionCode: true)
        #expect(held.code == "111111" && held.sessionCode == "222222")
        #expect(store.confirm(code: "222222", callID: "h1", now: 1) == .approved(makeCall("a"), scope: .session))
        #expect(store.confirm(code: "111111", callID: "h1", now: 2) == .alreadyUsed)
        let second = store.mustHold(makeCall("b"), now: 3, withSessionCode: true)
        #expect(second.code == "333333" && second.sessionCode == "444444")
        #expect(store.confirm(code: "333333", callID: nil, now: 4) == .approved(makeCall("b"), scope: .once))
        #expect(store.confirm(code: "444444", callID: nil, now: 5) == .alreadyUsed)
    }

    @Test func withoutASessionCodeNoCodeWidensAnything() {
        var store = makeStore(["111111", "222222"])
        let held = store.mustHold(makeCall(), now: 0)
        #expect(held.sessionCode == nil)
        #expect(
            store.confirm(code: "222222", callID: "h1", now: 1)
                == .wrongCode(callID: "h1", attemptsLeft: 2, sessionLeft: 99))
        #expect(store.confirm(code: "111111", callID: "h1", now: 1) == .approved(makeCall(), scope: .once))
    }

    @Test func theTwoCodesOfACallDiffer() {
        var store = makeStore(["111111", "111111", "222222"])
        let held = store.mustHold(makeCall(), now: 0, withSessionCode: true)
        #expect(held.code == "111111" && held.sessionCode == "222222")
    }

    // MARK: code generation

    @Test func clashingCodeIsRegenerated() {
        var store = makeStore(["111111", "111111", "222222"])
        #expect(store.mustHold(makeCall("a"), now: 0).code == "111111")
        #expect(store.mustHold(makeCall("b"), now: 0).code == "222222")
        #expect(store.confirm(code: "111111", callID: "h1", now: 1) == .approved(makeCall("a"), scope: .once))
    }

    @Test func recentlyUsedCodeIsAvoided() {
        var store = makeStore(["111111", "111111", "333333"])
        store.mustHold(makeCall("a"), now: 0)
        #expect(store.confirm(code: "111111", callID: nil, now: 1) == .approved(makeCall("a"), scope: .once))
        #expect(store.mustHold(makeCall("b"), now: 2).code == "333333")
        #expect(store.confirm(code: "111111", callID: nil, now: 3) == .alreadyUsed)
    }

    @Test func randomCodesAreUniqueAmongLiveCalls() {
        // 300 four-digit codes: random clashes are all but certain, so regeneration is exercised.
        var store = ApprovalStore(settings: ApprovalSettings(digits: 4, maxPending: 300))
        var codes: Set<String> = []
        for _ in 0..<300 { codes.insert(store.mustHold(makeCall(), now: 0).code) }
        #expect(codes.count == 300)
        #expect(store.pendingCount == 300)
    }

    @Test func holdingBeyondMaxPendingIsRefusedAndDropsNothing() {
        var store = makeStore(["111111", "222222", "333333"], maxPending: 2)
        store.mustHold(makeCall("a"), now: 0)
        store.mustHold(makeCall("b"), now: 0)
        #expect(store.hold(makeCall("c"), now: 0) == .failure(.full(limit: 2)))
        #expect(store.pendingIDs == ["h1", "h2"])
        #expect(store.confirm(code: "111111", callID: "h1", now: 1) == .approved(makeCall("a"), scope: .once))
        #expect(store.mustHold(makeCall("c"), now: 1).code == "333333")
    }

    @Test func codesDoNotLeakThroughDescriptions() {
        var store = makeStore(["987654", "876543"])
        let held = store.mustHold(makeCall(), now: 0, withSessionCode: true)
        var dumped = ""
        dump(held, to: &dumped)
        dump(store, to: &dumped)
        for text in ["\(held)", String(reflecting: held), "\(store)", String(reflecting: store), dumped] {
            #expect(!text.contains("987654") && !text.contains("876543"))
        }
        #expect("\(held)".contains("h1"))
    }

    // MARK: digest

    @Test func digestIgnoresKeyOrderOnly() {
        let args = JSONObject([("amount", 5), ("to", ["iban": "DE1", "name": "Ann"])])
        let reordered = JSONObject([("to", ["name": "Ann", "iban": "DE1"]), ("amount", 5)])
        let base = FrozenCall.digest(server: "payments", tool: "refund", arguments: args)
        #expect(base.count == 32)
        #expect(FrozenCall.digest(server: "payments", tool: "refund", arguments: reordered) == base)

        let variants: [(String, String, JSONObject?)] = [
            ("payments2", "refund", args),
            ("payments", "refund2", args),
            ("payments", "refund", JSONObject([("amount", 6), ("to", ["iban": "DE1", "name": "Ann"])])),
            ("payments", "refund", JSONObject([("amount", "5"), ("to", ["iban": "DE1", "name": "Ann"])])),
            ("payments", "refund", JSONObject([("amount", .number("5.0")), ("to", ["iban": "DE1", "name": "Ann"])])),
            ("payments", "refund", JSONObject([("amount", 5), ("to", ["iban": "DE2", "name": "Ann"])])),
            ("payments", "refund", JSONObject([("amount", 5), ("to", ["iban": "DE1", "name": "Ann", "x": nil])])),
            ("payments", "refund", JSONObject([("amount", 5)])),
            ("payments", "refund", JSONObject()),
            ("payments", "refund", nil),
        ]
        var seen: Set<[UInt8]> = [base]
        for (server, tool, arguments) in variants {
            let digest = FrozenCall.digest(server: server, tool: tool, arguments: arguments)
            #expect(seen.insert(digest).inserted, "\(server) \(tool) \(String(describing: arguments))")
        }
    }

    @Test func digestMatchesDetectsTampering() {
        var call = makeCall()
        #expect(call.digestMatches)
        #expect(call.digestHex == SHA256.hex(call.digest))
        call.arguments?["amount"] = 500
        #expect(!call.digestMatches)
        var renamed = makeCall()
        renamed.exposedName = "other.name"
        renamed.meta = nil
        renamed.rule = "changed"
        #expect(renamed.digestMatches, "only server, tool and arguments are covered")
    }
}

/// F7: a live approval code typed into a target's own form never reaches the target, and is spent.
@Suite struct ApprovalCodeBurnTests {
    @Test func aLiveCodeInTextBurnsItsCallAndNothingElse() {
        var store = makeStore(["123456", "654321"])
        let first = store.mustHold(makeCall("refund"), now: 0)
        let second = store.mustHold(makeCall("charge"), now: 0)
        #expect(store.burnCodes(in: ["no code here", "12345", "65432"]) == [])
        #expect(store.burnCodes(in: ["the code is 123456, thanks"]) == [first.id])
        #expect(store.confirm(code: first.code, callID: first.id, now: 1) == .alreadyUsed)
        #expect(store.pendingCall(id: second.id) != nil)
        #expect(store.burnCodes(in: ["x9654321"]) == [second.id])  // inside a longer run of digits too
        #expect(store.pendingCount == 0)
    }
}
