import MCPWire

@testable import FirewallHub

/// The 400-tool discovery fixture: the twenty synthetic servers behind a hub.json with policies,
/// built into the router's catalog (for one client's naming) and then into discovery's catalog.
struct DiscoveryFixture {
    /// Policies of the fixture: stripe denies `delete_*` and holds refunds; `retrieve_balance` and
    /// `kubernetes.exec_in_pod` are hidden; notes allow reads; everything else is the built-in step.
    static let policies = #"""
        {"stripe": {"deny": ["delete_*"], "approve": ["create_refund"], "allow": ["list_*", "get_*", "search_*"],
                    "hide": ["retrieve_balance"]},
         "kubernetes": {"hide": ["exec_in_pod"], "rules": [{"tool": "scale_deployment",
                        "arguments": {"replicas": "^0$"}, "action": "deny"}]},
         "notes": {"allow": ["read_*", "search_*"], "approve": ["write_*"]}}
        """#

    let config: HubConfig
    let catalog: ToolCatalog
    let tools: [DiscoverableTool]
    let discovery: DiscoveryCatalog

    init(servers: Int = 20, naming: ToolNaming = ToolNaming(separator: ".", maxLength: 64, allowsDots: true)) throws {
        let generated = SyntheticTools.servers(count: servers)
        let policyObject = try JSONParser.parse(Self.policies).objectValue ?? JSONObject()
        var serverMembers = JSONObject()
        for server in generated {
            var entry: JSONObject = ["command": "x"]
            if let policy = policyObject[server.name] { entry["policy"] = policy }
            serverMembers[server.name] = .object(entry)
        }
        config = try ConfigLoader.parse(
            .object(["servers": .object(serverMembers)]), filePath: "/hub.json", environment: [:])
        catalog = ToolCatalog(servers: generated.map { ($0.name, $0.tools) }, naming: naming)
        var policies: [String: (any ToolPolicy, ToolHiding)] = [:]
        for server in config.servers {
            policies[server.name] = (
                PolicyEngine(server: server, defaults: config.defaults), ToolHiding(server: server)
            )
        }
        tools = catalog.entries.compactMap { entry in
            let (policy, hiding) = policies[entry.server]!
            return DiscoverableTool.make(entry, policy: policy, hiding: hiding)
        }
        discovery = DiscoveryCatalog(tools)
    }

    /// The catalog's resolution of a client-given name, as the router's direct calls use it.
    func resolve(_ name: String) -> String? { catalog.resolve(name)?.exposedName }

    /// `tools/call` params for one of the discovery tools.
    static func params(_ tool: String, _ arguments: JSONObject) -> JSONObject {
        ["name": .string(tool), "arguments": .object(arguments)]
    }
}
