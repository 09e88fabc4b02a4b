import MCPWire
import Testing

@testable import FirewallHub

@Suite struct GrantStoreTests {
    private func call(_ tool: String = "refund", _ arguments: JSONObject? = ["amount": 1]) -> FrozenCall {
        FrozenCall(
            server: "payments", tool: tool, exposedName: "payments.\(tool)", arguments: arguments, meta: nil, rule: "r")
    }

    @Test func onceMakesNoGrant() {
        var store = GrantStore()
        #expect(store.grant(.once, for: call(), via: "test", now: 0) == nil)
        #expect(store.match(server: "payments", tool: "refund", arguments: ["amount": 1], now: 0) == nil)
    }

    @Test func sessionCoversTheToolOnThatServerOnly() {
        var store = GrantStore()
        store.grant(.session, for: call(), via: "test", now: 0)
        #expect(store.match(server: "payments", tool: "refund", arguments: ["amount": 99], now: 1e9) != nil)
        #expect(store.match(server: "payments", tool: "refund_all", arguments: nil, now: 0) == nil)
        #expect(store.match(server: "other", tool: "refund", arguments: ["amount": 1], now: 0) == nil)
    }

    @Test func minutesExpireWithTheInjectedClock() {
        var store = GrantStore()
        store.grant(.minutes(10), for: call(), via: "test", now: 100)
        #expect(store.match(server: "payments", tool: "refund", arguments: nil, now: 100 + 599) != nil)
        #expect(store.match(server: "payments", tool: "refund", arguments: nil, now: 100 + 600) == nil)
        #expect(store.grants.isEmpty)
    }

    @Test func sameArgumentsNeedsIdenticalArgumentsInAnyKeyOrder() {
        var store = GrantStore()
        store.grant(.sameArguments, for: call("refund", ["a": 1, "b": "x"]), via: "test", now: 0)
        #expect(store.match(server: "payments", tool: "refund", arguments: ["b": "x", "a": 1], now: 0) != nil)
        #expect(store.match(server: "payments", tool: "refund", arguments: ["a": 2, "b": "x"], now: 0) == nil)
        #expect(store.match(server: "payments", tool: "refund", arguments: nil, now: 0) == nil)
    }

    @Test func scopesParse() {
        #expect(GrantScope("once") == .once)
        #expect(GrantScope("session") == .session)
        #expect(GrantScope("10_minutes") == .minutes(10))
        #expect(GrantScope("same_arguments") == .sameArguments)
        #expect(GrantScope("0_minutes") == nil)
        #expect(GrantScope("forever") == nil)
        #expect(GrantScope.offered.allSatisfy { GrantScope($0) != nil })
    }
}

@Suite struct ApprovalChannelTests {
    @Test func elicitationFirstWhenTheClientHasIt() {
        var approval = ApprovalConfig()
        approval.codeDelivery = .agent
        #expect(ApprovalChannel.choose(approval, clientElicitation: true) == .elicitation)
        #expect(ApprovalChannel.choose(approval, clientElicitation: false) == .agent(announced: false))
        approval.elicitation = false
        #expect(ApprovalChannel.choose(approval, clientElicitation: true) == .agent(announced: false))
    }

    @Test func withoutAnyChannelTheCallIsRefusedUnlessFallbackIsAgent() {
        var approval = ApprovalConfig()
        #expect(ApprovalChannel.choose(approval, clientElicitation: false) == .unavailable)
        approval.notify = ["notify-send", "{summary}"]
        #expect(
            ApprovalChannel.choose(approval, clientElicitation: false)
                == .outOfBand(notify: ["notify-send", "{summary}"]))
        approval.notify = nil
        approval.fallback = .agent
        #expect(ApprovalChannel.choose(approval, clientElicitation: false) == .agent(announced: true))
        approval.codeDelivery = .outOfBand
        approval.fallback = .deny
        #expect(ApprovalChannel.choose(approval, clientElicitation: false) == .unavailable)
    }

    @Test func formElicitationCapability() {
        #expect(ElicitationPrompt.clientSupportsForm(["elicitation": [:]]))
        #expect(ElicitationPrompt.clientSupportsForm(["elicitation": ["form": [:], "url": [:]]]))
        #expect(!ElicitationPrompt.clientSupportsForm(["elicitation": ["url": [:]]]))
        #expect(!ElicitationPrompt.clientSupportsForm(["roots": [:]]))
        #expect(!ElicitationPrompt.clientSupportsForm(nil))
    }

    @Test func onlyAnExplicitApproveApproves() {
        #expect(ElicitationPrompt.read(["action": "accept", "content": ["approve": true]]) == .approved(.once))
        #expect(
            ElicitationPrompt.read(["action": "accept", "content": ["approve": true, "remember": "session"]])
                == .approved(.session))
        #expect(ElicitationPrompt.read(["action": "accept", "content": ["approve": false]]) != .approved(.once))
        #expect(ElicitationPrompt.read(["action": "accept", "content": ["approve": "true"]]) != .approved(.once))
        #expect(ElicitationPrompt.read(["action": "accept"]) != .approved(.once))
        #expect(ElicitationPrompt.read(["action": "decline"]) == .declined("the user declined"))
        #expect(ElicitationPrompt.read(["action": "cancel", "content": ["approve": true]]) != .approved(.once))
        #expect(ElicitationPrompt.read("nonsense") != .approved(.once))
    }

    @Test func promptShowsTheCallAndTruncatesHugeArguments() {
        let big = String(repeating: "x", count: 10_000)
        let call = FrozenCall(
            server: "payments", tool: "refund", exposedName: "payments.refund", arguments: ["memo": .string(big)],
            meta: nil, rule: "servers.payments.policy.approve[0] \"refund\"")
        let params = ElicitationPrompt.params(for: call)
        let message = params["message"]?.stringValue ?? ""
        #expect(message.contains("payments"))
        #expect(message.contains("refund"))
        #expect(message.contains("approve[0]"))
        #expect(message.contains("truncated"))
        #expect(message.utf8.count < 5_000)
        #expect(params["mode"] == "form")
        #expect(params["requestedSchema"]?["properties"]?["approve"]?["type"] == "boolean")
        #expect(params["requestedSchema"]?["properties"]?["remember"]?["enum"]?.arrayValue?.count == 4)
    }

    @Test func notifyPlaceholdersAreExpandedPerElementWithoutAShell() {
        let call = FrozenCall(
            server: "payments", tool: "refund", exposedName: "payments.refund", arguments: ["amount": 5], meta: nil,
            rule: "r")
        let notify = NotifyCommand(argv: [
            "notify", "{code}", "--for={server}/{tool}", "{arguments}", "$(rm -rf /) {x}", "{session_code}{call_id}",
        ])
        let held = HeldCall(id: "h4", code: "123456", sessionCode: "654321", expiresAt: 0)
        #expect(
            notify.expanded(.init(held: held, call: call, ttlSeconds: 300)) == [
                "notify", "123456", "--for=payments/refund", #"{"amount":5}"#, "$(rm -rf /) {x}", "654321h4",
            ])
    }

    /// Issue 14.8: the model controls the order and the size of arguments; the human must see every
    /// key, and be told plainly when a value is cut and where the whole call is.
    @Test func theSummaryShowsEveryArgumentAndSaysWhenItCutsOne() {
        let padding = String(repeating: "x", count: 5_000)
        let call = FrozenCall(
            server: "payments", tool: "transfer", exposedName: "payments.transfer",
            arguments: ["memo": .string(padding), "amount": 5, "zz_to_account": "DE99 EVIL", "note\nline": "a\rb"],
            meta: nil, rule: "r")
        let held = HeldCall(id: "h2", code: "123456", sessionCode: "654321", expiresAt: 0)
        let summary = NotifyCommand.Values(held: held, call: call, ttlSeconds: 60, fullCallPath: "/s/held/1-h2.json")
            .table["{summary}"]!
        for needle in [
            "payments/transfer", "amount=5", #"zz_to_account="DE99 EVIL""#, #"note\x0aline="a\rb""#,
            "Code 123456 runs it once", "code 654321 runs it and allows payments/transfer for the rest of this session",
            "(5002 chars)", "the whole call is in /s/held/1-h2.json", "[h2]",
        ] {
            #expect(summary.contains(needle), "missing \(needle) in \(summary)")
        }
        #expect(summary.count < 1_000)
        #expect(!summary.contains("\n") && !summary.contains("\r"))
        // Sorted keys: what the model sent first is not what the human reads first.
        #expect(summary.range(of: "amount=")!.lowerBound < summary.range(of: "memo=")!.lowerBound)

        let small = FrozenCall(
            server: "p", tool: "t", exposedName: "p.t", arguments: ["a": 1], meta: nil, rule: "r")
        let plain = NotifyCommand.Values(
            held: HeldCall(id: "h1", code: "111111", expiresAt: 0), call: small, ttlSeconds: 60
        ).table["{summary}"]!
        #expect(!plain.contains("shortened") && !plain.contains("session"), "\(plain)")
    }

    /// Review: zero-width and bidirectional characters in arguments are shown, not obeyed, in {summary}
    /// and {arguments} (which stays valid JSON with the same value).
    @Test func hiddenCharactersInArgumentsAreShown() throws {
        let call = FrozenCall(
            server: "p", tool: "t", exposedName: "p.t", arguments: ["to": "ab\u{202E}cd\u{200B}e\u{FEFF}"], meta: nil,
            rule: "r")
        let table = NotifyCommand.Values(
            held: HeldCall(id: "h1", code: "111111", expiresAt: 0), call: call, ttlSeconds: 1
        )
        .table
        let arguments = try #require(table["{arguments}"])
        #expect(arguments == #"{"to":"ab\u202ecd\u200be\ufeff"}"#)
        #expect(try JSONParser.parse(arguments) == .object(call.arguments!))
        let summary = try #require(table["{summary}"])
        #expect(!summary.unicodeScalars.contains { TargetPrompt.isHiding($0) }, "\(summary)")
    }
}
