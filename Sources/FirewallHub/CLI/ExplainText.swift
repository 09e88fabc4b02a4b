import MCPWire

/// The text `explain` prints for a `PolicyTrace`: the decision first, then each step in the order the
/// engine took it, then what annotations, grants and the client's naming add. Rendering only.
enum ExplainText {
    /// Longest text of an argument shown (longer ones are cut, with their length).
    static let textLimit = 100

    /// What the command knows beyond the trace.
    struct Context {
        var target: ToolReference.Target
        /// The name from the servers' own tool lists, when they were read.
        var listedName: String?
        var client: String?
        var naming: ToolNaming
        var notes: [String] = []
        /// The server was started and does not list the tool.
        var toolMissing = false
        /// The server was started (annotations are its own, or it failed).
        var serverStarted = false
    }

    static func render(_ trace: PolicyTrace, _ context: Context) -> String {
        let target = context.target
        let listedName = context.listedName
        let naming = context.naming
        var out = "\(target.server).\(target.tool): \(trace.decision.action.rawValue.uppercased())"
        if let alternative = trace.ifReadOnly {
            out += " (or \(alternative.action.rawValue.uppercased()), depending on the server's annotations)"
        }
        out += "\n  decided by \(trace.decision.rule)\n"
        let shown = listedName ?? ToolReference.listedName(target, naming: naming)
        let client = context.client.map { "a client named \"\($0)\"" } ?? "a client that takes dots"
        out += "  server \"\(target.server)\", tool \"\(target.tool)\"; \(client) lists it as \(shown)"
        out += listedName == nil && !shown.hasPrefix(target.server + naming.separator) ? " (a hashed stand-in)" : ""
        out += "\n"
        for note in context.notes { out += "  note: \(note)\n" }
        out += "\nSteps (the first decisive one wins):\n"
        out += rules(trace)
        out += lists(trace)
        out += defaults(trace)
        out += builtIn(trace)
        out += "\n" + annotations(trace, context) + "\n"
        if trace.decision.action == .approve {
            out +=
                "grants: in a running hub, a human's \"remember\" choice (or a session code) can let later calls of "
                + "this tool run without asking, for that session only; explain runs outside any session and sees "
                + "none. A deny is never overridden by a grant.\n"
        }
        return out
    }

    private static func rules(_ trace: PolicyTrace) -> String {
        var out = "  1. rules:"
        if trace.rules.isEmpty { return out + " none configured\n" }
        out += "\n"
        for step in trace.rules {
            out += "     \(step.provenance) → \(step.action.rawValue)\n"
            guard step.toolMatches else {
                out += "       tool glob \"\(step.toolGlob)\" does not match \"\(trace.tool)\": skipped\n"
                continue
            }
            out += "       tool glob \"\(step.toolGlob)\" matches\n"
            for condition in step.conditions { out += describe(condition) }
            out += step.holds ? "       HOLDS: this rule decides\n" : "       does not hold: next rule\n"
        }
        if trace.rulesNotReached > 0 { out += "     (\(trace.rulesNotReached) later rule(s) not reached)\n" }
        return out
    }

    private static func describe(_ condition: ArgumentExamination) -> String {
        let semantics =
            condition.requireEvery
            ? "an allow rule holds only if the value has a text and EVERY text matches"
            : "a deny or approve rule holds if ANY text matches"
        var out = "       argument \"\(condition.argument)\" =~ \(quoted(condition.pattern)) (\(semantics)):\n"
        guard condition.present else { return out + "         missing from the call: does not hold\n" }
        if condition.textCount == 0 { out += "         the value holds no text (an empty array or object)\n" }
        for text in condition.texts {
            out += "         \(quoted(text.text, cut: true))  \(text.found ? "MATCH" : "no match")\n"
        }
        if let decisive = condition.decisive {
            out +=
                "         …\n         text #\(decisive.position + 1): \(quoted(decisive.text, cut: true))  "
                + (decisive.found ? "MATCH" : "no match") + "\n"
        }
        let hidden = condition.textCount - condition.texts.count - (condition.decisive == nil ? 0 : 1)
        if hidden > 0 { out += "         (\(hidden) more text(s) not shown)\n" }
        if condition.overBudget {
            out +=
                "         over \(PolicyRule.ArgumentCondition.maxTexts) texts: judged as "
                + (condition.requireEvery ? "not matching\n" : "matching\n")
        }
        return out + "         → \(condition.holds ? "holds" : "does not hold")\n"
    }

    private static func lists(_ trace: PolicyTrace) -> String {
        var out = "  2. name lists (deny, then approve, then allow):"
        if case .rule = trace.decidedBy { return out + " not reached\n" }
        out += "\n"
        for action in [PolicyAction.deny, .approve, .allow] {
            guard let list = trace.lists.first(where: { $0.action == action }) else {
                out += "     \(action.rawValue): not reached\n"
                continue
            }
            if list.globs.isEmpty {
                out += "     \(action.rawValue): empty\n"
                continue
            }
            let globs = list.globs.map { "\(quoted($0.pattern)) \($0.matches ? "matches" : "no")" }
            out += "     \(action.rawValue): " + globs.joined(separator: ", ")
            out += list.firstMatch.map { " → decides by \(list.globs[$0].provenance)\n" } ?? "\n"
        }
        return out
    }

    private static func defaults(_ trace: PolicyTrace) -> String {
        var out = "  3. defaults: "
        guard let serverDefault = trace.serverDefault else { return out + "not reached\n" }
        out += "policy.default " + (serverDefault.map { "= \($0.rawValue) → decides" } ?? "not set")
        if let hubDefault = trace.hubDefault {
            out += "; defaults.default " + (hubDefault.map { "= \($0.rawValue) → decides" } ?? "not set")
        }
        return out + "\n"
    }

    private static func builtIn(_ trace: PolicyTrace) -> String {
        guard let step = trace.builtIn else { return "  4. built-in: not reached\n" }
        var out =
            "  4. built-in: allows a tool annotated readOnlyHint: true (and not destructiveHint: true) whose name "
            + "holds no destructive word; approves the rest\n"
        if let word = step.destructiveWord {
            out += "     the name holds \"\(word)\": approve whatever the annotations say\n"
        }
        switch trace.annotations {
        case .unknown:
            out += "     annotations unknown\n"
        case .known:
            out +=
                "     readOnlyHint: \(step.readOnlyHint?.serialized() ?? "absent"), destructiveHint: "
                + "\(step.destructiveHint?.serialized() ?? "absent")\n"
        }
        return out + "     → \(trace.decision.action.rawValue)\n"
    }

    private static func annotations(_ trace: PolicyTrace, _ context: Context) -> String {
        if context.toolMissing {
            return "annotations: none, the server lists no such tool"
        }
        if context.serverStarted, case .unknown = trace.annotations, let alternative = trace.ifReadOnly {
            return "annotations unknown (the server did not start): the decision would be "
                + "\(alternative.action.rawValue) if the server annotates the tool readOnlyHint: true (and not "
                + "destructiveHint: true), else \(trace.decision.action.rawValue)"
        }
        switch trace.annotations {
        case .known(let object):
            let shown = object.map { JSONValue.object($0).serialized() } ?? "none"
            return "annotations (from the server's tools/list): \(shown)"
                + (trace.builtIn == nil ? "; not consulted: an earlier step decided" : "")
        case .unknown:
            if let alternative = trace.ifReadOnly {
                return "annotations unknown (the server was not started): the decision would be "
                    + "\(alternative.action.rawValue) if the server annotates the tool readOnlyHint: true (and not "
                    + "destructiveHint: true), else \(trace.decision.action.rawValue); drop --no-start to ask it"
            }
            return trace.builtIn == nil
                ? "annotations: not needed, an earlier step decided (the server was not started)"
                : "annotations: not needed, the tool's name rules out the read-only allowance (the server was not "
                    + "started)"
        }
    }

    private static func quoted(_ text: String, cut: Bool = false) -> String {
        guard cut, text.count > textLimit else { return JSONValue.string(text).serialized() }
        return JSONValue.string(String(text.prefix(textLimit))).serialized() + "…(\(text.count) chars)"
    }
}
