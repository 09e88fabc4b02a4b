import MCPWire

/// How long a human's approval keeps applying to later calls.
enum GrantScope: Sendable, Equatable, CustomStringConvertible {
    /// This call only: no grant is made.
    case once
    /// Every call of this server's tool until the hub exits.
    case session
    /// Every call of this server's tool for this many minutes.
    case minutes(Int)
    /// Calls of this server's tool with exactly these arguments, until the hub exits.
    case sameArguments

    /// Reads `once`, `session`, `same_arguments`, `N_minutes` (1…1440), as offered to the user.
    init?(_ text: String) {
        switch text {
        case "once": self = .once
        case "session": self = .session
        case "same_arguments": self = .sameArguments
        default:
            guard text.hasSuffix("_minutes"), let n = Int(text.dropLast("_minutes".count)), (1...1440).contains(n)
            else { return nil }
            self = .minutes(n)
        }
    }

    /// The choices offered in the approval prompt, in order (the first is the default).
    static let offered = ["once", "session", "10_minutes", "same_arguments"]

    var description: String {
        switch self {
        case .once: return "once"
        case .session: return "session"
        case .minutes(let n): return "\(n)_minutes"
        case .sameArguments: return "same_arguments"
        }
    }
}

/// Approvals a human chose to remember. In memory only: a new hub process asks again.
///
/// Grants only ever turn an `approve` decision into a run; the router never consults them for
/// `deny`, so no grant can override a deny rule.
struct GrantStore: Sendable {
    struct Grant: Sendable, Equatable {
        var id: String
        var server: String
        var tool: String
        var scope: GrantScope
        /// For `.sameArguments`: the frozen call's digest.
        var digest: [UInt8]?
        /// For `.minutes`: monotonic seconds after which it no longer applies.
        var expiresAt: Double?
        /// How the human gave it (`elicitation`, `firewall_confirm`), for the audit line.
        var via: String
        /// When the human gave it (monotonic seconds): session policy accepts only grants given after
        /// the call that triggered it.
        var grantedAt: Double = 0
    }

    private(set) var grants: [Grant] = []
    private var nextID = 1

    /// Records a grant for `call`; `.once` records nothing and returns nil.
    @discardableResult
    /// Forgets every grant for `server` (a reload removed it or started it with other settings: what a
    /// human trusted was that process).
    mutating func revoke(server: String) {
        grants.removeAll { $0.server == server }
    }

    mutating func grant(_ scope: GrantScope, for call: FrozenCall, via: String, now: Double) -> Grant? {
        let expiresAt: Double?
        switch scope {
        case .once: return nil
        case .minutes(let n): expiresAt = now + Double(n) * 60
        case .session, .sameArguments: expiresAt = nil
        }
        let grant = Grant(
            id: "g\(nextID)", server: call.server, tool: call.tool, scope: scope,
            digest: scope == .sameArguments ? call.digest : nil, expiresAt: expiresAt, via: via, grantedAt: now)
        nextID += 1
        grants.append(grant)
        return grant
    }

    /// The grant that lets this call run without asking, if any (among those `accepts` takes). Expired
    /// grants are dropped.
    mutating func match(
        server: String, tool: String, arguments: JSONObject?, now: Double, accepts: (Grant) -> Bool = { _ in true }
    ) -> Grant? {
        grants.removeAll { grant in grant.expiresAt.map { now >= $0 } ?? false }
        var digest: [UInt8]?
        for grant in grants where grant.server == server && grant.tool == tool && accepts(grant) {
            if grant.scope == .sameArguments {
                let callDigest = digest ?? FrozenCall.digest(server: server, tool: tool, arguments: arguments)
                digest = callDigest
                guard let granted = grant.digest, ConstantTime.equals(granted, callDigest) else { continue }
            }
            return grant
        }
        return nil
    }
}
