/// What session policy says about one call: hold it or refuse it, and why (the earlier calls or the
/// limit behind it). A value; `CallVerdict` merges it with the per-call policy decision.
struct FlowDecision: Sendable, Equatable {
    /// Why; the first reason is the one texts lead with.
    enum Reason: Sendable, Equatable {
        /// A `flows` rule: the earlier call(s) that triggered it (one per `after` group).
        case flow(label: String, action: FlowAction, triggers: [FlowTrigger])
        /// The exfiltration guard: the untrusted-content call and the private-data call.
        case exfiltrationGuard(action: FlowAction, untrusted: FlowTrigger, privateData: FlowTrigger)
        /// A `limits` entry over its count.
        case limit(label: String, action: FlowAction, hit: LimitHit)

        var action: FlowAction {
            switch self {
            case .flow(_, let action, _), .exfiltrationGuard(let action, _, _), .limit(_, let action, _): return action
            }
        }

        /// `flows[0] "egress after private data"`, `exfiltration_guard`, `limits[1] (payments.*)`.
        var label: String {
            switch self {
            case .flow(let label, _, _), .limit(let label, _, _): return label
            case .exfiltrationGuard: return ExfiltrationGuardConfig.label
            }
        }
    }

    /// A limit a call would exceed.
    struct LimitHit: Sendable, Equatable {
        enum Window: Sendable, Equatable {
            case minute
            case session
        }

        /// What the counter covers: `payments.refund`, `server payments`, or the limit's globs.
        var counter: String
        var window: Window
        var count: Int
        var limit: Int
        /// When the next call fits again (monotonic seconds); nil for a session limit (never).
        var resetsAt: Double?
    }

    /// Whether an approval grant may let the call run without asking.
    enum GrantUse: Sendable, Equatable, Comparable {
        /// Any grant that matches (the policy's own `approve`).
        case any
        /// Only a grant given after this time: the human approved knowing what the session holds.
        case givenAfter(Double)
        /// None: every such call asks (a limit must not be waved through by a session-long grant).
        case never
    }

    /// `deny` is final: no approval, code or grant runs the call.
    var action: FlowAction
    var reasons: [Reason]
    var grants: GrantUse

    var isFinal: Bool { action == .deny }

    /// The leading reason's label, for `FrozenCall.rule`, held-call texts and the audit line.
    var rule: String { reasons.first?.label ?? "session policy" }

    /// The decision for these reasons (none: nil). A deny among them wins; grants are as strict as
    /// the strictest approving reason needs.
    init?(reasons: [Reason]) {
        guard !reasons.isEmpty else { return nil }
        let denials = reasons.filter { $0.action == .deny }
        action = denials.isEmpty ? .approve : .deny
        self.reasons = denials.isEmpty ? reasons : denials + reasons.filter { $0.action != .deny }
        var grants = GrantUse.any
        for reason in reasons where reason.action == .approve {
            grants = max(grants, Self.grantUse(for: reason))
        }
        self.grants = action == .deny ? .never : grants
    }

    private static func grantUse(for reason: Reason) -> GrantUse {
        switch reason {
        case .limit: return .never
        case .flow(_, _, let triggers): return .givenAfter(triggers.map(\.at).max() ?? 0)
        case .exfiltrationGuard(_, let untrusted, let privateData):
            return .givenAfter(max(untrusted.at, privateData.at))
        }
    }
}
