import MCPWire
import Testing

@testable import FirewallHub

/// The catalog as the router uses it since discovery is wired: hidden tools never enter it (no name,
/// no alias, no collision a client could notice), listing modes shape `tools/list`, and the search
/// index follows the catalog.
@Suite struct CatalogListingTests {
    private func config(_ text: String) throws -> HubConfig {
        try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: [:])
    }

    private func tool(_ name: String, readOnly: Bool = false) -> JSONObject {
        [
            "name": .string(name), "description": .string("Does \(name)."),
            "annotations": ["readOnlyHint": .bool(readOnly)],
        ]
    }

    private func lists(_ name: String, _ tools: [String], ttlMs: Int? = nil) -> Catalog.ServerLists {
        Catalog.ServerLists(
            name: name, tools: tools.map { tool($0) }, prompts: [], resources: [], templates: [], toolsTTLMs: ttlMs)
    }

    private func names(_ catalog: Catalog) -> [String] {
        catalog.items(.tools).compactMap { $0["name"]?.stringValue }
    }

    @Test func aHiddenToolHasNoNameAndNoAlias() throws {
        let catalog = Catalog(
            config: try config(
                #"{"servers": {"pay": {"command": "x", "policy": {"hide": ["admin_*"], "default": "allow"}}}}"#))
        _ = catalog.rebuild([lists("pay", ["refund", "admin_reset"])])
        #expect(names(catalog) == ["pay.refund", "firewall_confirm"])
        for spelling in ["pay.admin_reset", "pay__admin_reset"] {
            #expect(catalog.tool(named: spelling) == nil)
            #expect(catalog.listing.hiddenRule(named: spelling) == #"servers.pay.policy.hide[0] "admin_*""#)
        }
        #expect(catalog.listing.hiddenRule(named: "pay.refund") == nil)
        #expect(catalog.tool(named: "pay.refund") != nil)
    }

    @Test func aHiddenToolNeverPushesAnotherToAHashedName() throws {
        // With `__`, x's tool y__z and x__y's tool z would share x__y__z: hidden, y__z claims nothing.
        let text = #"""
            {"naming": {"separator": "__"},
             "servers": {"x": {"command": "x", "policy": {"hide": ["y__z"]}}, "x__y": {"command": "x"}}}
            """#
        let catalog = Catalog(config: try config(text))
        _ = catalog.rebuild([lists("x", ["y__z"]), lists("x__y", ["z"])])
        #expect(names(catalog) == ["x__y__z", "firewall_confirm"])
        #expect(catalog.tool(named: "x__y__z")?.server == "x__y")
    }

    @Test func discoverModeListsTheDiscoveryToolsAndIndexesEveryVisibleTool() throws {
        let text = #"""
            {"listing": {"mode": "discover"},
             "servers": {"pay": {"command": "x", "policy": {"hide": ["admin_*"], "deny": ["delete_*"]}},
                         "notes": {"command": "x", "listing": {"mode": "all"}}}}
            """#
        let catalog = Catalog(config: try config(text))
        _ = catalog.rebuild([
            lists("pay", ["refund", "delete_customer", "admin_reset"], ttlMs: 9_000),
            lists("notes", ["write_note", "read_note"], ttlMs: 60_000),
        ])
        #expect(
            names(catalog) == [
                "notes.read_note", "notes.write_note", "search_tools", "describe_tool", "call_tool",
                "firewall_confirm",
            ])
        // Only listed servers count toward ttlMs; names depend on the client, so the list is private.
        #expect(catalog.listing.toolList.ttlMs == 60_000)
        #expect(catalog.listing.toolList.cacheScope == "private")
        let discovery = catalog.listing.discovery
        #expect(discovery.search("refund", limit: 5).map(\.tool.name) == ["pay.refund"])
        #expect(discovery.search("admin reset", limit: 5).isEmpty)
        #expect(discovery.search("delete customer", limit: 5).allSatisfy { $0.tool.name != "pay.delete_customer" })
        // Always denied: not found, but still routed (to the policy's deny answer).
        #expect(discovery.tool(named: "pay.delete_customer") != nil)
        #expect(discovery.tool(named: "pay.admin_reset") == nil)
        // A target tool can never take a discovery tool's name.
        #expect(catalog.listing.reservedNames.isSuperset(of: DiscoveryTools.names))
    }

    @Test func anAllModeListIsSortedByNameWithinEachServer() throws {
        let catalog = Catalog(config: try config(#"{"servers": {"b": {"command": "x"}, "a": {"command": "x"}}}"#))
        _ = catalog.rebuild([lists("b", ["zeta", "alpha"]), lists("a", ["m", "c"])])
        #expect(names(catalog) == ["b.alpha", "b.zeta", "a.c", "a.m", "firewall_confirm"])
        #expect(catalog.listing.discoveryEnabled == false)
        #expect(catalog.listing.reservedNames == [ToolCatalog.confirmToolName])
    }
}

/// The session-policy owner the router feeds: outcomes reach the flow once, and a call whose answer
/// never came counts as such.
@Suite struct SessionPolicyOwnerTests {
    private func policy(_ flows: String) throws -> SessionPolicy {
        let text = #"{"servers": {"db": {"command": "x"}, "web": {"command": "x"}}, "flows": "# + flows + "}"
        let config = try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: [:])
        return SessionPolicy(config: config.session)
    }

    private let read = FlowCall(server: "db", tool: "read", exposedName: "db.read")
    private let post = FlowCall(server: "web", tool: "post", exposedName: "web.post")

    @Test func aCallWithoutAnAnswerTriggersAnAnyOutcomeRule() throws {
        let session = try policy(#"[{"after": "db.*", "tool": "web.*", "action": "deny"}]"#)
        session.forwarded(read, ticket: 7, now: 10)
        #expect(session.awaitsOutcome(7))
        // Still running: nothing triggered yet.
        #expect(session.decide(post, now: 11) == nil)
        session.ended(7, now: 12)
        #expect(!session.awaitsOutcome(7))
        #expect(session.decide(post, now: 13)?.action == .deny)
    }

    @Test func onlyASuccessTriggersASuccessRuleAndEachOutcomeCountsOnce() throws {
        let session = try policy(
            #"[{"after": "db.*", "after_outcome": "success", "tool": "web.*", "action": "approve"}]"#)
        session.forwarded(read, ticket: 1, now: 0)
        session.ended(1, now: 1)
        #expect(session.decide(post, now: 2) == nil)
        session.forwarded(read, ticket: 2, now: 3)
        session.answered(2, outcome: .succeeded(hasContent: true), now: 4)
        session.ended(2, now: 5)
        let decision = try #require(session.decide(post, now: 6))
        #expect(decision.action == .approve)
        #expect(decision.grants == .givenAfter(4))
    }

    @Test func withoutSessionRulesNothingIsKept() throws {
        let session = SessionPolicy(config: SessionPolicyConfig())
        #expect(session.isEmpty)
        session.forwarded(read, ticket: 1, now: 0)
        #expect(!session.awaitsOutcome(1))
        #expect(session.decide(post, now: 1) == nil)
    }
}
