import MCPWire
import Testing

@testable import FirewallHub

/// `search_tools`, `describe_tool` and `call_tool` as the router will call them.
@Suite struct DiscoveryToolsTests {
    let fixture: DiscoveryFixture

    init() throws { fixture = try DiscoverySearchTests.shared.get() }

    private func handle(_ tool: String, _ arguments: JSONObject, extra: JSONObject = [:]) -> DiscoveryAction? {
        var params = DiscoveryFixture.params(tool, arguments)
        for member in extra { params[member.key] = member.value }
        return fixture.discovery.handle(params: params, resolve: fixture.resolve)
    }

    private func answer(_ tool: String, _ arguments: JSONObject) -> JSONValue? {
        guard case .answer(let result)? = handle(tool, arguments) else { return nil }
        return result
    }

    @Test func otherToolsAreNotDiscoveryCalls() {
        #expect(fixture.discovery.handle(params: ["name": "stripe.create_refund"], resolve: fixture.resolve) == nil)
        #expect(fixture.discovery.handle(params: ["name": "firewall_confirm"], resolve: fixture.resolve) == nil)
        #expect(fixture.discovery.handle(params: [:], resolve: fixture.resolve) == nil)
    }

    @Test func searchAnswersWithRankedMatchesServerAndFirewall() throws {
        let result = try #require(answer("search_tools", ["query": "refund a charge", "limit": 3]))
        #expect(result["isError"] == false)
        let matches = try #require(result["structuredContent"]?["matches"]?.arrayValue)
        #expect(matches.count == 3)
        #expect(
            matches[0] == [
                "name": "stripe.create_refund", "server": "stripe",
                "description": "Refund a charge, fully or partly: returns money to the customer's card.",
                "firewall": "needs approval",
            ])
        #expect(result["structuredContent"]?["searched"] == .int(fixture.discovery.findableCount))
        let text = ToolResult.text(result)
        #expect(text.contains("- stripe.create_refund — Refund a charge"))
        #expect(text.contains("[server: stripe; firewall: needs approval]"))
        #expect(text.contains("call_tool"))
    }

    @Test func searchWithoutMatchesSaysSo() throws {
        let result = try #require(answer("search_tools", ["query": "zzzqqq xylophone"]))
        #expect(result["isError"] == false)
        #expect(result["structuredContent"]?["matches"] == [])
        #expect(ToolResult.text(result).hasPrefix("No tool matches \"zzzqqq xylophone\""))
    }

    static let badSearches: [(JSONObject, String)] = [
        (JSONObject(), "search_tools needs \"query\"."),
        (["query": .int(3)], "search_tools: \"query\" must be a non-empty string."),
        (["query": ""], "search_tools: \"query\" must be a non-empty string."),
        (["query": "the of a"], "search_tools: the query has no words to search for"),
        (["query": "refund", "limit": .int(0)], "search_tools: \"limit\" is 0; it must be from 1 to 50."),
        (["query": "refund", "limit": .int(51)], "search_tools: \"limit\" is 51; it must be from 1 to 50."),
        (["query": "refund", "limit": "5"], "search_tools: \"limit\" must be an integer."),
        (["query": "refund", "server": .int(1)], "search_tools: \"server\" must be a string."),
        (["query": .string(String(repeating: "a ", count: 600))], "search_tools: the query is longer than 1000"),
    ]

    @Test(arguments: badSearches)
    func searchRejectsBadArguments(arguments: JSONObject, message: String) throws {
        let result = try #require(answer("search_tools", arguments))
        #expect(result["isError"] == true)
        #expect(ToolResult.text(result).hasPrefix(message), "\(ToolResult.text(result))")
    }

    @Test func argumentsMustBeAnObject() throws {
        let action = fixture.discovery.handle(
            params: ["name": "search_tools", "arguments": "refund"], resolve: fixture.resolve)
        guard case .answer(let result)? = action else { throw Failure("not an answer") }
        #expect(ToolResult.text(result) == "search_tools: \"arguments\" must be an object.")
    }

    @Test func describeGivesTheFullDefinitionAndFirewall() throws {
        for name in ["stripe.create_refund", "stripe__create_refund"] {
            let result = try #require(answer("describe_tool", ["name": .string(name)]))
            #expect(result["isError"] == false)
            let body = try JSONParser.parse(ToolResult.text(result))
            #expect(body["tool"]?["name"] == "stripe.create_refund")
            #expect(body["tool"]?["inputSchema"]?["properties"]?["charge"]?["type"] == "string")
            #expect(body["tool"] == .object(fixture.catalog.resolve("stripe.create_refund")!.definition))
            #expect(body["firewall"] == "needs approval (servers.stripe.policy.approve[0] \"create_refund\")")
        }
    }

    @Test func unknownHiddenAndDeniedToolsAreAllUnknownToDescribe() throws {
        let expected = { (name: String) in
            "Unknown tool: \(name). Use search_tools to find the tools this hub offers, and pass the name exactly as it gives it."
        }
        for name in ["stripe.retrieve_balance", "stripe.delete_customer", "stripe.no_such_tool", "nothing"] {
            let result = try #require(answer("describe_tool", ["name": .string(name)]))
            #expect(result["isError"] == true)
            #expect(ToolResult.text(result) == expected(name))
        }
    }

    @Test func callToolRoutesAsADirectCallKeepingEveryOtherParam() throws {
        let meta: JSONValue = ["progressToken": 7]
        let action = handle(
            "call_tool", ["name": "stripe__create_refund", "arguments": ["charge": "ch_1", "amount": 500]],
            extra: ["_meta": meta, "requestState": "opaque", "inputResponses": ["k": ["action": "accept"]]])
        guard case .route(let name, let params)? = action else {
            throw Failure("not routed: \(String(describing: action))")
        }
        #expect(name == "stripe.create_refund")
        #expect(params["name"] == "stripe.create_refund")
        #expect(params["arguments"] == ["charge": "ch_1", "amount": 500])
        #expect(params["_meta"] == meta)
        #expect(params["requestState"] == "opaque")
        #expect(params["inputResponses"] == ["k": ["action": "accept"]])
    }

    @Test func callToolWithoutArgumentsRoutesWithout() throws {
        guard case .route(_, let params)? = handle("call_tool", ["name": "notes.read_note"]) else {
            throw Failure("not routed")
        }
        #expect(params["arguments"] == nil)
        #expect(params.keys == ["name"])
    }

    @Test func callToolRoutesAnAlwaysDeniedToolSoTheRouterRefusesItAsADirectCall() throws {
        guard case .route(let name, _)? = handle("call_tool", ["name": "stripe.delete_customer"]) else {
            throw Failure("not routed")
        }
        let entry = try #require(fixture.catalog.resolve(name))
        let server = try #require(fixture.config.server(named: entry.server))
        let decision = PolicyEngine(server: server, defaults: nil).decide(
            tool: entry.tool, annotations: entry.annotations, arguments: nil)
        #expect(decision.action == .deny)
    }

    @Test func hiddenAndUnknownToolsGetTheSameAnswerFromCallTool() throws {
        for name in ["stripe.retrieve_balance", "kubernetes__exec_in_pod", "stripe.retrieve_balancex"] {
            guard case .answer(let result)? = handle("call_tool", ["name": .string(name), "arguments": [:]]) else {
                throw Failure("\(name) was routed")
            }
            #expect(result["isError"] == true)
            #expect(ToolResult.text(result).hasPrefix("Unknown tool: \(name). Use search_tools"))
        }
    }

    @Test func callToolNeverRoutesToTheHubsOwnTools() throws {
        for name in ["firewall_confirm", "call_tool", "search_tools", "describe_tool"] {
            let result = try #require(answer("call_tool", ["name": .string(name)]))
            #expect(
                ToolResult.text(result)
                    == "\(name) is one of the hub's own tools: call it directly, not through call_tool.")
        }
        let result = try #require(answer("call_tool", ["name": "notes.read_note", "arguments": [1]]))
        #expect(ToolResult.text(result) == "call_tool: \"arguments\" must be an object (the tool's arguments).")
    }

    @Test func definitionsAreWellFormed() {
        #expect(
            DiscoveryTools.definitions.compactMap { $0["name"]?.stringValue } == [
                "search_tools", "describe_tool", "call_tool",
            ])
        for definition in DiscoveryTools.definitions {
            #expect(definition["inputSchema"]?["type"] == "object")
            #expect(definition["description"]?.stringValue?.isEmpty == false)
        }
    }
}
