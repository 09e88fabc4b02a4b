/// What a reloaded hub.json changes in a running hub, and what it keeps: a pure comparison of the
/// running config with the new one, for `HubRouter+Reload` to apply. Never: reads a file or touches a
/// process.
struct ConfigChange: Equatable {
    /// Servers new in the file (started, listed, list_changed sent).
    var added: [ServerConfig] = []
    /// Servers gone from the file, or disabled (stopped once their calls in flight are answered).
    var removed: [String] = []
    /// Servers whose process must change (command, args, env, cwd, protocol): stopped like removed
    /// ones and started again with the new settings.
    var relaunched: [ServerConfig] = []
    /// Servers whose policy, approval channel, timeouts or listing changed: applied to the next call,
    /// the process keeps running.
    var reconfigured: [ServerConfig] = []
    /// Whether the hub-wide `defaults` changed (every server's policy is rebuilt from it).
    var defaultsChanged = false
    /// Whether the hub-wide `listing` mode changed (the tool list is shaped again).
    var listingChanged = false
    /// Hub-wide settings that are kept as they are until the hub restarts, by key.
    var kept: [String] = []

    var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && relaunched.isEmpty && reconfigured.isEmpty && !defaultsChanged
            && !listingChanged && kept.isEmpty
    }

    /// The settings that are only read when the hub starts: codes already given out, names already
    /// shown to the model, a session's flow and limit state, and the evidence files must not change
    /// under a running session.
    static let keptKeys = ["approval", "naming", "flows, limits, exfiltration_guard", "audit", "pins"]

    init() {}

    /// Compares `running` with `new`. Servers are matched by name.
    init(from running: HubConfig, to new: HubConfig) {
        let old = Dictionary(running.servers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let fresh = Set(new.servers.map(\.name))
        removed = running.servers.map(\.name).filter { !fresh.contains($0) }
        for server in new.servers {
            guard let before = old[server.name] else {
                added.append(server)
                continue
            }
            if !Self.sameProcess(before, server) {
                relaunched.append(server)
            } else if before != server {
                reconfigured.append(server)
            }
        }
        defaultsChanged = running.defaults != new.defaults
        listingChanged = running.listing != new.listing
        if running.approval != new.approval { kept.append("approval") }
        if running.naming != new.naming { kept.append("naming") }
        if running.session != new.session { kept.append("flows, limits, exfiltration_guard") }
        if running.audit != new.audit { kept.append("audit") }
        if running.pins != new.pins { kept.append("pins") }
    }

    /// Whether both settings run the same process (the rest can change under a running one).
    static func sameProcess(_ a: ServerConfig, _ b: ServerConfig) -> Bool {
        a.command == b.command && a.args == b.args && a.env == b.env && a.cwd == b.cwd
            && a.protocolMode == b.protocolMode
    }

    /// `new` with the settings this change keeps from `running`.
    static func applied(_ new: HubConfig, keeping running: HubConfig) -> HubConfig {
        var config = new
        config.approval = running.approval
        config.naming = running.naming
        config.session = running.session
        config.audit = running.audit
        config.pins = running.pins
        return config
    }

    /// One line for the log: what changed.
    var summary: String {
        var parts: [String] = []
        if !added.isEmpty { parts.append("added " + added.map(\.name).joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("removed " + removed.joined(separator: ", ")) }
        if !relaunched.isEmpty { parts.append("restarting " + relaunched.map(\.name).joined(separator: ", ")) }
        if !reconfigured.isEmpty {
            parts.append("new settings for " + reconfigured.map(\.name).joined(separator: ", "))
        }
        if defaultsChanged { parts.append("new defaults") }
        if listingChanged { parts.append("new listing mode") }
        return parts.isEmpty ? "nothing to change" : parts.joined(separator: "; ")
    }
}
