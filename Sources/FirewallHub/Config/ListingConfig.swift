/// The `listing` block, hub-wide and per server: whether a server's tools are listed to the client
/// (`all`) or found through `search_tools` (`discover`). Parsing only; `ToolListShaping` applies it.
enum ListingMode: String, Sendable, CaseIterable {
    /// Every tool listed in `tools/list` (the default).
    case all
    /// Tools not listed; the client finds them with `search_tools` and calls them with `call_tool`.
    case discover
}

extension ListingMode {
    /// `{"mode": "all" | "discover"}`.
    init(listingNode node: ConfigNode) throws(ConfigError) {
        try node.object(allowedKeys: ["mode"])
        guard let modeNode = node.child("mode") else {
            throw node.error(.missingKey, "missing \"mode\"; allowed: all, discover")
        }
        self = try modeNode.oneOf(ListingMode.self, noun: "listing mode")
    }
}

extension HubConfig {
    /// The server's `listing.mode`, else the hub-wide one, else `all`.
    func listingMode(for server: ServerConfig) -> ListingMode {
        server.listingMode ?? listing
    }

    /// Whether any server is in `discover` mode (then the three discovery tools are listed).
    var discoveryEnabled: Bool { servers.contains { listingMode(for: $0) == .discover } }
}
