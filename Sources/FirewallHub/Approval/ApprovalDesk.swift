import MCPWire

/// Owns: every call waiting for a human and every proof a human gave — held calls and their codes
/// (`ApprovalStore`), approval prompts open on the client, grants, sealed MRTR `requestState`s and the
/// ledger of used ones, and the target `requestState`s an approved call may carry once. Never: runs
/// or answers a call, sends a message, reads a clock (every operation takes `now`), or widens an
/// approval beyond what the human chose.
final class ApprovalDesk {
    /// The purpose of the `requestState`s the era bridge seals (never accepted as an approval).
    static let bridgePurpose = "bridge"

    /// A held call whose approval prompt is open on the client.
    struct Prompt {
        /// The hub's id of the `elicitation/create` request.
        var id: String
        var request: ClientRequest
        var call: FrozenCall
        var timer: Int?
        /// Set when the prompt asks to accept a held tool definition (`PinPrompt`), not to run `call`.
        var definition: PinOffer? = nil
    }

    let settings: ApprovalConfig
    private var store: ApprovalStore
    private var grants = GrantStore()
    private var prompts: [String: Prompt] = [:]
    private var nextPrompt = 0
    private let seal: RequestStateSeal
    private var ledger = RequestStateLedger()
    /// Calls (by method, digest and the target's own requestState) whose retry may carry that state
    /// through the approval step once, until when.
    private var targetRetries: [String: Double] = [:]
    private var announcedAgentFallback = false

    init(
        settings: ApprovalConfig, seal: RequestStateSeal = RequestStateSeal(),
        codeSource: @escaping @Sendable (Int) -> String = SecureRandom.digits
    ) {
        self.settings = settings
        self.seal = seal
        store = ApprovalStore(
            settings: ApprovalSettings(
                ttlSeconds: Double(settings.codeTTLSeconds), maxAttempts: settings.maxAttempts,
                digits: settings.codeDigits, maxPending: settings.maxPending, maxWrongCodes: settings.maxWrongCodes),
            codeSource: codeSource)
    }

    /// Calls waiting for a human in any way (codes and open prompts), bounded by `approval.max_pending`.
    var waitingCount: Int { store.pendingCount + prompts.count }

    var isFull: Bool { waitingCount >= settings.maxPending }

    // MARK: - Held under a code

    /// Holds `call` under a code (and a session code when the channel reaches the human alone).
    func hold(_ call: FrozenCall, now: Double, withSessionCode: Bool) -> Result<HeldCall, HoldRefusal> {
        store.hold(call, now: now, withSessionCode: withSessionCode)
    }

    /// `firewall_confirm`: the human's code approves or denies a held call. An approval records the grant
    /// the code carries (its session code: for the session), never a scope the model chose.
    func confirm(_ confirm: ConfirmRequest, now: Double) -> (ConfirmOutcome, GrantStore.Grant?) {
        let outcome =
            confirm.deny
            ? store.deny(code: confirm.code, callID: confirm.callID, now: now)
            : store.confirm(code: confirm.code, callID: confirm.callID, now: now)
        guard case .approved(let call, let scope) = outcome else { return (outcome, nil) }
        return (outcome, grants.grant(scope, for: call, via: "session code (firewall_confirm)", now: now))
    }

    /// A reload removed `server` or started it with other settings: its grants and held calls go (an
    /// approval was given for the process it named), and its open prompts are returned, closed, for the
    /// caller to answer.
    func forget(server: String) -> [Prompt] {
        grants.revoke(server: server)
        for id in store.pendingIDs where store.pendingCall(id: id)?.server == server { store.cancel(callID: id) }
        let closing = prompts.values.filter { $0.call.server == server }.sorted { $0.id < $1.id }
        for prompt in closing { prompts[prompt.id] = nil }
        return closing
    }

    /// A client's answer to a target's own request: the ids of the waiting calls whose live code it
    /// holds (in any string or number), now discarded. The caller refuses to forward the answer.
    func burnCodes(in answer: JSONValue) -> [String] {
        var texts: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .string(let text), .number(let text): texts.append(text)
            case .array(let items):
                for item in items { collect(item) }
            case .object(let members):
                for member in members {
                    texts.append(member.key)
                    collect(member.value)
                }
            default: break
            }
        }
        collect(answer)
        return store.burnCodes(in: texts)
    }

    /// True the first time the agent fallback shows a code to the model (to warn once).
    func firstAgentFallback() -> Bool {
        defer { announcedAgentFallback = true }
        return !announcedAgentFallback
    }

    // MARK: - Grants

    func grant(_ scope: GrantScope, for call: FrozenCall, via: String, now: Double) -> GrantStore.Grant? {
        grants.grant(scope, for: call, via: via, now: now)
    }

    /// A live grant that lets this call run without asking again (among those `accepts` takes:
    /// session policy may require one given after its trigger).
    func grant(
        server: String, tool: String, arguments: JSONObject?, now: Double,
        accepts: (GrantStore.Grant) -> Bool = { _ in true }
    ) -> GrantStore.Grant? {
        grants.match(server: server, tool: tool, arguments: arguments, now: now, accepts: accepts)
    }

    // MARK: - Prompts on the client (elicitation)

    /// Opens a prompt for `call`: its id (in its own namespace, with a random part, so a client's answer
    /// can only match the exact approval it was asked about) and the `elicitation/create` params.
    func openPrompt(for request: ClientRequest, call: FrozenCall) -> (id: String, params: JSONObject) {
        nextPrompt += 1
        let id = "mcp-firewall-hub/approval/\(nextPrompt)/" + SHA256.hex(SecureRandom.bytes(8))
        prompts[id] = Prompt(id: id, request: request, call: call)
        return (id, ElicitationPrompt.params(for: call))
    }

    /// Opens a prompt asking the person to accept `offer` (the agent's `call` of the held tool waits on
    /// it and is not run either way).
    func openDefinitionPrompt(for request: ClientRequest, call: FrozenCall, offer: PinOffer) -> (
        id: String, params: JSONObject
    ) {
        nextPrompt += 1
        let id = "mcp-firewall-hub/pin/\(nextPrompt)/" + SHA256.hex(SecureRandom.bytes(8))
        prompts[id] = Prompt(id: id, request: request, call: call, definition: offer)
        return (id, PinPrompt.params(for: offer))
    }

    /// The handle of a live code already sent for exactly `offer` (one code per held definition). Codes
    /// sent for an earlier definition of the same tool are discarded (they could no longer accept
    /// anything), so a server that keeps changing a tool holds at most one code per tool.
    func heldDefinition(_ offer: PinOffer, now: Double) -> String? {
        let stale = store.pendingIDs.filter { id in
            guard let held = store.pendingCall(id: id)?.definition else { return false }
            return held.server == offer.server && held.tool == offer.tool && held != offer
        }
        for id in stale { store.cancel(callID: id) }
        return store.liveID(now: now) { $0.definition == offer }
    }

    /// Whether a prompt about `server`'s `tool` definition is open already (one question at a time).
    func asksAboutDefinition(server: String, tool: String) -> Bool {
        prompts.values.contains { $0.definition?.server == server && $0.definition?.tool == tool }
    }

    func setTimer(_ timer: Int, prompt id: String) {
        prompts[id]?.timer = timer
    }

    /// The prompt `id` was answered or timed out: it is closed (nil when it was not open).
    func closePrompt(_ id: String) -> Prompt? {
        prompts.removeValue(forKey: id)
    }

    /// The client cancelled the call: its open prompts, closed.
    func closePrompts(for ticket: CallTable.Ticket) -> [Prompt] {
        let closing = prompts.values.filter { $0.request.ticket == ticket }.sorted { $0.id < $1.id }
        for prompt in closing { prompts[prompt.id] = nil }
        return closing
    }

    /// Every open prompt, closed (shutdown).
    func closeAllPrompts() -> [Prompt] {
        defer { prompts = [:] }
        return prompts.values.sorted { $0.id < $1.id }
    }

    // MARK: - Approval by MRTR (2026-07-28 clients)

    /// The `InputRequiredResult` that asks a modern client's human about `call`, with a sealed state.
    func holdModern(_ call: FrozenCall, now: Double) -> JSONObject {
        ModernApprovalPrompt.hold(call, seal: seal, now: now, lifetime: Double(settings.codeTTLSeconds)).result
    }

    /// A retried call's MRTR fields against the state it carries (see `ModernApprovalPrompt.resume`).
    func resumeModern(_ fields: ModernResult.RetryFields, call: FrozenCall, now: Double)
        -> ModernApprovalPrompt.Resumption
    {
        ModernApprovalPrompt.resume(fields, call: call, seal: seal, ledger: &ledger, now: now)
    }

    /// A modern client will retry a call with a modern target's own `requestState`: that one retry — the
    /// same method, the same call, with exactly that state — is the target's business, so it passes the
    /// approval step once, for a while. Only `tools/call` has an approval step; a state a target issued
    /// for `prompts/get` (or any other request) is bound to that method and never unlocks a tool call.
    func allowTargetRetry(
        server: String, method: String, params: JSONObject, requestState: String, now: Double
    ) {
        guard method == "tools/call", case .string(let tool)? = params["name"] else { return }
        let digest = FrozenCall.digest(server: server, tool: tool, arguments: params["arguments"]?.objectValue)
        targetRetries = targetRetries.filter { $0.value > now }
        targetRetries[Self.retryKey(method: method, digest: digest, requestState: requestState)] =
            now + Double(settings.codeTTLSeconds)
    }

    /// Whether this `tools/call` retry of `call` carries the `requestState` a target issued for that very
    /// call (used up here).
    func takeTargetRetry(_ call: FrozenCall, requestState: String, now: Double) -> Bool {
        let key = Self.retryKey(method: "tools/call", digest: call.digest, requestState: requestState)
        guard let expiry = targetRetries.removeValue(forKey: key) else { return false }
        return expiry > now
    }

    private static func retryKey(method: String, digest: [UInt8], requestState: String) -> String {
        method + "|" + SHA256.hex(digest) + "|" + requestState
    }

    // MARK: - States the era bridge seals

    func sealBridgeState(nonce: String, digest: [UInt8], expiresAt: Double) -> String {
        seal.seal(.init(nonce: nonce, digest: digest, expiresAt: expiresAt, purpose: Self.bridgePurpose))
    }

    /// The claims of a bridge state for the call with `digest`, used up; nil when it is not one.
    func redeemBridgeState(_ state: String, digest: [UInt8], now: Double) -> RequestStateSeal.Claims? {
        guard
            case .success(let claims) = ledger.redeem(
                state, with: seal, expecting: digest, purpose: Self.bridgePurpose, now: now)
        else { return nil }
        return claims
    }
}
