/// Tunables of the approval-code store.
struct ApprovalSettings: Sendable, Equatable {
    /// How long a held call can be approved, in seconds.
    var ttlSeconds: Double = 300
    /// Wrong codes charged to one call before it is discarded.
    var maxAttempts: Int = 3
    /// Length of an approval code, 4…12 decimal digits.
    var digits: Int = 6
    /// Most calls held at once; holding one more discards the oldest (the router may refuse instead,
    /// by checking `ApprovalStore.isFull` first).
    var maxPending: Int = 100

    init(ttlSeconds: Double = 300, maxAttempts: Int = 3, digits: Int = 6, maxPending: Int = 100) {
        self.ttlSeconds = ttlSeconds
        self.maxAttempts = maxAttempts
        self.digits = digits
        self.maxPending = maxPending
    }
}

/// What `ApprovalStore.hold` hands back: the only place a code is ever exposed.
struct HeldCall: Sendable, Equatable {
    /// Non-secret handle ("h1", "h2", …) the model passes back as `call_id`.
    var id: String
    /// The secret approval code, shown to the human only.
    var code: String
    /// Monotonic time (seconds, same clock as `now`) at which the code stops working.
    var expiresAt: Double
}

extension HeldCall: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    // The code is redacted so that string interpolation, dump() and test failure output never leak it.
    var description: String { "HeldCall(id: \(id), code: <redacted>, expiresAt: \(expiresAt))" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["id": id, "expiresAt": expiresAt]) }
}

/// The answer to presenting an approval code (`ApprovalStore.confirm` / `deny`).
enum ConfirmOutcome: Sendable, Equatable {
    /// Code right and not expired; the call is removed (single use). The caller re-verifies the digest.
    case approved(FrozenCall)
    /// Code right on a `deny`; the call is discarded.
    case denied(FrozenCall)
    /// Code wrong. `attemptsLeft` is nil when the try was charged to no call (several pending, no call_id).
    case wrongCode(callID: String?, attemptsLeft: Int?)
    /// That call had `maxAttempts` wrong tries and is discarded.
    case attemptsExhausted(callID: String)
    /// The code (or call_id) belongs to a call whose TTL passed; the call is gone.
    case expired(callID: String)
    /// The code (or call_id) belongs to a call already approved, denied, cancelled or discarded.
    case alreadyUsed
    /// Nothing is waiting for approval.
    case noPendingCalls
    /// Not exactly `digits` decimal digits after trimming whitespace.
    case invalidFormat
    /// `call_id` names no call this store knows.
    case unknownCallID(String)
    /// Too many wrong codes without a call_id while several calls are pending; pass call_id.
    case tooManyUnattributedTries
}
