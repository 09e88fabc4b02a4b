import MCPWire

/// Owns: what a client may see and find of the merged tools — `policy.hide` (a hidden tool never
/// enters the catalog; its names are kept only so the log can name the `hide` glob), each server's
/// listing mode, the shaped `tools/list` (`ToolListShaping`) and, when some server is in `discover`
/// mode, the discovery catalog with its search index. Never: decides a call (the catalog's policies
/// do) or reads session state (what is listed never depends on the session).
final class CatalogListing {
    private let hidings: [String: ToolHiding]
    private let modes: [String: ListingMode]
    /// Some server is in `discover` mode: the three discovery tools are listed and answer.
    let discoveryEnabled: Bool
    private let namingVariesByClient: Bool
    /// `--target` mode (one server, its own names): the list keeps the server's own order, as the
    /// MCP Action Firewall it replaces did.
    private let keepsTargetOrder: Bool
    /// The client's `tools/list`, shaped at the last rebuild.
    private(set) var toolList: ClientToolList
    /// The tools `search_tools`, `describe_tool` and `call_tool` know (empty unless `discoveryEnabled`).
    private(set) var discovery = DiscoveryCatalog()
    /// Every name a client could try for a hidden tool (its joined name, `server.tool`, `server__tool`)
    /// → the `hide` glob, for the log line only: the client gets the unknown-tool answer.
    private var hiddenNames: [String: String] = [:]

    init(config: HubConfig) {
        var hidings: [String: ToolHiding] = [:]
        var modes: [String: ListingMode] = [:]
        for server in config.servers {
            hidings[server.name] = ToolHiding(server: server)
            modes[server.name] = config.listingMode(for: server)
        }
        self.hidings = hidings
        self.modes = modes
        discoveryEnabled = config.discoveryEnabled
        namingVariesByClient = config.naming.variesByClient
        keepsTargetOrder = !config.naming.namespaced
        toolList = ToolListShaping.build(
            servers: [], hubTools: [FirewallConfirmTool.definition], namingVariesByClient: namingVariesByClient)
    }

    /// Names no target tool may take: the hub's own tools.
    var reservedNames: Set<String> {
        var names: Set<String> = [ToolCatalog.confirmToolName]
        if discoveryEnabled { names.formUnion(DiscoveryTools.names) }
        return names
    }

    /// Each server's tools without the hidden ones (remembering their names for `hiddenRule`).
    func visible(_ servers: [Catalog.ServerLists], naming: ToolNaming) -> [(name: String, tools: [JSONObject])] {
        hiddenNames = [:]
        return servers.map { server in
            guard let hiding = hidings[server.name], !hiding.isEmpty else { return (server.name, server.tools) }
            let kept = server.tools.filter { tool in
                guard let name = tool["name"]?.stringValue, let rule = hiding.rule(for: name) else { return true }
                for spelling in [
                    naming.join(server: server.name, tool: name), server.name + "." + name,
                    server.name + "__" + name,
                ] {
                    hiddenNames[spelling] = rule
                }
                return false
            }
            return (server.name, kept)
        }
    }

    /// Whether `policy.hide` hides `server`'s `tool` (whatever else holds it back).
    func hides(server: String, tool: String) -> Bool { hidings[server]?.rule(for: tool) != nil }

    /// The `hide` glob behind a name a client called, when it names a hidden tool (for the log).
    func hiddenRule(named name: String) -> String? { hiddenNames[name] }

    /// After the catalog was rebuilt from `servers` (config order): re-shapes the client's list and
    /// brings the discovery catalog up to date (only servers whose tools changed are re-indexed).
    func update(entries: [CatalogEntry], servers: [Catalog.ServerLists], policies: [String: any ToolPolicy]) {
        var byServer: [String: [DiscoverableTool]] = [:]
        if discoveryEnabled {
            let tools = entries.compactMap { entry -> DiscoverableTool? in
                guard let policy = policies[entry.server], let hiding = hidings[entry.server] else { return nil }
                return DiscoverableTool.make(entry, policy: policy, hiding: hiding)
            }
            discovery.sync(tools)
            for tool in tools { byServer[tool.server, default: []].append(tool) }
        } else {
            // Only names and definitions shape an `all` list: no policy is asked for tools no one searches.
            for entry in entries {
                byServer[entry.server, default: []].append(
                    DiscoverableTool(
                        name: entry.exposedName, server: entry.server, tool: entry.tool, definition: entry.definition,
                        decision: PolicyDecision(action: .allow, rule: "(not searched)")))
            }
        }
        let shaped = servers.map { server in
            ToolListShaping.ServerTools(
                name: server.name, mode: modes[server.name] ?? .all, tools: byServer[server.name] ?? [],
                ttlMs: server.toolsTTLMs)
        }
        toolList = ToolListShaping.build(
            servers: shaped, hubTools: [FirewallConfirmTool.definition], namingVariesByClient: namingVariesByClient)
        if keepsTargetOrder {
            toolList.tools = entries.map { .object($0.definition) } + [FirewallConfirmTool.definition]
        }
    }
}
