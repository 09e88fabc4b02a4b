import MCPWire

/// Owns: the way in from each target — its stdout lines decoded (or spliced, `FastPath`), answers
/// matched to what the hub sent (the call table), its notifications passed on for the client's era,
/// and its own requests of the client. Never: passes on anything a target was not asked for (answers
/// to unknown ids, progress for another request, an input type the client did not declare).
extension HubRouter {
    /// What the hub tells targets it can do as their client: what it can pass on to a client that
    /// declares it (a target's request for something the client lacks is answered -32601).
    func targetFacingCapabilities() -> JSONObject {
        ["elicitation": ["form": [:]], "sampling": [:], "roots": [:]]
    }

    func handleTargetEvent(_ target: TargetSession, _ event: ChildEvent) {
        switch event {
        case .stdoutLines(let lines):
            for line in lines { handleTargetLine(target, line) }
        case .stdoutLineTooLong(let size):
            log.server(target.name, "dropped a stdout line of \(size) bytes (over the line limit)")
        case .stdoutClosed:
            log.debug("[\(target.name)] stdout closed")
        case .stderrLines(let lines):
            for line in lines {
                let line = target.config.secrets.redacted(line)  // a `${VAR}` value is shown as its reference
                target.recordStderr(line)
                log.targetStderr(server: target.name, line: line)
            }
        case .exited(let status):
            handleTargetExit(target, status: status)
        }
    }

    private func handleTargetLine(_ target: TargetSession, _ line: [UInt8]) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        // Nothing pending: the line cannot be an answer to splice (so it is not validated twice).
        if calls.hasRequests(at: target.index),
            let splice = FastPath.answer(
                line, validated: false, targetEra: target.era,
                clientEra: { calls.clientEra(target: target.index, id: $0) })
        {
            guard case .call(let call)? = calls.answered(target: target.index, id: splice.hubID) else { return }
            timers.cancel(call.timer)
            sessionTargetAnswered(call.ticket, line: line)
            auditAnswered(call.ticket, line: line)
            answer(call.ticket, splice: splice)
            return
        }
        switch JSONRPCMessage.decode(line: line) {
        case .invalid(_, let error, _):
            log.server(
                target.name,
                "ignored a stdout line that is not a JSON-RPC message (\(error.message)): " + HubLog.excerpt(line))
        case .message(.response(let response)):
            handleTargetResponse(target, response, line: line)
        case .message(.request(let request)):
            handleTargetRequest(target, request)
        case .message(.notification(let notification)):
            handleTargetNotification(target, notification)
        }
    }

    /// `line` is the response as the target wrote it (already validated), for re-iding by splicing.
    private func handleTargetResponse(_ target: TargetSession, _ response: JSONRPCMessage.Response, line: [UInt8]) {
        guard let id = response.id, let purpose = calls.answered(target: target.index, id: id) else {
            log.server(
                target.name,
                "ignored an answer to id \(response.id?.description ?? "null"), which is not pending "
                    + "(timed out, cancelled, or never sent)")
            return
        }
        switch purpose {
        case .opening(let opening):
            openingAnswered(target, opening, response.outcome)
        case .bridged(let nonce, _):
            stashBridgedAnswer(nonce, response.outcome)
        case .list(let kind):
            handleListPage(target, kind: kind, response)
        case .call(let call):
            timers.cancel(call.timer)
            deliverTargetAnswer(target, call: call, outcome: response.outcome, line: line)
        case .internalRequest:
            if case .error(let error) = response.outcome {
                log.debug("[\(target.name)] a hub request failed: \(error.message)")
            }
        case .listen:
            guard case .number(let lexeme) = id, let hubID = Int(lexeme) else { return }
            listenEnded(target, id: hubID, response.outcome)
        case .subscription(let waiters):
            subscriptionAnswered(target, waiters, response.outcome)
        }
    }

    // MARK: - Notifications

    /// A notification's `_meta` without the target's subscription id (meaningless to the client).
    static func withoutSubscriptionID(_ meta: JSONValue?) -> JSONValue? {
        guard var object = meta?.objectValue else { return meta }
        object[ModernEnvelope.subscriptionIdKey] = nil
        return object.isEmpty ? nil : .object(object)
    }

    private func handleTargetNotification(_ target: TargetSession, _ notification: JSONRPCMessage.Notification) {
        // A server a reload removed only finishes its calls: their progress passes, nothing else.
        if target.isRemoved, notification.method != "notifications/progress" { return }
        switch notification.method {
        case "notifications/tools/list_changed": relist(target, [.tools])
        case "notifications/prompts/list_changed": relist(target, [.prompts])
        case "notifications/resources/list_changed": relist(target, [.resources, .resourceTemplates])
        case "notifications/progress":
            guard var params = notification.params, case .string(let token)? = params["progressToken"],
                let clientToken = calls.clientProgressToken(token, target: target.index)
            else { return }  // progress for nothing this target was asked: dropped
            params["progressToken"] = clientToken
            notifyClient(.init(method: notification.method, params: params))
        case "notifications/message":
            guard var params = notification.params, forwardsLog(from: target, level: params["level"]?.stringValue)
            else { return }
            let logger = params["logger"]?.stringValue.map { "\(target.name)/\($0)" } ?? target.name
            params["logger"] = .string(logger)
            notifyClient(.init(method: notification.method, params: params))
        case "notifications/resources/updated":
            guard var params = notification.params, case .string(let uri)? = params["uri"] else { return }
            // A modern target's stream is the hub's: what nobody holds any more is not passed on.
            if target.era == .modern, !target.listen.isHeld(uri) { return }
            let exposed = catalog.exposedURI(server: target.name, uri: uri)
            params["uri"] = .string(exposed)
            params["_meta"] = Self.withoutSubscriptionID(params["_meta"])
            for update in client.streams.resourceUpdated(exposed, params: params) { notifyClient(update) }
            if client.initialized { notifyClient(.init(method: notification.method, params: params)) }
        case "notifications/subscriptions/acknowledged":
            listenAcknowledged(target, notification.params)
        case "notifications/cancelled":
            // The target withdrew a request it had sent the client.
            guard let id = notification.params?["requestId"].flatMap(RequestID.init(json:)),
                let hubID = calls.withdrawAsk(target: target.index, id: id)
            else { return }
            notifyClient(.init(method: notification.method, params: ["requestId": .string(hubID)]))
        default:
            log.debug("[\(target.name)] ignored notification \(notification.method)")
        }
    }

    /// Whether a target's log message at `level` reaches the client (see `ClientSession.admitsLog`).
    private func forwardsLog(from target: TargetSession, level: String?) -> Bool {
        client.admitsLog(level: level) {
            calls.calls(at: target.index).compactMap { calls.envelope(of: $0.call.ticket) }
        }
    }

    // MARK: - Requests a target makes of the client

    /// `ping` is answered here; `elicitation/create`, `sampling/createMessage` and `roots/list` go to the
    /// client under a hub id when it declared the capability; anything else gets -32601.
    private func handleTargetRequest(_ target: TargetSession, _ request: JSONRPCMessage.Request) {
        // A server a reload removed gets no new way to the user while its last calls finish.
        if target.isRemoved, request.method != "ping" {
            target.respond(
                .error(request.id, JSONRPCError(code: -32603, message: "this server was removed from the hub's config"))
            )
            return
        }
        let capability: String
        switch request.method {
        case "ping":
            target.respond(.result(request.id, .object(JSONObject())))
            return
        case "elicitation/create": capability = "elicitation"
        case "sampling/createMessage": capability = "sampling"
        case "roots/list": capability = "roots"
        default:
            target.respond(.error(request.id, .methodNotFound(request.method)))
            return
        }
        var request = request
        if capability == "sampling" {
            let (params, downgraded) = TargetPrompt.samplingParams(request.params ?? JSONObject())
            if let downgraded {
                log.server(
                    target.name,
                    "sampling/createMessage asked for includeContext \"\(HubLog.excerpt(Array(downgraded.utf8), limit: 40))\"; "
                        + "sent as \"none\" (through the hub it would be every server's context)")
                request = .init(id: request.id, method: request.method, params: params)
            }
        }
        if askModernClientForTargetInput(target, request, capability: capability) { return }
        guard client.capabilities?[capability] != nil else {
            target.respond(.error(request.id, .methodNotFound("\(request.method) (the client does not support it)")))
            return
        }
        var params = request.params ?? JSONObject()
        if capability == "elicitation" {
            // The human must always see which server is asking, and never take it for the firewall.
            params = TargetPrompt.elicitationParams(params, server: target.name)
        }
        let hubID = calls.ask(target: target.index, generation: target.generation, id: request.id)
        sendToClient(.request(.init(id: .string(hubID), method: request.method, params: params)))
    }

    /// The client answered a request a target made: pass the answer back under the target's own id.
    /// Returns false when `id` is not such a request.
    func routeAnswerToTarget(_ id: String, _ response: JSONRPCMessage.Response) -> Bool {
        let routed = calls.askAnswered(id)
        guard case .target(let index, let generation, let targetID) = routed else { return routed != .notMine }
        let target = pool[index]
        guard target.generation == generation else { return true }  // restarted: nobody to tell
        var outcome = response.outcome
        if case .result(let result) = outcome, withholdsApprovalCode(result, toward: target) {
            target.respond(JSONRPCMessage.Response(id: targetID, outcome: .error(Self.withheldAnswer)))
            return true
        }
        if case .result(let result) = outcome,
            let (path, problem) = JSONPortability.firstProblem(in: result, root: "result")
        {
            // The target could not read it: it gets an error it can act on instead of a dropped line.
            log.server(target.name, "the client's answer to its request was refused: \(path): \(problem)")
            outcome = .error(.invalidParams("the client's answer: \(path): \(problem)"))
        }
        target.respond(JSONRPCMessage.Response(id: targetID, outcome: outcome))
        return true
    }
}
