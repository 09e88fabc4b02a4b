import MCPWire

/// The client-facing `tools/list`: which tools are listed, in what order, and the cache hints a
/// 2026-07-28 client gets (`ttlMs`, `cacheScope`). A pure function of the catalog, the listing modes
/// and the targets' own hints; session state never changes what is listed.
struct ClientToolList: Sendable, Equatable {
    /// In order: servers in config order (each server's tools sorted by name), then the discovery
    /// tools when some server is in `discover` mode, then the hub's own tools.
    var tools: [JSONValue]
    var ttlMs: Int
    /// `"private"` when the list was shaped for this client (its names), else `"public"`.
    var cacheScope: String
}

enum ToolListShaping {
    /// `ttlMs` when no listed tool comes from a target (every server in `discover` mode): the list
    /// then only changes with the config.
    static let fixedListTTLMs = 300_000

    /// One server's part of the list.
    struct ServerTools: Sendable, Equatable {
        var name: String
        var mode: ListingMode
        /// Its tools that are not hidden (`policy.hide`), in any order.
        var tools: [DiscoverableTool]
        /// The `ttlMs` of the server's own last `tools/list` result; nil for a legacy server (no promise).
        var ttlMs: Int?

        init(name: String, mode: ListingMode, tools: [DiscoverableTool], ttlMs: Int? = nil) {
            self.name = name
            self.mode = mode
            self.tools = tools
            self.ttlMs = ttlMs
        }
    }

    /// The list for one client. `servers` in config order; `hubTools` are the hub's own tools
    /// (`firewall_confirm`), listed last; `namingVariesByClient` from `NamingConfig.variesByClient`.
    ///
    /// - `all` servers: every tool that is not hidden, denied ones included (a call gets the deny
    ///   answer naming the rule; use `policy.hide` for tools no one should see).
    /// - `discover` servers: none of their tools; `search_tools`, `describe_tool`, `call_tool` instead.
    /// - `ttlMs`: the smallest of the listed (`all`) servers' own `ttlMs`, a legacy server counting as
    ///   0; `fixedListTTLMs` when no server is listed.
    static func build(servers: [ServerTools], hubTools: [JSONValue], namingVariesByClient: Bool) -> ClientToolList {
        var tools: [JSONValue] = []
        var ttl: Int?
        var discovery = false
        for server in servers {
            switch server.mode {
            case .discover:
                discovery = true
            case .all:
                let sorted = server.tools.sorted { $0.name < $1.name }
                tools += sorted.map { .object($0.definition) }
                let own = max(0, server.ttlMs ?? 0)
                ttl = min(ttl ?? own, own)
            }
        }
        if discovery { tools += DiscoveryTools.definitions }
        tools += hubTools
        return ClientToolList(
            tools: tools, ttlMs: ttl ?? fixedListTTLMs, cacheScope: namingVariesByClient ? "private" : "public")
    }
}

extension NamingConfig {
    /// Whether two clients can be given different names for the same tools (the automatic separator,
    /// or dots allowed for some clients only): then a tool list is private to its client.
    var variesByClient: Bool {
        !(separator == "." || dotlessClients?.isEmpty == true)
    }
}
