import MCPWire

/// The pin line of `explain`: what tool-definition pinning does to a call of one tool before any policy
/// step, from the pin store and, when the server was started, its live definition. Reads only.
enum ExplainPins {
    static func line(config: HubConfig, server: String, tool: String, live: JSONObject?) -> String {
        guard config.pins.enabled else { return "pin: pinning is off (pins.enabled is false)\n" }
        guard let path = config.pins.path else {
            return "pin: no pin store (no pins.path, $XDG_STATE_HOME or $HOME): serve pins in memory for its session\n"
        }
        let file: PinFile
        switch PinStore(path: path).load() {
        case .success(let loaded): file = loaded
        case .failure(let failure):
            return "pin: HELD — \(failure); serve holds every tool of \(server) until the store can be read\n"
        }
        let review = "`mcp-firewall-hub pins diff \(server).\(tool)`"
        let pins = file.servers[server]
        guard let live else {
            if pins?.pendingTools[tool] != nil {
                return "pin: a definition that differs from the pinned one was seen and is pending: serve holds this "
                    + "tool (refused before any policy) until a person accepts it (\(review))\n"
            }
            if let pinned = pins?.tools[tool] {
                return "pin: pinned (\(pinned.hash.prefix(12))); serve refuses calls if the server's definition "
                    + "differs (start the server to compare: --start)\n"
            }
            return pins == nil
                ? "pin: \(server) was never pinned: serve pins its tools on first sight\n"
                : "pin: not pinned: to serve it is a new tool (pins.new_tools: \(config.pins.newTools.rawValue))\n"
        }
        let report = PinCheck.check(
            server: server, pinned: pins, listed: [live], instructions: nil, newTools: config.pins.newTools, at: "")
        switch report.report(for: tool)?.verdict {
        case .changed(let change)?:
            return "pin: HELD — the server's definition differs from the pinned one (\(change.summary)); serve lists "
                + "the pinned one and refuses calls before any policy until a person accepts it (\(review))\n"
        case .newHeld?:
            return "pin: HELD — a new tool of a pinned server (pins.new_tools: hold): not listed, calls refused "
                + "until a person accepts it (\(review))\n"
        case .newAllowed?:
            return "pin: a new tool of a pinned server; serve pins it on first sight (pins.new_tools: allow)\n"
        case .firstSight?:
            return "pin: \(server) was never pinned: serve pins its tools on first sight\n"
        case .unchanged?, nil:
            return "pin: matches the pinned definition (\(report.report(for: tool)?.current.hash.prefix(12) ?? "?"))\n"
        }
    }
}
