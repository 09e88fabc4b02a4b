import MCPWire
import Testing

@testable import FirewallHub

/// The owners' side of the issue-14 follow-up review (F1, F2, F4, F6, F7, F8): work one message can
/// cause is bounded per message, what accumulates is bounded, and what reaches a target or the log is
/// checked. The end-to-end side drives the real binary in Tests/Adversarial/review_findings.py.
@Suite struct ReviewBoundsTests {
    private static let worstTemplates: [JSONObject] = Array(
        repeating: ["uriTemplate": .string("t://" + String(repeating: "{x}", count: URITemplate.maxExpressions) + "!")],
        count: 200)

    // MARK: - F1: one budget per message

    @Test func urisOfOneMessageShareOneMatchingBudget() throws {
        let map = ResourceMap(servers: [("hostile", [], Self.worstTemplates)])
        let uri = "t://" + String(repeating: "x", count: 600) + "?!"
        #expect(try map.route(uri) == nil)  // alone, well within one budget
        var budget = ResourceMap.templateStepBudget
        var routed = 0
        #expect(throws: ResourceMap.Refusal.tooMuchMatching) {
            for _ in 0..<1000 {
                _ = try map.route(uri, budget: &budget)
                routed += 1
            }
        }
        #expect(routed < 100, "the shared budget ran out after \(routed) URIs")
    }

    // MARK: - F4: no control character or space in a URI

    @Test(arguments: ["\t", "\n", "\r", " ", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}"])
    func aURIWithAControlOrSpaceIsRefusedBeforeRouting(character: String) {
        let map = ResourceMap(
            servers: [("files", [["uri": "file:///etc/passwd", "name": "pw"]], [["uriTemplate": "file:///{+path}"]])])
        let uri = "file:///et" + character + "c/passwd"
        #expect(throws: ResourceMap.Refusal.self) { try map.route(uri) }
        #expect(throws: ResourceMap.Refusal.self) { try map.route("mcp-firewall-hub://files/" + uri) }
        #expect(throws: ResourceMap.Refusal.self) { try map.route("file:///etc/passwd" + character) }
        #expect((try? map.route("file:///etc/passwd"))??.server == "files")
    }

    // MARK: - F2: listen streams bounded, changes coalesced

    @Test func changesWhileAStreamOpensShareOneMoreStream() {
        var listen = TargetListen()
        #expect(!listen.isOpening)
        _ = listen.opened(id: 1, waiters: [.stream(1)])
        #expect(listen.isOpening)
        listen.deferReopen(waiters: [.stream(2)])
        listen.deferReopen(waiters: [.clientRequest(3)])
        #expect(listen.acknowledge(subscriptionID: .int(1)) == [.stream(1)])
        #expect(!listen.isOpening)
        #expect(listen.takeDeferred() == [.stream(2), .clientRequest(3)])
        #expect(listen.takeDeferred() == nil)
        // Deferred waiters hear of a process that went away.
        _ = listen.opened(id: 2, waiters: [])
        listen.deferReopen(waiters: [.stream(4)])
        #expect(listen.processGone() == [.stream(4)])
        #expect(listen.takeDeferred() == nil)
    }

    @Test func heldSubscriptionsAreBoundedPerTarget() {
        var listen = TargetListen()
        let full = (0..<TargetListen.maxHeldURIs).map { "mem://\($0)" }
        #expect(listen.canHold(full))
        _ = listen.hold(full, by: .legacyClient)
        #expect(!listen.canHold(["mem://one-more"]))
        #expect(listen.canHold(["mem://1"]))  // already held: costs nothing
        _ = listen.release(["mem://1"], by: .legacyClient)
        #expect(listen.canHold(["mem://one-more"]))
        #expect(!TargetListen().canHold([String(repeating: "x", count: TargetListen.maxHeldBytes + 1)]))
    }

    @Test func aListenRequestNamesBoundedURIs() {
        let many = (0...ClientStreams.maxSubscriptionsPerStream).map { JSONValue.string("mem://\($0)") }
        #expect(throws: JSONRPCError.self) {
            try ClientStream.parse(["notifications": ["resourceSubscriptions": .array(many)]])
        }
        let long = JSONValue.string(String(repeating: "x", count: 64 << 10))
        #expect(throws: JSONRPCError.self) {
            try ClientStream.parse([
                "notifications": ["resourceSubscriptions": .array(Array(repeating: long, count: 5))]
            ])
        }
        var streams = ClientStreams()
        var stream = ClientStream(
            toolsListChanged: true, promptsListChanged: false, resourcesListChanged: false, resourceSubscriptions: [])
        stream.id = .string("same")
        streams.open(7, stream)
        #expect(streams.isOpen(id: .string("same")))
        #expect(!streams.isOpen(id: .string("other")))
    }

    // MARK: - F6: notifications to a client that does not read

    @Test func logAndProgressAreDroppedAboveTheHighWaterMarkAndCountedOnce() {
        var shedding = NotificationShedding()
        let high = NotificationShedding.highWaterBytes
        #expect(shedding.decide(method: "notifications/message", queuedBytes: high) == .send)
        #expect(shedding.decide(method: "notifications/message", queuedBytes: high + 1) == .dropFirst)
        #expect(shedding.decide(method: "notifications/progress", queuedBytes: high + 1) == .drop)
        // Still above the low-water mark: the burst goes on.
        #expect(
            shedding.decide(method: "notifications/message", queuedBytes: NotificationShedding.lowWaterBytes + 1)
                == .drop)
        // Never a list change, an update or anything else.
        #expect(shedding.decide(method: "notifications/tools/list_changed", queuedBytes: high * 4) == .send)
        #expect(
            shedding.decide(method: "notifications/progress", queuedBytes: 0) == .sendAfterDropping(dropped: 3))
        #expect(shedding.decide(method: "notifications/progress", queuedBytes: 0) == .send)
    }

    // MARK: - F7: sampling context

    @Test func samplingNeverAsksForEveryServersContext() {
        for context in ["allServers", "thisServer"] {
            let (params, downgraded) = TargetPrompt.samplingParams(["includeContext": .string(context), "maxTokens": 5])
            #expect(params["includeContext"] == "none")
            #expect(params["maxTokens"] == 5)
            #expect(downgraded == context)
        }
        #expect(TargetPrompt.samplingParams(["includeContext": "none"]).downgraded == nil)
        #expect(TargetPrompt.samplingParams([:]).params == [:])
        let requests = TargetPrompt.inputRequests(
            ["s": ["method": "sampling/createMessage", "params": ["includeContext": "allServers"]]], server: "evil")
        #expect(requests["s"]?["params"]?["includeContext"] == "none")
    }

    // MARK: - F8: the naming is chosen once

    @Test func theToolNamingIsChosenOncePerProcess() {
        func request(_ name: String) -> JSONRPCMessage.Request {
            let meta: JSONObject = [
                ModernEnvelope.protocolVersionKey: "2026-07-28", ModernEnvelope.clientCapabilitiesKey: [:],
                ModernEnvelope.clientInfoKey: ["name": .string(name), "version": "1"],
            ]
            return JSONRPCMessage.Request(id: .int(1), method: "tools/list", params: ["_meta": .object(meta)])
        }
        let session = ClientSession(namingConfig: NamingConfig())
        guard case .modern(_, let first?) = session.admit(request("claude-ai")) else {
            Issue.record("the first modern request names the client")
            return
        }
        #expect(!first.allowsDots)
        for name in ["other", "claude-ai", "cursor", "other"] {
            if case .modern(_, let naming?) = session.admit(request(name)) {
                Issue.record("\(name) rebuilt the naming (\(naming.separator))")
            }
        }
        #expect(session.initialize(["clientInfo": ["name": "other"]]).naming == nil)
        #expect(session.name == "claude-ai")
    }
}
