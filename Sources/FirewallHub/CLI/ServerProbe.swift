import MCPWire

/// Starts servers of a hub.json, reads what each offers, and stops them: what `check --start` and
/// `explain` need from live servers. The one place the operator commands reach into the router (in its
/// `listTools` mode, as `tools` does); it changes nothing there. Nothing else is started.
enum ServerProbe {
    /// One server after its start-up.
    struct Server: Sendable {
        var name: String
        /// Why it could not start; nil when it is ready.
        var failure: String?
        /// Its `tools/list`, in its own order.
        var tools: [JSONObject]
        var promptCount: Int
        var resourceCount: Int
        /// `serverInfo` name and version, when given.
        var info: String?
        var modernProtocol: Bool
    }

    /// Starts `only` (every enabled server when nil), waits for each to be ready or to fail (up to its
    /// `startup_seconds`), and stops them again.
    static func run(
        config: HubConfig, only: Set<String>? = nil, environment: [String: String], log: HubLog
    ) async -> [Server] {
        var config = config
        if let only { config.servers = config.servers.filter { only.contains($0.name) } }
        guard !config.servers.isEmpty else { return [] }
        let router = HubRouter(config: config, environment: environment, log: log, mode: .listTools)
        await router.startAndSettle()
        let servers = router.targets.map { target -> Server in
            var failure: String?
            switch target.state {
            case .ready: failure = nil
            case .failed(let reason), .exited(let reason): failure = reason
            default: failure = "did not finish starting"
            }
            var info: String?
            let serverInfo = target.opened?.serverInfo
            if let name = serverInfo?["name"]?.stringValue {
                info = name + (serverInfo?["version"]?.stringValue.map { " " + $0 } ?? "")
            }
            return Server(
                name: target.name, failure: failure, tools: failure == nil ? target.tools : [],
                promptCount: target.lists[.prompts].count, resourceCount: target.lists[.resources].count,
                info: info, modernProtocol: target.era == .modern)
        }
        await router.stopAllTargets()
        return servers
    }

    /// The merged tool list a client with `clientName` would get from these servers (names, aliases,
    /// collisions), as the hub builds it.
    static func catalog(_ servers: [Server], naming: NamingConfig, clientName: String?) -> ToolCatalog {
        ToolCatalog(
            servers: servers.filter { $0.failure == nil }.map { (name: $0.name, tools: $0.tools) },
            naming: ToolNaming.forClient(named: clientName, config: naming))
    }
}
