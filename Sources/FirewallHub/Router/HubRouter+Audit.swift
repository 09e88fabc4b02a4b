import MCPWire

/// Owns: the flow of audit records through the router — the decision on each `tools/call` (written
/// before the call is forwarded or held; with `on_failure: fail_closed` a call that cannot be recorded
/// is refused), a human's answer, each forwarded call's outcome, the client, restarts and reloads.
/// Never: writes the file itself (`AuditTrail` does), or changes what happens to a call except to
/// refuse one it could not record.
extension HubRouter {
    /// The record of a client request's call of `server`'s `tool`.
    func auditCall(
        _ ticket: CallTable.Ticket, server: String, tool: String, exposedName: String, arguments: JSONObject?,
        meta: JSONObject?
    ) -> AuditCall {
        AuditCall(
            callID: AuditCalls.callID(ticket), server: server, tool: tool, exposedName: exposedName,
            arguments: arguments, meta: meta)
    }

    func auditCall(_ ticket: CallTable.Ticket, _ call: FrozenCall) -> AuditCall {
        auditCall(
            ticket, server: call.server, tool: call.tool, exposedName: call.exposedName, arguments: call.arguments,
            meta: call.meta)
    }

    /// Records an event that gates what happens next: false when the trail refused it (fail_closed),
    /// after answering `ticket` with the refusal. Without a trail, always true.
    func auditAdmit(_ event: AuditEvent, refusing ticket: CallTable.Ticket) -> Bool {
        guard let audit else { return true }
        switch audit.admit(event) {
        case .recorded: return true
        case .unrecorded(let failure):
            log.warning("audit: \(failure); going on without a record (audit.on_failure is fail_open)")
            return true
        case .refused(let failure):
            log.error("audit: \(failure); refusing the call (audit.on_failure is fail_closed)")
            answer(ticket, error: .internalError(AuditTrail.refusal(failure)))
            return false
        }
    }

    /// Records an event nothing waits on (a refusal, an outcome); a failure is logged.
    func auditRecord(_ event: AuditEvent) {
        guard let audit else { return }
        if case .failure(let failure) = audit.append(event) { log.warning("audit: \(failure)") }
    }

    /// A call is about to be forwarded for `ticket`: its outcome will be recorded.
    func auditForwarded(_ ticket: CallTable.Ticket, _ call: AuditCall) {
        guard audit != nil else { return }
        auditCalls.forwarded(ticket, call, now: now())
    }

    /// `ticket` is being answered: the outcome record of the call forwarded for it, if any.
    func auditAnswered(_ ticket: CallTable.Ticket, _ outcome: JSONRPCMessage.Response.Outcome, bytes: Int? = nil) {
        guard audit != nil, !auditCalls.isEmpty,
            let event = auditCalls.answered(ticket, outcome, bytes: bytes, now: now())
        else { return }
        auditRecord(event)
    }

    /// The same, for a target's answer spliced as its own bytes.
    func auditAnswered(_ ticket: CallTable.Ticket, line: [UInt8]) {
        guard audit != nil, !auditCalls.isEmpty else { return }
        let result = (try? JSONParser.parse(line))?["result"] ?? .object(JSONObject())
        auditAnswered(ticket, .result(result), bytes: line.count)
    }

    func auditTimedOut(_ ticket: CallTable.Ticket) {
        guard audit != nil else { return }
        auditCalls.timedOut(ticket)
    }

    func auditCancelled(_ ticket: CallTable.Ticket) {
        guard audit != nil, let event = auditCalls.cancelled(ticket, now: now()) else { return }
        auditRecord(event)
    }

    /// A target is started again (after it exited, for a call).
    func auditRestart(_ target: TargetSession) {
        guard audit != nil else { return }
        let reason: String
        if case .exited(let why) = target.state { reason = why } else { reason = "restart" }
        auditRecord(
            .restart(AuditRestart(server: target.name, reason: reason, attempt: target.restarts.startTimes.count)))
    }

    /// The client identified itself (`initialize`, or its first 2026-07-28 request).
    func auditClient(name: String, version: String?, protocolVersion: String?) {
        auditRecord(.client(AuditClient(name: name, version: version, protocolVersion: protocolVersion)))
    }
}
