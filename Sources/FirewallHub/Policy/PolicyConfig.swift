import MCPWire

/// A server's `policy` block as written in hub.json (validated). `PolicyEngine` evaluates it.
struct PolicyConfig: Sendable, Equatable {
    /// `policy.default`; nil when not given.
    var defaultAction: PolicyAction?
    var allow: [ToolGlob] = []
    var approve: [ToolGlob] = []
    var deny: [ToolGlob] = []
    /// In file order; the first matching rule decides.
    var rules: [PolicyRule] = []
    /// `policy.resources`: which resource URIs may be read or subscribed to (default: all).
    var resources: ResourcePolicy?
    /// `policy.hide`: tools left out of every listing and refused as if they did not exist (`ToolHiding`).
    var hide: [ToolGlob] = []

    static let keys = ["default", "allow", "approve", "deny", "rules", "resources", "hide"]

    init(
        defaultAction: PolicyAction? = nil, allow: [ToolGlob] = [], approve: [ToolGlob] = [], deny: [ToolGlob] = [],
        rules: [PolicyRule] = []
    ) {
        self.defaultAction = defaultAction
        self.allow = allow
        self.approve = approve
        self.deny = deny
        self.rules = rules
    }

    init(node: ConfigNode) throws(ConfigError) {
        try node.object(allowedKeys: Self.keys)
        defaultAction = try node.child("default")?.oneOf(PolicyAction.self, noun: "action")
        allow = try Self.globs(node.child("allow"))
        approve = try Self.globs(node.child("approve"))
        deny = try Self.globs(node.child("deny"))
        hide = try Self.globs(node.child("hide"))
        if let resourcesNode = node.child("resources") {
            try resourcesNode.object(allowedKeys: ["allow", "deny", "default"])
            var policy = ResourcePolicy(path: resourcesNode.path)
            policy.allow = try Self.globs(resourcesNode.child("allow"))
            policy.deny = try Self.globs(resourcesNode.child("deny"))
            if let defaultNode = resourcesNode.child("default") {
                let action = try defaultNode.oneOf(PolicyAction.self, noun: "action")
                guard action != .approve else {
                    throw defaultNode.error(
                        .invalidValue, "resources can only be allowed or denied; allowed: allow, deny")
                }
                policy.defaultAction = action
            }
            resources = policy
        }
        if let rulesNode = node.child("rules") {
            guard rulesNode.value.arrayValue != nil else { throw rulesNode.typeError(expected: "an array of rules") }
            for ruleNode in try rulesNode.elements() {
                rules.append(try PolicyRule(node: ruleNode))
            }
        }
    }

    private static func globs(_ node: ConfigNode?) throws(ConfigError) -> [ToolGlob] {
        guard let node else { return [] }
        guard node.value.arrayValue != nil else { throw node.typeError(expected: "an array of tool-name globs") }
        var result: [ToolGlob] = []
        for element in try node.elements() {
            result.append(ToolGlob(try element.string(nonEmpty: true)))
        }
        return result
    }
}

/// One entry of `policy.rules`: when `tool` matches and every argument condition holds, `action`.
struct PolicyRule: Sendable, Equatable {

    /// Optional label shown in provenance instead of the rule's summary.
    var name: String?
    var tool: ToolGlob
    /// In file order; empty = the rule matches on the tool name alone.
    var arguments: [ArgumentCondition]
    var action: PolicyAction

    static let keys = ["name", "tool", "arguments", "action"]

    init(name: String? = nil, tool: ToolGlob, arguments: [ArgumentCondition] = [], action: PolicyAction) {
        self.name = name
        self.tool = tool
        self.arguments = arguments
        self.action = action
    }

    init(node: ConfigNode) throws(ConfigError) {
        try node.object(allowedKeys: Self.keys)
        name = try node.child("name")?.string(nonEmpty: true)
        guard let toolNode = node.child("tool") else {
            throw node.error(.missingKey, "missing \"tool\" (a tool-name glob such as \"execute_sql\" or \"get_*\")")
        }
        tool = ToolGlob(try toolNode.string(nonEmpty: true))
        guard let actionNode = node.child("action") else {
            throw node.error(.missingKey, "missing \"action\"; allowed: allow, approve, deny")
        }
        action = try actionNode.oneOf(PolicyAction.self, noun: "action")
        arguments = []
        if let argumentsNode = node.child("arguments") {
            guard argumentsNode.value.objectValue != nil else {
                throw argumentsNode.typeError(expected: "an object mapping argument names to regular expressions")
            }
            for (key, patternNode) in try argumentsNode.members() {
                if key.isEmpty { throw patternNode.error(.invalidValue, "the argument name must not be empty") }
                let source = try patternNode.string(nonEmpty: true)
                switch ArgumentPattern.compile(source) {
                case .success(let pattern): arguments.append(ArgumentCondition(argument: key, pattern: pattern))
                case .failure(let problem):
                    throw patternNode.error(
                        .invalidValue, "invalid regular expression \(Self.quoted(source)): \(problem.reason)")
                }
            }
        }
    }

    /// True when every condition holds for the call's arguments (see `ArgumentCondition.holds`): an
    /// `allow` rule needs every text in the value to match, a `deny` or `approve` rule any one.
    func argumentsMatch(_ callArguments: JSONObject?) -> Bool {
        for condition in arguments {
            guard let value = callArguments?[condition.argument] else { return false }
            if !condition.holds(for: value, requireEvery: action == .allow) { return false }
        }
        return true
    }

    /// `execute_sql: sql =~ "(?i)\b(drop|truncate)\b"` — the rule's tool and conditions, for provenance.
    var summary: String {
        if arguments.isEmpty { return tool.pattern }
        let conditions = arguments.map { "\($0.argument) =~ \(Self.quoted($0.pattern.source))" }
        return "\(tool.pattern): " + conditions.joined(separator: ", ")
    }

    private static func quoted(_ text: String) -> String { "\"\(text)\"" }
}
