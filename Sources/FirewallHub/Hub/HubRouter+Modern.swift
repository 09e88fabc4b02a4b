import MCPWire

/// A client request that carried the 2026-07-28 `_meta` envelope: served statelessly, answered with
/// a modern result.
struct ModernClientRequest {
    var method: String
    var envelope: ModernEnvelope
}

/// Protocol 2026-07-28 toward the client: `server/discover`, the per-request envelope, modern results,
/// and approval by `InputRequiredResult` (MRTR) with a sealed `requestState`.
extension HubRouter {
    /// Reads a request's envelope. Returns false when the request was answered here (a malformed
    /// envelope, an unsupported version, or a method 2026-07-28 removed).
    func admitModernRequest(_ request: JSONRPCMessage.Request) -> Bool {
        let envelope: ModernEnvelope?
        do {
            envelope = try ModernEnvelope.parse(params: request.params)
        } catch {
            respond(request.id, error: error)
            return false
        }
        guard let envelope else { return true }
        if ModernMethods.isRemoved(request.method) {
            respond(request.id, error: ModernMethods.removedMethodError(request.method))
            return false
        }
        modernRequests[request.id] = ModernClientRequest(method: request.method, envelope: envelope)
        // A modern client has no handshake: its envelope's clientInfo picks the tool naming, unless a
        // legacy client initialized this process.
        if !clientInitialized, let name = envelope.clientInfo?["name"]?.stringValue, name != clientName {
            clientName = name
            catalog.useNaming(ToolNaming.forClient(named: name, config: config.naming))
            rebuildCatalog()
        }
        return true
    }

    /// Turns the answer to a modern request into a modern result (`resultType`, cache fields, serverInfo).
    func modernized(_ response: JSONRPCMessage.Response) -> JSONRPCMessage.Response {
        guard let id = response.id, let modern = modernRequests.removeValue(forKey: id) else { return response }
        guard case .result(let value) = response.outcome, let object = value.objectValue else { return response }
        let result = ModernResult.complete(object, serverInfo: HubVersion.serverInfo, method: modern.method)
        return JSONRPCMessage.Response(id: id, outcome: .result(.object(result)))
    }

    func isModern(_ id: RequestID) -> Bool { modernRequests[id] != nil }

    func handleDiscover(_ request: JSONRPCMessage.Request) {
        let result = ModernResult.discoverResult(
            supportedVersions: ProtocolVersion.legacy + ModernEnvelope.modernVersions,
            capabilities: modernCapabilities(), instructions: hubInstructions(), serverInfo: HubVersion.serverInfo)
        respond(request.id, result: .object(result))
    }

    /// The merged capabilities as a modern client may use them: list changes and resource
    /// subscriptions come on the hub's `subscriptions/listen` streams (HubRouter+Listen); log messages
    /// follow each request's `_meta` log level.
    func modernCapabilities() -> JSONObject {
        mergedCapabilities()
    }

    /// The capabilities of the client that sent `request`: its envelope's, or its `initialize`'s.
    func clientCapabilities(for request: JSONRPCMessage.Request) -> JSONObject? {
        modernRequests[request.id]?.envelope.clientCapabilities ?? clientCapabilities
    }

    // MARK: - Approval by MRTR

    /// For a modern client that declared form elicitation, a held call answers an `InputRequiredResult`.
    /// Returns false when this request is not such (the other channels apply).
    func holdForModernClient(_ request: JSONRPCMessage.Request, call: FrozenCall) -> Bool {
        guard let modern = modernRequests[request.id], ModernApprovalPrompt.clientCanAnswer(modern.envelope) else {
            return false
        }
        let lifetime = Double(config.approval.codeTTLSeconds)
        let (result, _) = ModernApprovalPrompt.hold(call, seal: requestStateSeal, now: now(), lifetime: lifetime)
        log.info("asking the user to approve \(call.exposedName) through the client (input_required; \(call.rule))")
        respond(request.id, result: .object(result))
        return true
    }

    /// A retried `tools/call` of a tool that needs approval, carrying MRTR fields. Returns false when
    /// it carries none (a fresh call: hold it as usual).
    func resumeModernApproval(_ request: JSONRPCMessage.Request, call: FrozenCall, target: TargetSession) -> Bool {
        guard isModern(request.id) else { return false }
        let fields: ModernResult.RetryFields
        do {
            fields = try ModernResult.retryFields(of: request.params)
        } catch {
            respond(request.id, error: error)
            return true
        }
        if fields.requestState == nil { return false }
        if let state = fields.requestState, isAllowedTargetRetry(call, requestState: state) {
            // The target's own input round trip on a call the user approved: it goes to the target as is.
            let entry = CatalogEntry(
                exposedName: call.exposedName, server: call.server, tool: call.tool, definition: JSONObject())
            forward(request, to: target, entry: entry, arguments: call.arguments, meta: call.meta)
            return true
        }
        switch ModernApprovalPrompt.resume(
            fields, call: call, seal: requestStateSeal, ledger: &requestStateLedger, now: now())
        {
        case .fresh:
            return false
        case .stillNeeded:
            respond(
                request.id,
                result: .object(ModernApprovalPrompt.inputRequired(for: call, requestState: fields.requestState!)))
        case .approved(let scope, _):
            if let grant = grants.grant(scope, for: call, via: "elicitation (input_required)", now: now()) {
                log.info("grant \(grant.id): \(call.server)/\(call.tool) for \(grant.scope)")
            }
            log.info("the user approved \(call.exposedName); running it")
            var replay = request
            replay.params = ModernResult.withoutRetryFields(request.params)
            runApproved(call, answering: replay, meta: replay.params?["_meta"]?.objectValue)
        case .declined(let reason, _):
            log.info("\(call.exposedName) was declined: \(reason)")
            respond(request.id, result: HeldCallText.declined(call: call, reason: reason))
        case .refused(let failure):
            log.warning("refused a requestState for \(call.exposedName): \(failure)")
            respond(request.id, error: .invalidParams("requestState refused: \(failure)"))
        }
        return true
    }
}
