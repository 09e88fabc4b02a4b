import MCPWire

/// Approval of a held call for a modern (2026-07-28) client, by MRTR instead of a server→client request.
///
/// 1. The held call answers `hold(...).result`: an `InputRequiredResult` whose `inputRequests["approval"]`
///    is the same `elicitation/create` form the legacy path sends (`ElicitationPrompt.params(for:)`), and
///    whose `requestState` is a sealed token bound to the call's digest, expiring, single-use.
/// 2. The client retries the same `tools/call` with a new id, `params.inputResponses["approval"]` and the
///    token. The router rebuilds the `FrozenCall` from the retried params, exactly as for a new call, and
///    calls `resume(...)`, which verifies the token against that call before reading the answer.
///
/// Use it only when the request's envelope declares form elicitation (`clientCanAnswer(_:)`); otherwise the
/// hub's other approval channels apply.
enum ModernApprovalPrompt {
    /// The key of the approval entry in `inputRequests` / `inputResponses`.
    static let inputKey = "approval"
    /// Default token lifetime in seconds (the same as `ApprovalSettings.ttlSeconds`' default).
    static let defaultLifetime: Double = 300

    /// Whether this request's client declared form-mode elicitation, so it can be asked this way.
    static func clientCanAnswer(_ envelope: ModernEnvelope) -> Bool {
        ElicitationPrompt.clientSupportsForm(envelope.clientCapabilities)
    }

    /// The `InputRequiredResult` for `call` with a freshly sealed `requestState`, and the claims inside it.
    static func hold(
        _ call: FrozenCall, seal: RequestStateSeal, now: Double, lifetime: Double = defaultLifetime,
        serverInfo: JSONObject? = nil
    ) -> (result: JSONObject, claims: RequestStateSeal.Claims) {
        let claims = RequestStateSeal.Claims.approval(digest: call.digest, now: now, lifetime: lifetime)
        return (inputRequired(for: call, requestState: seal.seal(claims), serverInfo: serverInfo), claims)
    }

    /// The `InputRequiredResult` for `call` with a given `requestState` (e.g. the same token again when the
    /// client retried without an answer).
    static func inputRequired(for call: FrozenCall, requestState: String, serverInfo: JSONObject? = nil) -> JSONObject {
        let request: JSONValue = [
            "method": "elicitation/create", "params": .object(ElicitationPrompt.params(for: call)),
        ]
        return ModernResult.inputRequired(
            inputRequests: JSONObject([(inputKey, request)]), requestState: requestState, serverInfo: serverInfo)
    }

    /// What the client's `inputResponses` say about the approval.
    enum Reading: Sendable, Equatable {
        /// The human answered: `accept` with `approve: true` approves (with the chosen `remember` scope);
        /// any other answer, a malformed one included, declines.
        case answered(ElicitationPrompt.Answer)
        /// No `inputResponses["approval"]` entry: the question is still open.
        case stillNeeded
    }

    static func read(inputResponses: JSONObject?) -> Reading {
        guard let response = inputResponses?[inputKey] else { return .stillNeeded }
        return .answered(ElicitationPrompt.read(response))
    }

    /// What to do with a `tools/call` of a held-for-approval tool, given its MRTR fields.
    enum Resumption: Sendable, Equatable {
        /// No `requestState`: a new call (any `inputResponses` are ignored). Hold it: `hold(...)`.
        case fresh
        /// A valid token but no answer yet. Answer `inputRequired(for:requestState:)` with the same token
        /// (it was not consumed and keeps its expiry).
        case stillNeeded(RequestStateSeal.Claims)
        /// The human approved; the token is consumed. Run the call (re-check `FrozenCall.digestMatches`),
        /// and record a grant for `scope`.
        case approved(GrantScope, RequestStateSeal.Claims)
        /// The human declined (the reason says how); the token is consumed. Answer the call as declined.
        case declined(String, RequestStateSeal.Claims)
        /// A forged, altered, expired, replayed or foreign token: refuse, e.g. with
        /// `JSONRPCError.invalidParams(failure.description)`; nothing runs.
        case refused(RequestStateSeal.Failure)
    }

    /// Checks the retry of `call` (the call as rebuilt from the retried request): the token first, against
    /// `call.digest`, then the answer. The token's nonce is consumed in `ledger` only when an answer is read,
    /// so a token settles at most one answer.
    static func resume(
        _ fields: ModernResult.RetryFields, call: FrozenCall, seal: RequestStateSeal,
        ledger: inout RequestStateLedger, now: Double
    ) -> Resumption {
        guard let token = fields.requestState else { return .fresh }
        let claims: RequestStateSeal.Claims
        switch seal.open(token, expecting: call.digest, now: now) {
        case .failure(let failure): return .refused(failure)
        case .success(let opened): claims = opened
        }
        guard case .answered(let answer) = read(inputResponses: fields.inputResponses) else {
            return ledger.contains(nonce: claims.nonce) ? .refused(.replayed) : .stillNeeded(claims)
        }
        guard ledger.consume(claims, now: now) else { return .refused(.replayed) }
        switch answer {
        case .approved(let scope): return .approved(scope, claims)
        case .declined(let reason): return .declined(reason, claims)
        }
    }
}
