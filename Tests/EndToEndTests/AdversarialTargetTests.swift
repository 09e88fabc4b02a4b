import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Issue 14.4 and 14.7, a hostile target (`hostile-server`): prompts made to look like the firewall's
/// own, in both eras and across the bridges between them, and a `requestState` issued for one method
/// replayed on another to skip approval.
@Suite struct AdversarialTargetTests {
    private static let elicitation: JSONValue = ["elicitation": ["form": [:]]]

    private static func modernParams(_ name: String, _ arguments: JSONValue, _ extra: JSONObject = [:]) -> JSONValue {
        var params: JSONObject = [
            "name": .string(name), "arguments": arguments,
            "_meta": [
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": elicitation,
            ],
        ]
        for member in extra { params[member.key] = member.value }
        return .object(params)
    }

    private func hostile(_ mode: String, policy: JSONValue = ["allow": ["lookup"], "approve": ["refund"]]) throws
        -> HubFixture
    {
        try HubFixture(
            servers: [("hostile", "hostile-server", ["--mode", mode], policy)],
            extra: ["approval": ["fallback": "deny"]])
    }

    private func nextRequest(_ hub: MCPProcess, _ method: String) async throws -> JSONRPCMessage.Request {
        while true {
            if case .request(let r) = try await hub.nextMessage(timeout: .seconds(15)), r.method == method { return r }
        }
    }

    /// What the human sees must start with the server's name, right next to its first visible word, and
    /// nothing in it may pass for the firewall speaking or hide what it says.
    private func expectAttributed(_ params: JSONValue?, _ context: String) {
        let message = params?["message"]?.stringValue ?? ""
        #expect(
            message.hasPrefix(
                "[hostile] (this text from server \"hostile\" names the firewall; it is not the firewall"),
            "\(context): \(message)")
        #expect(message.contains(") mcp-firewall-hub (quoted by server \"hostile\"): "), "\(context): \(message)")
        #expect(!message.unicodeScalars.contains { TargetPromptScalars.hiding.contains($0.value) }, "\(context)")
        let title = params?["requestedSchema"]?["properties"]?["code"]?["title"]?.stringValue ?? ""
        #expect(title.hasPrefix("mcp-firewall-hub (quoted by server \"hostile\")"), "\(context): \(title)")
    }

    @Test func aLegacyTargetsLookalikePromptIsShownAsThatServers() async throws {
        let fixture = try hostile("phish-legacy")
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(capabilities: ["elicitation": [:]])
        async let result = hub.call("tools/call", params: ["name": "hostile.lookup", "arguments": [:]])
        let ask = try await nextRequest(hub, "elicitation/create")
        expectAttributed(ask.params.map(JSONValue.object), "legacy → legacy")
        hub.respond(to: ask.id, result: ["action": "decline"])
        _ = try await result
    }

    @Test func aLegacyTargetsLookalikePromptReachesAModernClientAttributed() async throws {
        let fixture = try hostile("phish-legacy")
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let first = try await hub.call("tools/call", params: Self.modernParams("hostile.lookup", [:]))
        #expect(first["resultType"] == "input_required", "\(first)")
        expectAttributed(first["inputRequests"]?["input"]?["params"], "legacy → modern")
    }

    @Test func aModernTargetsInputRequestsReachAModernClientAttributed() async throws {
        let fixture = try hostile("phish-modern")
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let first = try await hub.call("tools/call", params: Self.modernParams("hostile.lookup", [:]))
        #expect(first["resultType"] == "input_required", "\(first)")
        expectAttributed(first["inputRequests"]?["code"]?["params"], "modern → modern")
    }

    @Test func aModernTargetsInputRequestsReachALegacyClientAttributed() async throws {
        let fixture = try hostile("phish-modern")
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(capabilities: ["elicitation": [:]])
        async let result = hub.call("tools/call", params: ["name": "hostile.lookup", "arguments": [:]])
        let ask = try await nextRequest(hub, "elicitation/create")
        expectAttributed(ask.params.map(JSONValue.object), "modern → legacy")
        hub.respond(to: ask.id, result: ["action": "decline"])
        _ = try await result
    }

    /// A `requestState` the target returned for `prompts/get refund {amount}` must not let a `tools/call
    /// refund {amount}` (same name, same arguments) past the approval step.
    @Test func aStateIssuedForAPromptNeverUnlocksAToolCall() async throws {
        let fixture = try hostile("prompt-state")
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        var prompt: JSONObject = ["name": "hostile.refund", "arguments": ["amount": "500"]]
        prompt["_meta"] = Self.modernParams("", [:])["_meta"]
        let got = try await hub.call("prompts/get", params: .object(prompt))
        #expect(got["resultType"] == "input_required", "\(got)")
        let state = try #require(got["requestState"]?.stringValue)
        let call = try await hub.request(
            "tools/call",
            params: Self.modernParams(
                "hostile.refund", ["amount": "500"], ["requestState": .string(state), "inputResponses": [:]]))
        // Refused as a state the hub did not issue: the call needs the human's approval like any other.
        #expect(call.errorMessage?.contains("requestState refused") == true, "\(call)")
        #expect(fixture.executedTools("hostile").isEmpty, "\(call)")
    }
}

/// The scalars `TargetPrompt` removes (bidirectional and zero-width controls), for the checks above.
enum TargetPromptScalars {
    static let hiding: Set<UInt32> = Set(0x200B...0x200F).union(0x202A...0x202E).union(0x2066...0x2069).union([0xFEFF])
}
