import MCPWire

/// `explain`: the decision for one call with every step that led to it. It runs the engine's own
/// `evaluate` with an observer that records; it never decides anything itself.
extension PolicyEngine {
    /// How many texts of an argument an explanation lists (the decisive one is added when beyond).
    static let shownTexts = 20

    func explain(tool: String, annotations: PolicyTrace.Annotations, arguments: JSONObject?) -> PolicyTrace {
        let known: JSONObject?
        if case .known(let object) = annotations { known = object } else { known = nil }
        var recorder = TraceRecorder(engine: self, tool: tool, arguments: arguments)
        let decision = evaluate(tool: tool, annotations: known, arguments: arguments, observer: &recorder)
        var trace = PolicyTrace(
            tool: tool, decision: decision, decidedBy: recorder.decidedBy ?? .builtIn, annotations: annotations)
        trace.rules = recorder.rules
        if case .rule(let index) = trace.decidedBy { trace.rulesNotReached = policy.rules.count - index - 1 }
        trace.lists = recorder.lists
        trace.serverDefault = recorder.serverDefault
        trace.hubDefault = recorder.hubDefault
        if trace.decidedBy == .builtIn {
            trace.builtIn = PolicyTrace.BuiltInStep(
                readOnlyHint: known?["readOnlyHint"], destructiveHint: known?["destructiveHint"],
                destructiveWord: Self.destructiveWord(in: tool))
            if annotations == .unknown {
                let readOnly = Self.builtInDecision(tool: tool, annotations: ["readOnlyHint": true])
                if readOnly != decision { trace.ifReadOnly = readOnly }
            }
        }
        return trace
    }

    /// Records the steps as `evaluate` reports them.
    private struct TraceRecorder: PolicyObserver {
        let engine: PolicyEngine
        let tool: String
        let arguments: JSONObject?
        var rules: [PolicyTrace.RuleStep] = []
        var lists: [PolicyTrace.ListStep] = []
        var serverDefault: PolicyAction??
        var hubDefault: PolicyAction??
        var decidedBy: PolicyTrace.Step?

        init(engine: PolicyEngine, tool: String, arguments: JSONObject?) {
            self.engine = engine
            self.tool = tool
            self.arguments = arguments
        }

        mutating func rule(_ index: Int, toolMatches: Bool, holds: Bool) {
            let rule = engine.policy.rules[index]
            let requireEvery = rule.action == .allow
            let conditions =
                toolMatches
                ? rule.arguments.map { $0.examine(arguments?[$0.argument], requireEvery: requireEvery) } : []
            rules.append(
                PolicyTrace.RuleStep(
                    index: index, provenance: engine.rulePaths[index], action: rule.action,
                    toolGlob: rule.tool.pattern, toolMatches: toolMatches, holds: holds, conditions: conditions))
            if holds { decidedBy = .rule(index) }
        }

        mutating func list(_ action: PolicyAction, firstMatch: Int?) {
            guard let list = engine.lists.first(where: { $0.action == action }) else { return }
            let globs = zip(list.globs, list.paths).map {
                (pattern: $0.pattern, provenance: $1, matches: $0.matches(tool))
            }
            lists.append(PolicyTrace.ListStep(action: action, globs: globs, firstMatch: firstMatch))
            if let firstMatch { decidedBy = .list(action, firstMatch) }
        }

        mutating func serverDefault(_ action: PolicyAction?) {
            serverDefault = .some(action)
            if action != nil { decidedBy = .serverDefault }
        }

        mutating func hubDefault(_ action: PolicyAction?) {
            hubDefault = .some(action)
            if action != nil { decidedBy = .hubDefault }
        }

        mutating func builtIn(_ decision: PolicyDecision) { decidedBy = .builtIn }
    }
}

extension PolicyRule.ArgumentCondition {
    /// What this condition sees in `value` (nil: the argument is missing), with the verdict of `holds`.
    func examine(_ value: JSONValue?, requireEvery: Bool) -> ArgumentExamination {
        guard let value else {
            return ArgumentExamination(
                argument: argument, pattern: pattern.source, requireEvery: requireEvery, present: false,
                holds: false, texts: [], decisive: nil, textCount: 0, overBudget: false)
        }
        var texts: [(text: String, found: Bool)] = []
        var decisive: (position: Int, text: String, found: Bool)?
        var count = 0
        var overBudget = false
        Self.visitTexts(of: value) { text in
            if count == Self.maxTexts {
                overBudget = true
                return false
            }
            count += 1
            let found = pattern.finds(in: text)
            if texts.count < PolicyEngine.shownTexts {
                texts.append((text, found))
            } else if decisive == nil, found != requireEvery {
                decisive = (count - 1, text, found)
            }
            return true
        }
        let settledInShown = texts.contains { $0.found != requireEvery }
        return ArgumentExamination(
            argument: argument, pattern: pattern.source, requireEvery: requireEvery, present: true,
            holds: holds(for: value, requireEvery: requireEvery), texts: texts,
            decisive: settledInShown ? nil : decisive, textCount: count, overBudget: overBudget)
    }
}
