/// The one decision the router acts on for a call: the per-call policy decision and the session
/// policy's, merged (the stricter wins). Pure; it decides nothing the two inputs did not.
enum CallVerdict: Sendable, Equatable {
    /// Forward the call.
    case allow(rule: String)
    /// Hold it for a human. A grant may run it without asking only as `grants` says; `flow` is the
    /// session decision (for the held-call note), nil when only the policy asked.
    case approve(rule: String, grants: FlowDecision.GrantUse, flow: FlowDecision?)
    /// Refuse it. With `flow` set it is a session-policy deny: final, and its text names the trigger.
    case deny(rule: String, flow: FlowDecision?)

    init(policy: PolicyDecision, flow: FlowDecision?) {
        switch (policy.action, flow) {
        case (.deny, _):
            self = .deny(rule: policy.rule, flow: nil)
        case (_, let flow?) where flow.action == .deny:
            self = .deny(rule: flow.rule, flow: flow)
        case (.allow, nil):
            self = .allow(rule: policy.rule)
        case (.approve, nil):
            self = .approve(rule: policy.rule, grants: .any, flow: nil)
        case (.allow, let flow?):
            self = .approve(rule: flow.rule, grants: flow.grants, flow: flow)
        case (.approve, let flow?):
            self = .approve(rule: policy.rule + "; " + flow.rule, grants: flow.grants, flow: flow)
        }
    }

    /// Whether a grant made at `grantedAt` (nil: unknown) may run this call without asking.
    /// A grant of unknown age satisfies only `.any`.
    static func grantApplies(_ use: FlowDecision.GrantUse, grantedAt: Double?) -> Bool {
        switch use {
        case .any: return true
        case .never: return false
        case .givenAfter(let time):
            guard let grantedAt else { return false }
            return grantedAt > time
        }
    }
}
