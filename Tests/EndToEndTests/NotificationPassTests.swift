import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Notifications pass whether or not a target declared them: log messages (filtered by the client's
/// level at the hub), list changes and resource updates, to legacy clients as they are and to modern
/// clients on the hub's `subscriptions/listen` streams.
@Suite struct NotificationPassTests {
    private static func envelope(logLevel: String? = nil) -> JSONValue {
        var meta: JSONObject = [
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": [:],
        ]
        if let logLevel { meta["io.modelcontextprotocol/logLevel"] = .string(logLevel) }
        return .object(meta)
    }

    /// The log messages queued so far, as "level data".
    private func logs(_ hub: MCPProcess) -> [String] {
        hub.takeQueuedMessages().compactMap { message in
            guard case .notification(let n) = message, n.method == "notifications/message" else { return nil }
            #expect(n.params?["logger"] == "fx/fixture")
            return "\(n.params?["level"]?.stringValue ?? "?") \(n.params?["data"]?.stringValue ?? "?")"
        }
    }

    private func undeclaredLogger() throws -> HubFixture {
        try HubFixture(servers: [("fx", "fixture-server", ["--log-undeclared"], ["default": "allow"])])
    }

    /// The target writes its log messages before its answer, and the hub passes them on in order: once
    /// the answer is in, every message that will come has come.
    @Test func logMessagesOfATargetThatDidNotDeclareLoggingReachALegacyClientAtItsLevel() async throws {
        let hub = try undeclaredLogger().launchHub()
        defer { hub.terminate() }
        let initialized = try await hub.initialize()
        #expect(initialized["capabilities"]?["logging"] != nil)
        _ = try await hub.call("tools/call", params: ["name": "fx.echo", "arguments": [:]])
        #expect(logs(hub) == ["debug echo at debug", "info echo at info", "warning echo at warning"])
        _ = try await hub.call("logging/setLevel", params: ["level": "info"])
        _ = try await hub.call("tools/call", params: ["name": "fx.echo", "arguments": [:]])
        #expect(logs(hub) == ["info echo at info", "warning echo at warning"])
    }

    @Test func aModernClientGetsLogMessagesOnlyForRequestsThatAskedAtThatLevel() async throws {
        let hub = try undeclaredLogger().launchHub()
        defer { hub.terminate() }
        let capabilities = try await hub.call("server/discover", params: ["_meta": Self.envelope()])["capabilities"]
        #expect(capabilities?["logging"] != nil)
        _ = try await hub.call(
            "tools/call", params: ["name": "fx.echo", "arguments": [:], "_meta": Self.envelope(logLevel: "warning")])
        #expect(logs(hub) == ["warning echo at warning"])
        _ = try await hub.call("tools/call", params: ["name": "fx.echo", "arguments": [:], "_meta": Self.envelope()])
        #expect(logs(hub).isEmpty)
    }

    /// A modern target gets a log level in each forwarded request's `_meta`: the legacy client's (every
    /// level until it sets one), or the modern client's own (none when it asked for none).
    @Test func aModernTargetIsAskedForTheClientsLogLevel() async throws {
        let fixture = try HubFixture(servers: [("modern", "modern-server", [], ["default": "allow"])])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        func lastLevel() throws -> JSONValue? {
            let lines = try String(contentsOf: fixture.journals["modern"]!, encoding: .utf8).split(separator: "\n")
            return try JSONParser.parse(String(lines.last!))["_meta"]?["io.modelcontextprotocol/logLevel"]
        }
        _ = try await hub.call("tools/call", params: ["name": "modern.echo", "arguments": [:]])
        #expect(try lastLevel() == "debug")
        _ = try await hub.call("logging/setLevel", params: ["level": "error"])
        _ = try await hub.call("tools/call", params: ["name": "modern.echo", "arguments": [:]])
        #expect(try lastLevel() == "error")
        _ = try await hub.call(
            "tools/call", params: ["name": "modern.echo", "arguments": [:], "_meta": Self.envelope(logLevel: "notice")])
        #expect(try lastLevel() == "notice")
        _ = try await hub.call(
            "tools/call", params: ["name": "modern.echo", "arguments": [:], "_meta": Self.envelope()])
        #expect(try lastLevel() == nil)
    }

    private func nextNotification(_ hub: MCPProcess, _ method: String) async throws -> JSONRPCMessage.Notification {
        while true {
            if case .notification(let n) = try await hub.nextMessage(timeout: .seconds(30)), n.method == method {
                return n
            }
        }
    }

    /// A modern client's listen stream: acknowledged with its id, then the tool list change of a legacy
    /// target and a resource update it subscribed to, each tagged with that id; the hub's shutdown ends
    /// the stream with its result.
    @Test func aModernClientsListenStreamCarriesListChangesAndResourceUpdates() async throws {
        let fixture = try HubFixture(servers: [
            ("payments", "demo-payments", [], ["default": "allow"]),
            ("notes", "demo-notes", [], ["default": "allow"]),
        ])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let capabilities = try await hub.call("server/discover", params: ["_meta": Self.envelope()])["capabilities"]
        #expect(capabilities?["tools"]?["listChanged"] == true)
        let listen: JSONValue = [
            "notifications": [
                "toolsListChanged": true, "resourceSubscriptions": ["notes://note/groceries", "nowhere://x"],
            ],
            "_meta": Self.envelope(),
        ]
        hub.send(["jsonrpc": "2.0", "id": "listen-1", "method": "subscriptions/listen", "params": listen])
        let ack = try await nextNotification(hub, "notifications/subscriptions/acknowledged")
        #expect(ack.params?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "listen-1")
        #expect(ack.params?["notifications"]?["toolsListChanged"] == true)
        #expect(ack.params?["notifications"]?["resourceSubscriptions"] == ["notes://note/groceries"])
        _ = try await hub.call(
            "tools/call", params: ["name": "payments.enable_admin_tools", "arguments": [:], "_meta": Self.envelope()])
        let changed = try await nextNotification(hub, "notifications/tools/list_changed")
        #expect(changed.params?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "listen-1")
        let tools = try await hub.call("tools/list", params: ["_meta": Self.envelope()])["tools"]?.arrayValue ?? []
        #expect(tools.contains { $0["name"] == "payments.admin_reset" })
        _ = try await hub.call(
            "tools/call",
            params: [
                "name": "notes.write_note", "arguments": ["title": "groceries", "body": "eggs"],
                "_meta": Self.envelope(),
            ])
        let updated = try await nextNotification(hub, "notifications/resources/updated")
        #expect(updated.params?["uri"] == "notes://note/groceries")
        #expect(updated.params?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "listen-1")
        hub.closeStdin()
        while true {
            if case .response(let end) = try await hub.nextMessage(timeout: .seconds(30)) {
                #expect(end.id == .string("listen-1"))
                guard case .result(let result) = end.outcome else {
                    Issue.record("the stream ended with an error")
                    break
                }
                #expect(result["resultType"] == "complete")
                #expect(result["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "listen-1")
                break
            }
        }
    }

    /// A cancelled stream hears nothing more, and is never answered.
    @Test func aCancelledStreamEndsSilently() async throws {
        let fixture = try HubFixture(servers: [("payments", "demo-payments", [], ["default": "allow"])])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let listen: JSONValue = ["notifications": ["toolsListChanged": true], "_meta": Self.envelope()]
        hub.send(["jsonrpc": "2.0", "id": 7, "method": "subscriptions/listen", "params": listen])
        _ = try await nextNotification(hub, "notifications/subscriptions/acknowledged")
        hub.notify("notifications/cancelled", params: ["requestId": 7])
        _ = try await hub.call(
            "tools/call", params: ["name": "payments.enable_admin_tools", "arguments": [:], "_meta": Self.envelope()])
        _ = try await hub.call("tools/list", params: ["_meta": Self.envelope()])
        hub.closeStdin()
        _ = try await hub.waitForExit(timeout: .seconds(30))
        for message in hub.takeQueuedMessages() {
            if case .notification(let n) = message { #expect(n.method != "notifications/tools/list_changed") }
            if case .response(let r) = message { #expect(r.id != .int(7)) }
        }
    }

    @Test func malformedListenRequestsAreRefused() async throws {
        let fixture = try HubFixture(servers: [("payments", "demo-payments", [], ["default": "allow"])])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let noFilter = try await hub.request("subscriptions/listen", params: ["_meta": Self.envelope()])
        #expect(noFilter.outcome.errorCode == -32602)
        let badFlag = try await hub.request(
            "subscriptions/listen", params: ["notifications": ["toolsListChanged": "yes"], "_meta": Self.envelope()])
        #expect(badFlag.outcome.errorCode == -32602)
        _ = try await hub.initialize()
        let legacy = try await hub.request("subscriptions/listen", params: ["notifications": [:]])
        #expect(legacy.outcome.errorCode == -32601)
    }

    @Test func aClientHoldsAtMost64Streams() async throws {
        let fixture = try HubFixture(servers: [("payments", "demo-payments", [], ["default": "allow"])])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let params: JSONValue = ["notifications": ["toolsListChanged": true], "_meta": Self.envelope()]
        for i in 0..<64 {
            hub.send(["jsonrpc": "2.0", "id": .string("s\(i)"), "method": "subscriptions/listen", "params": params])
        }
        for _ in 0..<64 { _ = try await nextNotification(hub, "notifications/subscriptions/acknowledged") }
        let more = try await hub.request("subscriptions/listen", params: params)
        #expect(more.outcome.errorCode == -32603)
        hub.notify("notifications/cancelled", params: ["requestId": "s0"])
        hub.send(["jsonrpc": "2.0", "id": "again", "method": "subscriptions/listen", "params": params])
        let ack = try await nextNotification(hub, "notifications/subscriptions/acknowledged")
        #expect(ack.params?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "again")
    }
}
