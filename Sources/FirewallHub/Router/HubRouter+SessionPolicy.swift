import MCPWire

/// Owns: the flow of session policy through a tools/call — the verdict that merges the per-call
/// decision with the session's (the stricter wins), its log line, the re-check before an approved call
/// runs, counting a forwarded call and reporting how it came back. Never: keeps session state (the
/// `SessionPolicy` owner does) or turns a decision into a looser one.
extension HubRouter {
    /// The facts session policy reads about a call of `server`'s `tool`; annotations from the
    /// catalog when `annotations` is nil (an approved call's replay carries none).
    func flowCall(server: String, tool: String, exposedName: String, annotations: JSONObject?) -> FlowCall {
        var annotations = annotations
        if annotations == nil, !sessionPolicy.isEmpty {
            annotations = catalog.entries(forServer: server).first { $0.tool == tool }?.annotations
        }
        return FlowCall(server: server, tool: tool, exposedName: exposedName, annotations: annotations)
    }

    /// The one verdict the router acts on for a call of `entry`: the server's `decision`, made
    /// stricter by session policy (never looser). Logged with the rule that made it.
    func callVerdict(_ entry: CatalogEntry, decision: PolicyDecision) -> CallVerdict {
        let call = flowCall(
            server: entry.server, tool: entry.tool, exposedName: entry.exposedName, annotations: entry.annotations)
        let flow = decision.action == .deny ? nil : sessionPolicy.decide(call, now: now())
        let verdict = CallVerdict(policy: decision, flow: flow)
        if let flow {
            log.info("call \(entry.exposedName) → \(FlowText.audit(flow, now: now()))")
        } else if decision.action != .approve {
            log.info("call \(entry.exposedName) → \(decision.action.rawValue) (\(decision.rule))")
        }
        return verdict
    }

    /// The result refusing a call session policy denies (final: no approval or grant runs it).
    func sessionDenied(_ exposedName: String, _ flow: FlowDecision) -> JSONValue {
        FlowText.denied(exposedName: exposedName, decision: flow, now: now())
    }

    /// The held-call note for a call session policy holds: the earlier calls or the limit behind it.
    func sessionHeldNote(_ flow: FlowDecision?) -> String? {
        flow.map { FlowText.heldNote($0, now: now()) }
    }

    /// Whether a grant may run a call of this verdict without asking (a limit never; a flow only with
    /// a grant given after its trigger).
    func grantAccepted(_ use: FlowDecision.GrantUse) -> (GrantStore.Grant) -> Bool {
        { CallVerdict.grantApplies(use, grantedAt: $0.grantedAt) }
    }

    /// Right before an approved call runs: session policy may have come to deny it while it waited
    /// (a flow's deny is final, approvals included). The refusal to answer with, or nil to run it.
    func sessionRefusal(of call: FrozenCall) -> JSONValue? {
        guard !sessionPolicy.isEmpty else { return nil }
        let facts = flowCall(server: call.server, tool: call.tool, exposedName: call.exposedName, annotations: nil)
        guard let flow = sessionPolicy.decide(facts, now: now()), flow.isFinal else { return nil }
        log.info("approved call \(call.exposedName) → \(FlowText.audit(flow, now: now()))")
        return sessionDenied(call.exposedName, flow)
    }

    /// A tools/call of `entry` goes to its server for the client request `ticket`: it counts now.
    func sessionForwarded(_ ticket: CallTable.Ticket, entry: CatalogEntry) {
        guard !sessionPolicy.isEmpty else { return }
        let call = flowCall(
            server: entry.server, tool: entry.tool, exposedName: entry.exposedName, annotations: entry.annotations)
        sessionPolicy.forwarded(call, ticket: ticket, now: now())
    }

    /// A target answered a counted call (not an `InputRequiredResult`: the call is still under way).
    func sessionTargetAnswered(_ ticket: CallTable.Ticket, _ outcome: JSONRPCMessage.Response.Outcome) {
        guard sessionPolicy.awaitsOutcome(ticket) else { return }
        switch outcome {
        case .error:
            sessionPolicy.answered(ticket, outcome: .protocolError, now: now())
        case .result(let value):
            if ModernResult.resultType(of: value) == ModernResult.resultTypeInputRequired { return }
            sessionPolicy.answered(ticket, outcome: FlowOutcome(result: value.objectValue ?? JSONObject()), now: now())
        }
    }

    /// The same, for an answer about to be spliced: read only when session policy waits for it.
    func sessionTargetAnswered(_ ticket: CallTable.Ticket, line: [UInt8]) {
        guard sessionPolicy.awaitsOutcome(ticket), let result = try? JSONParser.parse(line)["result"] else { return }
        sessionTargetAnswered(ticket, .result(result))
    }

    /// A legacy target asked a modern client for input during a counted call: the client's retry
    /// continues the call under another ticket, where its answer is not recorded, so the call counts now
    /// as having returned content (the target's question reached the client): the stricter reading.
    func sessionInputAsked(_ ticket: CallTable.Ticket) {
        sessionPolicy.answered(ticket, outcome: .succeeded(hasContent: true), now: now())
    }

    /// A client request ended without its target's answer being recorded (hub error, cancel, time-out).
    func sessionEnded(_ ticket: CallTable.Ticket) {
        sessionPolicy.ended(ticket, now: now())
    }
}
