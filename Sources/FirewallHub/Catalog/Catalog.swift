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
        /// The `ttlMs` of the server's last `tools/list` (nil: a legacy server, no promise).
        var toolsTTLMs: Int? = nil
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
    /// Each server's tool policy, by server name (`policy.hide` in front: `HidingPolicy`).
    private(set) var policies: [String: any ToolPolicy] = [:]
    private var resourcePolicies: [String: ResourcePolicy] = [:]
    /// Policies given in place of the config's (tests).
    private let overrides: [String: any ToolPolicy]?
    /// What the client may see and find of the tools (`CatalogListing`): `policy.hide`, listing
    /// modes, the shaped `tools/list`, and the search index when some server is in `discover` mode.
    private(set) var listing: CatalogListing

    init(config: HubConfig, policies overrides: [String: any ToolPolicy]? = nil, clientName: String? = nil) {
        naming = ToolNaming.forClient(named: clientName, config: config.naming)
        let initial = ToolNaming(separator: ".", maxLength: 64, allowsDots: true)
        tools = ToolCatalog(servers: [], naming: initial)
        prompts = ToolCatalog(servers: [], naming: initial)
        self.overrides = overrides
        listing = CatalogListing(config: config)
        usePolicies(of: config)
    }

    /// Each server's tool and resource policy, hidden tools and listing mode from `config` (at start, and
    /// after a reload: the next decision reads them; the caller rebuilds so the lists, the search index
    /// and resource routes carry the new ones).
    func usePolicies(of config: HubConfig) {
        var policies: [String: any ToolPolicy] = [:]
        var resourcePolicies: [String: ResourcePolicy] = [:]
        for server in config.servers {
            let base = overrides?[server.name] ?? PolicyEngine(server: server, defaults: config.defaults)
            policies[server.name] = HidingPolicy.wrapping(base, server: server)
            resourcePolicies[server.name] = server.policy.resources
        }
        self.policies = policies
        self.resourcePolicies = resourcePolicies
        listing = CatalogListing(config: config)
    }

    /// The naming for a client (by its `clientInfo.name`); the caller rebuilds after a change.
    func useNaming(_ naming: ToolNaming) {
        self.naming = naming
    }

    /// Re-merges the lists of the servers that are live (in config order) under the current naming.
    /// Names given out earlier in the session keep their meaning (the ledgers carry over).
    func rebuild(_ servers: [ServerLists]) -> [Note] {
        var notes: [Note] = []
        // Hidden tools never enter the catalog: no name, no alias, no collision a client could notice.
        tools = ToolCatalog(
            servers: listing.visible(servers, naming: naming), naming: naming, reserved: listing.reservedNames,
            ledger: tools.ledger)
        listing.update(entries: tools.entries, servers: servers, policies: policies)
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
        guard let policy = policies[entry.server] else {
            return PolicyDecision(action: .deny, rule: "server \"\(entry.server)\" is no longer in hub.json")
        }
        return policy.decide(tool: entry.tool, annotations: entry.annotations, arguments: arguments)
    }

    /// A held call's decision under the current policy (it may have been reloaded since the hold): the
    /// tool as listed now, or nil when its server no longer lists it.
    func redecide(server: String, tool: String, arguments: JSONObject?) -> PolicyDecision? {
        guard let entry = tools.entries(forServer: server).first(where: { $0.tool == tool }) else { return nil }
        return decide(entry, arguments: arguments)
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

    /// Every item of a merged list, in order (the tools as `CatalogListing` shapes them, ending with
    /// `firewall_confirm`).
    func items(_ kind: ListKind) -> [JSONValue] {
        switch kind {
        case .tools: return listing.toolList.tools
        case .prompts: return prompts.entries.map { JSONValue.object($0.definition) }
        case .resources: return resources.resources.map(JSONValue.object)
        case .resourceTemplates: return resources.templates.map(JSONValue.object)
        }
    }
}
