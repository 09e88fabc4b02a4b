import Foundation
import HubTestSupport
import MCPWire
import Testing

/// The hub driven as an agent's MCP client would drive it: the real binary, real demo servers, real pipes.
@Suite struct HubCoreTests {
    private func toolNames(_ hub: MCPProcess) async throws -> [String] {
        let list = try await hub.call("tools/list")
        return (list["tools"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    private func callTool(_ hub: MCPProcess, _ name: String, _ arguments: JSONValue = [:]) async throws -> JSONValue {
        try await hub.call("tools/call", params: ["name": .string(name), "arguments": arguments])
    }

    @Test func initializeEchoesKnownVersionsAndDeclaresTools() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let result = try await hub.initialize(protocolVersion: "2025-06-18")
        #expect(result["protocolVersion"] == "2025-06-18")
        #expect(result["capabilities"]?["tools"] != nil)
        #expect(result["serverInfo"]?["name"] == "mcp-firewall-hub")
        let unknown = try await hub.call(
            "initialize",
            params: [
                "protocolVersion": "1999-01-01", "capabilities": [:], "clientInfo": ["name": "x", "version": "1"],
            ])
        #expect(unknown["protocolVersion"] == "2025-11-25")
        #expect(try await hub.call("ping") == [:])
        let missing = try await hub.request("no/such/method")
        #expect(missing.outcome.errorCode == -32601)
    }

    @Test func mergedListHasBothServersNamespacedAndOneConfirmTool() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let list = try await hub.call("tools/list")
        let tools = list["tools"]?.arrayValue ?? []
        let names = tools.compactMap { $0["name"]?.stringValue }
        for expected in [
            "payments.get_balance", "payments.refund", "payments.delete_customer", "payments.execute_sql",
            "notes.list_notes", "notes.delete_note",
        ] {
            #expect(names.contains(expected), "missing \(expected) in \(names)")
        }
        #expect(names.filter { $0 == "firewall_confirm" }.count == 1)
        // Servers in config order, then each target's own order.
        let firstNotes = names.firstIndex { $0.hasPrefix("notes.") }!
        let lastPayments = names.lastIndex { $0.hasPrefix("payments.") }!
        #expect(lastPayments < firstNotes)
        // Everything but the name passes through untouched.
        let balance = tools.first { $0["name"] == "payments.get_balance" }
        #expect(balance?["outputSchema"]?["type"] == "object")
        #expect(balance?["annotations"]?["readOnlyHint"] == .bool(true))
        #expect(balance?["inputSchema"]?["type"] == "object")
    }

    @Test func allowedCallRunsAndReturnsTheTargetResultUntouched() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let result = try await callTool(hub, "payments.get_balance")
        #expect(!result.isToolError)
        #expect(result["structuredContent"]?["currency"] != nil)
        #expect(result["structuredContent"]?["available"]?.intValue != nil)
        let echo = try await callTool(
            hub, "payments.echo", ["n": .number("1.50"), "big": .number("12345678901234567890")])
        #expect(echo["structuredContent"]?["echo"]?["n"] == .number("1.50"))
        #expect(echo["structuredContent"]?["echo"]?["big"] == .number("12345678901234567890"))
        #expect(fixture.executedTools("payments") == ["get_balance", "echo"])
    }

    @Test func deniedCallNeverReachesTheTarget() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let result = try await callTool(hub, "payments.delete_customer", ["customer_id": "cus_1"])
        #expect(result.isToolError)
        let text = result.firstText ?? ""
        #expect(text.contains("Denied"))
        #expect(text.contains("servers.payments.policy.deny[0]"))
        _ = try await callTool(hub, "payments.get_balance")  // a later call proves the journal is live
        #expect(fixture.executedTools("payments") == ["get_balance"])
    }

    @Test func heldCallNeedsTheRightCodeOnceOnly() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let held = try await callTool(hub, "payments.refund", ["charge_id": "ch_1", "amount": 500])
        #expect(held.isToolError)
        let text = held.firstText ?? ""
        #expect(text.contains("PAUSED_FOR_APPROVAL"))
        #expect(text.contains("payments.refund"))
        #expect(text.contains("ch_1"))
        let code = try #require(approvalCode(in: text))
        #expect(code.count == 6)
        #expect(fixture.executedTools("payments").isEmpty)

        let wrongCode = code == "000000" ? "111111" : "000000"
        let wrong = try await callTool(hub, "firewall_confirm", ["otp": .string(wrongCode)])
        #expect(wrong.isToolError)
        #expect(wrong.firstText?.contains("wrong approval code") == true)
        #expect(fixture.executedTools("payments").isEmpty)

        let approved = try await callTool(hub, "firewall_confirm", ["otp": .string(code)])
        #expect(!approved.isToolError, "\(approved)")
        #expect(fixture.executedTools("payments") == ["refund"])

        let reused = try await callTool(hub, "firewall_confirm", ["otp": .string(code)])
        #expect(reused.isToolError)
        #expect(reused.firstText?.contains("already used") == true)
        #expect(fixture.executedTools("payments") == ["refund"])
    }

    @Test func aNumericCodeAndTheCodeKeyAreAccepted() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let first = try await callTool(hub, "notes.write_note", ["title": "a", "body": "b"])
        let code = try #require(approvalCode(in: first.firstText ?? ""))
        let callID = try #require(heldCallID(in: first.firstText ?? ""))
        if code.first != "0" {
            let result = try await callTool(
                hub, "firewall_confirm", ["otp": .number(code), "call_id": .string(callID)])
            #expect(!result.isToolError, "\(result)")
        } else {
            let result = try await callTool(hub, "firewall_confirm", ["code": .string(code)])
            #expect(!result.isToolError, "\(result)")
        }
        #expect(fixture.executedTools("notes") == ["write_note"])
    }

    @Test func aWrongTryOnOneHeldCallNeverDiscardsAnother() async throws {
        let fixture = try HubFixture.standard(extra: ["approval": ["code_delivery": "agent", "max_attempts": 1]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let a = try await callTool(hub, "payments.refund", ["charge_id": "ch_a", "amount": 1])
        let b = try await callTool(hub, "payments.refund", ["charge_id": "ch_b", "amount": 2])
        let codeB = try #require(approvalCode(in: b.firstText ?? ""))
        let idA = try #require(heldCallID(in: a.firstText ?? ""))
        let idB = try #require(heldCallID(in: b.firstText ?? ""))
        #expect(idA != idB)
        let badForA = codeB == "123456" ? "654321" : "123456"
        let wrong = try await callTool(hub, "firewall_confirm", ["otp": .string(badForA), "call_id": .string(idA)])
        #expect(wrong.isToolError)
        // A's single attempt is used up; B is untouched.
        let ok = try await callTool(hub, "firewall_confirm", ["otp": .string(codeB), "call_id": .string(idB)])
        #expect(!ok.isToolError, "\(ok)")
        #expect(fixture.executedTools("payments") == ["refund"])
    }

    @Test func argumentRulesDecideByArgumentValue() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let dropped = try await callTool(hub, "payments.execute_sql", ["sql": "DROP TABLE customers"])
        #expect(dropped.isToolError)
        #expect(dropped.firstText?.contains("servers.payments.policy.rules[0]") == true)
        let selected = try await callTool(hub, "payments.execute_sql", ["sql": "select * from customers"])
        #expect(!selected.isToolError, "\(selected)")
        let update = try await callTool(hub, "payments.execute_sql", ["sql": "update customers set x=1"])
        #expect(update.firstText?.contains("PAUSED_FOR_APPROVAL") == true)
        #expect(fixture.executedTools("payments") == ["execute_sql"])
    }

    @Test func idsAreEchoedExactlyIncludingZeroAndStrings() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        for id: RequestID in [.int(0), .string("abc"), .string(""), .number("98765432109876543210"), .int(-1)] {
            let response = try await hub.request(
                "tools/call", params: ["name": "payments.get_balance", "arguments": [:]], id: id)
            #expect(response.id == id)
            #expect(response.outcome.result != nil)
        }
        let line = hub.stdoutLines.first { $0.contains("98765432109876543210") }
        #expect(line?.contains("\"id\":98765432109876543210") == true)
    }

    @Test func unknownToolsAndBadParamsGetProtocolErrors() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let unknown = try await hub.request("tools/call", params: ["name": "payments.nope", "arguments": [:]])
        #expect(unknown.outcome.errorCode == -32602)
        let noName = try await hub.request("tools/call", params: ["arguments": [:]])
        #expect(noName.outcome.errorCode == -32602)
        let badArguments = try await hub.request("tools/call", params: ["name": "payments.echo", "arguments": .null])
        #expect(badArguments.outcome.errorCode == -32602)
    }

    @Test func dotlessClientsGetDoubleUnderscoreNamesAndBothSpellingsRoute() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(clientName: "claude-ai")
        let names = try await toolNames(hub)
        #expect(names.contains("payments__get_balance"))
        #expect(!names.contains { $0.contains(".") })
        #expect(names.allSatisfy { $0.count <= 64 })
        #expect(!(try await callTool(hub, "payments__get_balance")).isToolError)
        #expect(!(try await callTool(hub, "payments.get_balance")).isToolError)
    }

    @Test func aServerThatFailsToStartDoesNotStopTheOthers() async throws {
        let fixture = try HubFixture(servers: [
            ("broken", "/nonexistent/definitely-not-here", [], nil),
            ("notes", "demo-notes", [], nil),
        ])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let names = try await toolNames(hub)
        #expect(names.contains("notes.list_notes"))
        #expect(!names.contains { $0.hasPrefix("broken.") })
        try await hub.waitForStderr(containing: "[broken]", timeout: .seconds(10))
        #expect(hub.stderrText.contains("definitely-not-here"))
    }

    @Test func aTargetCannotShadowOrApproveWithAToolNamedFirewallConfirm() async throws {
        let fixture = try HubFixture(
            servers: [
                ("evil", "fixture-server", ["--evil"], ["default": "approve"]),
                ("payments", "demo-payments", [], HubFixture.paymentsPolicy),
            ], extra: ["approval": ["code_delivery": "agent"]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let names = try await toolNames(hub)
        #expect(names.filter { $0 == "firewall_confirm" }.count == 1)
        #expect(names.contains("evil.firewall_confirm"))
        let held = try await callTool(hub, "payments.refund", ["charge_id": "ch_9", "amount": 1])
        #expect(held.firstText?.contains("PAUSED_FOR_APPROVAL") == true)
        // The evil tool is itself held (policy default approve); calling the hub's tool with a made-up
        // code does not reach either target.
        let confirm = try await callTool(hub, "firewall_confirm", ["otp": "000000"])
        #expect(confirm.isToolError)
        #expect(fixture.executedTools("payments").isEmpty)
        #expect(fixture.executedTools("evil").isEmpty)
    }
}

extension JSONRPCMessage.Response.Outcome {
    var errorCode: Int? {
        if case .error(let e) = self { return e.code }
        return nil
    }

    var result: JSONValue? {
        if case .result(let r) = self { return r }
        return nil
    }
}
