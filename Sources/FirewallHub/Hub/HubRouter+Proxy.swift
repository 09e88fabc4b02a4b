import MCPWire

/// Everything besides tools that a target offers, carried through: prompts, resources, completion,
/// logging, progress, resource updates, and requests a target makes of the client.
extension HubRouter {
    static let logLevels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    /// What the hub tells targets it can do as their client: what it can pass on to a client that
    /// declares it (a target's request for something the client lacks is answered -32601).
    func targetFacingCapabilities() -> JSONObject {
        ["elicitation": ["form": [:]], "sampling": [:], "roots": [:]]
    }

    /// The hub's capabilities for the client (see `TargetPool.mergedCapabilities`).
    func mergedCapabilities() -> JSONObject { pool.mergedCapabilities() }

    // MARK: - Client requests routed to one target

    /// Sends a client request to `target` under a hub-side id. A client progress token is swapped for
    /// a hub token, so a target can only report progress on requests the hub sent it.
    /// `splice` is the request's own bytes with the target's name for what it calls: sent as they are,
    /// re-addressed (`RequestSplice`), when nothing else changes on the way.
    func forwardRequest(
        _ request: JSONRPCMessage.Request, method: String, params: JSONObject, to target: TargetSession, label: String,
        splice: (line: [UInt8], name: String)? = nil
    ) {
        var params = params
        if target.era == .legacy {
            // The client's envelope (and MRTR fields) are for the hub; a legacy target gets a legacy request.
            if isModern(request.id) {
                params = ModernEnvelope.stripped(ModernResult.withoutRetryFields(params)) ?? JSONObject()
            }
        } else {
            params = ModernEnvelope.stripped(params) ?? JSONObject()  // `send` stamps the hub's envelope
        }
        var clientToken: JSONValue?
        if case .object(var meta)? = params["_meta"], let token = meta["progressToken"] {
            nextProgressToken += 1
            clientToken = token
            meta["progressToken"] = .string("mcp-firewall-hub/progress/\(nextProgressToken)")
            params["_meta"] = .object(meta)
        }
        let purpose = TargetSession.Pending.clientCall(clientID: request.id, exposedName: label, timer: nil)
        let hubID: Int
        if let splice,
            let spliced = FastPath.request(
                splice.line, clientEra: isModern(request.id) ? .modern : .legacy, targetEra: target.era,
                swapsProgressToken: clientToken != nil)
        {
            hubID = target.send(purpose: purpose) { spliced.bytes(id: $0, name: splice.name) }
        } else {
            hubID = target.send(
                method: method, params: params, purpose: purpose,
                clientCapabilities: bridgeableCapabilities(for: request), logLevel: targetLogLevel(for: request.id))
        }
        target.forwardedParams[hubID] = (method, params)
        if let clientToken, case .string(let hubToken)? = params["_meta"]?["progressToken"] {
            target.progressTokens[hubToken] = (clientToken, hubID)
        }
        let timer = startTimer(
            after: Double(target.config.timeouts.callSeconds), .call(target: target.index, hubID: hubID))
        target.setTimer(timer, for: hubID)
    }

    /// The ready target called `server`, or an error answer to `request` and nil.
    private func readyTarget(_ server: String, for request: JSONRPCMessage.Request, label: String) -> TargetSession? {
        guard let target = targets.first(where: { $0.name == server }), target.state == .ready else {
            respond(
                request.id,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode, message: "\(label): server \"\(server)\" is not available"
                ))
            return nil
        }
        return target
    }

    func handlePromptsGet(_ request: JSONRPCMessage.Request) {
        guard var params = request.params, case .string(let name)? = params["name"] else {
            respond(request.id, error: .invalidParams("prompts/get needs \"name\" (a string)"))
            return
        }
        guard let entry = catalog.prompt(named: name) else {
            respond(request.id, error: .invalidParams("Unknown prompt: \(name)"))
            return
        }
        guard let target = readyTarget(entry.server, for: request, label: name) else { return }
        params["name"] = .string(entry.tool)
        forwardRequest(request, method: request.method, params: params, to: target, label: name)
    }

    /// `resources/read`, `resources/subscribe`, `resources/unsubscribe`: routed by URI, under the
    /// server's resource policy (a denied URI never reaches the target).
    func handleResourceRequest(_ request: JSONRPCMessage.Request) {
        guard var params = request.params, case .string(let uri)? = params["uri"] else {
            respond(request.id, error: .invalidParams("\(request.method) needs \"uri\" (a string)"))
            return
        }
        guard let owner = routeResource(uri, for: request) else { return }
        guard let target = readyTarget(owner.server, for: request, label: uri) else { return }
        params["uri"] = .string(owner.uri)
        if request.method == "resources/read" {
            forwardRequest(request, method: request.method, params: params, to: target, label: uri)
        } else {
            handleSubscriptionRequest(request, target: target, uri: owner.uri, params: params, label: uri)
        }
    }

    /// The server and its own URI for a URI the client names, under that server's resource policy
    /// (judged on the URI the target will receive); otherwise an error answer to `request` and nil.
    private func routeResource(
        _ uri: String, for request: JSONRPCMessage.Request, notFound: JSONRPCError? = nil
    ) -> (server: String, uri: String)? {
        let routed: (server: String, uri: String)?
        do {
            routed = try catalog.route(uri: uri)
        } catch {
            respond(request.id, error: .invalidParams("\(request.method): \(error)"))
            return nil
        }
        guard let owner = routed else {
            respond(
                request.id,
                error: notFound
                    ?? JSONRPCError(code: -32002, message: "Resource not found: \(uri)", data: ["uri": .string(uri)]))
            return nil
        }
        let (allowed, rule) = catalog.resourceDecision(server: owner.server, uri: owner.uri)
        if !allowed {
            log.info("\(request.method) \(uri) → deny (\(rule))")
            respond(request.id, error: .invalidParams("\(uri) is denied by the firewall policy (\(rule))"))
            return nil
        }
        return owner
    }

    func handleCompletion(_ request: JSONRPCMessage.Request) {
        guard var params = request.params, case .object(var ref)? = params["ref"] else {
            respond(request.id, error: .invalidParams("completion/complete needs \"ref\""))
            return
        }
        let server: String
        switch (ref["type"]?.stringValue, ref["name"]?.stringValue, ref["uri"]?.stringValue) {
        case ("ref/prompt", let name?, _):
            guard let entry = catalog.prompt(named: name) else {
                respond(request.id, error: .invalidParams("Unknown prompt: \(name)"))
                return
            }
            server = entry.server
            ref["name"] = .string(entry.tool)
        case ("ref/resource", _, let uri?):
            guard let owner = routeResource(uri, for: request, notFound: .invalidParams("no server offers \(uri)"))
            else { return }
            server = owner.server
            ref["uri"] = .string(owner.uri)
        default:
            respond(
                request.id, error: .invalidParams("ref must be a ref/prompt with a name or a ref/resource with a uri"))
            return
        }
        guard let target = readyTarget(server, for: request, label: "completion/complete") else { return }
        params["ref"] = .object(ref)
        forwardRequest(request, method: request.method, params: params, to: target, label: "completion/complete")
    }

    /// `logging/setLevel`: remembered, and passed to every target that logs.
    func handleSetLevel(_ request: JSONRPCMessage.Request) {
        guard case .string(let level)? = request.params?["level"], Self.logLevels.contains(level) else {
            respond(
                request.id,
                error: .invalidParams("level must be one of " + Self.logLevels.joined(separator: ", ")))
            return
        }
        clientLogLevel = level
        for target in targets
        where target.state == .ready && target.era == .legacy && target.capabilities?["logging"] != nil {
            target.send(method: "logging/setLevel", params: ["level": .string(level)], purpose: .internalRequest)
        }
        respond(request.id, result: .object(JSONObject()))
    }

    // MARK: - Log levels

    /// The `_meta` log level of a request to a modern target for the client request `clientID`: a modern
    /// client's own (none: no log messages, as the spec says); for a legacy client the level of its
    /// `logging/setLevel`, or every level until it sets one (what a legacy server sends it directly).
    func targetLogLevel(for clientID: RequestID) -> String? {
        if let modern = modernRequests[clientID] { return modern.envelope.logLevel }
        return clientLogLevel ?? Self.logLevels[0]
    }

    /// Whether a target's `notifications/message` at `level` reaches the client. The hub filters by
    /// level itself, because servers may ignore `logging/setLevel` (the official SDK's servers do not
    /// declare `logging` and send every level): a legacy client gets messages at or above the level it
    /// set (every one until it sets one); a modern client only while a request of its that asked for
    /// log messages runs on that target, at or above the level that request asked for.
    func forwardsLog(from target: TargetSession, level: String?) -> Bool {
        let rank = level.flatMap { Self.logLevels.firstIndex(of: $0) }
        func admits(_ threshold: String?) -> Bool {
            guard let threshold, let floor = Self.logLevels.firstIndex(of: threshold) else { return false }
            return floor == 0 || (rank ?? -1) >= floor
        }
        if clientInitialized, admits(clientLogLevel ?? Self.logLevels[0]) { return true }
        return target.pending.values.contains { purpose in
            guard case .clientCall(let clientID, _, _) = purpose, let modern = modernRequests[clientID] else {
                return false
            }
            return admits(modern.envelope.logLevel)
        }
    }

    // MARK: - From targets

    /// A notification's `_meta` without the target's subscription id (meaningless to the client).
    static func withoutSubscriptionID(_ meta: JSONValue?) -> JSONValue? {
        guard var object = meta?.objectValue else { return meta }
        object[ModernEnvelope.subscriptionIdKey] = nil
        return object.isEmpty ? nil : .object(object)
    }

    func handleTargetNotification(_ target: TargetSession, _ notification: JSONRPCMessage.Notification) {
        switch notification.method {
        case "notifications/tools/list_changed": relist(target, [.tools])
        case "notifications/prompts/list_changed": relist(target, [.prompts])
        case "notifications/resources/list_changed": relist(target, [.resources, .resourceTemplates])
        case "notifications/progress":
            guard var params = notification.params, case .string(let token)? = params["progressToken"],
                let mapping = target.progressTokens[token]
            else { return }  // progress for nothing this target was asked: dropped
            params["progressToken"] = mapping.clientToken
            sendToClient(.notification(.init(method: notification.method, params: params)))
        case "notifications/message":
            guard var params = notification.params, forwardsLog(from: target, level: params["level"]?.stringValue)
            else { return }
            let logger = params["logger"]?.stringValue.map { "\(target.name)/\($0)" } ?? target.name
            params["logger"] = .string(logger)
            sendToClient(.notification(.init(method: notification.method, params: params)))
        case "notifications/resources/updated":
            guard var params = notification.params, case .string(let uri)? = params["uri"] else { return }
            // A modern target's stream is the hub's: what nobody holds any more is not passed on.
            if target.era == .modern, !target.listen.isHeld(uri) { return }
            let exposed = catalog.exposedURI(server: target.name, uri: uri)
            params["uri"] = .string(exposed)
            params["_meta"] = Self.withoutSubscriptionID(params["_meta"])
            notifyStreams(resourceUpdated: exposed, params: params)
            if clientInitialized { sendToClient(.notification(.init(method: notification.method, params: params))) }
        case "notifications/subscriptions/acknowledged":
            listenAcknowledged(target, notification.params)
        case "notifications/cancelled":
            // The target withdrew a request it had sent the client.
            guard let id = notification.params?["requestId"].flatMap(RequestID.init(json:)),
                let hubID = target.requestsToClient.first(where: { $0.value == id })?.key
            else { return }
            target.requestsToClient[hubID] = nil
            pendingTargetRequests[hubID] = nil
            sendToClient(.notification(.init(method: notification.method, params: ["requestId": .string(hubID)])))
        default:
            log.debug("[\(target.name)] ignored notification \(notification.method)")
        }
    }

    /// A request a target makes of its client. `ping` is answered here; `elicitation/create`,
    /// `sampling/createMessage` and `roots/list` go to the client under a hub id when it declared the
    /// capability; anything else gets -32601.
    func handleTargetRequest(_ target: TargetSession, _ request: JSONRPCMessage.Request) {
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
        if askModernClientForTargetInput(target, request, capability: capability) { return }
        guard clientCapabilities?[capability] != nil else {
            target.respond(.error(request.id, .methodNotFound("\(request.method) (the client does not support it)")))
            return
        }
        var params = request.params ?? JSONObject()
        if capability == "elicitation" {
            // The human must always see which server is asking, and never take it for the firewall.
            params = TargetPrompt.elicitationParams(params, server: target.name)
        }
        nextHubRequest += 1
        let hubID = "mcp-firewall-hub/target/\(nextHubRequest)"
        pendingTargetRequests[hubID] = (target.index, target.generation, request.id)
        target.requestsToClient[hubID] = request.id
        sendToClient(.request(.init(id: .string(hubID), method: request.method, params: params)))
    }

    /// The client answered a request a target made: pass the answer back under the target's own id.
    /// Returns false when `id` is not such a request.
    func routeAnswerToTarget(_ id: String, _ response: JSONRPCMessage.Response) -> Bool {
        guard let pending = pendingTargetRequests.removeValue(forKey: id) else { return false }
        let target = targets[pending.target]
        guard target.generation == pending.generation, target.requestsToClient.removeValue(forKey: id) != nil else {
            return true  // the target restarted or withdrew the request: nobody to tell
        }
        var outcome = response.outcome
        if case .result(let result) = outcome,
            let (path, problem) = JSONPortability.firstProblem(in: result, root: "result")
        {
            // The target could not read it: it gets an error it can act on instead of a dropped line.
            log.server(target.name, "the client's answer to its request was refused: \(path): \(problem)")
            outcome = .error(.invalidParams("the client's answer: \(path): \(problem)"))
        }
        target.respond(JSONRPCMessage.Response(id: pending.id, outcome: outcome))
        return true
    }
}
