import MCPWire

/// The words for session-policy decisions: the held-call note, the deny result, `explain` lines and
/// the audit line. Every one names what triggered the decision — the earlier call (number, tool,
/// how long ago) or the limit and when it resets. Texts only; they decide nothing.
enum FlowText {
    /// `call #3 notes.read_note (42 s ago)`.
    static func describe(_ trigger: FlowTrigger, now: Double) -> String {
        "call #\(trigger.sequence) \(trigger.exposedName) (\(ago(trigger.at, now: now)))"
    }

    /// One sentence per reason: what happened earlier, or which limit and when it resets.
    static func reason(_ reason: FlowDecision.Reason, now: Double) -> String {
        switch reason {
        case .flow(let label, _, let triggers):
            return "\(label): this session already ran "
                + triggers.map { describe($0, now: now) }.joined(separator: " and ")
        case .exfiltrationGuard(_, let untrusted, let privateData):
            return "\(ExfiltrationGuardConfig.label): \(describe(untrusted, now: now)) returned untrusted content and "
                + "\(describe(privateData, now: now)) returned private data in this session, so only read-only tools "
                + "run without a human now"
        case .limit(let label, _, let hit):
            return "\(label): " + limitSentence(hit, now: now)
        }
    }

    static func limitSentence(_ hit: FlowDecision.LimitHit, now: Double) -> String {
        switch hit.window {
        case .minute:
            let wait = max(1, Int((hit.resetsAt ?? now) - now + 0.999))
            return "\(hit.count) calls of \(hit.counter) in the last minute (limit \(hit.limit) a minute); "
                + "the next one is allowed in \(wait) s"
        case .session:
            return "\(hit.count) calls of \(hit.counter) in this session (limit \(hit.limit) a session); "
                + "this limit resets only when the session ends (the MCP server is restarted)"
        }
    }

    /// The `note` for a held call's result: why session policy asks a human.
    static func heldNote(_ decision: FlowDecision, now: Double) -> String {
        "Held by session policy: " + decision.reasons.map { reason($0, now: now) }.joined(separator: "; ") + "."
    }

    /// The tool result for a call session policy refuses: final, and says so.
    static func denied(exposedName: String, decision: FlowDecision, now: Double) -> JSONValue {
        let why = decision.reasons.filter { $0.action == .deny }.map { reason($0, now: now) }.joined(separator: "; ")
        var retry = "Approvals cannot override this. Do not retry it; tell the user it is blocked and why."
        if decision.reasons.allSatisfy({ Self.resetsByItself($0) }), let reset = latestReset(decision) {
            retry =
                "Approvals cannot override this. Do not retry it before the limit resets (in "
                + "\(max(1, Int(reset - now + 0.999))) s); tell the user."
        }
        return HeldCallText.toolError(
            "Denied by mcp-firewall-hub session policy: \(exposedName) is refused (\(why)). The call was not sent to "
                + "the server. " + retry)
    }

    /// Lines for `explain`: the decision, then each reason.
    static func explain(_ decision: FlowDecision, now: Double) -> [String] {
        let head =
            decision.isFinal
            ? "session policy: deny (final: no approval or grant overrides it)"
            : "session policy: needs approval" + grantsNote(decision.grants)
        return [head] + decision.reasons.map { "  - " + reason($0, now: now) }
    }

    /// One line for the audit trail.
    static func audit(_ decision: FlowDecision, now: Double) -> String {
        let reasons = decision.reasons.map { reason in
            switch reason {
            case .flow(let label, let action, let triggers):
                return "\(action.rawValue) by \(label) after "
                    + triggers.map { auditTrigger($0, now: now) }.joined(separator: ", ")
            case .exfiltrationGuard(let action, let untrusted, let privateData):
                return "\(action.rawValue) by \(ExfiltrationGuardConfig.label) after untrusted "
                    + "\(auditTrigger(untrusted, now: now)), private \(auditTrigger(privateData, now: now))"
            case .limit(let label, let action, let hit):
                let reset = hit.resetsAt.map { "resets in \(max(1, Int($0 - now + 0.999)))s" } ?? "until session end"
                return "\(action.rawValue) by \(label) \(hit.count)/\(hit.limit) per \(hit.window) (\(reset))"
            }
        }
        return "session-policy " + decision.action.rawValue + ": " + reasons.joined(separator: "; ")
    }

    private static func auditTrigger(_ trigger: FlowTrigger, now: Double) -> String {
        "#\(trigger.sequence) \(trigger.qualifiedName) \(Int((now - trigger.at).rounded()))s ago"
    }

    private static func grantsNote(_ use: FlowDecision.GrantUse) -> String {
        switch use {
        case .any: return ""
        case .givenAfter: return " (only an approval given after the trigger counts)"
        case .never: return " (every call asks: earlier approvals do not count)"
        }
    }

    private static func resetsByItself(_ reason: FlowDecision.Reason) -> Bool {
        guard reason.action == .deny else { return true }
        if case .limit(_, _, let hit) = reason { return hit.window == .minute }
        return false
    }

    private static func latestReset(_ decision: FlowDecision) -> Double? {
        decision.reasons.compactMap { reason -> Double? in
            if case .limit(_, .deny, let hit) = reason { return hit.resetsAt }
            return nil
        }.max()
    }

    /// `42 s ago`, `3 min ago`, `just now`.
    static func ago(_ time: Double, now: Double) -> String {
        let seconds = Int((now - time).rounded())
        if seconds < 1 { return "just now" }
        if seconds < 120 { return "\(seconds) s ago" }
        if seconds < 7_200 { return "\(seconds / 60) min ago" }
        return "\(seconds / 3_600) h ago"
    }
}
