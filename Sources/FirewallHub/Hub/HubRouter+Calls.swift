import MCPWire

/// `tools/call`: name resolution, policy, forwarding. Holding and approval live in HubRouter+Approval.
extension HubRouter {
    func handleToolsCall(_ request: JSONRPCMessage.Request, line: [UInt8]? = nil) {
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
        guard let entry = catalog.tool(named: name), let target = targets.first(where: { $0.name == entry.server })
        else {
            respond(request.id, error: .invalidParams("Unknown tool: \(name)"))
            return
        }
        if resumeReverseBridge(request, server: entry.server, tool: entry.tool, arguments: arguments) { return }
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
        let decision = catalog.decide(entry, arguments: arguments)
        if decision.action != .approve {
            log.info("call \(entry.exposedName) → \(decision.action.rawValue) (\(decision.rule))")
        }
        switch decision.action {
        case .allow:
            forward(
                request, to: target, entry: entry, arguments: arguments, meta: params["_meta"]?.objectValue, line: line)
        case .deny:
            respond(request.id, result: HeldCallText.denied(exposedName: entry.exposedName, rule: decision.rule))
        case .approve:
            if let grant = grants.match(server: target.name, tool: entry.tool, arguments: arguments, now: now()) {
                log.info(
                    "call \(entry.exposedName) → allow by grant \(grant.id) (\(grant.scope), given via \(grant.via))")
                forward(
                    request, to: target, entry: entry, arguments: arguments, meta: params["_meta"]?.objectValue,
                    line: line)
                return
            }
            let call = FrozenCall(
                server: target.name, tool: entry.tool, exposedName: entry.exposedName, arguments: arguments,
                meta: params["_meta"]?.objectValue, rule: decision.rule)
            if resumeModernApproval(request, call: call, target: target) { return }
            hold(request, call: call, target: target)
        }
    }

    /// Sends the client's call to its target under a hub-side id, with the target's own tool name.
    /// Everything else in `params` (arguments, `_meta`, …) passes through as the client sent it.
    /// `line`, the request's own bytes, is given when `arguments` and `meta` are the request's own.
    func forward(
        _ request: JSONRPCMessage.Request, to target: TargetSession, entry: CatalogEntry, arguments: JSONObject?,
        meta: JSONObject?, line: [UInt8]? = nil
    ) {
        let params = Self.toolCallParams(request.params, tool: entry.tool, arguments: arguments, meta: meta)
        forwardRequest(
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
}
