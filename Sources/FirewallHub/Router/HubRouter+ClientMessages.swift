import MCPWire

/// Owns: the way in from the client — each line decoded, each request admitted (era, ticket) and
/// dispatched by method, deferred while start-up runs, notifications and cancellations, and the
/// client's answers routed to whoever asked. Never: answers a request except through its ticket.
extension HubRouter {
    func handleClientLine(_ line: [UInt8]) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are not messages
        switch JSONRPCMessage.decode(line: line) {
        case .invalid(let id, let error, let shouldRespond):
            log.debug("invalid client message: \(error.message)")
            if shouldRespond { sendToClient(.response(.error(id, error))) }
        case .message(.request(let request)):
            handleClientRequest(request, line: line)
        case .message(.notification(let notification)):
            handleClientNotification(notification)
        case .message(.response(let response)):
            handleClientResponse(response)
        }
    }

    /// `line` is the request's own bytes (a call may then be forwarded by splicing them, `FastPath`).
    /// A request refused at the door (shutting down, unportable params, a bad envelope) is answered at
    /// once; every other is admitted to the call table and answered through its ticket.
    func handleClientRequest(_ request: JSONRPCMessage.Request, line: [UInt8]? = nil) {
        if lifecycle.shuttingDown {
            sendToClient(.response(.error(request.id, .internalError("the hub is shutting down"))))
            return
        }
        if let params = request.params, let refusal = Self.unportable(params, method: request.method) {
            sendToClient(.response(.error(request.id, refusal)))
            return
        }
        var modern: ModernEnvelope?
        switch client.admit(request) {
        case .refused(let error):
            sendToClient(.response(.error(request.id, error)))
            return
        case .legacy:
            break
        case .modern(let envelope, let naming):
            modern = envelope
            if let naming {
                catalog.useNaming(naming)
                rebuildCatalog()
            }
        }
        let ticket = calls.admit(request, modern: modern)
        dispatch(ClientRequest(ticket: ticket, request: request, modern: modern), line: line)
    }

    /// A -32602 naming where `params` holds what a target's parser cannot take (`JSONPortability`): a
    /// number beyond double range, or nesting too deep. Targets drop such a line (the call would wait
    /// out `call_seconds`) or read another value, so the hub refuses it at once, for every method.
    static func unportable(_ params: JSONObject, method: String) -> JSONRPCError? {
        guard let (path, problem) = JSONPortability.firstProblem(in: .object(params), root: "params") else {
            return nil
        }
        var error = JSONRPCError.invalidParams("\(method): \(path): \(problem)")
        error.data = ["path": .string(path)]
        return error
    }

    /// The methods the hub serves, each with the capability it belongs to ("" = always there).
    static let capabilityNeeded: [String: String] = [
        "initialize": "", "server/discover": "", "tools/list": "", "tools/call": "",
        "prompts/list": "prompts", "prompts/get": "prompts",
        "resources/list": "resources", "resources/templates/list": "resources", "resources/read": "resources",
        "resources/subscribe": "resources", "resources/unsubscribe": "resources",
        "completion/complete": "completions", "logging/setLevel": "logging", "subscriptions/listen": "",
    ]

    /// Runs a request now, or defers it while the initial start-up is incomplete or while the target of
    /// a `tools/call` is restarting. Deferred requests come back here (not through the shutdown refusal:
    /// they were accepted before it).
    func dispatch(_ request: ClientRequest, line: [UInt8]? = nil) {
        if request.method == "ping" {
            answer(request.ticket, result: .object(JSONObject()))
            return
        }
        guard let capability = Self.capabilityNeeded[request.method] else {
            answer(request.ticket, error: .methodNotFound(request.method))
            return
        }
        // Everything else answers from the merged state: it waits for the first start-up (the
        // `initialize` answer declares the merged capabilities), and a call waits for its target's restart.
        // `server/discover` does not wait: clients probe with a short time-out (the official SDK's is
        // 10 s, as long as the grace), and while targets start it declares all they might bring.
        let waitsForStartup = !pool.startupAnswered && request.method != ModernMethods.discover
        if waitsForStartup || (request.method == "tools/call" && restartingTarget(for: request.request) != nil) {
            calls.deferRequest(request.ticket, request.request)
            return
        }
        if !capability.isEmpty, client.initialized, client.declared[capability] == nil {
            answer(
                request.ticket,
                error: .methodNotFound("\(request.method) (no server behind the hub offers \(capability))"))
            return
        }
        switch request.method {
        case "initialize": handleInitialize(request)
        case "server/discover": handleDiscover(request)
        case "tools/call": handleToolsCall(request, line: line)
        case "prompts/get": handlePromptsGet(request)
        case "resources/read", "resources/subscribe", "resources/unsubscribe": handleResourceRequest(request)
        case "completion/complete": handleCompletion(request)
        case "logging/setLevel": handleSetLevel(request)
        case ModernMethods.subscriptionsListen: handleClientListen(request)
        default:
            if let kind = ListKind(method: request.method) {
                handleListRequest(kind, request)
            } else {
                answer(request.ticket, error: .methodNotFound(request.method))
            }
        }
    }

    /// Runs the requests that waited for start-up, once every target is ready or has failed (or the
    /// grace is over).
    func releaseDeferredIfSettled() {
        if mode == .listTools {
            if pool.allSettled { lifecycle.finished = true }
            return
        }
        guard pool.startupAnswered else { return }
        for entry in calls.takeDeferred() {
            dispatch(
                ClientRequest(ticket: entry.ticket, request: entry.request, modern: calls.envelope(of: entry.ticket)))
        }
    }

    /// The target a `tools/call` names, when that target is restarting (so the call must wait).
    func restartingTarget(for request: JSONRPCMessage.Request) -> TargetSession? {
        guard case .string(let name)? = request.params?["name"], let entry = catalog.tool(named: name),
            let target = pool.named(entry.server), target.isRestarting
        else { return nil }
        return target
    }

    /// A restart failed: the calls that waited for it are answered with `reason` at once.
    func failDeferredCalls(for target: TargetSession, because reason: String) {
        let failed = calls.takeDeferred { request in
            guard request.method == "tools/call", case .string(let name)? = request.params?["name"] else {
                return false
            }
            return catalog.tool(named: name)?.server == target.name
        }
        for entry in failed {
            let name = entry.request.params?["name"]?.stringValue ?? ""
            answer(
                entry.ticket,
                error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: "\(name): \(reason)"))
        }
    }

    // MARK: - Notifications and answers from the client

    func handleClientNotification(_ notification: JSONRPCMessage.Notification) {
        switch notification.method {
        case "notifications/initialized":
            client.markInitialized()
        case "notifications/cancelled":
            if let id = notification.params?["requestId"].flatMap(RequestID.init(json:)) {
                cancelClientRequest(id)
            }
        default:
            log.debug("ignored client notification \(notification.method)")
        }
    }

    /// The client cancelled one of its requests: it is never answered, and whatever it waited on is undone.
    func cancelClientRequest(_ id: RequestID) {
        for cancelled in calls.cancel(clientID: id) {
            sessionEnded(cancelled.ticket)
            auditCancelled(cancelled.ticket)
            switch cancelled.stage {
            case .atTarget(let index, let hubID):
                timers.cancel(cancelled.call?.timer)
                pool[index].notify(method: "notifications/cancelled", params: ["requestId": .int(hubID)])
            case .stream:
                closeClientStream(cancelled.ticket)
            case .awaitingApproval:
                for prompt in desk.closePrompts(for: cancelled.ticket) {
                    timers.cancel(prompt.timer)
                    notifyClient(.init(method: "notifications/cancelled", params: ["requestId": .string(prompt.id)]))
                }
            case .awaitingInput:
                bridge.cancel(cancelled.ticket)
            case .handling, .deferred, .awaitingSubscription:
                break
            }
        }
    }

    /// The client answered a request the hub sent it: a target's, a bridge's, or an approval prompt.
    /// Late, duplicate or unknown answers are dropped.
    func handleClientResponse(_ response: JSONRPCMessage.Response) {
        guard case .string(let id)? = response.id else {
            log.debug("ignored a client response to unknown id \(response.id?.description ?? "null")")
            return
        }
        if routeAnswerToTarget(id, response) || routeAnswerToBridge(id, response) { return }
        guard let prompt = desk.closePrompt(id) else {
            log.debug("ignored a client response to unknown id \(response.id?.description ?? "null")")
            return
        }
        promptAnswered(prompt, response.outcome)
    }

    // MARK: - initialize and server/discover

    private func handleInitialize(_ request: ClientRequest) {
        let (requested, naming) = client.initialize(request.params ?? JSONObject())
        if let naming {
            catalog.useNaming(naming)
            rebuildCatalog()
        }
        log.debug(
            "client \(client.name ?? "(unnamed)") asked for protocol \(requested ?? "(none)"); separator \"\(catalog.naming.separator)\""
        )
        client.declare(pool.mergedCapabilities())
        var result = JSONObject()
        result["protocolVersion"] = .string(ProtocolVersion.negotiate(clientRequested: requested))
        if audit != nil, let info = request.params?["clientInfo"] {
            auditClient(
                name: info["name"]?.stringValue ?? "", version: info["version"]?.stringValue,
                protocolVersion: result["protocolVersion"]?.stringValue)
        }
        result["capabilities"] = .object(client.declared)
        result["serverInfo"] = .object(HubVersion.serverInfo)
        result["instructions"] = .string(hubInstructions())
        answer(request.ticket, result: .object(result))
    }

    /// `server/discover`: the merged capabilities as a modern client may use them (list changes and
    /// resource subscriptions come on the hub's `subscriptions/listen` streams; log messages follow each
    /// request's `_meta` log level).
    private func handleDiscover(_ request: ClientRequest) {
        let result = ModernResult.discoverResult(
            supportedVersions: ProtocolVersion.legacy + ModernEnvelope.modernVersions,
            capabilities: pool.mergedCapabilities(), instructions: hubInstructions(), serverInfo: HubVersion.serverInfo)
        answer(request.ticket, result: .object(result))
    }

    func hubInstructions() -> String {
        HubInstructions.text(
            naming: catalog.naming,
            servers: pool.live.map {
                (name: $0.name, instructions: pins.instructions(server: $0.name, current: $0.instructions))
            })
    }

    /// Re-merges the lists of every target a client may call under the current naming.
    func rebuildCatalog() {
        for note in catalog.rebuild(pinnedCatalogSources) {
            switch note {
            case .server(let server, let text): log.server(server, text)
            case .warning(let text): log.warning(text)
            }
        }
    }
}
