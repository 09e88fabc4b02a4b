import Dispatch
import MCPWire
import Synchronization
import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The router's session-policy path on an injected clock, without processes: a per-minute limit
/// stops the call beyond it and lets calls through again once the window has passed (no sleeping).
@Suite struct SessionPolicyRouterTests {
    /// Every line written to a pipe, readable while the test runs.
    private final class Capture: Sendable {
        let writer: FDWriter
        private let lines = Mutex<[[UInt8]]>([])

        init() {
            var fds: [Int32] = [-1, -1]
            _ = pipe(&fds)
            writer = FDWriter(fd: fds[1], closeOnFinish: true, name: "session client out")
            LineReader(
                fd: fds[0], closeOnEOF: true, name: "session capture",
                onLines: { [self] batch in self.lines.withLock { $0 += batch } }, onEOF: {}
            ).start()
        }

        /// The client's answer to `id`, waiting for it (generous deadline; the writer is asynchronous).
        func answer(to id: Int) throws -> JSONValue {
            let deadline = DispatchTime.now() + .seconds(30)
            while DispatchTime.now() < deadline {
                let found = lines.withLock { lines in
                    lines.lazy.compactMap { try? JSONParser.parse($0) }.first { $0["id"] == .int(id) }
                }
                if let found { return found }
                usleep(2_000)
            }
            throw Failure("no answer to \(id)")
        }
    }

    @Test func aPerMinuteLimitResetsWhenTheInjectedClockPassesTheWindow() throws {
        let config = try ConfigLoader.parse(
            [
                "servers": ["t0": ["command": "/bin/false", "policy": ["default": "allow"]]],
                "limits": [["tool": "t0.echo", "per_minute": 2]], "timeouts": ["call_seconds": 3600],
            ], filePath: "/tmp/session-hub.json", environment: [:])
        let clock = Mutex(1_000.0)
        let capture = Capture()
        let logCapture = Capture()
        let router = HubRouter(
            config: config, environment: [:], log: HubLog(writer: logCapture.writer, verbose: true), mode: .serve,
            now: { clock.withLock { $0 } })
        router.clientOut = PeerOutput(capture.writer)
        let target = router.targets[0]
        target.beginGeneration()
        _ = target.startup.begin()
        _ = target.startup.answered(.initialize, .result(["capabilities": ["tools": [:]]]))
        _ = target.lists.beginStartup([.tools])
        _ = target.lists.page(
            .tools, items: [["name": "echo", "inputSchema": ["type": "object"]]], nextCursor: nil, duringStartup: true)
        target.startup.listed()
        router.rebuildCatalog()

        func call(_ id: Int) {
            let line = JSONValue.object([
                "jsonrpc": "2.0", "id": .int(id), "method": "tools/call",
                "params": ["name": "t0.echo", "arguments": ["n": .int(id)]],
            ]).serializedBytes()
            router.sink.withRouter { $0.handle(.clientLines([line])) }
        }
        func atTarget() -> Int { router.calls.calls(at: 0).count }

        call(1)
        call(2)
        #expect(atTarget() == 2)
        clock.withLock { $0 += 30 }
        call(3)
        #expect(atTarget() == 2)
        let refused = try capture.answer(to: 3)
        let text = refused["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
        #expect(
            text.contains("2 calls of t0.echo in the last minute (limit 2 a minute); the next one is allowed in 30 s"))
        // The window is 60 s from the first calls: at +59 s still full, at +60 s the next call runs.
        clock.withLock { $0 += 29 }
        call(4)
        #expect(atTarget() == 2)
        clock.withLock { $0 += 1 }
        call(5)
        #expect(atTarget() == 3)
        capture.writer.drainAndStop()
        logCapture.writer.drainAndStop()
    }
}
