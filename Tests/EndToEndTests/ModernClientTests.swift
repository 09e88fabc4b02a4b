import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Protocol 2026-07-28 toward the client: discover, the per-request envelope, modern results, and
/// approval by `InputRequiredResult` with a sealed `requestState`.
@Suite struct ModernClientTests {
    private static func envelope(capabilities: JSONValue = [:], version: String = "2026-07-28") -> JSONValue {
        [
            "io.modelcontextprotocol/protocolVersion": .string(version),
            "io.modelcontextprotocol/clientCapabilities": capabilities,
            "io.modelcontextprotocol/clientInfo": ["name": "modern-test", "version": "1"],
        ]
    }

    private static let elicitation: JSONValue = ["elicitation": ["form": [:]]]

    /// `tools/call` params of a refund from a modern client, plus MRTR fields in `extra`.
    private static func refundParams(
        amount: Int = 5, capabilities: JSONValue = elicitation, extra: JSONObject = [:]
    ) -> JSONValue {
        var params: JSONObject = [
            "name": "payments.refund", "arguments": ["charge_id": "ch_m", "amount": .int(amount)],
            "_meta": Self.envelope(capabilities: capabilities),
        ]
        for member in extra { params[member.key] = member.value }
        return .object(params)
    }

    private func refund(
        _ hub: MCPProcess, amount: Int = 5, capabilities: JSONValue = elicitation, extra: JSONObject = [:]
    ) async throws -> JSONValue {
        try await hub.call(
            "tools/call", params: Self.refundParams(amount: amount, capabilities: capabilities, extra: extra))
    }

    @Test func discoverDescribesTheHub() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let result = try await hub.call("server/discover", params: ["_meta": Self.envelope()])
        #expect(result["resultType"] == "complete")
        #expect(result["supportedVersions"]?.arrayValue?.contains("2026-07-28") == true)
        #expect(result["supportedVersions"]?.arrayValue?.contains("2025-11-25") == true)
        #expect(result["capabilities"]?["tools"] != nil)
        #expect(result["ttlMs"]?.intValue != nil)
        #expect(result["cacheScope"]?.stringValue != nil)
        #expect(result["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "mcp-firewall-hub")
    }

    @Test func envelopedRequestsGetModernResults() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let list = try await hub.call("tools/list", params: ["_meta": Self.envelope()])
        #expect(list["resultType"] == "complete")
        #expect(list["ttlMs"] != nil)
        #expect(list["cacheScope"] != nil)
        #expect(list["tools"]?.arrayValue?.contains { $0["name"] == "payments.get_balance" } == true)
        let balance = try await hub.call(
            "tools/call", params: ["name": "payments.get_balance", "arguments": [:], "_meta": Self.envelope()])
        #expect(balance["resultType"] == "complete")
        #expect(balance["structuredContent"]?["currency"] != nil)
        #expect(balance["ttlMs"] == nil)
        // A legacy client on the same process still gets legacy results.
        _ = try await hub.initialize()
        let legacy = try await hub.call("tools/call", params: ["name": "payments.get_balance", "arguments": [:]])
        #expect(legacy["resultType"] == nil)
    }

    @Test func malformedEnvelopesAndRemovedMethodsAreRefused() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let missing = try await hub.request(
            "tools/list", params: ["_meta": ["io.modelcontextprotocol/protocolVersion": "2026-07-28"]])
        #expect(missing.outcome.errorCode == -32602)
        let future = try await hub.request("tools/list", params: ["_meta": Self.envelope(version: "2099-01-01")])
        guard case .error(let error) = future.outcome else {
            Issue.record("an unsupported version was served")
            return
        }
        #expect(error.code == -32022)
        #expect(error.data?["requested"] == "2099-01-01")
        #expect(error.data?["supported"]?.arrayValue?.contains("2026-07-28") == true)
        let ping = try await hub.request("ping", params: ["_meta": Self.envelope()])
        #expect(ping.outcome.errorCode == -32601)
    }

    @Test func aHeldCallIsApprovedThroughInputRequiredAndTheTokenWorksOnce() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let held = try await refund(hub)
        #expect(held["resultType"] == "input_required")
        let request = held["inputRequests"]?["approval"]
        #expect(request?["method"] == "elicitation/create")
        #expect(request?["params"]?["message"]?.stringValue?.contains("refund") == true)
        let state = try #require(held["requestState"]?.stringValue)
        #expect(fixture.executedTools("payments").isEmpty)

        let accept: JSONValue = ["approval": ["action": "accept", "content": ["approve": true]]]
        // Altered, or for other arguments: refused, nothing runs.
        var tampered = Array(state)
        tampered[tampered.count / 2] = tampered[tampered.count / 2] == "A" ? "B" : "A"
        let forged = try await hub.request(
            "tools/call",
            params: Self.refundParams(
                amount: 5, extra: ["inputResponses": accept, "requestState": .string(String(tampered))]))
        #expect(forged.outcome.errorCode == -32602)
        let otherArguments = try await hub.request(
            "tools/call",
            params: Self.refundParams(
                amount: 9000, extra: ["inputResponses": accept, "requestState": .string(state)]))
        #expect(otherArguments.outcome.errorCode == -32602)
        #expect(fixture.executedTools("payments").isEmpty)

        let approved = try await refund(hub, extra: ["inputResponses": accept, "requestState": .string(state)])
        #expect(approved["resultType"] == "complete")
        #expect(approved["isError"] != .bool(true), "\(approved)")
        #expect(fixture.executedTools("payments") == ["refund"])

        let replayed = try await hub.request(
            "tools/call",
            params: Self.refundParams(
                amount: 5, extra: ["inputResponses": accept, "requestState": .string(state)]))
        #expect(replayed.outcome.errorCode == -32602)
        #expect(fixture.executedTools("payments") == ["refund"])
    }

    @Test func aDeclineOrAMissingAnswerNeverRuns() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let held = try await refund(hub)
        let state = try #require(held["requestState"]?.stringValue)
        let again = try await refund(hub, extra: ["requestState": .string(state)])
        #expect(again["resultType"] == "input_required")
        let declined = try await refund(
            hub, extra: ["inputResponses": ["approval": ["action": "decline"]], "requestState": .string(state)])
        #expect(declined["isError"] == .bool(true))
        #expect(declined["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("declined") == true)
        #expect(fixture.executedTools("payments").isEmpty)
    }

    @Test func withoutElicitationAModernClientGetsTheOtherChannels() async throws {
        let fixture = try HubFixture.standard()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let held = try await refund(hub, capabilities: [:])
        #expect(held["resultType"] == "complete")
        #expect(held["isError"] == .bool(true))
        let text = held["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
        #expect(text.contains("PAUSED_FOR_APPROVAL"))
        #expect(approvalCode(in: text) != nil)
    }
}
