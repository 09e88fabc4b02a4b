import MCPWire

/// The outcome of a policy check, with the provenance of the step that decided it, e.g.
/// `servers.payments.policy.deny[0] "delete_*"`, `defaults.default`, `built-in default`.
struct PolicyDecision: Sendable, Equatable, CustomStringConvertible {
    var action: PolicyAction
    var rule: String

    var description: String { "\(action.rawValue) (\(rule))" }
}

/// Decides allow / approve / deny for one server's tools. Steps, first decisive one wins:
///
/// 1. `rules`, in order: the first whose `tool` glob matches the original tool name and whose argument
///    regexes all find a match.
/// 2. The name lists: among matching `deny` / `approve` / `allow` globs the most restrictive wins.
/// 3. The server's `policy.default`, then the hub-wide `defaults.default`.
/// 4. Built-in: `readOnlyHint: true` without `destructiveHint: true` and with no destructive word in the
///    name → allow; anything else → approve. Annotations are the target's own claims, so they are only
///    consulted here and can never loosen an explicit setting.
struct PolicyEngine: Sendable {
    private let policy: PolicyConfig
    private let hubDefault: PolicyAction?
    private let rulePaths: [String]
    private let policyPath: String
    /// Steps 2's lists, most restrictive first, each glob with its provenance (built once: a call's
    /// decision allocates nothing).
    private let lists: [(action: PolicyAction, globs: [ToolGlob], paths: [String])]

    init(server: ServerConfig, defaults: PolicyDefaults?) {
        policy = server.policy
        hubDefault = defaults?.defaultAction
        policyPath = "\(server.jsonPath).policy"
        let policyPath = policyPath
        lists = [
            (PolicyAction.deny, "deny", server.policy.deny), (.approve, "approve", server.policy.approve),
            (.allow, "allow", server.policy.allow),
        ].map { action, key, globs in
            (action, globs, globs.enumerated().map { "\(policyPath).\(key)[\($0)] \"\($1.pattern)\"" })
        }
        rulePaths = server.policy.rules.enumerated().map { index, rule in
            let label = rule.name.map { "\"\($0)\"" } ?? "(\(rule.summary))"
            return "\(server.jsonPath).policy.rules[\(index)] \(label)"
        }
    }

    /// The decision for a call of `tool` (the target's original name) with these arguments.
    func decide(tool: String, annotations: JSONObject?, arguments: JSONObject?) -> PolicyDecision {
        for (index, rule) in policy.rules.enumerated()
        where rule.tool.matches(tool) && rule.argumentsMatch(arguments) {
            return PolicyDecision(action: rule.action, rule: rulePaths[index])
        }
        return decideWithoutRules(tool: tool, annotations: annotations)
    }

    /// The decision for listing `tool`, when arguments are unknown. Rules with `arguments` conditions
    /// are skipped; `argumentRules` holds the provenance of those that match the tool name, come before
    /// the deciding rule (if a rule decided), and have a different action — so a call with some
    /// arguments may end up allowed, approved or denied differently from the listed decision.
    func decideForListing(
        tool: String, annotations: JSONObject?
    ) -> (decision: PolicyDecision, argumentRules: [String]) {
        var conditional: [Int] = []
        var decision: PolicyDecision?
        for (index, rule) in policy.rules.enumerated() where rule.tool.matches(tool) {
            if rule.arguments.isEmpty {
                decision = PolicyDecision(action: rule.action, rule: rulePaths[index])
                break
            }
            conditional.append(index)
        }
        let final = decision ?? decideWithoutRules(tool: tool, annotations: annotations)
        let argumentRules = conditional.filter { policy.rules[$0].action != final.action }.map { rulePaths[$0] }
        return (final, argumentRules)
    }

    /// Steps 2–4.
    private func decideWithoutRules(tool: String, annotations: JSONObject?) -> PolicyDecision {
        for list in lists {
            if let index = list.globs.firstIndex(where: { $0.matches(tool) }) {
                return PolicyDecision(action: list.action, rule: list.paths[index])
            }
        }
        if let action = policy.defaultAction {
            return PolicyDecision(action: action, rule: "\(policyPath).default")
        }
        if let action = hubDefault {
            return PolicyDecision(action: action, rule: "defaults.default")
        }
        return Self.builtInDecision(tool: tool, annotations: annotations)
    }
}
