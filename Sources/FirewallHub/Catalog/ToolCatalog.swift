import MCPWire

/// Owns: the merged tool (or prompt) list of the live targets and the name → tool routing built from it.
/// Never: moves a name to another tool within a session, or lets a target name shadow the hub's own tools.
///
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
/// shadow them.
///
/// A name two tools would share is given to neither: with `__`, server `x`'s tool `y__z` and server
/// `x__y`'s tool `z` both join to `x__y__z`, so both get a hashed stand-in and a warning names them.
/// Which server arrived first never decides which tool gets a contested name. And no name, listed or
/// alias, ever moves from one tool to another within a session (`ToolNameLedger`): a name a client
/// kept from an earlier list routes to the same tool or to nothing.
struct ToolCatalog: Sendable {
    static let confirmToolName = "firewall_confirm"
    /// Longer target tool names are not listed (the MCP spec asks for at most 128 characters); this
    /// also bounds what matching a policy glob against a name can cost.
    static let maxToolNameBytes = 512

    private(set) var entries: [CatalogEntry] = []
    /// Tools a target listed that could not be used (no name, duplicates), for the log.
    private(set) var skipped: [(server: String, reason: String)] = []
    /// Names two tools claimed, each naming both, for the log.
    private(set) var collisions: [String] = []
    private var byListedName: [String: Int] = [:]
    /// Other accepted spellings: `server.tool` and `server__tool`. An alias two tools would share is dropped.
    private var byAlias: [String: Int] = [:]
    /// Every name given out so far in the session, with the tool it meant: pass it to the next catalog.
    private(set) var ledger: ToolNameLedger

    init(
        servers: [(name: String, tools: [JSONObject])], naming: ToolNaming, reserved: Set<String> = [confirmToolName],
        ledger: ToolNameLedger = ToolNameLedger()
    ) {
        self.ledger = ledger
        var accepted: [(server: String, tool: String, definition: JSONObject)] = []
        for (server, tools) in servers {
            var seenInServer = Set<String>()
            for tool in tools {
                guard case .string(let original)? = tool["name"], !original.isEmpty else {
                    skipped.append((server, "a tool without a string \"name\" was ignored"))
                    continue
                }
                guard original.utf8.count <= Self.maxToolNameBytes else {
                    skipped.append(
                        (
                            server,
                            "a tool with a \(original.utf8.count)-byte name was ignored (the limit is \(Self.maxToolNameBytes))"
                        ))
                    continue
                }
                guard seenInServer.insert(original).inserted else {
                    skipped.append((server, "duplicate tool \"\(original)\" was ignored (the first one is kept)"))
                    continue
                }
                accepted.append((server, original, tool))
            }
        }
        let names = Self.assignNames(
            accepted.map { ToolNameLedger.Owner(server: $0.server, tool: $0.tool) }, naming: naming, reserved: reserved,
            ledger: ledger)
        var aliasClaims: [String: [Int]] = [:]
        for (index, item) in accepted.enumerated() {
            guard let name = names.names[index] else {
                skipped.append((item.server, "tool \"\(item.tool)\" was ignored: no unambiguous name is left for it"))
                continue
            }
            var definition = item.definition
            definition["name"] = .string(name)
            let entryIndex = entries.count
            entries.append(
                CatalogEntry(exposedName: name, server: item.server, tool: item.tool, definition: definition))
            byListedName[name] = entryIndex
            for alias in Set([item.server + "." + item.tool, item.server + "__" + item.tool]) where alias != name {
                aliasClaims[alias, default: []].append(entryIndex)
            }
        }
        collisions = names.collisions
        for (alias, claims) in aliasClaims
        where claims.count == 1 && byListedName[alias] == nil && !reserved.contains(alias)
            && !names.contested.contains(alias)
        {
            let entry = entries[claims[0]]
            if self.ledger.allows(alias, for: ToolNameLedger.Owner(server: entry.server, tool: entry.tool)) {
                byAlias[alias] = claims[0]
            }
        }
        for entry in entries {
            self.ledger.record(entry.exposedName, for: ToolNameLedger.Owner(server: entry.server, tool: entry.tool))
        }
        for (alias, index) in byAlias.sorted(by: { $0.key < $1.key }) {
            self.ledger.record(
                alias, for: ToolNameLedger.Owner(server: entries[index].server, tool: entries[index].tool))
        }
    }

    /// A listable name for each tool, or nil when none is left. Each tool starts at its plain joined
    /// name (or a hashed stand-in when that is not listable for the client); every name claimed by two
    /// tools, reserved, or meaning another tool in `ledger` sends its claimants to a longer hash, until
    /// no two names are equal.
    private static func assignNames(
        _ tools: [ToolNameLedger.Owner], naming: ToolNaming, reserved: Set<String>, ledger: ToolNameLedger
    ) -> (names: [String?], collisions: [String], contested: Set<String>) {
        let longestHash = 32
        func candidate(_ index: Int, level: Int) -> String? {
            let (server, tool) = (tools[index].server, tools[index].tool)
            if level == 0 {
                let plain = naming.join(server: server, tool: tool)
                if naming.isListable(plain) { return plain }
            }
            let hashLength = 8 + 4 * max(level - 1, 0)
            guard hashLength <= longestHash else { return nil }
            let name = naming.shortened(server: server, tool: tool, hashLength: hashLength)
            return naming.isListable(name) ? name : nil
        }
        var levels = [Int](repeating: 0, count: tools.count)
        var names = tools.indices.map { candidate($0, level: 0) }
        // A plain name that is not listable starts hashed.
        for index in tools.indices
        where names[index] != naming.join(server: tools[index].server, tool: tools[index].tool) {
            levels[index] = 1
        }
        var collisions: [String] = []
        var contestedNames: Set<String> = []
        while true {
            var claims: [String: [Int]] = [:]
            for (index, name) in names.enumerated() {
                if let name { claims[name, default: []].append(index) }
            }
            let contested = claims.filter { name, claimants in
                claimants.count > 1 || reserved.contains(name) || !ledger.allows(name, for: tools[claimants[0]])
            }
            if contested.isEmpty { break }
            contestedNames.formUnion(contested.keys)
            for (name, claimants) in contested.sorted(by: { $0.key < $1.key }) {
                func described(_ owner: ToolNameLedger.Owner) -> String {
                    "server \"\(owner.server)\"'s tool \"\(owner.tool)\""
                }
                if claimants.count > 1 {
                    collisions.append(
                        "tool name \"\(name)\" would name "
                            + claimants.map { described(tools[$0]) }.joined(separator: " and ")
                            + "; none of them is listed under it, each gets a longer hashed name")
                } else if let earlier = ledger.owner(of: name), earlier != tools[claimants[0]] {
                    collisions.append(
                        "tool name \"\(name)\" named \(described(earlier)) earlier in this session, so "
                            + "\(described(tools[claimants[0]])) gets a hashed name instead")
                }
                for index in claimants {
                    levels[index] += 1
                    names[index] = candidate(index, level: levels[index])
                }
            }
        }
        return (names, collisions, contestedNames)
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
