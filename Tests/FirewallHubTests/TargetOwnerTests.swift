import MCPWire
import Testing

@testable import FirewallHub

/// The target pool's owners without a process: the start-up state machine's era choice, the restart
/// policy and the listen stream's re-open cap on an injected clock, and list paging.
@Suite struct TargetOwnerTests {
    private let refusedInitialize = JSONRPCMessage.Response.Outcome.error(
        JSONRPCError(
            code: JSONRPCError.unsupportedProtocolVersionCode, message: "use server/discover",
            data: ["supported": ["2026-07-28"]]))
    private let discoverResult = JSONRPCMessage.Response.Outcome.result(
        [
            "supportedVersions": ["2026-07-28"], "capabilities": ["tools": [:], "logging": [:]],
            "instructions": "be careful", "_meta": [ModernEnvelope.serverInfoKey: ["name": "m"]],
        ])

    // MARK: - TargetStartup

    @Test func autoOpensWithInitializeAndStaysLegacy() {
        var startup = TargetStartup(mode: .auto)
        #expect(startup.begin() == .initialize)
        #expect(startup.awaiting == .initialize)
        let step = startup.answered(
            .initialize, .result(["serverInfo": ["name": "s"], "capabilities": ["prompts": [:]], "instructions": "hi"]))
        #expect(
            step
                == .opened(
                    .init(era: .legacy, serverInfo: ["name": "s"], instructions: "hi", capabilities: ["prompts": [:]])))
        #expect(startup.era == .legacy && startup.state == .listing && startup.awaiting == nil)
        startup.listed()
        #expect(startup.state == .ready && startup.hasSettled)
    }

    @Test func autoTriesDiscoverAfterARefusedInitializeOnTheSameProcess() {
        var startup = TargetStartup(mode: .auto)
        _ = startup.begin()
        #expect(
            startup.answered(.initialize, refusedInitialize)
                == .tryOther(.discover, reason: "use server/discover (code -32022)"))
        #expect(startup.awaiting == .discover)
        guard case .opened(let opened) = startup.answered(.discover, discoverResult) else {
            Issue.record("not opened")
            return
        }
        #expect(opened.era == .modern && startup.era == .modern)
        #expect(opened.capabilities == ["tools": [:], "logging": [:]])
        #expect(opened.instructions == "be careful" && opened.serverInfo == ["name": "m"])
    }

    @Test func twoRefusalsFailWithBothReasons() {
        var startup = TargetStartup(mode: .auto)
        _ = startup.begin()
        _ = startup.answered(.initialize, .error(JSONRPCError(code: -32601, message: "nope")))
        let step = startup.answered(.discover, .error(JSONRPCError(code: -32601, message: "neither")))
        #expect(
            step
                == .fail("initialize failed: nope (code -32601); then server/discover failed: neither (code -32601)"))
    }

    @Test func modernOpensWithDiscoverAndFallsBackToInitialize() {
        var startup = TargetStartup(mode: .modern)
        #expect(startup.begin() == .discover)
        #expect(
            startup.answered(.discover, .result(["supportedVersions": ["2025-11-25"]]))
                == .tryOther(.initialize, reason: "its DiscoverResult does not list 2026-07-28"))
        guard case .opened(let opened) = startup.answered(.initialize, .result(["capabilities": [:]])) else {
            Issue.record("not opened")
            return
        }
        #expect(opened.era == .legacy)
    }

    @Test func legacyNeverTriesDiscover() {
        var startup = TargetStartup(mode: .legacy)
        #expect(startup.begin() == .initialize)
        #expect(
            startup.answered(.initialize, refusedInitialize)
                == .fail("initialize failed: use server/discover (code -32022)"))
    }

    @Test func aDiscoverErrorNamingTheModernVersionOpensAModernSession() {
        var startup = TargetStartup(mode: .modern)
        _ = startup.begin()
        #expect(
            startup.answered(.discover, refusedInitialize) == .opened(.init(era: .modern, capabilities: ["tools": [:]]))
        )
    }

    @Test func aRestartStartsLegacyAgainAndStaysSettled() {
        var startup = TargetStartup(mode: .auto)
        _ = startup.begin()
        _ = startup.answered(.initialize, refusedInitialize)
        _ = startup.answered(.discover, discoverResult)
        startup.listed()
        startup.exited("gone")
        #expect(startup.state == .exited("gone") && startup.hasSettled)
        #expect(startup.begin() == .initialize)
        #expect(startup.era == .legacy && startup.state == .initializing && startup.hasSettled)
        // A second refusal on the new process is a first one again (the old one's is forgotten).
        #expect(
            startup.answered(.initialize, refusedInitialize)
                == .tryOther(.discover, reason: "use server/discover (code -32022)"))
    }

    // MARK: - RestartPolicy (injected clock)

    @Test func restartsBackOffAndStopAtTheCapUntilAMinutePasses() {
        var policy = RestartPolicy()
        #expect(policy.decide(now: 100) == .startNow)
        policy.recordStart(now: 100)
        guard case .startAfter(let wait) = policy.decide(now: 100.1) else {
            Issue.record("a second start within the backoff was not delayed")
            return
        }
        #expect(abs(wait - 0.4) < 1e-9)
        #expect(policy.decide(now: 100.5) == .startNow)
        for t in [100.5, 101.5, 103.5, 107.5] {
            #expect(policy.decide(now: t) == .startNow, "at \(t)")
            policy.recordStart(now: t)
        }
        #expect(policy.decide(now: 120) == .refuse(startsInLastMinute: 5))
        #expect(policy.decide(now: 159.9) == .refuse(startsInLastMinute: 5))
        #expect(policy.decide(now: 160.6) == .startNow)  // the start at 100 is over a minute old
        #expect(RestartPolicy.backoff(recentStarts: 0) == 0 && RestartPolicy.backoff(recentStarts: 4) == 4)
        #expect(policy.windowText == "the last minute")
    }

    @Test func aWiderWindowKeepsCountingStartsPastAMinute() {
        var policy = RestartPolicy()
        policy.window = 3600
        for t in [0.0, 1, 3, 7, 15] { policy.recordStart(now: t) }
        #expect(policy.decide(now: 600) == .refuse(startsInLastMinute: 5))
        #expect(policy.decide(now: 3600.5) == .startNow)
        #expect(policy.windowText == "the last 3600 s")
    }

    // MARK: - TargetListen (injected clock)

    @Test func aListenStreamIsReopenedFiveTimesAMinuteAtMost() {
        var listen = TargetListen()
        #expect(listen.opened(id: 1, waiters: [.stream(9)]) == nil)
        #expect(listen.acknowledge(subscriptionID: .int(2)) == nil)  // another stream's
        #expect(listen.acknowledge(subscriptionID: .int(1)) == [.stream(9)])
        var id = 1
        for t in 0..<5 {
            #expect(listen.ended(id: id, .result([:]), now: Double(t), shuttingDown: false) == .reopen)
            id += 1
            _ = listen.opened(id: id, waiters: [])
        }
        #expect(listen.ended(id: id, .result([:]), now: 10, shuttingDown: false) == .stop)
        _ = listen.opened(id: id + 1, waiters: [])
        #expect(listen.ended(id: id, .result([:]), now: 70, shuttingDown: false) == .notCurrent)
        #expect(listen.ended(id: id + 1, .result([:]), now: 70, shuttingDown: false) == .reopen)
        _ = listen.opened(id: id + 2, waiters: [.clientRequest(3)])
        #expect(
            listen.ended(id: id + 2, .error(.methodNotFound("listen")), now: 71, shuttingDown: false)
                == .refused([.clientRequest(3)]))
        #expect(listen.refused)
    }

    @Test func subscriptionsAreHeldUntilTheirLastHolderLetsGo() {
        var listen = TargetListen()
        #expect(listen.hold(["a", "b"], by: .legacyClient) == ["a", "b"])
        #expect(listen.hold(["b", "c"], by: .stream(1)) == ["c"])
        #expect(listen.isHeld("b", byOthersThan: .legacyClient))
        #expect(listen.release(["a", "b"], by: .legacyClient) == ["a"])
        #expect(listen.heldURIs == ["b", "c"])
        #expect(listen.filter["resourceSubscriptions"] == ["b", "c"])
        #expect(listen.uris(heldBy: .stream(1)).sorted() == ["b", "c"])
    }

    // MARK: - TargetLists

    @Test func pagesAreReadToTheEndAndARepeatedCursorEndsTheList() {
        var lists = TargetLists()
        #expect(lists.beginStartup([.tools, .prompts]) == [.tools, .prompts])
        #expect(
            lists.page(.tools, items: [["name": "a"]], nextCursor: "c1", duringStartup: true) == .next(cursor: "c1"))
        #expect(
            lists.page(.tools, items: [["name": "b"]], nextCursor: "c1", duringStartup: true)
                == .complete(.init(changed: true, readAgain: false, startupComplete: false)))
        #expect(lists[.tools] == [["name": "a"], ["name": "b"]])
        #expect(
            lists.page(.prompts, items: [], nextCursor: nil, duringStartup: true)
                == .complete(.init(changed: false, readAgain: false, startupComplete: true)))
        #expect(lists.changedDuringStartup == [.tools])
    }

    @Test func aReadAskedForDuringAReadHappensAfterIt() {
        var lists = TargetLists()
        func startRead() -> Bool { lists.startRead(.tools) }
        #expect(startRead())
        #expect(!startRead())
        #expect(
            lists.page(.tools, items: [["name": "a"]], nextCursor: nil, duringStartup: false)
                == .complete(.init(changed: true, readAgain: true, startupComplete: false)))
        #expect(startRead())
        #expect(
            lists.page(.tools, items: [["name": "a"]], nextCursor: nil, duringStartup: false)
                == .complete(.init(changed: false, readAgain: false, startupComplete: false)))
    }
}
