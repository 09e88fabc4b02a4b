/// The PIN column of `tools`: what the pin store says about each tool listed now. Reads the store,
/// never writes it (`tools` only looks; a serving hub or `pins accept` pins).
enum PinColumn {
    /// By server, then tool: `pinned`, `changed (held)`, `new (held)`, `new`, or `unpinned` (the server
    /// was never pinned: a hub pins it on first sight). nil when pinning is off or has no store.
    static func states(config: HubConfig, servers: [LiveDefinitions.Server], log: HubLog) -> [String: [String: String]]?
    {
        guard config.pins.enabled, let path = config.pins.path else { return nil }
        let file: PinFile
        switch PinStore(path: path).load() {
        case .success(let loaded): file = loaded
        case .failure(let failure):
            log.error("\(failure)")
            return [:]
        }
        var states: [String: [String: String]] = [:]
        for server in servers where server.failure == nil {
            let report = PinCheck.check(
                server: server.name, pinned: file.servers[server.name], listed: server.tools,
                instructions: server.instructions, newTools: config.pins.newTools, at: "")
            var byTool: [String: String] = [:]
            for tool in report.tools {
                switch tool.verdict {
                case .unchanged: byTool[tool.name] = "pinned"
                case .firstSight: byTool[tool.name] = "unpinned"
                case .newAllowed: byTool[tool.name] = "new"
                case .newHeld: byTool[tool.name] = "new (held)"
                case .changed: byTool[tool.name] = "changed (held)"
                }
            }
            states[server.name] = byTool
        }
        return states
    }
}
