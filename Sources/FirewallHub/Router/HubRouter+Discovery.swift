import MCPWire

/// Owns: the flow of the three discovery tools (`search_tools`, `describe_tool`, `call_tool`) and of
/// names a client may not know (unknown or hidden tools). A `call_tool` becomes the very tools/call it
/// names and is dispatched as one: same deferral, policy, session policy, approval and log line.
/// Never: decides, holds or runs a target tool itself (`DiscoveryCatalog.handle` only reads).
extension HubRouter {
    /// A call of one of the discovery tools, answered or routed; false for any other name (or when no
    /// server is in `discover` mode: then these names are unknown like any other).
    func handleDiscoveryCall(_ request: ClientRequest, params: JSONObject) -> Bool {
        guard catalog.listing.discoveryEnabled else { return false }
        let catalog = self.catalog
        let action = catalog.listing.discovery.handle(params: params) { catalog.tool(named: $0)?.exposedName }
        switch action {
        case nil:
            return false
        case .answer(let result)?:
            if let asked = params["arguments"]?["name"]?.stringValue,
                let rule = catalog.listing.hiddenRule(named: asked)
            {
                log.info("\(params["name"]?.stringValue ?? "") \(asked) → refused as unknown: hidden (\(rule))")
            }
            answer(request.ticket, result: result)
        case .route(let name, let routed)?:
            log.debug("call_tool \(name): run as a direct call")
            var direct = request
            direct.request.params = routed
            // Not the request's own bytes: those name call_tool, so nothing may be spliced from them.
            dispatch(direct, line: nil)
        }
        return true
    }

    /// A name no listed tool has: the same answer whether the tool does not exist or `policy.hide` hides
    /// it (a hidden tool cannot be probed); only the log names the `hide` glob.
    func answerUnknownTool(_ request: ClientRequest, name: String) {
        if let rule = catalog.listing.hiddenRule(named: name) {
            log.info("call \(name) → refused as unknown: hidden (\(rule))")
        }
        answer(request.ticket, error: .invalidParams("Unknown tool: \(name)"))
    }
}
