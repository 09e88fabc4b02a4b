import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Progressive discovery and `policy.hide`, driven through the real hub as an agent would: what
/// `tools/list` shows in each listing mode, `search_tools` and `describe_tool`, and `call_tool` on the
/// same path as a direct call (allowed, held then approved with `firewall_confirm`, denied).
@Suite struct DiscoveryEndToEndTests {
    static let discoveryNames = ["search_tools", "describe_tool", "call_tool", "firewall_confirm"]

    private func call(_ hub: MCPProcess, _ name: String, _ arguments: JSONValue = [:]) async throws -> JSONValue {
        try await hub.call("tools/call", params: ["name": .string(name), "arguments": arguments])
    }

    private func viaCallTool(_ hub: MCPProcess, _ name: String, _ arguments: JSONValue = [:]) async throws
        -> JSONValue
    {
        try await call(hub, "call_tool", ["name": .string(name), "arguments": arguments])
    }

    private func toolNames(_ hub: MCPProcess, params: JSONValue? = nil) async throws -> [String] {
        let list = try await hub.call("tools/list", params: params)
        return (list["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    private func matches(_ result: JSONValue) -> [JSONValue] {
        result["structuredContent"]?["matches"]?.arrayValue ?? []
    }

    @Test func discoverModeListsOnlyTheDiscoveryTools() async throws {
        let fixture = try HubFixture.standard(extra: ["listing": ["mode": "discover"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize()
        #expect(try await toolNames(hub) == Self.discoveryNames)
    }

    @Test func aServerInAllModeIsListedBesideThemSortedByName() async throws {
        let fixture = try HubFixture(
            servers: [
                ("payments", "demo-payments", [], HubFixture.paymentsPolicy),
                ("notes", "demo-notes", [], ["allow": ["list_*", "read_*"], "deny": ["delete_*"]]),
            ], extra: ["listing": ["mode": "discover"], "approval": ["code_delivery": "agent"]],
            serverKeys: ["notes": ["listing": ["mode": "all"]]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize()
        let names = try await toolNames(hub)
        let notes = Array(names.dropLast(4))
        #expect(Array(names.suffix(4)) == Self.discoveryNames)
        #expect(!notes.isEmpty && notes.allSatisfy { $0.hasPrefix("notes.") })
        #expect(notes == notes.sorted())
        // A denied tool stays listed in `all` mode (its call names the rule).
        #expect(notes.contains("notes.delete_note"))
    }

    @Test func searchFindsToolsAndSaysWhatTheFirewallDoes() async throws {
        let fixture = try HubFixture.standard(extra: ["listing": ["mode": "discover"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize()
        let refund = try await call(hub, "search_tools", ["query": "refund a charge"])
        #expect(refund["isError"] == false)
        let first = try #require(matches(refund).first)
        #expect(first["name"] == "payments.refund")
        #expect(first["firewall"] == "needs approval")
        #expect(refund.firstText?.contains("payments.refund") == true)
        // A tool denied whatever its arguments is never found nor described.
        let delete = try await call(hub, "search_tools", ["query": "delete a customer"])
        #expect(!matches(delete).contains { $0["name"] == "payments.delete_customer" })
        let described = try await call(hub, "describe_tool", ["name": "payments.delete_customer"])
        #expect(described.isToolError)
        #expect(described.firstText?.hasPrefix("Unknown tool: payments.delete_customer.") == true)
        let schema = try await call(hub, "describe_tool", ["name": "payments.refund"])
        #expect(!schema.isToolError)
        #expect(schema.firstText?.contains("charge_id") == true)
        #expect(schema.firstText?.contains("needs approval") == true)
    }

    @Test func callToolRunsThroughTheSamePolicyAndApprovalAsADirectCall() async throws {
        let fixture = try HubFixture.standard(extra: ["listing": ["mode": "discover"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize()
        // Allowed: the tool's own result, as a direct call gets it.
        let routed = try await viaCallTool(hub, "payments.get_balance")
        let direct = try await call(hub, "payments.get_balance")
        #expect(!routed.isToolError)
        #expect(routed["structuredContent"] == direct["structuredContent"])
        #expect(routed["structuredContent"]?["currency"] != nil)
        // Denied: the very denial a direct call gets, and nothing reaches the server.
        let denied = try await viaCallTool(hub, "payments.delete_customer", ["customer_id": "cus_001"])
        let deniedDirect = try await call(hub, "payments.delete_customer", ["customer_id": "cus_001"])
        #expect(denied.isToolError)
        #expect(denied.firstText == deniedDirect.firstText)
        #expect(denied.firstText?.contains(#"servers.payments.policy.deny[0] "delete_*""#) == true)
        // Held: the usual held result; firewall_confirm with the code runs exactly that call.
        let held = try await viaCallTool(hub, "payments.refund", ["charge_id": "ch_9", "amount": 3])
        let text = try #require(held.firstText)
        #expect(text.contains("PAUSED_FOR_APPROVAL"))
        #expect(!fixture.executedTools("payments").contains("refund"))
        let code = try #require(approvalCode(in: text))
        let callID = try #require(heldCallID(in: text))
        let approved = try await call(hub, "firewall_confirm", ["otp": .string(code), "call_id": .string(callID)])
        #expect(!approved.isToolError)
        #expect(approved.firstText?.contains("Refunded 3") == true)
        #expect(fixture.executedTools("payments") == ["get_balance", "get_balance", "refund"])
        #expect(hub.stderrText.contains("call payments.delete_customer → deny"))
    }

    @Test func aHiddenToolIsRefusedExactlyLikeAnUnknownOne() async throws {
        var policy = HubFixture.paymentsPolicy.objectValue ?? [:]
        policy["hide"] = ["execute_*", "enable_admin_tools"]
        let fixture = try HubFixture(
            servers: [("payments", "demo-payments", [], .object(policy))],
            extra: ["approval": ["code_delivery": "agent"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize()
        let names = try await toolNames(hub)
        #expect(names.contains("payments.get_balance"))
        #expect(!names.contains("payments.execute_sql") && !names.contains("payments.enable_admin_tools"))
        let hidden = try await hub.request(
            "tools/call", params: ["name": "payments.execute_sql", "arguments": ["sql": "select 1"]])
        let unknown = try await hub.request(
            "tools/call", params: ["name": "payments.execute_sqm", "arguments": ["sql": "select 1"]])
        guard case .error(let hiddenError) = hidden.outcome, case .error(let unknownError) = unknown.outcome else {
            Issue.record("a call of a hidden or unknown tool was not refused: \(hidden) \(unknown)")
            return
        }
        #expect(hiddenError.code == unknownError.code)
        #expect(
            hiddenError.message.replacingOccurrences(of: "execute_sql", with: "X")
                == unknownError.message.replacingOccurrences(of: "execute_sqm", with: "X"))
        #expect(hiddenError.data == unknownError.data)
        #expect(fixture.executedTools("payments").isEmpty)
        try await hub.waitForStderr(containing: #"servers.payments.policy.hide[0] "execute_*""#)
    }

    @Test func aHiddenToolIsUnknownToSearchDescribeAndCallTool() async throws {
        var policy = HubFixture.paymentsPolicy.objectValue ?? [:]
        policy["hide"] = ["execute_*"]
        policy["allow"] = ["get_*", "list_*", "echo", "execute_sql"]
        let fixture = try HubFixture(
            servers: [("payments", "demo-payments", [], .object(policy))], extra: ["listing": ["mode": "discover"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize()
        let search = try await call(hub, "search_tools", ["query": "execute sql"])
        #expect(!matches(search).contains { $0["name"] == "payments.execute_sql" })
        let exact = try await call(hub, "search_tools", ["query": "payments.execute_sql"])
        #expect(!matches(exact).contains { $0["name"] == "payments.execute_sql" })
        for tool in ["describe_tool", "call_tool"] {
            let hidden = try await call(hub, tool, ["name": "payments.execute_sql", "arguments": ["sql": "select 1"]])
            let unknown = try await call(hub, tool, ["name": "payments.execute_sqm", "arguments": ["sql": "select 1"]])
            #expect(hidden.isToolError)
            #expect(
                hidden.firstText?.replacingOccurrences(of: "execute_sql", with: "X")
                    == unknown.firstText?.replacingOccurrences(of: "execute_sqm", with: "X"))
        }
        #expect(fixture.executedTools("payments").isEmpty)
    }

    @Test func aDiscoverServersNewToolsAreFoundWithoutAListChange() async throws {
        let fixture = try HubFixture(
            servers: [("payments", "demo-payments", [], ["default": "allow"])],
            extra: ["listing": ["mode": "discover"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initialize()
        let before = try await toolNames(hub)
        let enabled = try await viaCallTool(hub, "payments.enable_admin_tools")
        #expect(!enabled.isToolError)
        // The server's list_changed makes the hub re-read its list: search finds the new tool once read.
        let deadline = ContinuousClock.now + .seconds(30)
        var found = false
        while !found && ContinuousClock.now < deadline {
            found = matches(try await call(hub, "search_tools", ["query": "reset the account"])).contains {
                $0["name"] == "payments.admin_reset"
            }
            if !found { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(found)
        // What the client is shown did not change, so it is not told that it did.
        #expect(try await toolNames(hub) == before)
        for message in hub.takeQueuedMessages() {
            if case .notification(let n) = message { #expect(n.method != "notifications/tools/list_changed") }
        }
        let reset = try await viaCallTool(hub, "payments.admin_reset")
        #expect(reset.firstText?.contains("Account reset") == true)
    }

    @Test func aModernClientGetsCacheHintsAndCallsThroughCallTool() async throws {
        let fixture = try HubFixture.standard(extra: ["listing": ["mode": "discover"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let meta: JSONValue = [
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": [:],
            "io.modelcontextprotocol/clientInfo": ["name": "modern-test", "version": "1"],
        ]
        let list = try await hub.call("tools/list", params: ["_meta": meta])
        #expect((list["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == Self.discoveryNames)
        // Every server is in discover mode: the list changes only with the config.
        #expect(list["ttlMs"] == 300_000)
        #expect(list["cacheScope"] == "private")
        let balance = try await hub.call(
            "tools/call",
            params: ["name": "call_tool", "arguments": ["name": "payments.get_balance"], "_meta": meta])
        #expect(balance["resultType"] == "complete")
        #expect(balance["structuredContent"]?["currency"] != nil)
        let denied = try await hub.call(
            "tools/call",
            params: [
                "name": "call_tool", "arguments": ["name": "payments.delete_customer", "arguments": [:]], "_meta": meta,
            ])
        #expect(denied.isToolError)
        #expect(denied.firstText?.hasPrefix("Denied by mcp-firewall-hub") == true)
    }
}
