import MCPWire

/// Owns: the flow of a `tools/call` — name → catalog entry → the target's state → the policy decision
/// (allow: forward; deny: refuse; approve: a grant, an MRTR retry, or a hold at the approval desk).
/// Never: decides policy itself (the catalog does) or holds a call (the desk does).
extension HubRouter {
    func handleToolsCall(_ request: ClientRequest, line: [UInt8]? = nil) {
        guard let params = request.params else {
            answer(request.ticket, error: .invalidParams("tools/call needs params with a \"name\""))
            return
        }
        guard case .string(let name)? = params["name"] else {
            answer(request.ticket, error: .invalidParams("tools/call needs \"name\" to be a string"))
            return
        }
        var arguments: JSONObject?
        switch params["arguments"] {
        case nil: arguments = nil
        case .object(let object)?: arguments = object
        case let other?:
            answer(request.ticket, error: .invalidParams("\"arguments\" must be an object, not \(other.typeName)"))
            return
        }
        if name == ToolCatalog.confirmToolName {
            handleConfirm(request, arguments: arguments ?? JSONObject())
            return
        }
        if handleDiscoveryCall(request, params: params) { return }
        if pins.holdsTools, catalog.tool(named: name) == nil, refuseHeldNewTool(request, name: name) { return }
        guard let entry = catalog.tool(named: name), let target = pool.named(entry.server) else {
            answerUnknownTool(request, name: name)
            return
        }
        if resumeReverseBridge(request, server: entry.server, tool: entry.tool, arguments: arguments) { return }
        if target.isExited {
            if let refusal = restartForCall(target) {
                answer(request.ticket, error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: refusal))
            } else {
                calls.deferRequest(request.ticket, request.request)
            }
            return
        }
        guard target.state == .ready else {
            answer(
                request.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(entry.exposedName): server \"\(target.name)\" is not available"))
            return
        }
        // A definition that differs from what a person pinned is held before any policy is asked.
        if let refusal = pinRefusal(entry) {
            refuseHeldByPin(request, entry: entry, refusal: refusal, arguments: arguments)
            return
        }
        // The server's policy, then session policy (flows, limits, the guard), which only makes it stricter.
        let verdict = callVerdict(entry, decision: catalog.decide(entry, arguments: arguments))
        let meta = params["_meta"]?.objectValue
        let record =
            audit == nil
            ? nil
            : auditCall(
                request.ticket, server: entry.server, tool: entry.tool, exposedName: entry.exposedName,
                arguments: arguments, meta: meta)
        switch verdict {
        case .allow(let rule):
            if let record, !auditAdmit(.decision(record, .allowed(rule: rule)), refusing: request.ticket) { return }
            forwardCall(request, to: target, entry: entry, arguments: arguments, meta: meta, line: line)
        case .deny(let rule, let flow):
            if let record { auditRecord(.decision(record, .denied(rule: rule))) }
            answer(
                request.ticket,
                result: flow.map { sessionDenied(entry.exposedName, $0) }
                    ?? HeldCallText.denied(exposedName: entry.exposedName, rule: rule))
        case .approve(let rule, let grants, let flow):
            if let grant = desk.grant(
                server: target.name, tool: entry.tool, arguments: arguments, now: now(),
                accepts: grantAccepted(grants))
            {
                log.info(
                    "call \(entry.exposedName) → allow by grant \(grant.id) (\(grant.scope), given via \(grant.via))")
                if let record,
                    !auditAdmit(
                        .decision(record, .granted(rule: rule, grantID: grant.id, scope: "\(grant.scope)")),
                        refusing: request.ticket)
                {
                    return
                }
                forwardCall(request, to: target, entry: entry, arguments: arguments, meta: meta, line: line)
                return
            }
            let call = FrozenCall(
                server: target.name, tool: entry.tool, exposedName: entry.exposedName, arguments: arguments,
                meta: meta, rule: rule)
            if resumeModernApproval(request, call: call, target: target) { return }
            hold(request, call: call, target: target, note: sessionHeldNote(flow))
        }
    }

    /// Sends the client's call to its target under a hub-side id, with the target's own tool name.
    /// Everything else in `params` (arguments, `_meta`, …) passes through as the client sent it.
    /// `line`, the request's own bytes, is given when `arguments` and `meta` are the request's own.
    func forwardCall(
        _ request: ClientRequest, to target: TargetSession, entry: CatalogEntry, arguments: JSONObject?,
        meta: JSONObject?, line: [UInt8]? = nil
    ) {
        let params = Self.toolCallParams(request.params, tool: entry.tool, arguments: arguments, meta: meta)
        sessionForwarded(request.ticket, entry: entry)
        if audit != nil {
            auditForwarded(
                request.ticket,
                auditCall(
                    request.ticket, server: entry.server, tool: entry.tool, exposedName: entry.exposedName,
                    arguments: arguments, meta: meta))
        }
        forward(
            request, method: "tools/call", params: params, to: target, label: entry.exposedName,
            splice: line.map { ($0, entry.tool) })
    }

    /// The params of a `tools/call` for its target (the general path, which `FastPath` splices around):
    /// the client's, with the target's own tool name, and `arguments` and `_meta` as given.
    static func toolCallParams(
        _ clientParams: JSONObject?, tool: String, arguments: JSONObject?, meta: JSONObject?
    ) -> JSONObject {
        var params = clientParams ?? JSONObject()
        params["name"] = .string(tool)
        if let arguments { params["arguments"] = .object(arguments) }
        if let meta { params["_meta"] = .object(meta) }
        return params
    }

    /// Sends a client request to `target` under a hub-side id (the call table's). A client progress token
    /// is swapped for a hub token, so a target can only report progress on requests the hub sent it.
    /// `splice` is the request's own bytes with the target's name for what it calls: sent as they are,
    /// re-addressed, when `FastPath` says nothing else changes on the way.
    func forward(
        _ request: ClientRequest, method: String, params: JSONObject, to target: TargetSession, label: String,
        splice: (line: [UInt8], name: String)? = nil
    ) {
        guard target.inputBacklog <= TargetSession.maxInputBacklog else {  // it does not read: nothing piles up
            answer(
                request.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message:
                        "\(label): server \"\(target.name)\" is not reading its input (\(target.inputBacklog) bytes waiting)"
                ))
            return
        }
        if let responses = params["inputResponses"], withholdsApprovalCode(responses, toward: target) {
            answer(request.ticket, error: Self.withheldAnswer)  // a modern client's answers to a modern target
            return
        }
        var params = params
        if target.era == .legacy {
            // The client's envelope (and MRTR fields) are for the hub; a legacy target gets a legacy request.
            if request.isModern {
                params = ModernEnvelope.stripped(ModernResult.withoutRetryFields(params)) ?? JSONObject()
            }
        } else {
            params = ModernEnvelope.stripped(params) ?? JSONObject()  // `sendRequest` stamps the hub's envelope
        }
        var clientToken: JSONValue?
        var hubToken: String?
        if case .object(var meta)? = params["_meta"], let token = meta["progressToken"] {
            let swapped = calls.newProgressToken()
            clientToken = token
            hubToken = swapped
            meta["progressToken"] = .string(swapped)
            params["_meta"] = .object(meta)
        }
        let hubID = calls.newID(target: target.index)
        let call = ForwardedCall(
            ticket: request.ticket, clientEra: request.era, label: label, method: method, params: params,
            progressToken: hubToken, timer: startCallTimer(target, hubID: hubID))
        calls.forward(call, to: target.index, id: hubID, clientToken: clientToken)
        if let splice,
            let spliced = FastPath.request(
                splice.line, clientEra: request.era, targetEra: target.era, swapsProgressToken: hubToken != nil)
        {
            target.send(spliced.bytes(id: hubID, name: splice.name))
        } else {
            target.sendRequest(
                id: hubID, method: method, params: params, clientCapabilities: client.bridgeable(for: request.modern),
                logLevel: client.targetLogLevel(for: request.modern, isModern: request.isModern))
        }
    }

    // MARK: - Approval by MRTR (2026-07-28 clients)

    /// A retried `tools/call` of a tool that needs approval, carrying MRTR fields. Returns false when it
    /// carries none (a fresh call: hold it as usual).
    private func resumeModernApproval(_ request: ClientRequest, call: FrozenCall, target: TargetSession) -> Bool {
        guard request.isModern else { return false }
        let fields: ModernResult.RetryFields
        do {
            fields = try ModernResult.retryFields(of: request.params)
        } catch {
            answer(request.ticket, error: error)
            return true
        }
        guard let state = fields.requestState else { return false }
        if desk.takeTargetRetry(call, requestState: state, now: now()) {
            // The target's own input round trip on a call the user approved: it goes to the target as is.
            let entry = CatalogEntry(
                exposedName: call.exposedName, server: call.server, tool: call.tool, definition: JSONObject())
            forwardCall(request, to: target, entry: entry, arguments: call.arguments, meta: call.meta)
            return true
        }
        switch desk.resumeModern(fields, call: call, now: now()) {
        case .fresh:
            return false
        case .stillNeeded:
            answer(
                request.ticket, result: .object(ModernApprovalPrompt.inputRequired(for: call, requestState: state)))
        case .approved(let scope, _):
            if let grant = desk.grant(scope, for: call, via: "elicitation (input_required)", now: now()) {
                log.info("grant \(grant.id): \(call.server)/\(call.tool) for \(grant.scope)")
            }
            log.info("the user approved \(call.exposedName); running it")
            var replay = request
            replay.request.params = ModernResult.withoutRetryFields(request.params)
            runApproved(call, answering: replay, meta: replay.params?["_meta"]?.objectValue)
        case .declined(let reason, _):
            log.info("\(call.exposedName) was declined: \(reason)")
            answer(request.ticket, result: HeldCallText.declined(call: call, reason: reason))
        case .refused(let failure):
            log.warning("refused a requestState for \(call.exposedName): \(failure)")
            answer(request.ticket, error: .invalidParams("requestState refused: \(failure)"))
        }
        return true
    }
}
