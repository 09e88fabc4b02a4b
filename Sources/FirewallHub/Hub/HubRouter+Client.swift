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
            handleClientRequest(request)
        case .message(.notification(let notification)):
            handleClientNotification(notification)
        case .message(.response(let response)):
            handleClientResponse(response)
        }
    }

    func handleClientRequest(_ request: JSONRPCMessage.Request) {
        if shuttingDown {
            respond(request.id, error: .internalError("the hub is shutting down"))
            return
        }
        dispatchClientRequest(request)
    }

    /// Runs a request now, or defers it while the initial start-up is incomplete or while the target
    /// of a `tools/call` is restarting. Deferred requests come back here (not through the shutdown
    /// refusal above: they were accepted before it).
    private func dispatchClientRequest(_ request: JSONRPCMessage.Request) {
        switch request.method {
        case "initialize":
            handleInitialize(request)
        case "ping":
            respond(request.id, result: .object(JSONObject()))
        case "tools/list", "tools/call":
            if !allSettled || (request.method == "tools/call" && restartingTarget(for: request) != nil) {
                deferred.append(request)
                return
            }
            if request.method == "tools/list" { handleToolsList(request) } else { handleToolsCall(request) }
        default:
            respond(request.id, error: .methodNotFound(request.method))
        }
    }

    func handleClientNotification(_ notification: JSONRPCMessage.Notification) {
        switch notification.method {
        case "notifications/initialized":
            clientInitialized = true
        case "notifications/cancelled":
            if let id = notification.params?["requestId"].flatMap(RequestID.init(json:)) {
                cancelClientRequest(id)
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
        naming = ToolNaming.forClient(named: clientName, config: config.naming)
        rebuildCatalog()
        log.debug(
            "client \(clientName ?? "(unnamed)") asked for protocol \(requested ?? "(none)"); separator \"\(naming.separator)\""
        )

        var capabilities = JSONObject()
        capabilities["tools"] = ["listChanged": true]
        var serverInfo = JSONObject()
        serverInfo["name"] = .string(HubVersion.name)
        serverInfo["version"] = .string(HubVersion.version)
        var result = JSONObject()
        result["protocolVersion"] = .string(ProtocolVersion.negotiate(clientRequested: requested))
        result["capabilities"] = .object(capabilities)
        result["serverInfo"] = .object(serverInfo)
        result["instructions"] = .string(hubInstructions())
        respond(request.id, result: .object(result))
    }

    private func hubInstructions() -> String {
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

    func handleToolsList(_ request: JSONRPCMessage.Request) {
        if let cursor = request.params?["cursor"], !cursor.isNull {
            respond(request.id, error: .invalidParams("unknown cursor: the hub returns its whole list in one page"))
            return
        }
        var tools = catalog.entries.map { JSONValue.object($0.definition) }
        tools.append(FirewallConfirmTool.definition)
        respond(request.id, result: ["tools": .array(tools)])
    }

    /// Re-merges every ready target's tools for the current client's naming.
    func rebuildCatalog() {
        // An exited target keeps its tools listed: the next call to one restarts it.
        // A restarting one too, until its new list replaces the old.
        let ready = targets.filter { $0.state == .ready || $0.isExited || $0.isRestarting }
            .map { (name: $0.name, tools: $0.tools) }
        catalog = ToolCatalog(servers: ready, naming: naming)
        for (server, reason) in catalog.skipped { log.server(server, reason) }
    }

    /// Answers requests that waited for start-up, once every target is ready or has failed.
    func releaseDeferredIfSettled() {
        guard allSettled else { return }
        if mode == .listTools {
            finished = true
            return
        }
        let waiting = deferred
        deferred = []
        for request in waiting { dispatchClientRequest(request) }
    }

    /// The target a `tools/call` names, when that target is restarting (so the call must wait).
    func restartingTarget(for request: JSONRPCMessage.Request) -> TargetSession? {
        guard case .string(let name)? = request.params?["name"], let entry = catalog.resolve(name),
            let target = targets.first(where: { $0.name == entry.server }), target.isRestarting
        else { return nil }
        return target
    }

    /// A restart failed: the calls that waited for it are answered with `reason` at once.
    func failDeferredCalls(for target: TargetSession, because reason: String) {
        var kept: [JSONRPCMessage.Request] = []
        for request in deferred {
            guard request.method == "tools/call", case .string(let name)? = request.params?["name"],
                catalog.resolve(name)?.server == target.name
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
