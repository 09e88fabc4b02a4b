import MCPWire
import Testing

@testable import FirewallHub

@Suite struct ToolListShapingTests {
    private func tool(_ server: String, _ name: String, _ action: PolicyAction = .allow) -> DiscoverableTool {
        DiscoverableTool(
            name: "\(server).\(name)", server: server, tool: name, definition: ["name": .string("\(server).\(name)")],
            decision: PolicyDecision(action: action, rule: "r"))
    }

    private let confirm: JSONValue = ["name": "firewall_confirm"]

    private func names(_ list: ClientToolList) -> [String] { list.tools.compactMap { $0["name"]?.stringValue } }

    @Test func allModeListsServersInConfigOrderEachSortedByNameDeniedIncluded() {
        let list = ToolListShaping.build(
            servers: [
                .init(name: "b", mode: .all, tools: [tool("b", "zeta"), tool("b", "alpha", .deny)], ttlMs: 60_000),
                .init(name: "a", mode: .all, tools: [tool("a", "m", .approve)], ttlMs: 30_000),
            ], hubTools: [confirm], namingVariesByClient: false)
        #expect(names(list) == ["b.alpha", "b.zeta", "a.m", "firewall_confirm"])
        #expect(list.ttlMs == 30_000)
        #expect(list.cacheScope == "public")
    }

    @Test func discoverModeReplacesAServersToolsWithTheThreeDiscoveryTools() {
        let list = ToolListShaping.build(
            servers: [
                .init(name: "big", mode: .discover, tools: (0..<300).map { tool("big", "t\($0)") }, ttlMs: 1_000),
                .init(name: "small", mode: .all, tools: [tool("small", "x")], ttlMs: nil),
            ], hubTools: [confirm], namingVariesByClient: true)
        #expect(names(list) == ["small.x", "search_tools", "describe_tool", "call_tool", "firewall_confirm"])
        // A legacy server promises nothing: 0; a discover server's own ttl does not count.
        #expect(list.ttlMs == 0)
        #expect(list.cacheScope == "private")
    }

    @Test func everyServerDiscoveredGivesAFixedListWithTheFixedTTL() throws {
        let fixture = try DiscoverySearchTests.shared.get()
        let servers = fixture.config.servers.map { server in
            ToolListShaping.ServerTools(
                name: server.name, mode: .discover, tools: fixture.tools.filter { $0.server == server.name })
        }
        let list = ToolListShaping.build(servers: servers, hubTools: [confirm], namingVariesByClient: false)
        #expect(names(list) == ["search_tools", "describe_tool", "call_tool", "firewall_confirm"])
        #expect(list.ttlMs == ToolListShaping.fixedListTTLMs)
    }

    @Test func orderDoesNotDependOnTheTargetsOrder() {
        let forward = ToolListShaping.build(
            servers: [.init(name: "s", mode: .all, tools: [tool("s", "a"), tool("s", "b"), tool("s", "c")])],
            hubTools: [], namingVariesByClient: false)
        let backward = ToolListShaping.build(
            servers: [.init(name: "s", mode: .all, tools: [tool("s", "c"), tool("s", "b"), tool("s", "a")])],
            hubTools: [], namingVariesByClient: false)
        #expect(forward == backward)
    }

    @Test func negativeTargetTTLCountsAsZero() {
        let list = ToolListShaping.build(
            servers: [.init(name: "s", mode: .all, tools: [], ttlMs: -5)], hubTools: [], namingVariesByClient: false)
        #expect(list.ttlMs == 0)
    }

    @Test(
        arguments: [
            (nil, nil, true), (".", nil, false), ("__", nil, true), ("_", nil, true), (nil, [String](), false),
            ("__", [String](), false), (nil, ["cursor"], true),
        ] as [(String?, [String]?, Bool)])
    func namingVariesByClientOnlyWhenAClientCanChangeNames(separator: String?, dotless: [String]?, varies: Bool) {
        let config = NamingConfig(separator: separator, dotlessClients: dotless)
        #expect(config.variesByClient == varies)
        // Cross-check against what ToolNaming gives two different clients.
        let a = ToolNaming.forClient(named: dotless?.first ?? "claude-ai", config: config)
        let b = ToolNaming.forClient(named: "some-other-client", config: config)
        #expect((a != b) == varies)
    }
}
