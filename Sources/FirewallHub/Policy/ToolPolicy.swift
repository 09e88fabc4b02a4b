import MCPWire

/// What the router asks of a server's policy. `PolicyEngine` evaluates hub.json policies; single-target
/// mode plugs in the MCP Action Firewall semantics.
protocol ToolPolicy: Sendable {
    /// The decision for a call of `tool` (the target's original name) with these arguments.
    func decide(tool: String, annotations: JSONObject?, arguments: JSONObject?) -> PolicyDecision
    /// For listings, where arguments are unknown; `argumentRules` names rules that may still change the
    /// decision at call time.
    func decideForListing(tool: String, annotations: JSONObject?) -> (decision: PolicyDecision, argumentRules: [String])
}

extension PolicyEngine: ToolPolicy {}
