import MCPWire

/// Which server and tool a name given on the command line means, as the hub would route it: `server.tool`,
/// `server__tool`, the client's own spelling (`--client`), or a hashed stand-in. By names alone when
/// they suffice; the servers' tool lists (a `ToolCatalog`) settle the rest. Reads Hub/ToolNaming and
/// Hub/ToolCatalog, changes nothing.
enum ToolReference {
    struct Target: Equatable {
        var server: String
        var tool: String
    }

    /// The (server, tool) pairs `name` can mean judging by the configured server names alone: a split at
    /// the first `.` (server names hold no dots), or at any configured server name followed by `__` (or
    /// the configured separator). Several when server names overlap (`x` and `x__y`); none when the name
    /// is a stand-in or names no configured server.
    static func candidates(_ name: String, config: HubConfig) -> [Target] {
        var separators = ["__"]
        if let separator = config.naming.separator, separator != ".", separator != "__" { separators.append(separator) }
        var result: [Target] = []
        if let dot = name.firstIndex(of: "."), config.server(named: String(name[..<dot])) != nil {
            let tool = String(name[name.index(after: dot)...])
            if !tool.isEmpty { result.append(Target(server: String(name[..<dot]), tool: tool)) }
        }
        for server in config.servers {
            for separator in separators where name.hasPrefix(server.name + separator) {
                let tool = String(name.dropFirst(server.name.count + separator.count))
                let target = Target(server: server.name, tool: tool)
                if !tool.isEmpty, !result.contains(target) { result.append(target) }
            }
        }
        return result
    }

    /// The server a name seems to start with that is configured but disabled, for a clearer message.
    static func disabledServer(in name: String, config: HubConfig) -> String? {
        config.disabledServers.first { name.hasPrefix($0 + ".") || name.hasPrefix($0 + "__") }
    }

    /// The name a client would be shown for the tool, computed by names alone: exact unless another
    /// server's tool claims the same name (the full catalog knows; see `ServerProbe.catalog`).
    static func listedName(_ target: Target, naming: ToolNaming) -> String {
        let joined = naming.join(server: target.server, tool: target.tool)
        return naming.isListable(joined) ? joined : naming.shortened(server: target.server, tool: target.tool)
    }
}
