import MCPWire

/// Owns: what a client can name and what each name means — the merged tool and prompt catalogs, the
/// resource map, this client's tool naming, and each server's tool and resource policy. Never: talks to
/// a process, holds a call, or changes a name's meaning within a session (`ToolNameLedger`).
///
/// Rebuilt from the targets' lists (`rebuild`) whenever a list or the client's naming changes; every
/// look-up (`tool(named:)`, `prompt(named:)`, `route(uri:)`) and decision (`decide`) reads the current one.
final class Catalog {
    /// One server's lists, as the target pool has them.
    struct ServerLists {
        var name: String
        var tools: [JSONObject]
        var prompts: [JSONObject]
        var resources: [JSONObject]
        var templates: [JSONObject]
    }

    /// Something a rebuild noticed, for the log: about one server, or a warning for the whole hub.
    enum Note: Equatable {
        case server(String, String)
        case warning(String)
    }

    private(set) var naming: ToolNaming
    private(set) var tools: ToolCatalog
    private(set) var prompts: ToolCatalog
    private(set) var resources = ResourceMap()
    /// Each server's tool policy, by server name.
    let policies: [String: any ToolPolicy]
    private let resourcePolicies: [String: ResourcePolicy]

    init(config: HubConfig, policies overrides: [String: any ToolPolicy]? = nil, clientName: String? = nil) {
        naming = ToolNaming.forClient(named: clientName, config: config.naming)
        let initial = ToolNaming(separator: ".", maxLength: 64, allowsDots: true)
        tools = ToolCatalog(servers: [], naming: initial)
        prompts = ToolCatalog(servers: [], naming: initial)
        var policies: [String: any ToolPolicy] = [:]
        var resourcePolicies: [String: ResourcePolicy] = [:]
        for server in config.servers {
            policies[server.name] = overrides?[server.name] ?? PolicyEngine(server: server, defaults: config.defaults)
            resourcePolicies[server.name] = server.policy.resources
        }
        self.policies = policies
        self.resourcePolicies = resourcePolicies
    }

    /// The naming for a client (by its `clientInfo.name`); the caller rebuilds after a change.
    func useNaming(_ naming: ToolNaming) {
        self.naming = naming
    }

    /// Re-merges the lists of the servers that are live (in config order) under the current naming.
    /// Names given out earlier in the session keep their meaning (the ledgers carry over).
    func rebuild(_ servers: [ServerLists]) -> [Note] {
        var notes: [Note] = []
        tools = ToolCatalog(servers: servers.map { ($0.name, $0.tools) }, naming: naming, ledger: tools.ledger)
        notes += tools.skipped.map { .server($0.server, $0.reason) }
        notes += tools.collisions.map { .warning($0) }
        prompts = ToolCatalog(
            servers: servers.map { ($0.name, $0.prompts) }, naming: naming, reserved: [], ledger: prompts.ledger)
        notes += prompts.collisions.map { .warning("prompts: " + $0) }
        var policies: [String: ResourcePolicy] = [:]
        for server in servers { policies[server.name] = resourcePolicies[server.name] }
        resources = ResourceMap(
            servers: servers.map { ($0.name, $0.resources, $0.templates) }, policies: policies)
        notes += resources.skipped.map { .server($0.server, $0.reason) }
        return notes
    }

    // MARK: - Tools

    /// The tool entries as listed (the CLI's `tools` and pin snapshots read them).
    var entries: [CatalogEntry] { tools.entries }

    func entries(forServer server: String) -> [CatalogEntry] { tools.entries(forServer: server) }

    /// The tool a client-given name means (listed name or unambiguous alias).
    func tool(named name: String) -> CatalogEntry? { tools.resolve(name) }

    /// The server's policy decision for a call of `entry` with these arguments.
    func decide(_ entry: CatalogEntry, arguments: JSONObject?) -> PolicyDecision {
        policies[entry.server]!.decide(tool: entry.tool, annotations: entry.annotations, arguments: arguments)
    }

    // MARK: - Prompts and resources

    func prompt(named name: String) -> CatalogEntry? { prompts.resolve(name) }

    /// The server and its own URI for a URI the client names, or nil when no server offers it.
    func route(uri: String) throws(ResourceMap.Refusal) -> (server: String, uri: String)? {
        try resources.route(uri)
    }

    /// `route(uri:)` spending from a budget shared by every URI of one message.
    func route(uri: String, budget: inout Int) throws(ResourceMap.Refusal) -> (server: String, uri: String)? {
        try resources.route(uri, budget: &budget)
    }

    /// Whether `server`'s resource policy lets `uri` (the server's own) be read or subscribed to.
    func resourceDecision(server: String, uri: String) -> (allowed: Bool, rule: String) {
        guard let policy = resourcePolicies[server] else { return (true, "") }
        return policy.decide(uri: uri)
    }

    /// The URI the client knows for a server's own URI.
    func exposedURI(server: String, uri: String) -> String { resources.exposedURI(server: server, uri: uri) }

    // MARK: - The client's lists

    /// Every item of a merged list, in order (the tools end with `firewall_confirm`).
    func items(_ kind: ListKind) -> [JSONValue] {
        switch kind {
        case .tools: return tools.entries.map { JSONValue.object($0.definition) } + [FirewallConfirmTool.definition]
        case .prompts: return prompts.entries.map { JSONValue.object($0.definition) }
        case .resources: return resources.resources.map(JSONValue.object)
        case .resourceTemplates: return resources.templates.map(JSONValue.object)
        }
    }
}
