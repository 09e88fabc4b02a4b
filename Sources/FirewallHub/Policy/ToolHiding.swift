import MCPWire

/// `policy.hide`: which of a server's tools no client may see or call. Decides only whether a tool is
/// hidden (with the glob that hid it); what a hidden tool's call gets is the caller's choice, and it
/// must never be more than an "unknown tool" answer (see README "Hiding tools").
struct ToolHiding: Sendable, Equatable {
    private let globs: [ToolGlob]
    /// Provenance per glob: `servers.payments.policy.hide[0] "admin_*"`.
    private let paths: [String]

    init(server: ServerConfig) {
        globs = server.policy.hide
        paths = server.policy.hide.enumerated().map { "\(server.jsonPath).policy.hide[\($0)] \"\($1.pattern)\"" }
    }

    var isEmpty: Bool { globs.isEmpty }

    /// The provenance of the first `hide` glob matching `tool` (the target's own name), or nil when
    /// the tool is not hidden.
    func rule(for tool: String) -> String? {
        globs.firstIndex { $0.matches(tool) }.map { paths[$0] }
    }
}

/// A server's policy with `policy.hide` in front: a hidden tool is denied (with the hide glob as
/// provenance) before the wrapped policy is asked, for calls and for listings alike. A router that
/// answers hidden tools as unknown never reaches it for them; it is the backstop if one does.
struct HidingPolicy: ToolPolicy {
    let base: any ToolPolicy
    let hiding: ToolHiding

    func decide(tool: String, annotations: JSONObject?, arguments: JSONObject?) -> PolicyDecision {
        if let rule = hiding.rule(for: tool) { return PolicyDecision(action: .deny, rule: rule) }
        return base.decide(tool: tool, annotations: annotations, arguments: arguments)
    }

    func decideForListing(tool: String, annotations: JSONObject?) -> (decision: PolicyDecision, argumentRules: [String])
    {
        if let rule = hiding.rule(for: tool) { return (PolicyDecision(action: .deny, rule: rule), []) }
        return base.decideForListing(tool: tool, annotations: annotations)
    }

    /// `base` wrapped only when the server hides something.
    static func wrapping(_ base: any ToolPolicy, server: ServerConfig) -> any ToolPolicy {
        let hiding = ToolHiding(server: server)
        return hiding.isEmpty ? base : HidingPolicy(base: base, hiding: hiding)
    }
}
