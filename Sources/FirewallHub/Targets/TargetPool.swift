import MCPWire

/// Owns: every target session (in config order), the processes of failed or replaced targets that may
/// still be exiting, and whether the initial start-up is over for the client. Never: spawns or stops
/// a process itself, or answers a client.
final class TargetPool {
    /// How long client requests wait for slow targets before the hub answers with the ready ones.
    static let startupGraceSeconds = 10.0

    /// Every session in config order, then those a reload added; removed ones stay (their index and
    /// events stay valid) with `isRemoved` set.
    private(set) var sessions: [TargetSession]
    /// Processes the router no longer talks to that may still be exiting.
    private(set) var retired: [ChildProcess] = []
    /// The client has waited `startupGraceSeconds` for the slow targets.
    private(set) var graceOver = false

    init(config: HubConfig) {
        sessions = config.servers.enumerated().map { TargetSession(index: $0.offset, config: $0.element) }
    }

    subscript(index: Int) -> TargetSession { sessions[index] }

    /// The sessions of the servers in the running config (not removed by a reload).
    var live: [TargetSession] { sessions.filter { !$0.isRemoved } }

    func named(_ name: String) -> TargetSession? { sessions.first { $0.name == name && !$0.isRemoved } }

    /// Some session was removed by a reload (its process may still be finishing calls).
    private(set) var hasRemoved = false

    func remove(_ session: TargetSession) {
        session.markRemoved()
        hasRemoved = true
    }

    /// A session for a server a reload added (or started again with new settings), at the next index.
    func add(_ config: ServerConfig) -> TargetSession {
        let session = TargetSession(index: sessions.count, config: config)
        sessions.append(session)
        return session
    }

    /// The session an event names, unless it is of an older process.
    func session(_ index: Int, generation: Int) -> TargetSession? {
        guard sessions.indices.contains(index), sessions[index].generation == generation else { return nil }
        return sessions[index]
    }

    /// The initial start-up is over: every target has been ready, failed or exited at least once.
    var allSettled: Bool { live.allSatisfy(\.hasSettled) }

    /// Whether client requests are answered now: every target has started (or failed), or the client
    /// has waited `startupGraceSeconds` for the slow ones.
    var startupAnswered: Bool { allSettled || graceOver }

    func endGrace() { graceOver = true }

    var stillStarting: [TargetSession] { live.filter { !$0.state.isSettled } }

    /// The lists of every target whose tools a client may call: ready ones, and exited or restarting
    /// ones (the next call restarts them; their new lists replace the old once read).
    var catalogSources: [Catalog.ServerLists] {
        live.filter { $0.state == .ready || $0.isExited || $0.isRestarting }.map {
            Catalog.ServerLists(
                name: $0.name, tools: $0.lists[.tools], prompts: $0.lists[.prompts], resources: $0.lists[.resources],
                templates: $0.lists[.resourceTemplates], toolsTTLMs: $0.lists.ttlMs[.tools])
        }
    }

    /// The hub's capabilities for the client: tools and logging always (a target's log messages are
    /// passed on whether or not it declared `logging`, as the official SDK's servers do not); the rest
    /// when some ready target has them. While a target is still starting, everything it might bring.
    func mergedCapabilities() -> JSONObject {
        if !allSettled {
            return [
                "tools": ["listChanged": true], "prompts": ["listChanged": true],
                "resources": ["subscribe": true, "listChanged": true], "completions": [:], "logging": [:],
            ]
        }
        let ready = live.filter { $0.state == .ready }
        func any(_ key: String) -> Bool { ready.contains { $0.capabilities?[key] != nil } }
        var capabilities: JSONObject = ["tools": ["listChanged": true], "logging": [:]]
        if any("prompts") { capabilities["prompts"] = ["listChanged": true] }
        if any("resources") {
            let subscribe = ready.contains { $0.capabilities?["resources"]?["subscribe"] == .bool(true) }
            capabilities["resources"] = ["subscribe": .bool(subscribe), "listChanged": true]
        }
        if any("completions") { capabilities["completions"] = [:] }
        return capabilities
    }

    /// Keeps `process` to wait for at exit (its shutdown has begun).
    func retire(_ process: ChildProcess) {
        retired.removeAll { $0.hasExited }
        retired.append(process)
    }

    /// Every process still known (live and retired), forgotten here: the caller stops them.
    func takeAllProcesses() -> [ChildProcess] {
        let processes = sessions.compactMap(\.process) + retired
        for session in sessions { session.process = nil }
        retired = []
        return processes
    }
}
