import MCPWire

/// One target tool as the client sees it.
struct CatalogEntry: Sendable, Equatable {
    /// The name listed to the client (e.g. `payments.refund`).
    var exposedName: String
    var server: String
    /// The target's own name for the tool, sent back to it on calls.
    var tool: String
    /// The target's tool object with only `name` replaced.
    var definition: JSONObject

    var annotations: JSONObject? { definition["annotations"]?.objectValue }
}

/// The merged, namespaced tool list and the name → tool routing built from it.
///
/// Deterministic: servers in config order, then each target's own order. The hub's own names
/// (`firewall_confirm`) are reserved before any target name is placed, so nothing a target lists can
/// shadow them; a target name that would collide is given a hashed stand-in instead.
struct ToolCatalog: Sendable {
    static let confirmToolName = "firewall_confirm"

    private(set) var entries: [CatalogEntry] = []
    /// Tools a target listed that could not be used (no name, duplicates), for the log.
    private(set) var skipped: [(server: String, reason: String)] = []
    private var byListedName: [String: Int] = [:]
    /// Other accepted spellings: `server.tool` and `server__tool`. An alias two tools would share is dropped.
    private var byAlias: [String: Int] = [:]

    init(servers: [(name: String, tools: [JSONObject])], naming: ToolNaming, reserved: Set<String> = [confirmToolName])
    {
        var taken = reserved
        var aliasClaims: [String: [Int]] = [:]
        for (server, tools) in servers {
            var seenInServer = Set<String>()
            for tool in tools {
                guard case .string(let original)? = tool["name"], !original.isEmpty else {
                    skipped.append((server, "a tool without a string \"name\" was ignored"))
                    continue
                }
                guard seenInServer.insert(original).inserted else {
                    skipped.append((server, "duplicate tool \"\(original)\" was ignored (the first one is kept)"))
                    continue
                }
                var name = naming.join(server: server, tool: original)
                var hashLength = 8
                while !naming.isListable(name) || taken.contains(name) {
                    name = naming.shortened(server: server, tool: original, hashLength: hashLength)
                    hashLength += 4
                    if hashLength > 64 { break }
                }
                taken.insert(name)
                var definition = tool
                definition["name"] = .string(name)
                let index = entries.count
                entries.append(CatalogEntry(exposedName: name, server: server, tool: original, definition: definition))
                byListedName[name] = index
                for alias in Set([server + "." + original, server + "__" + original]) where alias != name {
                    aliasClaims[alias, default: []].append(index)
                }
            }
        }
        for (alias, claims) in aliasClaims
        where claims.count == 1 && byListedName[alias] == nil && !reserved.contains(alias) {
            byAlias[alias] = claims[0]
        }
    }

    /// The tool a client-supplied name refers to: the listed name first, then an unambiguous alias.
    func resolve(_ name: String) -> CatalogEntry? {
        if let i = byListedName[name] ?? byAlias[name] { return entries[i] }
        return nil
    }

    func entries(forServer server: String) -> [CatalogEntry] {
        entries.filter { $0.server == server }
    }
}
