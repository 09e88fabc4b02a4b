/// Settings hub.json accepts and validates but this build's router does not enforce yet (discovery
/// and session policy land with the router redesign, issue 15). A config using them is refused at
/// start, so no one runs a hub believing a flow rule, limit or hidden tool protects them. Remove the
/// check (one call in `HubCommandLine.loadConfig`) when the router applies them.
enum UnwiredSettings {
    /// The keys of `config` that would be ignored, as JSON paths, in file order.
    static func used(in config: HubConfig) -> [String] {
        var keys: [String] = []
        if config.listing != .all { keys.append("listing") }
        for server in config.servers {
            if server.listingMode != nil && server.listingMode != config.listing {
                keys.append("\(server.jsonPath).listing")
            }
            if !server.policy.hide.isEmpty { keys.append("\(server.jsonPath).policy.hide") }
        }
        if !config.session.flows.isEmpty { keys.append("flows") }
        if !config.session.limits.isEmpty { keys.append("limits") }
        if config.session.exfiltrationGuard != nil { keys.append("exfiltration_guard") }
        return keys
    }

    /// The error for a config that uses them, or nil.
    static func refusal(_ config: HubConfig) -> ConfigError? {
        let keys = used(in: config)
        guard !keys.isEmpty else { return nil }
        return ConfigError(
            .invalidValue, file: config.filePath,
            message: "\(keys.joined(separator: ", ")): valid, but this build of mcp-firewall-hub does not enforce "
                + "it yet (progressive discovery and session policy land with the router redesign); remove it to "
                + "start. The hub refuses to start rather than run without protection you configured.")
    }
}
