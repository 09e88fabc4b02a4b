import MCPWire

/// Owns: the flow of a target's answer back to its client across the two protocol eras — spliced or
/// re-encoded, a modern result stripped for a legacy client, and a target's need for input carried to
/// the client the way its era can take (see `EraBridge`). Never: keeps a bridge itself, or lets a
/// target's question reach the human without the server's name on it.
extension HubRouter {
    /// A target's answer to a forwarded client request, shaped for the client's era. `line` is the
    /// answer as the target wrote it (already parsed), for splicing.
    func deliverTargetAnswer(
        _ target: TargetSession, call: ForwardedCall, outcome: JSONRPCMessage.Response.Outcome, line: [UInt8]? = nil
    ) {
        guard calls[call.ticket] != nil else { return }  // cancelled: never answered
        sessionTargetAnswered(call.ticket, outcome)
        let clientEra = call.clientEra
        if target.era == .legacy, clientEra == .modern, case .result(let value) = outcome,
            ModernResult.resultType(of: value) == ModernResult.resultTypeInputRequired
        {
            // A legacy-era session has no input_required (MRTR): such a result would reach the modern
            // client unattributed, free to copy the hub's own approval prompt. It is refused instead.
            log.server(
                target.name,
                "answered \(call.label) with a 2026-07-28 input_required result in a legacy session; refused")
            answer(
                call.ticket,
                error: .internalError(
                    "\(call.label): server \"\(target.name)\" answered with an input_required result, which its "
                        + "protocol (a legacy session) does not have; the hub does not pass it on"))
            return
        }
        guard target.era == .modern, case .result(let value) = outcome else {
            if let line,
                let splice = FastPath.answer(
                    line, validated: true, targetEra: target.era, clientEra: { _ in clientEra })
            {
                // Same era on both sides: only the id changes, so splice it into the target's own bytes
                // (no re-encoding of a result that may be megabytes long).
                answer(call.ticket, splice: splice)
                return
            }
            answer(call.ticket, outcome)
            return
        }
        let inputRequired = ModernResult.resultType(of: value) == ModernResult.resultTypeInputRequired
        if clientEra == .modern {
            guard inputRequired, case .object(var result) = value else {
                answer(call.ticket, outcome)
                return
            }
            if case .string(let state)? = result["requestState"] {
                desk.allowTargetRetry(
                    server: target.name, method: call.method, params: call.params, requestState: state, now: now())
            }
            // What the target asks the human reaches the client as this server's, like in every other path.
            if case .object(let requests)? = result["inputRequests"] {
                result["inputRequests"] = .object(TargetPrompt.inputRequests(requests, server: target.name))
            }
            answer(call.ticket, result: .object(result))  // the client retries
            return
        }
        if inputRequired {
            askClientForTargetInput(target, call: call, result: value)
            return
        }
        bridge.endRounds(call.ticket)
        let legacy = value.objectValue.map { JSONValue.object(ModernResult.strippedForLegacy($0)) } ?? value
        answer(call.ticket, result: legacy)
    }

    // MARK: - Modern target, legacy client

    /// The target answered a legacy client's call with an `InputRequiredResult`: the client is asked with
    /// server→client requests (each one it declared), and the call is retried with the answers.
    private func askClientForTargetInput(_ target: TargetSession, call: ForwardedCall, result: JSONValue) {
        let input: ModernResult.InputRequest
        do {
            guard let parsed = try ModernResult.inputRequest(from: result) else { return }
            input = parsed
        } catch {
            answer(call.ticket, error: error)
            return
        }
        guard bridge.nextRound(call.ticket) != nil else {
            answer(
                call.ticket,
                error: .internalError(
                    "\(call.label): server \"\(target.name)\" asked for input \(EraBridge.maxInputRounds) times; giving up"
                ))
            return
        }
        var inputs: [(key: String, method: String, params: JSONObject)] = []
        for member in input.inputRequests {
            guard case .string(let method)? = member.value["method"],
                let capability = EraBridge.inputCapability[method],
                client.capabilities?[capability] != nil
            else {
                answer(
                    call.ticket,
                    error: JSONRPCError(
                        code: JSONRPCError.methodNotFoundCode,
                        message: "\(call.label): server \"\(target.name)\" needs input the client does not support"))
                return
            }
            var params = member.value["params"]?.objectValue ?? JSONObject()
            if capability == "elicitation" { params = TargetPrompt.elicitationParams(params, server: target.name) }
            inputs.append((member.key, method, params))
        }
        let open = EraBridge.InputBridge(
            target: target.index, generation: target.generation, ticket: call.ticket, label: call.label,
            method: call.method, params: call.params, requestState: input.requestState)
        if inputs.isEmpty {  // only a requestState: retry at once
            retry(open)
            return
        }
        calls.park(call.ticket, .awaitingInput)
        for request in bridge.open(open, inputs: inputs) { sendToClient(.request(request)) }
    }

    /// The client answered one of a bridge's requests; the call is retried once all are in.
    func routeAnswerToBridge(_ id: String, _ response: JSONRPCMessage.Response) -> Bool {
        switch bridge.clientAnswered(id, response.outcome) {
        case .notMine: return false
        case .waiting: return true
        case .complete(let done):
            retry(done)
            return true
        }
    }

    /// Answers every call waiting for the client's answers to a bridge (shutdown).
    func failInputBridges(reason: String) {
        for open in bridge.closeAll() {
            answer(open.ticket, error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: reason))
        }
    }

    private func retry(_ open: EraBridge.InputBridge) {
        let target = pool[open.target]
        guard target.generation == open.generation, target.state == .ready else {
            answer(
                open.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(open.label): server \"\(target.name)\" went away while the user answered"))
            return
        }
        if withholdsApprovalCode(.object(open.responses), toward: target) {
            answer(open.ticket, error: Self.withheldAnswer)
            return
        }
        let params = ModernResult.retryParams(
            open.params, inputResponses: open.responses.isEmpty ? nil : open.responses,
            requestState: open.requestState)
        let hubID = calls.newID(target: target.index)
        let call = ForwardedCall(
            ticket: open.ticket, clientEra: .legacy, label: open.label, method: open.method, params: open.params,
            timer: startCallTimer(target, hubID: hubID))
        calls.forward(call, to: target.index, id: hubID, clientToken: nil)
        target.sendRequest(
            id: hubID, method: open.method, params: params, clientCapabilities: client.bridgeable(for: nil),
            logLevel: client.targetLogLevel(for: nil, isModern: false))
    }

    // MARK: - Legacy target, modern client

    /// A legacy target's request for input while it serves a modern client's call: the client gets an
    /// `InputRequiredResult` for that call. Returns false when no modern call is running on the target.
    func askModernClientForTargetInput(_ target: TargetSession, _ request: JSONRPCMessage.Request, capability: String)
        -> Bool
    {
        let running = calls.calls(at: target.index).filter { $0.call.clientEra == .modern }
        guard let (hubID, call) = running.max(by: { $0.id < $1.id }), let modern = calls.envelope(of: call.ticket)
        else {
            return false
        }
        guard modern.supports(capability: capability) else {
            target.respond(.error(request.id, .methodNotFound("\(request.method) (the client does not support it)")))
            return true
        }
        let nonce = SHA256.hex(SecureRandom.bytes(16))
        let digest = FrozenCall.digest(
            server: target.name, tool: call.params["name"]?.stringValue ?? call.method,
            arguments: call.params["arguments"]?.objectValue)
        let expiresAt = now() + Double(target.config.timeouts.callSeconds)
        let token = desk.sealBridgeState(nonce: nonce, digest: digest, expiresAt: expiresAt)
        timers.cancel(call.timer)
        calls.rebind(target: target.index, id: hubID, to: .bridged(nonce, progressToken: call.progressToken))
        bridge.openReverse(
            .init(
                target: target.index, generation: target.generation, hubID: hubID, call: call,
                targetRequestID: request.id, expiresAt: expiresAt),
            nonce: nonce, now: now())
        var params = request.params ?? JSONObject()
        if capability == "elicitation" { params = TargetPrompt.elicitationParams(params, server: target.name) }
        let input: JSONObject = ["input": ["method": .string(request.method), "params": .object(params)]]
        sessionInputAsked(call.ticket)
        answer(call.ticket, result: .object(ModernResult.inputRequired(inputRequests: input, requestState: token)))
        return true
    }

    /// A modern client's retry that answers a legacy target's request. Returns false when its
    /// `requestState` is not a bridge state for this call (it may be an approval state).
    func resumeReverseBridge(_ request: ClientRequest, server: String, tool: String, arguments: JSONObject?) -> Bool {
        guard request.isModern, case .string(let state)? = request.params?["requestState"] else { return false }
        let digest = FrozenCall.digest(server: server, tool: tool, arguments: arguments)
        guard let claims = desk.redeemBridgeState(state, digest: digest, now: now()) else { return false }
        guard let reverse = bridge.takeReverse(claims.nonce), pool[reverse.target].generation == reverse.generation
        else {
            answer(
                request.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "server \"\(server)\" restarted before the answer came; call the tool again"))
            return true
        }
        let target = pool[reverse.target]
        if let answer = request.params?["inputResponses"]?["input"] {
            if withholdsApprovalCode(answer, toward: target) {
                target.respond(.error(reverse.targetRequestID, Self.withheldAnswer))
            } else {
                target.respond(.result(reverse.targetRequestID, answer))
            }
        } else {
            target.respond(.error(reverse.targetRequestID, .internalError("the client gave no answer")))
        }
        if let stashed = reverse.stashed {
            answer(request.ticket, stashed)
            return true
        }
        var call = reverse.call
        call.ticket = request.ticket
        call.clientEra = request.era
        call.timer = startCallTimer(target, hubID: reverse.hubID)
        guard calls.rebind(target: target.index, id: reverse.hubID, to: .call(call)) != nil else {
            timers.cancel(call.timer)
            answer(
                request.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(call.label): server \"\(target.name)\" went away before it answered"))
            return true
        }
        return true
    }

    /// What a server gets instead of a client's answer that held a live approval code.
    static let withheldAnswer = JSONRPCError.invalidParams("the client's answer was withheld by the firewall")

    /// Whether a client's answer meant for `target` (to its form or sampling request, in either era)
    /// holds a live approval code: then the held calls of that code are discarded (logged), and the
    /// caller must not forward the answer. A code typed into a server's form approves nothing.
    func withholdsApprovalCode(_ answer: JSONValue, toward target: TargetSession) -> Bool {
        let burned = desk.burnCodes(in: answer)
        guard !burned.isEmpty else { return false }
        log.warning(
            "the client's answer to a request of server \"\(target.name)\" held a live approval code; not "
                + "forwarded, and the held call(s) \(burned.joined(separator: ", ")) are discarded")
        return true
    }

    /// The target answered a call whose client is between an `InputRequiredResult` and its retry.
    func stashBridgedAnswer(_ nonce: String, _ outcome: JSONRPCMessage.Response.Outcome) {
        bridge.stash(nonce, outcome)
    }
}
