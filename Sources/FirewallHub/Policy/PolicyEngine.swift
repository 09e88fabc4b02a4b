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
///
/// `decide` and `explain` (PolicyEngine+Explain) run the same `evaluate`: an explanation cannot tell a
/// different story from the decision.
struct PolicyEngine: Sendable {
    let policy: PolicyConfig
    let hubDefault: PolicyAction?
    /// Provenance of each rule, by index.
    let rulePaths: [String]
    /// `servers.<name>.policy`.
    let policyPath: String
    /// Steps 2's lists, most restrictive first, each glob with its provenance (built once: a call's
    /// decision allocates nothing).
    let lists: [(action: PolicyAction, globs: [ToolGlob], paths: [String])]

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
        var silent = SilentPolicyObserver()
        return evaluate(tool: tool, annotations: annotations, arguments: arguments, observer: &silent)
    }

    /// Steps 1–4, telling `observer` about each step taken (and nothing about steps not taken).
    func evaluate<Observer: PolicyObserver>(
        tool: String, annotations: JSONObject?, arguments: JSONObject?, observer: inout Observer
    ) -> PolicyDecision {
        for (index, rule) in policy.rules.enumerated() {
            let toolMatches = rule.tool.matches(tool)
            let holds = toolMatches && rule.argumentsMatch(arguments)
            observer.rule(index, toolMatches: toolMatches, holds: holds)
            if holds { return PolicyDecision(action: rule.action, rule: rulePaths[index]) }
        }
        return evaluateWithoutRules(tool: tool, annotations: annotations, observer: &observer)
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
        var silent = SilentPolicyObserver()
        return evaluateWithoutRules(tool: tool, annotations: annotations, observer: &silent)
    }

    private func evaluateWithoutRules<Observer: PolicyObserver>(
        tool: String, annotations: JSONObject?, observer: inout Observer
    ) -> PolicyDecision {
        for list in lists {
            let index = list.globs.firstIndex(where: { $0.matches(tool) })
            observer.list(list.action, firstMatch: index)
            if let index { return PolicyDecision(action: list.action, rule: list.paths[index]) }
        }
        observer.serverDefault(policy.defaultAction)
        if let action = policy.defaultAction {
            return PolicyDecision(action: action, rule: "\(policyPath).default")
        }
        observer.hubDefault(hubDefault)
        if let action = hubDefault {
            return PolicyDecision(action: action, rule: "defaults.default")
        }
        let decision = Self.builtInDecision(tool: tool, annotations: annotations)
        observer.builtIn(decision)
        return decision
    }
}

/// Hears the steps `PolicyEngine.evaluate` takes, in order. It cannot change the outcome.
protocol PolicyObserver {
    /// Rule `index` was looked at: whether its tool glob matched, and whether it holds (glob and every
    /// argument condition).
    mutating func rule(_ index: Int, toolMatches: Bool, holds: Bool)
    /// The name list of `action` was looked at; `firstMatch` is its first glob that matched.
    mutating func list(_ action: PolicyAction, firstMatch: Int?)
    /// The server's `policy.default` was looked at (nil: not set).
    mutating func serverDefault(_ action: PolicyAction?)
    /// The hub-wide `defaults.default` was looked at (nil: not set).
    mutating func hubDefault(_ action: PolicyAction?)
    /// The built-in step decided.
    mutating func builtIn(_ decision: PolicyDecision)
}

/// The observer of a plain decision: hears nothing, costs nothing.
struct SilentPolicyObserver: PolicyObserver {
    func rule(_ index: Int, toolMatches: Bool, holds: Bool) {}
    func list(_ action: PolicyAction, firstMatch: Int?) {}
    func serverDefault(_ action: PolicyAction?) {}
    func hubDefault(_ action: PolicyAction?) {}
    func builtIn(_ decision: PolicyDecision) {}
}
