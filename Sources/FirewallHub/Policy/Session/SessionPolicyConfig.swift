/// hub.json's session-aware policy, validated: `flows`, `limits` and `exfiltration_guard`. Parsing
/// only; `SessionFlow` applies it to one session's calls.
struct SessionPolicyConfig: Sendable, Equatable {
    var flows: [FlowRule] = []
    var limits: [RateLimitRule] = []
    /// nil when `exfiltration_guard` is absent (the preset is opt-in).
    var exfiltrationGuard: ExfiltrationGuardConfig?

    init(flows: [FlowRule] = [], limits: [RateLimitRule] = [], exfiltrationGuard: ExfiltrationGuardConfig? = nil) {
        self.flows = flows
        self.limits = limits
        self.exfiltrationGuard = exfiltrationGuard
    }

    /// Whether any session rule is configured (else the router need not keep session state).
    var isEmpty: Bool { flows.isEmpty && limits.isEmpty && exfiltrationGuard == nil }

    /// Reads the top-level `flows`, `limits` and `exfiltration_guard` of `root`; `serverNames` are
    /// every configured server (enabled or not), which server-qualified globs are checked against.
    init(root: ConfigNode, serverNames: [String]) throws(ConfigError) {
        if let node = root.child("flows") {
            guard node.value.arrayValue != nil else { throw node.typeError(expected: "an array of flow rules") }
            for element in try node.elements() {
                flows.append(try FlowRule(node: element, serverNames: serverNames))
            }
        }
        if let node = root.child("limits") {
            guard node.value.arrayValue != nil else { throw node.typeError(expected: "an array of limits") }
            for element in try node.elements() {
                limits.append(try RateLimitRule(node: element, serverNames: serverNames))
            }
        }
        if let node = root.child("exfiltration_guard") {
            exfiltrationGuard = try ExfiltrationGuardConfig(node: node, serverNames: serverNames)
        }
    }
}

/// One entry of `flows`: once a call matching `after` (and, when given, one matching `and_after`)
/// has run in this session, calls matching `tool` get `action`.
struct FlowRule: Sendable, Equatable {
    /// Which earlier calls count.
    enum AfterOutcome: String, Sendable, CaseIterable {
        /// Any call that was sent to its server, whatever came back (even nothing).
        case any
        /// Only calls that returned a result that is not an error.
        case success
    }

    var name: String?
    var after: [QualifiedToolGlob]
    /// Empty: `after` alone triggers the rule. Otherwise both must have run (in either order).
    var andAfter: [QualifiedToolGlob] = []
    var afterOutcome: AfterOutcome = .any
    var tool: [QualifiedToolGlob]
    var action: FlowAction
    /// `flows[0] "egress after private data"`, for texts and the audit.
    var label: String

    static let keys = ["name", "after", "and_after", "after_outcome", "tool", "action"]

    init(
        name: String? = nil, after: [QualifiedToolGlob], andAfter: [QualifiedToolGlob] = [],
        afterOutcome: AfterOutcome = .any, tool: [QualifiedToolGlob], action: FlowAction, label: String
    ) {
        self.name = name
        self.after = after
        self.andAfter = andAfter
        self.afterOutcome = afterOutcome
        self.tool = tool
        self.action = action
        self.label = label
    }

    init(node: ConfigNode, serverNames: [String]) throws(ConfigError) {
        try node.object(allowedKeys: Self.keys)
        name = try node.child("name")?.string(nonEmpty: true)
        guard let afterNode = node.child("after") else {
            throw node.error(.missingKey, "missing \"after\" (the earlier calls, e.g. [\"db.*\", \"notes.read_*\"])")
        }
        after = try QualifiedToolGlob.list(afterNode, serverNames: serverNames)
        if let n = node.child("and_after") { andAfter = try QualifiedToolGlob.list(n, serverNames: serverNames) }
        afterOutcome = try node.child("after_outcome")?.oneOf(AfterOutcome.self, noun: "outcome") ?? .any
        guard let toolNode = node.child("tool") else {
            throw node.error(
                .missingKey, "missing \"tool\" (the calls it applies to, e.g. [\"fetch.*\", \"git.push\"])")
        }
        tool = try QualifiedToolGlob.list(toolNode, serverNames: serverNames)
        guard let actionNode = node.child("action") else {
            throw node.error(.missingKey, "missing \"action\"; allowed: approve, deny")
        }
        action = try actionNode.oneOf(FlowAction.self, noun: "action")
        label = Self.label(path: node.path, name: name, after: after, andAfter: andAfter, tool: tool)
    }

    static func label(
        path: String, name: String?, after: [QualifiedToolGlob], andAfter: [QualifiedToolGlob],
        tool: [QualifiedToolGlob]
    ) -> String {
        if let name { return "\(path) \"\(name)\"" }
        var summary = "after " + after.map(\.pattern).joined(separator: " or ")
        if !andAfter.isEmpty { summary += " and " + andAfter.map(\.pattern).joined(separator: " or ") }
        return "\(path) (\(summary): \(tool.map(\.pattern).joined(separator: ", ")))"
    }
}
