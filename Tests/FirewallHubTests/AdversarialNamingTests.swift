import MCPWire
import Testing

@testable import FirewallHub

/// Issue 14 item 10, names: for `__` clients server `x`'s tool `y__z` and server `x__y`'s tool `z` both
/// join to `x__y__z`. Neither may get it, which server started first must not matter, and a warning
/// names both.
@Suite struct AdversarialNamingTests {
    private let dotless = ToolNaming(separator: "__", maxLength: 64, allowsDots: false)
    private func tool(_ name: String) -> JSONObject { ["name": .string(name)] }

    @Test func aSharedJoinedNameGoesToNeitherToolAndIsReported() throws {
        let catalog = ToolCatalog(servers: [("x", [tool("y__z")]), ("x__y", [tool("z")])], naming: dotless)
        let names = catalog.entries.map(\.exposedName)
        #expect(!names.contains("x__y__z"))
        #expect(catalog.resolve("x__y__z") == nil)
        #expect(catalog.resolve(names[0])?.server == "x")
        #expect(catalog.resolve(names[1])?.server == "x__y")
        let warning = try #require(catalog.collisions.first)
        #expect(warning.contains(#""x__y__z""#))
        #expect(warning.contains(#"server "x"'s tool "y__z""#))
        #expect(warning.contains(#"server "x__y"'s tool "z""#))
        // The dotted spellings still reach each tool unambiguously.
        #expect(catalog.resolve("x.y__z")?.server == "x")
        #expect(catalog.resolve("x__y.z")?.server == "x__y")
    }

    /// The attack on a stateless catalog: server `x` lists `y__z`, pushing `x__y`'s `z` to a hashed name;
    /// then `x` relists with a tool named like that stand-in. The stand-in a client kept must not now
    /// route to `x`.
    @Test func aTargetCannotTakeOverAStandInByRelisting() throws {
        let first = ToolCatalog(servers: [("x", [tool("y__z")]), ("x__y", [tool("z")])], naming: dotless)
        let standIn = try #require(first.entries.first { $0.server == "x__y" }).exposedName
        let mimic = String(standIn.dropFirst("x__".count))
        let second = ToolCatalog(
            servers: [("x", [tool(mimic)]), ("x__y", [tool("z")])], naming: dotless, ledger: first.ledger)
        let routed = second.resolve(standIn)
        #expect(routed == nil || routed?.server == "x__y", "\(standIn) now routes to \(String(describing: routed))")
        #expect(second.collisions.contains { $0.contains("earlier in this session") })
        // The mimic is still listed, under another name, and reachable by it.
        let mimicEntry = try #require(second.entries.first { $0.tool == mimic })
        #expect(second.resolve(mimicEntry.exposedName)?.server == "x")
    }

    /// Over any sequence of lists (servers arriving, leaving, relisting, in any order), every name a
    /// catalog answered to routes, in every later catalog, to the same tool or to nothing.
    @Test func noNameEverMovesToAnotherTool() {
        var generator = SeededGenerator(seed: 0x5EC0_0010)
        let servers = ["x", "x__y", "x__y__z", "a"]
        let toolPool = ["z", "y__z", "z__w", "y__z__w", "w", "b", "firewall_confirm"]
        for _ in 0..<200 {
            var ledger = ToolNameLedger()
            var seen: [String: ToolNameLedger.Owner] = [:]
            for _ in 0..<6 {
                let present = servers.filter { _ in Bool.random(using: &generator) }.shuffled(using: &generator)
                let lists = present.map { server in
                    (name: server, tools: toolPool.filter { _ in Bool.random(using: &generator) }.map(tool))
                }
                let naming =
                    Bool.random(using: &generator)
                    ? dotless : ToolNaming(separator: ".", maxLength: 64, allowsDots: true)
                let catalog = ToolCatalog(servers: lists, naming: naming, ledger: ledger)
                for (name, owner) in seen {
                    if let routed = catalog.resolve(name) {
                        #expect(routed.server == owner.server && routed.tool == owner.tool, "\(name)")
                    }
                }
                for entry in catalog.entries {
                    let owner = ToolNameLedger.Owner(server: entry.server, tool: entry.tool)
                    for name in [entry.exposedName, entry.server + "__" + entry.tool, entry.server + "." + entry.tool]
                    where catalog.resolve(name)?.server == entry.server && catalog.resolve(name)?.tool == entry.tool {
                        seen[name] = owner
                    }
                }
                ledger = catalog.ledger
            }
        }
    }

    @Test func overlongToolNamesAreNotListed() {
        let long = String(repeating: "n", count: ToolCatalog.maxToolNameBytes + 1)
        let catalog = ToolCatalog(servers: [("s", [tool(long), tool("ok")])], naming: dotless)
        #expect(catalog.entries.map(\.tool) == ["ok"])
        #expect(catalog.skipped.first?.reason.contains("\(ToolCatalog.maxToolNameBytes + 1)-byte name") == true)
    }
}
