/// Tunables of the approval-code store.
struct ApprovalSettings: Sendable, Equatable {
    /// How long a held call can be approved, in seconds.
    var ttlSeconds: Double = 300
    /// Wrong codes charged to one call before it is discarded.
    var maxAttempts: Int = 3
    /// Length of an approval code, 4…12 decimal digits.
    var digits: Int = 6
    /// Most calls held at once; holding one more is refused (never an older one dropped).
    var maxPending: Int = 20
    /// Wrong codes in one session (hub process) before every code is refused for the rest of it.
    var maxWrongCodes: Int = 10

    init(ttlSeconds: Double = 300, maxAttempts: Int = 3, digits: Int = 6, maxPending: Int = 20, maxWrongCodes: Int = 10)
    {
        self.ttlSeconds = ttlSeconds
        self.maxAttempts = maxAttempts
        self.digits = digits
        self.maxPending = maxPending
        self.maxWrongCodes = maxWrongCodes
    }
}

/// What `ApprovalStore.hold` hands back: the only place a code is ever exposed.
struct HeldCall: Sendable, Equatable {
    /// Non-secret handle ("h1", "h2", …) the model passes back as `call_id`.
    var id: String
    /// The secret approval code, shown to the human only: it runs the call once.
    var code: String
    /// A second secret code that runs the call and grants its tool for the rest of the session; only
    /// made for a channel that reaches the human alone (never shown to the model).
    var sessionCode: String? = nil
    /// Monotonic time (seconds, same clock as `now`) at which the code stops working.
    var expiresAt: Double
}

extension HeldCall: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    // The code is redacted so that string interpolation, dump() and test failure output never leak it.
    var description: String {
        "HeldCall(id: \(id), code: <redacted>, sessionCode: \(sessionCode == nil ? "none" : "<redacted>"), "
            + "expiresAt: \(expiresAt))"
    }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["id": id, "expiresAt": expiresAt]) }
}

/// The answer to presenting an approval code (`ApprovalStore.confirm` / `deny`).
enum ConfirmOutcome: Sendable, Equatable {
    /// Code right and not expired; the call is removed (single use). `scope` is what the human's code
    /// grants: `.once` for the call's code, `.session` for its session code. The caller re-verifies
    /// the digest.
    case approved(FrozenCall, scope: GrantScope)
    /// Code right on a `deny`; the call is discarded.
    case denied(FrozenCall)
    /// Code wrong for that call; `sessionLeft` wrong codes remain before every code is refused.
    case wrongCode(callID: String, attemptsLeft: Int, sessionLeft: Int)
    /// That call had `maxAttempts` wrong tries and is discarded.
    case attemptsExhausted(callID: String, sessionLeft: Int)
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
    /// Several calls wait and no `call_id` was given: the code was not checked (nor charged).
    case callIDRequired([String])
    /// Every code is refused for the rest of the session after `wrongCodes` wrong codes.
    case locked(wrongCodes: Int)
}
