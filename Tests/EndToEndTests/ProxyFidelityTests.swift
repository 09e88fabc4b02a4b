import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Everything a target offers besides tools passes through the hub: prompts, resources, completion,
/// logging, progress, cancellation, list changes, and requests a target makes of the client.
@Suite struct ProxyFidelityTests {
    private static func openFixture(extraNotesPolicy: JSONObject = [:]) throws -> HubFixture {
        var notesPolicy: JSONObject = ["default": "allow"]
        for member in extraNotesPolicy { notesPolicy[member.key] = member.value }
        return try HubFixture(servers: [
            ("payments", "demo-payments", [], ["default": "allow", "deny": ["delete_*"]]),
            ("notes", "demo-notes", [], .object(notesPolicy)),
        ])
    }

    private func callTool(_ hub: MCPProcess, _ name: String, _ arguments: JSONValue = [:]) async throws -> JSONValue {
        try await hub.call("tools/call", params: ["name": .string(name), "arguments": arguments])
    }

    /// The next message that is a notification with this method (others are skipped).
    private func nextNotification(_ hub: MCPProcess, _ method: String) async throws -> JSONRPCMessage.Notification {
        while true {
            if case .notification(let n) = try await hub.nextMessage(timeout: .seconds(15)), n.method == method {
                return n
            }
        }
    }

    private func nextRequest(_ hub: MCPProcess, _ method: String) async throws -> JSONRPCMessage.Request {
        while true {
            if case .request(let r) = try await hub.nextMessage(timeout: .seconds(15)), r.method == method { return r }
        }
    }

    @Test func initializeDeclaresTheMergedCapabilitiesAndInstructions() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let result = try await hub.initialize()
        let capabilities = result["capabilities"]
        #expect(capabilities?["tools"]?["listChanged"] == .bool(true))
        #expect(capabilities?["prompts"] != nil)
        #expect(capabilities?["resources"]?["subscribe"] == .bool(true))
        #expect(capabilities?["completions"] != nil)
        #expect(capabilities?["logging"] != nil)
        #expect(result["instructions"]?.stringValue?.contains("mcp-firewall-hub") == true)
    }

    @Test func promptsAreMergedNamespacedAndRouted() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let names = (try await hub.call("prompts/list"))["prompts"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names?.contains("payments.refund_email") == true)
        #expect(names?.contains("notes.summarize_note") == true)
        let prompt = try await hub.call(
            "prompts/get", params: ["name": "notes.summarize_note", "arguments": ["title": "welcome"]])
        #expect((prompt["messages"]?.arrayValue?.count ?? 0) > 0)
        let unknown = try await hub.request("prompts/get", params: ["name": "notes.nope"])
        #expect(unknown.outcome.errorCode == -32602)
        let missingArgument = try await hub.request("prompts/get", params: ["name": "notes.summarize_note"])
        #expect(missingArgument.outcome.errorCode == -32602)
    }

    @Test func resourcesAndTemplatesAreMergedAndReadsRouteByURI() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let uris = (try await hub.call("resources/list"))["resources"]?.arrayValue?.compactMap {
            $0["uri"]?.stringValue
        }
        #expect(uris?.contains("notes://index") == true)
        let templates = (try await hub.call("resources/templates/list"))["resourceTemplates"]?.arrayValue
        #expect(templates?.contains { $0["uriTemplate"] == "notes://note/{title}" } == true)
        let index = try await hub.call("resources/read", params: ["uri": "notes://index"])
        #expect(index["contents"]?.arrayValue?.first?["text"]?.stringValue?.contains("welcome") == true)
        let note = try await hub.call("resources/read", params: ["uri": "notes://note/welcome"])
        #expect(note["contents"]?.arrayValue?.first?["uri"] == "notes://note/welcome")
        let missing = try await hub.request("resources/read", params: ["uri": "nobody://x"])
        #expect(missing.outcome.errorCode == -32002)
    }

    @Test func aResourcePolicyDenialNeverReachesTheTarget() async throws {
        let fixture = try Self.openFixture(extraNotesPolicy: ["resources": ["deny": ["notes://note/*"]]])
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let denied = try await hub.request("resources/read", params: ["uri": "notes://note/welcome"])
        guard case .error(let error) = denied.outcome else {
            Issue.record("a denied read was answered with a result")
            return
        }
        #expect(error.message.contains("servers.notes.policy.resources.deny[0]"))
        let uris = (try await hub.call("resources/list"))["resources"]?.arrayValue?.compactMap {
            $0["uri"]?.stringValue
        }
        #expect(uris?.contains("notes://index") == true)
        #expect(uris?.contains { $0.hasPrefix("notes://note/") } == false)
        #expect(try await hub.call("resources/read", params: ["uri": "notes://index"])["contents"] != nil)
    }

    @Test func subscriptionsAndListChangesReachTheClient() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        _ = try await hub.call("resources/subscribe", params: ["uri": "notes://note/welcome"])
        _ = try await callTool(hub, "notes.write_note", ["title": "welcome", "body": "changed"])
        let updated = try await nextNotification(hub, "notifications/resources/updated")
        #expect(updated.params?["uri"] == "notes://note/welcome")
        _ = try await callTool(hub, "notes.write_note", ["title": "brand-new", "body": "x"])
        _ = try await nextNotification(hub, "notifications/resources/list_changed")
        let uris = (try await hub.call("resources/list"))["resources"]?.arrayValue?.compactMap {
            $0["uri"]?.stringValue
        }
        #expect(uris?.contains("notes://note/brand-new") == true)
    }

    @Test func aToolListChangedAtRunTimeShowsTheNewTool() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let before = (try await hub.call("tools/list"))["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(before?.contains("payments.admin_reset") == false)
        _ = try await callTool(hub, "payments.enable_admin_tools")
        _ = try await nextNotification(hub, "notifications/tools/list_changed")
        let after = (try await hub.call("tools/list"))["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(after?.contains("payments.admin_reset") == true)
    }

    @Test func completionRoutesByPromptAndByResourceTemplate() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let byPrompt = try await hub.call(
            "completion/complete",
            params: [
                "ref": ["type": "ref/prompt", "name": "notes.summarize_note"],
                "argument": ["name": "title", "value": "w"],
            ])
        #expect(byPrompt["completion"]?["values"]?.arrayValue?.contains("welcome") == true)
        let byTemplate = try await hub.call(
            "completion/complete",
            params: [
                "ref": ["type": "ref/resource", "uri": "notes://note/{title}"],
                "argument": ["name": "title", "value": "g"],
            ])
        #expect(byTemplate["completion"]?["values"]?.arrayValue?.contains("groceries") == true)
    }

    @Test func progressAndLogsCarryTheClientsTokenAndTheServersName() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        _ = try await hub.call("logging/setLevel", params: ["level": "debug"])
        let invalid = try await hub.request("logging/setLevel", params: ["level": "loud"])
        #expect(invalid.outcome.errorCode == -32602)
        let result = try await hub.call(
            "tools/call",
            params: [
                "name": "payments.export_report", "arguments": ["steps": 3, "delay_ms": 20],
                "_meta": ["progressToken": "client-token-1"],
            ])
        #expect(!result.isToolError)
        var progress: [JSONRPCMessage.Notification] = []
        var logs: [JSONRPCMessage.Notification] = []
        for message in hub.takeQueuedMessages() {
            guard case .notification(let n) = message else { continue }
            if n.method == "notifications/progress" { progress.append(n) }
            if n.method == "notifications/message" { logs.append(n) }
        }
        #expect(progress.count >= 2)
        #expect(progress.allSatisfy { $0.params?["progressToken"] == "client-token-1" })
        let values = progress.compactMap { $0.params?["progress"]?.doubleValue }
        #expect(values == values.sorted())
        #expect(logs.contains { $0.params?["logger"]?.stringValue?.hasPrefix("payments") == true })
    }

    @Test func aCancelReachesTheTargetAndTheCallIsNeverAnswered() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let id = RequestID.string("slow-1")
        hub.send(
            JSONRPCMessage.request(
                .init(
                    id: id, method: "tools/call",
                    params: [
                        // 100 s of work: the cancel must win however loaded the machine is.
                        "name": "payments.export_report", "arguments": ["steps": 1000, "delay_ms": 100],
                        "_meta": ["progressToken": 9],
                    ])))
        _ = try await nextNotification(hub, "notifications/progress")
        hub.notify("notifications/cancelled", params: ["requestId": "slow-1", "reason": "user"])
        var cancelledAtTarget = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !cancelledAtTarget, ContinuousClock.now < deadline {
            let journal = (try? String(contentsOf: fixture.journals["payments"]!, encoding: .utf8)) ?? ""
            cancelledAtTarget = journal.contains("\"cancelled\"")
            if !cancelledAtTarget { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(cancelledAtTarget)
        _ = try await hub.call("ping")
        try await Task.sleep(for: .milliseconds(300))
        _ = try await hub.call("ping")
        #expect(!hub.stdoutLines.contains { $0.contains("\"id\":\"slow-1\"") })
    }

    @Test func aTargetsElicitationReachesTheClientNamingTheServer() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(capabilities: ["elicitation": [:], "roots": [:]])
        async let answer = callTool(hub, "notes.ask_user", ["question": "Favourite colour?"])
        let ask = try await nextRequest(hub, "elicitation/create")
        #expect(ask.params?["message"]?.stringValue?.hasPrefix("[notes] ") == true)
        hub.respond(to: ask.id, result: ["action": "accept", "content": ["answer": "teal"]])
        #expect(try await answer.firstText?.contains("teal") == true)

        async let roots = callTool(hub, "notes.list_roots")
        let rootsRequest = try await nextRequest(hub, "roots/list")
        hub.respond(to: rootsRequest.id, result: ["roots": [["uri": "file:///work/project", "name": "project"]]])
        #expect(try await roots.firstText?.contains("file:///work/project") == true)
    }

    @Test func withoutTheCapabilityTheTargetGetsMethodNotFound() async throws {
        let fixture = try Self.openFixture()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize()
        let answer = try await callTool(hub, "notes.ask_user", ["question": "Favourite colour?"])
        #expect(answer.firstText?.contains("teal") != true)
        for message in hub.takeQueuedMessages() {
            if case .request(let r) = message { Issue.record("the client got \(r.method) without declaring it") }
        }
    }

    @Test func theHubPagesLongListsAndFollowsTargetCursors() async throws {
        let names = (1...620).map { "t\($0)" }.joined(separator: ",")
        let fixture = try HubFixture(servers: [
            ("many", "fixture-server", ["--tools", names], ["default": "allow"]),
            ("notes", "demo-notes", [], ["default": "allow"]),
        ])
        // The demo servers page their own lists two at a time: the hub must follow every nextCursor.
        let hub = try fixture.launchHub(environment: ["DEMO_PAGE_SIZE": "2"])
        defer { hub.terminate() }
        _ = try await hub.initialize()
        // Both lists complete (a loaded machine can take longer than the hub's 10 s start-up grace).
        try await hub.waitForStderr(containing: "[many] ready", timeout: .seconds(120))
        try await hub.waitForStderr(containing: "[notes] ready", timeout: .seconds(120))
        let first = try await hub.call("tools/list")
        let page1 = first["tools"]?.arrayValue ?? []
        let cursor = try #require(first["nextCursor"]?.stringValue)
        let second = try await hub.call("tools/list", params: ["cursor": .string(cursor)])
        let page2 = second["tools"]?.arrayValue ?? []
        #expect(second["nextCursor"] == nil)
        let all = (page1 + page2).compactMap { $0["name"]?.stringValue }
        #expect(all.count == Set(all).count)
        #expect(all.contains("many.t620"))
        #expect(all.contains("notes.list_notes"))
        #expect(all.contains("notes.delete_note"))
        let bad = try await hub.request("tools/list", params: ["cursor": "not-a-cursor"])
        #expect(bad.outcome.errorCode == -32602)
    }
}

/// A server that is slow to start does not hold the client up for more than the hub's start-up grace.
@Suite struct SlowStartTests {
    /// A server held behind a gate file (created by `open`), next to a fast one.
    private static func gated() throws -> (fixture: HubFixture, open: () throws -> Void) {
        let gate = try TempFiles.directory().appendingPathComponent("go")
        let payments = Binaries.url("demo-payments").path
        let fixture = try HubFixture(
            servers: [
                (
                    "slow", "/bin/sh",
                    ["-c", "while [ ! -e \"$0\" ]; do sleep 0.1; done; exec \"$1\"", gate.path, payments],
                    ["default": "allow"]
                ),
                ("notes", "demo-notes", [], ["default": "allow"]),
            ], extra: ["timeouts": ["startup_seconds": 120]])
        return (fixture, { try Data().write(to: gate) })
    }

    /// A modern client's `server/discover` is answered at once (clients probe with a short time-out);
    /// its first tools/list waits for the grace; the late server arrives on its listen stream.
    @Test func aModernClientIsAnsweredAtOnceAndHearsOfTheLateServerOnItsStream() async throws {
        let (fixture, open) = try Self.gated()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let meta: JSONValue = [
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": [:],
        ]
        let discover = try await hub.call("server/discover", params: ["_meta": meta])
        #expect(discover["capabilities"]?["tools"]?["listChanged"] == true)
        let early = try await hub.call("tools/list", params: ["_meta": meta])["tools"]?.arrayValue ?? []
        #expect(early.contains { $0["name"] == "notes.list_notes" })
        #expect(!early.contains { $0["name"] == "slow.get_balance" })
        hub.send([
            "jsonrpc": "2.0", "id": "listen-1", "method": "subscriptions/listen",
            "params": ["notifications": ["toolsListChanged": true], "_meta": meta],
        ])
        while true {
            if case .notification(let n) = try await hub.nextMessage(timeout: .seconds(60)),
                n.method == "notifications/subscriptions/acknowledged"
            {
                break
            }
        }
        try open()
        while true {
            if case .notification(let n) = try await hub.nextMessage(timeout: .seconds(60)),
                n.method == "notifications/tools/list_changed"
            {
                #expect(n.params?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == "listen-1")
                break
            }
        }
        let late = try await hub.call("tools/list", params: ["_meta": meta])["tools"]?.arrayValue ?? []
        #expect(late.contains { $0["name"] == "slow.get_balance" })
    }

    /// The slow server is held behind a gate file that the test creates only after the client has been
    /// answered: the answer can only have come from the grace, whatever the machine's load.
    @Test func theClientIsServedAfterTheGraceAndHearsOfTheLateServer() async throws {
        let (fixture, open) = try Self.gated()
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(capabilities: [:])
        let early = try await hub.call("tools/list")["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(early.contains("notes.list_notes"))
        #expect(!early.contains("slow.get_balance"))
        try open()
        while true {
            if case .notification(let n) = try await hub.nextMessage(timeout: .seconds(60)),
                n.method == "notifications/tools/list_changed"
            {
                break
            }
        }
        let late = try await hub.call("tools/list")["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(late.contains("slow.get_balance"))
        #expect(
            try await hub.call("tools/call", params: ["name": "slow.get_balance", "arguments": [:]])["isError"] != true)
    }
}
