import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Protocol 2026-07-28 toward targets: a modern-only target and a legacy target behind one hub,
/// legacy and modern clients, and the input round trips bridged between the eras.
@Suite struct ModernTargetTests {
    private static func envelope(capabilities: JSONValue = [:]) -> JSONValue {
        [
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": capabilities,
        ]
    }

    private static let elicitation: JSONValue = ["elicitation": ["form": [:]]]

    private static func mixedFixture(modernPolicy: JSONValue = ["default": "allow"]) throws -> HubFixture {
        try HubFixture(
            servers: [
                ("modern", "modern-server", [], modernPolicy),
                ("notes", "demo-notes", [], ["default": "allow"]),
            ], extra: ["approval": ["code_delivery": "agent"]])
    }

    /// `tools/call` params from a modern client that declared elicitation, plus MRTR fields in `extra`.
    private static func modernCall(_ name: String, _ arguments: JSONValue, _ extra: JSONObject = [:]) -> JSONValue {
        var params: JSONObject = [
            "name": .string(name), "arguments": arguments, "_meta": envelope(capabilities: elicitation),
        ]
        for member in extra { params[member.key] = member.value }
        return .object(params)
    }

    private func nextRequest(_ hub: MCPProcess, _ method: String) async throws -> JSONRPCMessage.Request {
        while true {
            if case .request(let r) = try await hub.nextMessage(timeout: .seconds(15)), r.method == method { return r }
        }
    }

    @Test func aLegacyClientUsesAModernTargetAndGetsLegacyResults() async throws {
        let fixture = try Self.mixedFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let list = try await hub.call("tools/list")
        let names = list["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("modern.echo"))
        #expect(names.contains("modern.confirm_delete"))
        #expect(names.contains("notes.list_notes"))
        let echo = try await hub.call("tools/call", params: ["name": "modern.echo", "arguments": ["x": 1]])
        #expect(echo["structuredContent"]?["echo"]?["x"] == 1)
        #expect(echo["resultType"] == nil)
        #expect(fixture.executedTools("modern") == ["echo"])
    }

    @Test func aModernTargetsInputRequestBecomesAnElicitationForALegacyClient() async throws {
        let fixture = try Self.mixedFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(capabilities: ["elicitation": [:]])
        async let result = hub.call(
            "tools/call", params: ["name": "modern.confirm_delete", "arguments": ["item": "report.pdf"]])
        let ask = try await nextRequest(hub, "elicitation/create")
        #expect(ask.params?["message"]?.stringValue?.hasPrefix("[modern] ") == true)
        #expect(ask.params?["message"]?.stringValue?.contains("report.pdf") == true)
        hub.respond(to: ask.id, result: ["action": "accept", "content": ["ok": true]])
        let answer = try await result
        #expect(answer["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("deleted report.pdf") == true)
        #expect(answer["resultType"] == nil)
    }

    @Test func aModernClientDrivesAModernTargetsInputRoundTripItself() async throws {
        let fixture = try Self.mixedFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let first = try await hub.call(
            "tools/call",
            params: Self.modernCall("modern.confirm_delete", ["item": "a"]))
        #expect(first["resultType"] == "input_required")
        #expect(first["inputRequests"]?["confirm"]?["method"] == "elicitation/create")
        let state = try #require(first["requestState"]?.stringValue)
        let second = try await hub.call(
            "tools/call",
            params: Self.modernCall(
                "modern.confirm_delete", ["item": "a"],
                [
                    "inputResponses": ["confirm": ["action": "accept", "content": ["ok": true]]],
                    "requestState": .string(state),
                ]))
        #expect(second["resultType"] == "complete")
        #expect(second["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("deleted a") == true)
    }

    @Test func aLegacyTargetsElicitationBecomesInputRequiredForAModernClient() async throws {
        let fixture = try Self.mixedFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let first = try await hub.call(
            "tools/call",
            params: Self.modernCall("notes.ask_user", ["question": "Favourite colour?"]))
        #expect(first["resultType"] == "input_required")
        let input = first["inputRequests"]?["input"]
        #expect(input?["method"] == "elicitation/create")
        #expect(input?["params"]?["message"]?.stringValue?.hasPrefix("[notes] ") == true)
        let state = try #require(first["requestState"]?.stringValue)
        let second = try await hub.call(
            "tools/call",
            params: Self.modernCall(
                "notes.ask_user", ["question": "Favourite colour?"],
                [
                    "inputResponses": ["input": ["action": "accept", "content": ["answer": "teal"]]],
                    "requestState": .string(state),
                ]))
        #expect(second["resultType"] == "complete")
        #expect(second["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("teal") == true)
        // The bridge token works once.
        let replay = try await hub.request(
            "tools/call",
            params: Self.modernCall(
                "notes.ask_user", ["question": "Favourite colour?"],
                [
                    "inputResponses": ["input": ["action": "accept", "content": ["answer": "red"]]],
                    "requestState": .string(state),
                ]))
        if case .result(let value) = replay.outcome {
            #expect(value["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("red") != true)
        }
    }

    @Test func anApprovedCallOnAModernTargetCanStillAskItsOwnQuestion() async throws {
        let fixture = try Self.mixedFixture(modernPolicy: ["approve": ["confirm_delete"], "default": "allow"])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        func call(_ extra: JSONObject) async throws -> JSONValue {
            try await hub.call("tools/call", params: Self.modernCall("modern.confirm_delete", ["item": "b"], extra))
        }
        let held = try await call([:])
        #expect(held["inputRequests"]?["approval"] != nil)
        let hubState = try #require(held["requestState"]?.stringValue)
        #expect(fixture.executedTools("modern").isEmpty)
        let approved = try await call([
            "inputResponses": ["approval": ["action": "accept", "content": ["approve": true]]],
            "requestState": .string(hubState),
        ])
        // The user approved; now the target asks its own question.
        #expect(approved["inputRequests"]?["confirm"] != nil)
        let targetState = try #require(approved["requestState"]?.stringValue)
        let done = try await call([
            "inputResponses": ["confirm": ["action": "accept", "content": ["ok": true]]],
            "requestState": .string(targetState),
        ])
        #expect(done["content"]?.arrayValue?.first?["text"]?.stringValue?.contains("deleted b") == true)
        // That pass-through worked once: the same state again needs the user's approval again.
        let again = try await hub.request(
            "tools/call",
            params: Self.modernCall(
                "modern.confirm_delete", ["item": "b"],
                [
                    "inputResponses": ["confirm": ["action": "accept", "content": ["ok": true]]],
                    "requestState": .string(targetState),
                ]))
        #expect(again.outcome.errorCode == -32602)
    }
}
