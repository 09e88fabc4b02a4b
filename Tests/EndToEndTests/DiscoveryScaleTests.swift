import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Discovery in front of hundreds of tools (fixture servers listing generated definitions): search
/// finds what the policy lets be found, `call_tool` answers exactly like a direct call, and a long
/// `all` list is paged in its fixed order.
@Suite struct DiscoveryScaleTests {
    static let verbs = ["list", "get", "create", "update", "purge", "archive", "export", "sync", "scan", "tag"]
    static let nouns = ["invoice", "customer", "ticket", "repo", "pod", "email", "note", "order", "file", "report"]

    /// `count` servers of `perServer` tools (`verb_noun`, then `verb_noun_2`, …), each echoing its
    /// arguments; server `s1` denies `purge_*` and holds `export_*`.
    private func fixture(servers count: Int, perServer: Int, extra: JSONObject) throws -> HubFixture {
        let directory = try TempFiles.directory()
        var tools: [JSONValue] = []
        for i in 0..<perServer {
            let verb = Self.verbs[i % 10]
            let noun = Self.nouns[(i / 10) % 10]
            let round = i / 100
            let name = round == 0 ? "\(verb)_\(noun)" : "\(verb)_\(noun)_\(round + 1)"
            tools.append([
                "name": .string(name), "description": .string("\(verb.capitalized)s a \(noun) of the account."),
                "inputSchema": ["type": "object", "properties": ["id": ["type": "string"]]],
            ])
        }
        let file = try TempFiles.write(
            JSONValue.object(["tools": .array(tools)]).serialized(), name: "definitions.json", in: directory)
        let servers = (0..<count).map { n -> (name: String, binary: String, args: [String], policy: JSONValue?) in
            let policy: JSONValue =
                n == 1 ? ["default": "allow", "deny": ["purge_*"], "approve": ["export_*"]] : ["default": "allow"]
            return ("s\(n)", "fixture-server", ["--name", "s\(n)", "--definitions-file", file.path], policy)
        }
        var extra = extra
        extra["approval"] = ["code_delivery": "agent"]
        return try HubFixture(servers: servers, extra: extra)
    }

    private func call(_ hub: MCPProcess, _ name: String, _ arguments: JSONValue = [:]) async throws -> JSONValue {
        try await hub.call("tools/call", params: ["name": .string(name), "arguments": arguments])
    }

    private func matches(_ result: JSONValue) -> [String] {
        (result["structuredContent"]?["matches"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    @Test func fourHundredToolsBehindTheDiscoveryTools() async throws {
        let fixture = try fixture(servers: 4, perServer: 100, extra: ["listing": ["mode": "discover"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize(timeout: .seconds(60))
        let list = try await hub.call("tools/list")
        #expect(list["tools"]?.arrayValue?.count == 4)
        // Found, ranked by the words, ties by name; the server filter narrows it.
        let archive = try await call(hub, "search_tools", ["query": "archive an invoice", "limit": 4])
        #expect(
            matches(archive) == [
                "s0.archive_invoice", "s1.archive_invoice", "s2.archive_invoice", "s3.archive_invoice",
            ])
        let onS2 = try await call(hub, "search_tools", ["query": "archive an invoice", "server": "s2", "limit": 1])
        #expect(matches(onS2) == ["s2.archive_invoice"])
        // Denied whatever the arguments: never found, and call_tool gets the direct call's denial.
        let purge = try await call(hub, "search_tools", ["query": "purge tickets", "limit": 50])
        #expect(matches(purge).contains("s0.purge_ticket"))
        #expect(!matches(purge).contains { $0.hasPrefix("s1.purge_") })
        let denied = try await call(hub, "call_tool", ["name": "s1.purge_ticket", "arguments": ["id": "t1"]])
        #expect(denied.isToolError)
        #expect(denied.firstText == (try await call(hub, "s1.purge_ticket", ["id": "t1"])).firstText)
        // Held: found as such, and held when called through call_tool.
        let export = try await call(hub, "search_tools", ["query": "export report", "server": "s1", "limit": 1])
        #expect(export["structuredContent"]?["matches"]?.arrayValue?.first?["firewall"] == "needs approval")
        let held = try await call(hub, "call_tool", ["name": "s1.export_report", "arguments": ["id": "r1"]])
        #expect(held.firstText?.contains("PAUSED_FOR_APPROVAL") == true)
        // Allowed: exactly the direct call's result.
        let routed = try await call(hub, "call_tool", ["name": "s3.sync_order", "arguments": ["id": "o1"]])
        let direct = try await call(hub, "s3.sync_order", ["id": "o1"])
        #expect(!routed.isToolError)
        #expect(routed == direct)
    }

    @Test func aLongAllListIsPagedInItsFixedOrder() async throws {
        let fixture = try fixture(servers: 3, perServer: 200, extra: [:])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize(timeout: .seconds(60))
        let first = try await hub.call("tools/list")
        let cursor = try #require(first["nextCursor"])
        let second = try await hub.call("tools/list", params: ["cursor": cursor])
        #expect(second["nextCursor"] == nil)
        let names = ((first["tools"]?.arrayValue ?? []) + (second["tools"]?.arrayValue ?? [])).compactMap {
            $0["name"]?.stringValue
        }
        #expect(first["tools"]?.arrayValue?.count == 500)
        #expect(names.count == 601)
        #expect(names.last == "firewall_confirm")
        for server in ["s0", "s1", "s2"] {
            let own = names.filter { $0.hasPrefix(server + ".") }
            #expect(own.count == 200)
            #expect(own == own.sorted())
        }
        #expect(names.firstIndex { $0.hasPrefix("s1.") }! > names.lastIndex { $0.hasPrefix("s0.") }!)
    }
}
