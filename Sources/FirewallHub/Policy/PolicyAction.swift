/// What the hub does with a tool call. Ordered by restrictiveness: `allow < approve < deny`.
enum PolicyAction: String, Sendable, CaseIterable, Comparable {
    /// Forward the call.
    case allow
    /// Forward only after a human confirms with an approval code.
    case approve
    /// Refuse the call.
    case deny

    private var restrictiveness: Int {
        switch self {
        case .allow: return 0
        case .approve: return 1
        case .deny: return 2
        }
    }

    static func < (lhs: PolicyAction, rhs: PolicyAction) -> Bool { lhs.restrictiveness < rhs.restrictiveness }
}
