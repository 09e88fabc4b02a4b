import MCPWire
import Synchronization
import Testing

@testable import FirewallHub

/// The approval desk, the era bridge and the client session alone, on an injected clock: what waits
/// for a human is bounded and settled once, a human's proof is used at most once and only for the call
/// it was given for, and a bridge's answers reach only the call that asked.
@Suite struct ApprovalDeskTests {
    private func call(_ tool: String = "refund", amount: Int = 5) -> FrozenCall {
        FrozenCall(
            server: "payments", tool: tool, exposedName: "payments.\(tool)", arguments: ["amount": .int(amount)],
            meta: nil, rule: "servers.payments.policy.approve[0]")
    }

    private func request(_ ticket: CallTable.Ticket) -> ClientRequest {
        ClientRequest(ticket: ticket, request: .init(id: .int(ticket), method: "tools/call"), modern: nil)
    }

    /// Codes 100001, 100002, … in order, so a test knows each one.
    private final class CountingCodes: Sendable {
        private let next = Mutex(100_000)
        var source: @Sendable (Int) -> String {
            { [self] _ in
                String(
                    next.withLock {
                        $0 += 1; return $0
                    })
            }
        }
    }

    private func desk(maxPending: Int = 3, ttl: Int = 300) -> ApprovalDesk {
        var settings = ApprovalConfig()
        settings.maxPending = maxPending
        settings.codeTTLSeconds = ttl
        return ApprovalDesk(settings: settings, codeSource: CountingCodes().source)
    }

    // MARK: - ApprovalDesk

    @Test func promptsAndHeldCallsShareOneBoundAndCloseOnce() {
        let desk = desk(maxPending: 3)
        let first = desk.openPrompt(for: request(1), call: call())
        let second = desk.openPrompt(for: request(2), call: call())
        #expect(first.id != second.id && first.id.hasPrefix("mcp-firewall-hub/approval/"))
        #expect(first.params["mode"] == "form")
        guard case .success = desk.hold(call(), now: 0, withSessionCode: false) else {
            Issue.record("not held")
            return
        }
        #expect(desk.waitingCount == 3 && desk.isFull)
        #expect(desk.closePrompt(first.id)?.request.ticket == 1)
        #expect(desk.closePrompt(first.id) == nil)
        #expect(!desk.isFull)
        #expect(desk.closePrompts(for: 2).map(\.id) == [second.id])
        #expect(desk.closeAllPrompts().isEmpty && desk.waitingCount == 1)
    }

    @Test func aCodeApprovesOnceWithinItsLifetime() {
        let desk = desk(ttl: 60)
        guard case .success(let held) = desk.hold(call(), now: 10, withSessionCode: true) else {
            Issue.record("not held")
            return
        }
        #expect(held.code == "100001" && held.sessionCode == "100002")
        let (expired, _) = desk.confirm(.init(code: held.code, callID: held.id, deny: false), now: 70.5)
        #expect(expired == .expired(callID: held.id))
        guard case .success(let again) = desk.hold(call(), now: 100, withSessionCode: true) else {
            Issue.record("not held")
            return
        }
        let (approved, grant) = desk.confirm(.init(code: again.code, callID: again.id, deny: false), now: 120)
        #expect(approved == .approved(call(), scope: .once))
        #expect(grant == nil)  // a one-time code grants nothing beyond the call
        #expect(desk.confirm(.init(code: again.code, callID: again.id, deny: false), now: 121).0 == .alreadyUsed)
        guard case .success(let third) = desk.hold(call(), now: 130, withSessionCode: true),
            let sessionCode = third.sessionCode
        else {
            Issue.record("not held")
            return
        }
        let (bySession, sessionGrant) = desk.confirm(.init(code: sessionCode, callID: third.id, deny: false), now: 131)
        #expect(bySession == .approved(call(), scope: .session))
        #expect(sessionGrant?.scope == .session)  // the human's session code grants the tool for the session
        #expect(desk.grant(server: "payments", tool: "refund", arguments: nil, now: 132) != nil)
    }

    /// A code for a held definition accepts only that definition; one live code per definition, and a
    /// newer definition of the same tool discards the code sent for the older one.
    @Test func oneDefinitionCodePerToolAndOnlyForTheDefinitionSent() {
        let desk = desk(maxPending: 3)
        func offer(_ hash: String, tool: String = "refund") -> PinOffer {
            PinOffer(
                server: "payments", tool: tool, exposedName: "payments.\(tool)", hash: hash, lines: [],
                change: "description changed", isNew: false)
        }
        func hold(_ offer: PinOffer) -> HeldCall? {
            var frozen = call(offer.tool)
            frozen.definition = offer
            guard case .success(let held) = desk.hold(frozen, now: 0, withSessionCode: false) else { return nil }
            return held
        }
        guard let a = hold(offer("a")), let other = hold(offer("x", tool: "charge")) else {
            Issue.record("not held")
            return
        }
        #expect(desk.heldDefinition(offer("a"), now: 1) == a.id)
        #expect(desk.waitingCount == 2)
        // The server changed refund again: the code sent for "a" goes; "charge" is untouched.
        #expect(desk.heldDefinition(offer("b"), now: 2) == nil)
        #expect(desk.waitingCount == 1)
        #expect(desk.confirm(.init(code: a.code, callID: a.id, deny: false), now: 3).0 == .alreadyUsed)
        #expect(desk.heldDefinition(offer("x", tool: "charge"), now: 4) == other.id)
        let (accepted, grant) = desk.confirm(.init(code: other.code, callID: other.id, deny: false), now: 5)
        guard case .approved(let frozen, .once) = accepted else {
            Issue.record("\(accepted)")
            return
        }
        #expect(frozen.definition == offer("x", tool: "charge") && grant == nil)
        // An expired code is not handed out again.
        guard let c = hold(offer("c")) else {
            Issue.record("not held")
            return
        }
        #expect(desk.heldDefinition(offer("c"), now: 299) == c.id)
        #expect(desk.heldDefinition(offer("c"), now: 301) == nil)
    }

    @Test func grantsFollowTheScopeTheHumanChose() {
        let desk = desk()
        #expect(desk.grant(.once, for: call(), via: "test", now: 0) == nil)
        #expect(desk.grant(.minutes(10), for: call(), via: "test", now: 0) != nil)
        #expect(desk.grant(server: "payments", tool: "refund", arguments: ["amount": 9], now: 599) != nil)
        #expect(desk.grant(server: "payments", tool: "refund", arguments: ["amount": 9], now: 601) == nil)
        #expect(desk.grant(server: "payments", tool: "delete", arguments: nil, now: 1) == nil)
    }

    @Test func aTargetsOwnRequestStatePassesTheApprovalStepOnceForThatCallOnly() {
        let desk = desk(ttl: 60)
        let params: JSONObject = ["name": "refund", "arguments": ["amount": 5]]
        func take(_ call: FrozenCall, requestState: String, now: Double) -> Bool {
            desk.takeTargetRetry(call, requestState: requestState, now: now)
        }
        desk.allowTargetRetry(server: "payments", method: "tools/call", params: params, requestState: "s1", now: 0)
        desk.allowTargetRetry(server: "payments", method: "prompts/get", params: params, requestState: "s2", now: 0)
        #expect(!take(call(amount: 6), requestState: "s1", now: 1))  // other arguments
        #expect(!take(call(), requestState: "s2", now: 1))  // issued for prompts/get
        #expect(take(call(), requestState: "s1", now: 1))
        #expect(!take(call(), requestState: "s1", now: 2))  // used up
        desk.allowTargetRetry(server: "payments", method: "tools/call", params: params, requestState: "s3", now: 0)
        #expect(!take(call(), requestState: "s3", now: 60.5))  // expired
    }

    @Test func anMRTRApprovalIsReadOnceAndOnlyForItsCall() throws {
        let desk = desk()
        let result = desk.holdModern(call(), now: 0)
        let state = try #require(result["requestState"]?.stringValue)
        let approve: JSONObject = [ModernApprovalPrompt.inputKey: ["action": "accept", "content": ["approve": true]]]
        let fields = ModernResult.RetryFields(inputResponses: approve, requestState: state)
        #expect(desk.resumeModern(.init(inputResponses: nil, requestState: state), call: call(), now: 1) != .fresh)
        if case .refused = desk.resumeModern(fields, call: call(amount: 500), now: 1) {
        } else {
            Issue.record("a state for one call approved another")
        }
        guard case .approved(.once, _) = desk.resumeModern(fields, call: call(), now: 1) else {
            Issue.record("not approved")
            return
        }
        #expect(desk.resumeModern(fields, call: call(), now: 2) == .refused(.replayed))
        // A state the desk sealed for an approval is never a bridge state, and the reverse.
        #expect(desk.redeemBridgeState(state, digest: call().digest, now: 1) == nil)
    }

    @Test func bridgeStatesAreUsedOnceForTheirCallAndExpire() {
        let desk = desk()
        let state = desk.sealBridgeState(nonce: "n1", digest: call().digest, expiresAt: 30)
        #expect(desk.redeemBridgeState(state, digest: call(amount: 6).digest, now: 1) == nil)
        #expect(desk.redeemBridgeState(state, digest: call().digest, now: 1)?.nonce == "n1")
        #expect(desk.redeemBridgeState(state, digest: call().digest, now: 2) == nil)
        let late = desk.sealBridgeState(nonce: "n2", digest: call().digest, expiresAt: 30)
        #expect(desk.redeemBridgeState(late, digest: call().digest, now: 30) == nil)
    }

    // MARK: - EraBridge

    @Test func anInputBridgeCompletesWhenEveryAnswerIsIn() {
        let bridge = EraBridge()
        let open = EraBridge.InputBridge(
            target: 0, generation: 1, ticket: 7, label: "t.x", method: "tools/call", params: [:], requestState: "s")
        let requests = bridge.open(
            open, inputs: [("a", "elicitation/create", [:]), ("b", "roots/list", [:])])
        #expect(requests.count == 2 && bridge.count == 1)
        guard case .string(let a) = requests[0].id, case .string(let b) = requests[1].id else { return }
        if case .waiting = bridge.clientAnswered(a, .result(["action": "accept"])) {} else { Issue.record("a") }
        if case .notMine = bridge.clientAnswered(a, .result([:])) {} else { Issue.record("a twice") }
        guard case .complete(let done) = bridge.clientAnswered(b, .error(.internalError("no roots"))) else {
            Issue.record("not complete")
            return
        }
        #expect(done.ticket == 7 && done.requestState == "s")
        #expect(done.responses == ["a": ["action": "accept"], "b": ["action": "cancel"]])
        #expect(bridge.count == 0)
    }

    @Test func aCancelledBridgeTakesNoMoreAnswersAndRoundsAreCapped() {
        let bridge = EraBridge()
        let open = EraBridge.InputBridge(
            target: 0, generation: 1, ticket: 3, label: "t.x", method: "tools/call", params: [:], requestState: nil)
        let requests = bridge.open(open, inputs: [("a", "elicitation/create", [:])])
        bridge.cancel(3)
        guard case .string(let id) = requests[0].id else { return }
        if case .notMine = bridge.clientAnswered(id, .result([:])) {} else { Issue.record("answer after cancel") }
        for round in 1...EraBridge.maxInputRounds { #expect(bridge.nextRound(3) == round) }
        #expect(bridge.nextRound(3) == nil)
        #expect(bridge.nextRound(3) == 1)  // forgotten after the refusal
    }

    @Test func reverseBridgesAreTakenOnceAndExpire() {
        let bridge = EraBridge()
        let call = ForwardedCall(ticket: 1, clientEra: .modern, label: "t.x", method: "tools/call", params: [:])
        let reverse = EraBridge.ReverseBridge(
            target: 0, generation: 1, hubID: 4, call: call, targetRequestID: .int(9), expiresAt: 10)
        bridge.openReverse(reverse, nonce: "old", now: 0)
        bridge.stash("old", .result(["done": true]))
        bridge.openReverse(reverse, nonce: "new", now: 11)  // "old" expired at 10
        #expect(bridge.takeReverse("old") == nil)
        #expect(bridge.takeReverse("new")?.hubID == 4)
        #expect(bridge.takeReverse("new") == nil)
    }

    // MARK: - ClientSession

    @Test func eachRequestCarriesItsOwnEraAndAModernNamePicksTheNaming() {
        let session = ClientSession(namingConfig: NamingConfig())
        let legacy = JSONRPCMessage.Request(id: .int(1), method: "tools/list")
        if case .legacy = session.admit(legacy) {} else { Issue.record("legacy") }
        let meta: JSONObject = [
            ModernEnvelope.protocolVersionKey: "2026-07-28", ModernEnvelope.clientCapabilitiesKey: [:],
            ModernEnvelope.clientInfoKey: ["name": "claude-ai", "version": "1"],
        ]
        let modern = JSONRPCMessage.Request(id: .int(2), method: "tools/list", params: ["_meta": .object(meta)])
        guard case .modern(_, let naming?) = session.admit(modern) else {
            Issue.record("the first modern request's client name picks the naming")
            return
        }
        #expect(!naming.allowsDots)
        if case .modern(_, nil) = session.admit(modern) {} else { Issue.record("the same name again changes nothing") }
        let removed = JSONRPCMessage.Request(id: .int(3), method: "initialize", params: ["_meta": .object(meta)])
        if case .refused = session.admit(removed) {} else { Issue.record("a method 2026-07-28 removed") }
    }

    @Test func logMessagesFollowTheLevelsClientsAskedFor() {
        let session = ClientSession(namingConfig: NamingConfig())
        var modern = ModernEnvelope(protocolVersion: "2026-07-28", clientCapabilities: [:])
        modern.logLevel = "warning"
        #expect(!session.admitsLog(level: "info") { [] })  // not initialized, nothing running
        #expect(!session.admitsLog(level: "info") { [modern] })
        #expect(session.admitsLog(level: "error") { [modern] })
        session.markInitialized()
        #expect(session.admitsLog(level: "debug") { [] })  // a legacy client gets every level until it sets one
        #expect(session.setLevel("error") && !session.setLevel("loud"))
        #expect(!session.admitsLog(level: "warning") { [] })
        #expect(session.targetLogLevel(for: nil, isModern: false) == "error")
        #expect(session.targetLogLevel(for: modern, isModern: true) == "warning")
    }

    @Test func aModernRequestsResultIsAnsweredAsAModernResult() {
        let envelope = ModernEnvelope(protocolVersion: "2026-07-28", clientCapabilities: [:])
        let table = CallTable(targets: 0)
        let ticket = table.admit(.init(id: .int(1), method: "tools/list"), modern: envelope)
        guard let open = table[ticket] else { return }
        let response = ClientSession.answer(.result(["tools": []]), to: open)
        #expect(response.id == .int(1))
        #expect(response.outcome != .result(["tools": []]))
        if case .result(let result) = response.outcome { #expect(result[ModernResult.resultTypeKey] == "complete") }
        let error = ClientSession.answer(.error(.internalError("x")), to: open)
        #expect(error.outcome == .error(.internalError("x")))
    }
}
