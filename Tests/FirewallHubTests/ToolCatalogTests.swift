import MCPWire
import Testing

@testable import FirewallHub

@Suite struct ToolCatalogTests {
    private func tool(_ name: String) -> JSONObject { ["name": .string(name), "description": "d"] }
    private let dotted = ToolNaming(separator: ".", maxLength: 64, allowsDots: true)
    private let dotless = ToolNaming(separator: "__", maxLength: 64, allowsDots: false)

    @Test func namespacesInConfigOrderAndKeepsEverythingElse() {
        var refund = tool("refund")
        refund["annotations"] = ["destructiveHint": true]
        let catalog = ToolCatalog(servers: [("b", [tool("x")]), ("a", [refund, tool("y")])], naming: dotted)
        #expect(catalog.entries.map(\.exposedName) == ["b.x", "a.refund", "a.y"])
        #expect(catalog.entries[1].definition["annotations"] == ["destructiveHint": true])
        #expect(catalog.entries[1].definition["description"] == "d")
        #expect(catalog.resolve("a.refund")?.tool == "refund")
        #expect(catalog.resolve("a__refund")?.tool == "refund")
        #expect(catalog.resolve("refund") == nil)
    }

    @Test func longNamesAreShortenedDeterministicallyAndStillRoute() {
        let long = String(repeating: "very_long_tool_name_", count: 5)
        let a = ToolCatalog(servers: [("payments", [tool(long), tool(long + "2")])], naming: dotless)
        let b = ToolCatalog(servers: [("payments", [tool(long), tool(long + "2")])], naming: dotless)
        let names = a.entries.map(\.exposedName)
        #expect(names == b.entries.map(\.exposedName))
        #expect(Set(names).count == 2)
        for name in names {
            #expect(name.count <= 64)
            #expect(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        }
        #expect(a.resolve(names[0])?.tool == long)
        #expect(a.resolve(names[1])?.tool == long + "2")
        #expect(a.resolve("payments__" + long)?.tool == long)
    }

    @Test func dotsInTargetNamesAreReplacedForDotlessClients() {
        let catalog = ToolCatalog(servers: [("gh", [tool("admin.tools.list")])], naming: dotless)
        let name = catalog.entries[0].exposedName
        #expect(!name.contains("."))
        #expect(name.hasPrefix("gh__admin_tools_list_"))
        #expect(catalog.resolve(name)?.tool == "admin.tools.list")
        #expect(catalog.resolve("gh.admin.tools.list")?.tool == "admin.tools.list")
    }

    @Test func reservedAndCollidingNamesGetStandIns() {
        let underscore = ToolNaming(separator: "_", maxLength: 64, allowsDots: true)
        // "firewall" + "_" + "confirm" would be the hub's own tool name.
        let catalog = ToolCatalog(
            servers: [("firewall", [tool("confirm")]), ("a_b", [tool("c")]), ("a", [tool("b_c")])], naming: underscore)
        let names = catalog.entries.map(\.exposedName)
        #expect(!names.contains("firewall_confirm"))
        #expect(catalog.resolve("firewall_confirm") == nil)
        // "a_b" + "_" + "c" and "a" + "_" + "b_c" are the same name: neither gets it.
        #expect(!names.contains("a_b_c"))
        #expect(catalog.resolve("a_b_c") == nil)
        #expect(catalog.resolve(names[1])?.server == "a_b")
        #expect(catalog.resolve(names[2])?.server == "a")
        #expect(Set(names).count == 3)
    }

    @Test func ambiguousAliasesAreDropped() {
        // Both entries would answer to "a__b__c" as an alias: neither may claim it.
        let catalog = ToolCatalog(servers: [("a", [tool("b__c")]), ("a__b", [tool("c")])], naming: dotted)
        #expect(catalog.resolve("a.b__c")?.server == "a")
        #expect(catalog.resolve("a__b.c")?.server == "a__b")
        #expect(catalog.resolve("a__b__c") == nil)
    }

    @Test func toolsWithoutNamesAndDuplicatesAreSkipped() {
        let catalog = ToolCatalog(servers: [("s", [["description": "no name"], tool("x"), tool("x")])], naming: dotted)
        #expect(catalog.entries.map(\.exposedName) == ["s.x"])
        #expect(catalog.skipped.count == 2)
    }

    @Test func namingFollowsTheClient() {
        let config = NamingConfig()
        #expect(ToolNaming.forClient(named: "claude-ai", config: config).separator == "__")
        #expect(ToolNaming.forClient(named: "Cursor-VSCode", config: config).separator == "__")
        #expect(ToolNaming.forClient(named: "some-inspector", config: config).separator == ".")
        #expect(ToolNaming.forClient(named: nil, config: config).separator == ".")
        let forced = NamingConfig(separator: ".")
        #expect(ToolNaming.forClient(named: "claude-ai", config: forced).separator == ".")
        let custom = NamingConfig(dotlessClients: ["my-agent"])
        #expect(ToolNaming.forClient(named: "my-agent 2", config: custom).separator == "__")
        #expect(ToolNaming.forClient(named: "claude-ai", config: custom).separator == ".")
    }
}
