import MCPWire

/// What the configured servers list right now, learned the way `tools` learns it: start them, list,
/// stop. Used by `pins diff` and the `tools` pin column; the only place besides `ToolsCommand` where
/// the command line drives the router (one function to adapt when the router changes).
enum LiveDefinitions {
    struct Server: Equatable {
        var name: String
        /// Each tool as the server listed it (its own name, not the namespaced one).
        var tools: [JSONObject]
        var instructions: String?
        /// Why the server could not be listed; its tools are then empty.
        var failure: String?
    }

    /// Starts `config`'s servers, lists them, stops them.
    static func fetch(config: HubConfig, environment: [String: String], log: HubLog) async -> [Server] {
        let router = HubRouter(config: config, environment: environment, log: log, mode: .listTools, policies: nil)
        await router.startAndSettle()
        router.rebuildCatalog()
        let servers = snapshot(router)
        await router.stopAllTargets()
        return servers
    }

    /// The servers of a started router whose catalog is built.
    static func snapshot(_ router: HubRouter) -> [Server] {
        router.targets.map { target in
            var failure: String?
            if case .failed(let reason) = target.state { failure = reason }
            let tools = router.catalog.entries(forServer: target.name).map { entry -> JSONObject in
                var definition = entry.definition
                definition["name"] = .string(entry.tool)
                return definition
            }
            return Server(name: target.name, tools: tools, instructions: target.instructions, failure: failure)
        }
    }
}
