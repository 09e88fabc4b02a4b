/// The tools a client may discover, and their search index. Owns both; one `sync` keeps them in
/// step with the router's catalog, re-indexing only servers whose tools changed. Hidden tools are
/// never given to it; always-denied tools are kept (for routing) but never found or described.
struct DiscoveryCatalog: Sendable {
    /// A search result: the tool and its score (higher is better).
    struct Match: Sendable, Equatable {
        var tool: DiscoverableTool
        var score: Double
    }

    private var toolsByServer: [String: [DiscoverableTool]] = [:]
    private var byName: [String: DiscoverableTool] = [:]
    private var index = SearchIndex()

    init() {}

    init(_ tools: [DiscoverableTool]) { sync(tools) }

    /// Brings the catalog up to `tools` (every tool that is not hidden, in catalog order). Only the
    /// servers whose tools differ from the last sync are re-indexed; they are returned, sorted.
    @discardableResult
    mutating func sync(_ tools: [DiscoverableTool]) -> [String] {
        var grouped: [String: [DiscoverableTool]] = [:]
        for tool in tools { grouped[tool.server, default: []].append(tool) }
        let servers = Set(grouped.keys).union(toolsByServer.keys).sorted()
        let changed = servers.filter { grouped[$0] != toolsByServer[$0] }
        for server in changed { replace(server: server, with: grouped[server] ?? []) }
        return changed
    }

    /// Replaces one server's tools (empty: the server is gone) and re-indexes that server only: the
    /// call for a server whose `tools/list` changed.
    mutating func replace(server: String, with tools: [DiscoverableTool]) {
        for old in toolsByServer[server] ?? [] where byName[old.name]?.server == server { byName[old.name] = nil }
        toolsByServer[server] = tools.isEmpty ? nil : tools
        for tool in tools where byName[tool.name] == nil { byName[tool.name] = tool }
        let findable = tools.filter { !$0.isAlwaysDenied }
        index.replace(server: server, entries: findable.map(Self.indexEntry))
    }

    /// Tools that searches can find.
    var findableCount: Int { index.documentCount }

    /// The tool listed under `name` (not hidden; it may be always denied), or nil.
    func tool(named name: String) -> DiscoverableTool? { byName[name] }

    /// The tool `describe_tool` may show: known and not always denied.
    func describable(named name: String) -> DiscoverableTool? {
        byName[name].flatMap { $0.isAlwaysDenied ? nil : $0 }
    }

    /// The best `limit` findable tools for `query`, best first (ties by name): deterministic.
    func search(_ query: String, limit: Int, server: String? = nil) -> [Match] {
        index.search(query, limit: limit, server: server).compactMap { hit in
            byName[hit.name].map { Match(tool: $0, score: hit.score) }
        }
    }

    private static func indexEntry(_ tool: DiscoverableTool) -> SearchIndex.Entry {
        SearchIndex.Entry(
            name: tool.name, exactNames: tool.exactNames,
            document: SearchDocument(server: tool.server, tool: tool.tool, definition: tool.definition))
    }
}
