import MCPWire

/// One tool as discovery sees it: its listed definition and what the firewall does when it is
/// called (decided on the name alone, as for listings). Built from the catalog and the policy;
/// holds no state and decides nothing itself.
struct DiscoverableTool: Sendable, Equatable {
    /// The name the client sees (`payments.refund` or `payments__refund`).
    var name: String
    var server: String
    /// The target's own name.
    var tool: String
    /// The definition as listed (with `name` = the client-facing name).
    var definition: JSONObject
    /// The decision for a call whose arguments are not known yet.
    var decision: PolicyDecision
    /// Argument rules that may change `decision` at call time (provenance), from `decideForListing`.
    var argumentRules: [String]

    /// Denied whatever the arguments: such a tool is never found, never described, never listed in
    /// `discover` mode (a direct or routed call still gets the policy's deny answer).
    var isAlwaysDenied: Bool { decision.action == .deny && argumentRules.isEmpty }

    /// What a search result says the firewall will do.
    var firewallLabel: String {
        if !argumentRules.isEmpty { return "depends on arguments" }
        switch decision.action {
        case .allow: return "allow"
        case .approve: return "needs approval"
        case .deny: return "deny"
        }
    }

    /// One line for `describe_tool`: the decision, its rule, and the argument rules that may change it.
    var firewallDetail: String {
        let action = decision.action == .approve ? "needs approval" : decision.action.rawValue
        var text = "\(action) (\(decision.rule))"
        if !argumentRules.isEmpty {
            text += "; depending on the arguments also " + argumentRules.joined(separator: ", ")
        }
        return text
    }

    /// Lower-cased names a query may give verbatim to mean this tool.
    var exactNames: [String] {
        var names: [String] = []
        for name in [name, server + "." + tool, server + "__" + tool, tool] {
            let lowered = name.lowercased()
            if !names.contains(lowered) { names.append(lowered) }
        }
        return names
    }

    init(
        name: String, server: String, tool: String, definition: JSONObject, decision: PolicyDecision,
        argumentRules: [String] = []
    ) {
        self.name = name
        self.server = server
        self.tool = tool
        self.definition = definition
        self.decision = decision
        self.argumentRules = argumentRules
    }

    /// The discoverable form of a listed tool, or nil when `policy.hide` hides it.
    static func make(
        name: String, server: String, tool: String, definition: JSONObject, policy: any ToolPolicy,
        hiding: ToolHiding
    ) -> DiscoverableTool? {
        if hiding.rule(for: tool) != nil { return nil }
        let annotations = definition["annotations"]?.objectValue
        let (decision, argumentRules) = policy.decideForListing(tool: tool, annotations: annotations)
        return DiscoverableTool(
            name: name, server: server, tool: tool, definition: definition, decision: decision,
            argumentRules: argumentRules)
    }
}

extension DiscoverableTool {
    /// The discoverable form of a catalog entry (the one place discovery reads the router's catalog type).
    static func make(_ entry: CatalogEntry, policy: any ToolPolicy, hiding: ToolHiding) -> DiscoverableTool? {
        make(
            name: entry.exposedName, server: entry.server, tool: entry.tool, definition: entry.definition,
            policy: policy, hiding: hiding)
    }
}
