import MCPWire

/// `tools/call`: name resolution, policy, holding for approval, `firewall_confirm`, forwarding.
extension HubRouter {
    func handleToolsCall(_ request: JSONRPCMessage.Request) {
        guard let params = request.params else {
            respond(request.id, error: .invalidParams("tools/call needs params with a \"name\""))
            return
        }
        guard case .string(let name)? = params["name"] else {
            respond(request.id, error: .invalidParams("tools/call needs \"name\" to be a string"))
            return
        }
        var arguments: JSONObject?
        switch params["arguments"] {
        case nil: arguments = nil
        case .object(let object)?: arguments = object
        case let other?:
            respond(request.id, error: .invalidParams("\"arguments\" must be an object, not \(other.typeName)"))
            return
        }
        if name == ToolCatalog.confirmToolName {
            handleConfirm(request, arguments: arguments ?? JSONObject())
            return
        }
        guard let entry = catalog.resolve(name), let target = targets.first(where: { $0.name == entry.server }) else {
            respond(request.id, error: .invalidParams("Unknown tool: \(name)"))
            return
        }
        if target.isExited {
            if let refusal = restartForCall(target) {
                respond(request.id, error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: refusal))
            } else {
                deferred.append(request)
            }
            return
        }
        guard target.state == .ready else {
            respond(
                request.id,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(entry.exposedName): server \"\(target.name)\" is not available"))
            return
        }
        let decision = policies[target.name]!.decide(
            tool: entry.tool, annotations: entry.annotations, arguments: arguments)
        log.info("call \(entry.exposedName) → \(decision.action.rawValue) (\(decision.rule))")
        switch decision.action {
        case .allow:
            forward(request, to: target, entry: entry, arguments: arguments, meta: params["_meta"]?.objectValue)
        case .deny:
            respond(request.id, result: HeldCallText.denied(exposedName: entry.exposedName, rule: decision.rule))
        case .approve:
            hold(request, target: target, entry: entry, arguments: arguments, rule: decision.rule)
        }
    }

    /// Sends the client's call to its target under a hub-side id, with the target's own tool name.
    /// Everything else in `params` (arguments, `_meta`, …) passes through as the client sent it.
    func forward(
        _ request: JSONRPCMessage.Request, to target: TargetSession, entry: CatalogEntry, arguments: JSONObject?,
        meta: JSONObject?
    ) {
        var params = request.params ?? JSONObject()
        params["name"] = .string(entry.tool)
        if let arguments { params["arguments"] = .object(arguments) }
        if let meta { params["_meta"] = .object(meta) }
        let seconds = Double(target.config.timeouts.callSeconds)
        let hubID = target.send(
            method: "tools/call", params: params,
            purpose: .clientCall(clientID: request.id, exposedName: entry.exposedName, timer: nil))
        let timer = startTimer(after: seconds, .call(target: target.index, hubID: hubID))
        target.setTimer(timer, for: hubID)
    }

    private func hold(
        _ request: JSONRPCMessage.Request, target: TargetSession, entry: CatalogEntry, arguments: JSONObject?,
        rule: String
    ) {
        let approval = config.approval
        if approval.codeDelivery != .agent {
            respond(request.id, result: HeldCallText.noChannel(exposedName: entry.exposedName, rule: rule))
            return
        }
        let call = FrozenCall(
            server: target.name, tool: entry.tool, exposedName: entry.exposedName, arguments: arguments,
            meta: request.params?["_meta"]?.objectValue, rule: rule)
        let held = approvals.hold(call, now: now())
        log.info("held \(entry.exposedName) for approval as \(held.id) (\(rule))")
        respond(request.id, result: HeldCallText.held(call: call, held: held, ttlSeconds: approval.codeTTLSeconds))
    }

    private func handleConfirm(_ request: JSONRPCMessage.Request, arguments: JSONObject) {
        let confirm: ConfirmRequest
        switch ConfirmRequest.parse(arguments) {
        case .success(let parsed): confirm = parsed
        case .failure(let problem):
            respond(request.id, result: HeldCallText.confirmError(problem.message))
            return
        }
        approvals.removeExpired(now: now())
        let outcome =
            confirm.deny
            ? approvals.deny(code: confirm.code, callID: confirm.callID, now: now())
            : approvals.confirm(code: confirm.code, callID: confirm.callID, now: now())
        switch outcome {
        case .approved(let call):
            guard call.digestMatches, let target = targets.first(where: { $0.name == call.server })
            else {
                respond(
                    request.id, result: HeldCallText.confirmError("the held call no longer matches what was approved"))
                return
            }
            log.info("approved \(call.exposedName); running it")
            guard target.state == .ready else {
                respond(
                    request.id,
                    error: JSONRPCError(
                        code: JSONRPCError.targetUnavailableCode,
                        message:
                            "\(call.exposedName): server \"\(target.name)\" is not available; the approval was used up")
                )
                return
            }
            // The replay keeps the original call's `_meta`; a progress token of the confirm call wins,
            // because that is the request the client is now waiting on.
            var meta = call.meta ?? JSONObject()
            if let token = request.params?["_meta"]?["progressToken"] { meta["progressToken"] = token }
            var replay = request
            var params = JSONObject()
            params["name"] = .string(call.tool)
            replay.params = params
            let entry = CatalogEntry(
                exposedName: call.exposedName, server: call.server, tool: call.tool, definition: JSONObject())
            forward(replay, to: target, entry: entry, arguments: call.arguments, meta: meta.isEmpty ? nil : meta)
        default:
            log.info("firewall_confirm: \(HeldCallText.describe(outcome))")
            respond(request.id, result: HeldCallText.confirmOutcome(outcome))
        }
    }
}
