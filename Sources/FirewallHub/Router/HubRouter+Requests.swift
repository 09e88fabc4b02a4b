import MCPWire

/// Owns: the flow of the client's requests that go to one target besides tools — `prompts/get`,
/// `resources/read|subscribe|unsubscribe` (under the server's resource policy), `completion/complete` —
/// and `logging/setLevel`, passed to every target that logs. Never: lets a denied URI reach a target.
extension HubRouter {
    /// The ready target called `server`, or an error answer to `request` and nil.
    private func readyTarget(_ server: String, for request: ClientRequest, label: String) -> TargetSession? {
        guard let target = pool.named(server), target.state == .ready else {
            answer(
                request.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode, message: "\(label): server \"\(server)\" is not available"
                ))
            return nil
        }
        return target
    }

    func handlePromptsGet(_ request: ClientRequest) {
        guard var params = request.params, case .string(let name)? = params["name"] else {
            answer(request.ticket, error: .invalidParams("prompts/get needs \"name\" (a string)"))
            return
        }
        guard let entry = catalog.prompt(named: name) else {
            answer(request.ticket, error: .invalidParams("Unknown prompt: \(name)"))
            return
        }
        guard let target = readyTarget(entry.server, for: request, label: name) else { return }
        params["name"] = .string(entry.tool)
        forward(request, method: request.method, params: params, to: target, label: name)
    }

    /// `resources/read`, `resources/subscribe`, `resources/unsubscribe`: routed by URI, under the
    /// server's resource policy (a denied URI never reaches the target).
    func handleResourceRequest(_ request: ClientRequest) {
        guard var params = request.params, case .string(let uri)? = params["uri"] else {
            answer(request.ticket, error: .invalidParams("\(request.method) needs \"uri\" (a string)"))
            return
        }
        guard let owner = routeResource(uri, for: request) else { return }
        guard let target = readyTarget(owner.server, for: request, label: uri) else { return }
        params["uri"] = .string(owner.uri)
        if request.method == "resources/read" {
            forward(request, method: request.method, params: params, to: target, label: uri)
        } else {
            handleSubscriptionRequest(request, target: target, uri: owner.uri, params: params, label: uri)
        }
    }

    /// The server and its own URI for a URI the client names, under that server's resource policy
    /// (judged on the URI the target will receive); otherwise an error answer to `request` and nil.
    private func routeResource(
        _ uri: String, for request: ClientRequest, notFound: JSONRPCError? = nil
    ) -> (server: String, uri: String)? {
        let routed: (server: String, uri: String)?
        do {
            routed = try catalog.route(uri: uri)
        } catch {
            answer(request.ticket, error: .invalidParams("\(request.method): \(error)"))
            return nil
        }
        guard let owner = routed else {
            answer(
                request.ticket,
                error: notFound
                    ?? JSONRPCError(code: -32002, message: "Resource not found: \(uri)", data: ["uri": .string(uri)]))
            return nil
        }
        let (allowed, rule) = catalog.resourceDecision(server: owner.server, uri: owner.uri)
        if !allowed {
            log.info("\(request.method) \(uri) → deny (\(rule))")
            answer(request.ticket, error: .invalidParams("\(uri) is denied by the firewall policy (\(rule))"))
            return nil
        }
        return owner
    }

    func handleCompletion(_ request: ClientRequest) {
        guard var params = request.params, case .object(var ref)? = params["ref"] else {
            answer(request.ticket, error: .invalidParams("completion/complete needs \"ref\""))
            return
        }
        let server: String
        switch (ref["type"]?.stringValue, ref["name"]?.stringValue, ref["uri"]?.stringValue) {
        case ("ref/prompt", let name?, _):
            guard let entry = catalog.prompt(named: name) else {
                answer(request.ticket, error: .invalidParams("Unknown prompt: \(name)"))
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
            answer(
                request.ticket,
                error: .invalidParams("ref must be a ref/prompt with a name or a ref/resource with a uri"))
            return
        }
        guard let target = readyTarget(server, for: request, label: "completion/complete") else { return }
        params["ref"] = .object(ref)
        forward(request, method: request.method, params: params, to: target, label: "completion/complete")
    }

    /// `logging/setLevel`: remembered, and passed to every target that logs.
    func handleSetLevel(_ request: ClientRequest) {
        guard case .string(let level)? = request.params?["level"], client.setLevel(level) else {
            answer(
                request.ticket,
                error: .invalidParams("level must be one of " + ClientSession.logLevels.joined(separator: ", ")))
            return
        }
        for target in pool.live
        where target.state == .ready && target.era == .legacy && target.capabilities?["logging"] != nil {
            self.request(target, "logging/setLevel", params: ["level": .string(level)], purpose: .internalRequest)
        }
        answer(request.ticket, result: .object(JSONObject()))
    }
}
