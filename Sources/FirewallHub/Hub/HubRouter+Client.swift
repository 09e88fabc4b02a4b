import MCPWire

/// Messages from the client (the agent's MCP host).
extension HubRouter {
    func handleClientLine(_ line: [UInt8]) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines are not messages
        switch JSONRPCMessage.decode(line: line) {
        case .invalid(let id, let error, let shouldRespond):
            log.debug("invalid client message: \(error.message)")
            if shouldRespond { respond(id, error: error) }
        case .message(.request(let request)):
            handleClientRequest(request, line: line)
        case .message(.notification(let notification)):
            handleClientNotification(notification)
        case .message(.response(let response)):
            handleClientResponse(response)
        }
    }

    /// `line` is the request's own bytes, when it comes straight from the client (a call may then be
    /// forwarded by splicing them, see `RequestSplice`).
    func handleClientRequest(_ request: JSONRPCMessage.Request, line: [UInt8]? = nil) {
        if shuttingDown {
            respond(request.id, error: .internalError("the hub is shutting down"))
            return
        }
        if let params = request.params, let refusal = Self.unportable(params, method: request.method) {
            respond(request.id, error: refusal)
            return
        }
        guard admitModernRequest(request) else { return }
        dispatchClientRequest(request, line: line)
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

    /// Runs a request now, or defers it while the initial start-up is incomplete or while the target
    /// of a `tools/call` is restarting. Deferred requests come back here (not through the shutdown
    /// refusal above: they were accepted before it).
    private func dispatchClientRequest(_ request: JSONRPCMessage.Request, line: [UInt8]? = nil) {
        if request.method == "ping" {
            respond(request.id, result: .object(JSONObject()))
            return
        }
        guard let capability = Self.capabilityNeeded[request.method] else {
            respond(request.id, error: .methodNotFound(request.method))
            return
        }
        // Everything else answers from the merged state: it waits for the first start-up (the
        // `initialize` answer declares the merged capabilities), and a call waits for its target's restart.
        // `server/discover` does not wait: clients probe with a short time-out (the official SDK's is
        // 10 s, as long as the grace), and while targets start it declares all they might bring.
        let waitsForStartup = !startupAnswered && request.method != ModernMethods.discover
        if waitsForStartup || (request.method == "tools/call" && restartingTarget(for: request) != nil) {
            deferred.append(request)
            return
        }
        if !capability.isEmpty, clientInitialized, declaredCapabilities[capability] == nil {
            respond(
                request.id, error: .methodNotFound("\(request.method) (no server behind the hub offers \(capability))"))
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
                respond(request.id, error: .methodNotFound(request.method))
            }
        }
    }

    /// The methods the hub serves, each with the capability it belongs to ("" = always there).
    static let capabilityNeeded: [String: String] = [
        "initialize": "", "server/discover": "", "tools/list": "", "tools/call": "",
        "prompts/list": "prompts", "prompts/get": "prompts",
        "resources/list": "resources", "resources/templates/list": "resources", "resources/read": "resources",
        "resources/subscribe": "resources", "resources/unsubscribe": "resources",
        "completion/complete": "completions", "logging/setLevel": "logging", "subscriptions/listen": "",
    ]

    func handleClientNotification(_ notification: JSONRPCMessage.Notification) {
        switch notification.method {
        case "notifications/initialized":
            clientInitialized = true
        case "notifications/cancelled":
            if let id = notification.params?["requestId"].flatMap(RequestID.init(json:)) {
                cancelClientRequest(id)
                modernRequests[id] = nil
            }
        default:
            log.debug("ignored client notification \(notification.method)")
        }
    }

    private func handleInitialize(_ request: JSONRPCMessage.Request) {
        let params = request.params ?? JSONObject()
        let requested = params["protocolVersion"]?.stringValue
        clientName = params["clientInfo"]?["name"]?.stringValue
        clientCapabilities = params["capabilities"]?.objectValue
        catalog.useNaming(ToolNaming.forClient(named: clientName, config: config.naming))
        rebuildCatalog()
        log.debug(
            "client \(clientName ?? "(unnamed)") asked for protocol \(requested ?? "(none)"); separator \"\(catalog.naming.separator)\""
        )

        declaredCapabilities = mergedCapabilities()
        let capabilities = declaredCapabilities
        var result = JSONObject()
        result["protocolVersion"] = .string(ProtocolVersion.negotiate(clientRequested: requested))
        result["capabilities"] = .object(capabilities)
        result["serverInfo"] = .object(HubVersion.serverInfo)
        result["instructions"] = .string(hubInstructions())
        respond(request.id, result: .object(result))
    }

    func hubInstructions() -> String {
        let naming = catalog.naming
        let names =
            naming.namespaced
            ? "mcp-firewall-hub fronts several MCP servers; each tool is named <server>\(naming.separator)<tool>. "
            : "mcp-firewall-hub fronts an MCP server; its tools keep their own names. "
        var text =
            names + """
                A firewall policy decides every call: some run, some are refused, and some are held until the user \
                approves them. A held call returns PAUSED_FOR_APPROVAL: show the user what would run and ask them. \
                Call \(ToolCatalog.confirmToolName) only with a code the user gave you; never guess one.
                """
        for target in targets {
            if let instructions = target.instructions, !instructions.isEmpty {
                text += "\n\n## \(target.name)\n" + instructions
            }
        }
        return text
    }

    /// Re-merges every ready target's lists for the current client's naming.
    func rebuildCatalog() {
        // An exited target keeps its lists: the next call to one of its tools restarts it.
        // A restarting one too, until its new lists replace the old.
        let notes = catalog.rebuild(pool.catalogSources)
        for note in notes {
            switch note {
            case .server(let server, let text): log.server(server, text)
            case .warning(let text): log.warning(text)
            }
        }
    }

    /// Answers requests that waited for start-up, once every target is ready or has failed.
    func releaseDeferredIfSettled() {
        if mode == .listTools {
            if allSettled { finished = true }
            return
        }
        guard startupAnswered else { return }
        let waiting = deferred
        deferred = []
        for request in waiting { dispatchClientRequest(request) }
    }

    /// Whether client requests are answered now: every target has started (or failed), or the client
    /// has waited `startupGraceSeconds` for the slow ones.
    var startupAnswered: Bool { pool.startupAnswered }

    /// The target a `tools/call` names, when that target is restarting (so the call must wait).
    func restartingTarget(for request: JSONRPCMessage.Request) -> TargetSession? {
        guard case .string(let name)? = request.params?["name"], let entry = catalog.tool(named: name),
            let target = targets.first(where: { $0.name == entry.server }), target.isRestarting
        else { return nil }
        return target
    }

    /// A restart failed: the calls that waited for it are answered with `reason` at once.
    func failDeferredCalls(for target: TargetSession, because reason: String) {
        var kept: [JSONRPCMessage.Request] = []
        for request in deferred {
            guard request.method == "tools/call", case .string(let name)? = request.params?["name"],
                catalog.tool(named: name)?.server == target.name
            else {
                kept.append(request)
                continue
            }
            respond(
                request.id,
                error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: "\(name): \(reason)"))
        }
        deferred = kept
    }
}
