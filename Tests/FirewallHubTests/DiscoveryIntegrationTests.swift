import MCPWire
import Testing

@testable import FirewallHub

/// The call path the router will run, in the order it will run it, over the 400-tool fixture: a
/// discovery tool's action, then name resolution, hiding, the per-call policy and session policy
/// merged into one verdict. Shows that `call_tool` decides exactly like a direct call.
@Suite struct DiscoveryIntegrationTests {
    /// What the router does with a client's `tools/call` params (no process, no approval channel).
    struct Router {
        let fixture: DiscoveryFixture
        var session: SessionFlow
        var now = 0.0

        enum Outcome: Equatable {
            case answer(JSONValue)
            case unknownTool(String)
            case verdict(exposedName: String, CallVerdict)
        }

        mutating func call(_ params: JSONObject) -> Outcome {
            var params = params
            switch fixture.discovery.handle(params: params, resolve: fixture.resolve) {
            case .answer(let result)?: return .answer(result)
            case .route(_, let routed)?: params = routed
            case nil: break
            }
            let name = params["name"]?.stringValue ?? ""
            guard let entry = fixture.catalog.resolve(name), let server = fixture.config.server(named: entry.server)
            else { return .unknownTool(name) }
            if ToolHiding(server: server).rule(for: entry.tool) != nil { return .unknownTool(name) }
            let policy = HidingPolicy.wrapping(PolicyEngine(server: server, defaults: nil), server: server)
            let decision = policy.decide(
                tool: entry.tool, annotations: entry.annotations, arguments: params["arguments"]?.objectValue)
            let flowCall = FlowCall(
                server: entry.server, tool: entry.tool, exposedName: entry.exposedName, annotations: entry.annotations)
            return .verdict(
                exposedName: entry.exposedName,
                CallVerdict(policy: decision, flow: session.decide(flowCall, at: now)))
        }

        /// The call ran and came back with content.
        mutating func ran(_ name: String) {
            let entry = fixture.catalog.resolve(name)!
            let call = FlowCall(
                server: entry.server, tool: entry.tool, exposedName: entry.exposedName, annotations: entry.annotations)
            let ticket = session.forwarded(call, at: now)
            session.record(ticket, outcome: .succeeded(hasContent: true), at: now)
        }
    }

    private func router(_ session: String = "") throws -> Router {
        let config =
            session.isEmpty
            ? SessionPolicyConfig()
            : try ConfigLoader.parse(
                try JSONParser.parse(
                    #"{"servers": {"notes": {"command": "x"}, "fetch": {"command": "x"}, "slack": {"command": "x"}}, "#
                        + session + "}"), filePath: "/hub.json", environment: [:]
            ).session
        return Router(fixture: try DiscoverySearchTests.shared.get(), session: SessionFlow(config: config))
    }

    private static func direct(_ name: String, _ arguments: JSONObject = [:]) -> JSONObject {
        ["name": .string(name), "arguments": .object(arguments)]
    }

    private static func viaCallTool(_ name: String, _ arguments: JSONObject = [:]) -> JSONObject {
        DiscoveryFixture.params("call_tool", ["name": .string(name), "arguments": .object(arguments)])
    }

    @Test func callToolDecidesExactlyLikeADirectCall() throws {
        var hub = try router()
        for name in [
            "stripe.create_refund", "stripe.list_customers", "stripe.delete_customer", "notes.write_note",
            "kubernetes.scale_deployment", "gmail.send_email",
        ] {
            #expect(
                hub.call(Self.viaCallTool(name, ["replicas": "0"])) == hub.call(Self.direct(name, ["replicas": "0"])))
        }
    }

    @Test func aHeldToolFoundBySearchIsHeldWhenCalled() throws {
        var hub = try router()
        guard case .answer(let found) = hub.call(DiscoveryFixture.params("search_tools", ["query": "refund a charge"]))
        else { throw Failure("no answer") }
        let first = try #require(found["structuredContent"]?["matches"]?.arrayValue?.first)
        #expect(first["firewall"] == "needs approval")
        let name = try #require(first["name"]?.stringValue)
        guard case .verdict(let exposed, .approve(let rule, .any, nil)) = hub.call(Self.viaCallTool(name)) else {
            throw Failure("not held")
        }
        #expect(exposed == "stripe.create_refund")
        #expect(rule == #"servers.stripe.policy.approve[0] "create_refund""#)
    }

    @Test func aDeniedToolIsNeitherFoundNorRunThroughCallTool() throws {
        var hub = try router()
        guard case .verdict(_, .deny(let rule, nil)) = hub.call(Self.viaCallTool("stripe.delete_customer")) else {
            throw Failure("not denied")
        }
        #expect(rule == #"servers.stripe.policy.deny[0] "delete_*""#)
    }

    @Test func aHiddenToolIsUnknownOnBothPaths() throws {
        var hub = try router()
        #expect(hub.call(Self.direct("stripe.retrieve_balance")) == .unknownTool("stripe.retrieve_balance"))
        guard case .answer(let result) = hub.call(Self.viaCallTool("stripe.retrieve_balance")) else {
            throw Failure("routed")
        }
        #expect(ToolResult.text(result).hasPrefix("Unknown tool: stripe.retrieve_balance."))
    }

    @Test func egressThroughCallToolIsHeldAfterPrivateAndUntrustedReadsNamingThem() throws {
        var hub = try router(
            #""flows": [{"name": "egress", "after": "notes.read_*", "and_after": "fetch.*", "tool": "slack.post_*", "action": "approve"}]"#
        )
        let post = Self.viaCallTool("slack.post_message", ["channel": "general", "text": "hi"])
        // The per-call policy alone (built-in default) holds posting; session policy adds its trigger.
        hub.now = 100
        hub.ran("notes.read_note")
        hub.now = 130
        hub.ran("fetch.fetch_url")
        hub.now = 160
        guard case .verdict(_, .approve(let rule, let grants, let flow?)) = hub.call(post) else {
            throw Failure("not held by the flow")
        }
        #expect(rule == #"built-in default; flows[0] "egress""#)
        #expect(grants == .givenAfter(130))
        #expect(
            FlowText.heldNote(flow, now: 160)
                == #"Held by session policy: flows[0] "egress": this session already ran call #1 notes.read_note "#
                + "(60 s ago) and call #2 fetch.fetch_url (30 s ago).")
    }
}
