/// A server's `policy.resources`: URI globs to allow or deny reads and subscriptions. Default allow.
///
/// A glob judges every way the target may read the URI (`URIReadings`), so spelling cannot move a URI
/// across a rule: a deny glob holds when it matches any reading, ignoring case (`SECRET://x`,
/// `secret://%6Bey`, `file:///tmp/../etc/passwd` are all caught); an allow glob holds only when it
/// matches every reading as written (so `file:///home/me/../../etc/passwd` is not under
/// `file:///home/me/*`).
struct ResourcePolicy: Sendable, Equatable {
    var allow: [ToolGlob] = []
    var deny: [ToolGlob] = [] {
        didSet { foldedDeny = deny.map { ToolGlob($0.pattern.lowercased()) } }
    }
    var defaultAction: PolicyAction = .allow
    /// Where it sits in hub.json, for provenance (`servers.docs.policy.resources`).
    var path: String = "policy.resources"
    /// `deny`, lower-cased, matched against lower-cased readings.
    private var foldedDeny: [ToolGlob] = []

    init(
        allow: [ToolGlob] = [], deny: [ToolGlob] = [], defaultAction: PolicyAction = .allow,
        path: String = "policy.resources"
    ) {
        self.allow = allow
        self.deny = deny
        self.defaultAction = defaultAction
        self.path = path
        foldedDeny = deny.map { ToolGlob($0.pattern.lowercased()) }
    }

    /// Deny globs win over allow globs; with no match, `default` decides.
    func decide(uri: String) -> (allowed: Bool, rule: String) {
        let readings = URIReadings.of(uri)
        let folded = readings.map { $0.lowercased() }
        if let i = foldedDeny.firstIndex(where: { glob in folded.contains { glob.matches($0) } }) {
            return (false, "\(path).deny[\(i)] \"\(deny[i].pattern)\"")
        }
        if let i = allow.firstIndex(where: { glob in readings.allSatisfy { glob.matches($0) } }) {
            return (true, "\(path).allow[\(i)] \"\(allow[i].pattern)\"")
        }
        return (defaultAction != .deny, "\(path).default")
    }

    static func == (lhs: ResourcePolicy, rhs: ResourcePolicy) -> Bool {
        lhs.allow == rhs.allow && lhs.deny == rhs.deny && lhs.defaultAction == rhs.defaultAction
            && lhs.path == rhs.path
    }
}
