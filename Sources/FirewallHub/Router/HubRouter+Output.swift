import MCPWire

/// Owns: the router's ways out — answering a client request (only through its ticket, so at most once,
/// shaped for its era), other messages to the client, and requests to targets. Never: writes a byte
/// that is not an `OutboundLine` (`PeerOutput` takes nothing else), or answers a request it has no ticket for.
extension HubRouter {
    /// Answers a client request: its ticket is closed, so a second answer is never sent.
    func answer(_ ticket: CallTable.Ticket, _ outcome: JSONRPCMessage.Response.Outcome) {
        guard let request = calls.close(ticket) else { return }
        sessionEnded(ticket)
        auditAnswered(ticket, outcome)
        clientOut?.send(.response(ClientSession.answer(outcome, to: request)))
    }

    func answer(_ ticket: CallTable.Ticket, result: JSONValue) {
        answer(ticket, .result(result))
    }

    func answer(_ ticket: CallTable.Ticket, error: JSONRPCError) {
        answer(ticket, .error(error))
    }

    /// Answers with a target's own bytes, re-addressed (`FastPath` decided the splice is safe).
    func answer(_ ticket: CallTable.Ticket, splice: AnswerSplice) {
        guard let request = calls.close(ticket) else { return }
        sessionEnded(ticket)
        clientOut?.send(splice.bytes(clientID: request.id))
    }

    /// A message that answers no admitted request: notifications, the hub's own requests, and errors
    /// for lines that were not requests it took on.
    func sendToClient(_ message: JSONRPCMessage) {
        clientOut?.send(message)
    }

    /// A notification to the client. Log messages and progress are dropped while the client is not
    /// reading (`NotificationShedding`), so a flooding target cannot grow the hub's memory without limit.
    func notifyClient(_ notification: JSONRPCMessage.Notification) {
        guard let clientOut else { return }
        switch client.shedding.decide(method: notification.method, queuedBytes: clientOut.queuedBytes) {
        case .send:
            break
        case .dropFirst:
            log.warning(
                "the client is not reading its input (over \(NotificationShedding.highWaterBytes >> 20) MiB waiting): "
                    + "dropping log and progress notifications until it catches up")
            return
        case .drop:
            return
        case .sendAfterDropping(let dropped):
            log.warning("the client caught up; \(dropped) log and progress notification(s) were dropped meanwhile")
        }
        clientOut.send(.notification(notification))
    }

    /// A request to a target on the hub's own behalf; returns its hub id.
    @discardableResult
    func request(_ target: TargetSession, _ method: String, params: JSONObject?, purpose: TargetRequest) -> Int {
        let id = calls.send(to: target.index, purpose)
        target.sendRequest(id: id, method: method, params: params)
        return id
    }

    /// Starts the time-out of a call to `target` under `hubID`; returns the timer (kept with the call).
    func startCallTimer(_ target: TargetSession, hubID: Int) -> Int {
        timers.start(after: Double(target.config.timeouts.callSeconds), .call(target: target.index, hubID: hubID))
    }
}
