import Foundation
import HubTestSupport
import MCPWire
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exercises HubTestSupport against trivial children (`cat`, `sh -c` scripts, `sed`), so the end-to-end
/// tests can trust its request matching, queueing, timeouts and process cleanup.
@Suite("HubTestSupport self-tests")
struct TestSupportSelfTests {
    private static let sh = URL(fileURLWithPath: "/bin/sh")
    private static let cat = URL(fileURLWithPath: "/bin/cat")

    /// Launches `sh -c script`.
    private func shell(_ script: String, environment: [String: String]? = nil) throws -> MCPProcess {
        try MCPProcess.launch(Self.sh, arguments: ["-c", script], environment: environment)
    }

    /// An echo server: every request line comes back as a response with the same id and `"result":"ok"`.
    private func sedEchoServer() throws -> MCPProcess {
        try MCPProcess.launch(
            URL(fileURLWithPath: "/bin/sed"), arguments: ["-u", #"s/"method":"[^"]*"/"result":"ok"/"#])
    }

    /// Polls until `pid` is gone (ESRCH) or a zombie (dead, waiting for whoever adopted it to reap it),
    /// or `seconds` pass.
    private func processGone(_ pid: Int32, within seconds: Double = 10) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if kill(pid, 0) != 0, errno == ESRCH { return true }
            if isZombie(pid) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    private func isZombie(_ pid: Int32) -> Bool {
        #if os(Linux)
            // /proc/<pid>/stat is "pid (comm) S ...": the state letter follows the last ')'.
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
        #else
            return false
        #endif
    }

    @Test func catEchoesRequestAsNextMessage() async throws {
        let process = try MCPProcess.launch(Self.cat)
        defer { process.terminate() }
        let request: JSONValue = ["jsonrpc": "2.0", "id": 7, "method": "tools/list"]
        process.send(request)
        let message = try await process.nextMessage()
        #expect(message == .request(.init(id: .int(7), method: "tools/list")))
        #expect(process.stdoutLines == [request.serialized()])
    }

    @Test func multiMegabyteLineRoundTripsIntact() async throws {
        let process = try MCPProcess.launch(Self.cat)
        defer { process.terminate() }
        let big = String(repeating: "0123456789abcdef", count: 300_000)  // 4.8 MB
        process.send(["jsonrpc": "2.0", "method": "big", "params": ["blob": .string(big)]])
        process.send(["jsonrpc": "2.0", "method": "after"])
        let first = try await process.nextMessage(timeout: .seconds(60))
        guard case .notification(let notification) = first else {
            Issue.record("expected a notification, got \(first)")
            return
        }
        #expect(notification.params?["blob"]?.stringValue == big)
        let second = try await process.nextMessage()
        #expect(second == .notification(.init(method: "after")))
    }

    @Test func rawBytesArriveExactlyAndPartialLinesAreJoined() async throws {
        let process = try MCPProcess.launch(Self.cat)
        defer { process.terminate() }
        process.sendRaw(Array(#"{"jsonrpc":"2.0","#.utf8))
        process.sendRaw(#""method":"joined"}"# + "\nnot json\n")
        #expect(try await process.nextMessage() == .notification(.init(method: "joined")))
        process.closeStdin()
        #expect(try await process.waitForExit() == 0)
        #expect(process.stdoutLines == [#"{"jsonrpc":"2.0","method":"joined"}"#, "not json"])
        #expect(process.takeQueuedMessages().isEmpty)
    }

    @Test func responsesAreMatchedByIdWhenTheyArriveOutOfOrder() async throws {
        let script = """
            read a; read b
            echo '{"jsonrpc":"2.0","id":2,"result":"two"}'
            echo '{"jsonrpc":"2.0","method":"notifications/progress","params":{"n":1}}'
            echo '{"jsonrpc":"2.0","id":1,"result":"one"}'
            cat >/dev/null
            """
        let process = try shell(script)
        defer { process.terminate() }
        async let first = process.request("first", id: .int(1))
        async let second = process.request("second", id: .int(2))
        let (one, two) = try await (first, second)
        #expect(one == .result(.int(1), "one"))
        #expect(two == .result(.int(2), "two"))
        let progress = JSONRPCMessage.notification(
            .init(method: "notifications/progress", params: JSONObject([("n", 1)])))
        #expect(try await process.nextMessage() == progress)
        #expect(process.takeQueuedMessages().isEmpty)
    }

    @Test func unclaimedResponsesAndNotificationsQueueInArrivalOrder() async throws {
        let script = """
            read a
            echo '{"jsonrpc":"2.0","method":"notifications/one"}'
            echo '{"jsonrpc":"2.0","id":99,"result":"stray"}'
            echo '{"jsonrpc":"2.0","id":"srv-1","method":"roots/list"}'
            echo '{"jsonrpc":"2.0","id":1,"result":{}}'
            cat >/dev/null
            """
        let process = try shell(script)
        defer { process.terminate() }
        let result = try await process.call("ping")
        #expect(result == [:])
        #expect(try await process.nextMessage() == .notification(.init(method: "notifications/one")))
        #expect(try await process.nextMessage() == .response(.result(.int(99), "stray")))
        #expect(try await process.nextMessage() == .request(.init(id: .string("srv-1"), method: "roots/list")))
    }

    @Test func requestIdsCountFromOneAndConcurrentRequestsAllMatch() async throws {
        let process = try sedEchoServer()
        defer { process.terminate() }
        let first = try await process.request("a")
        #expect(first.id == .int(1))
        let ids = try await withThrowingTaskGroup(of: RequestID?.self) { group in
            for _ in 0..<50 {
                group.addTask { try await process.request("x").id }
            }
            var ids: Set<RequestID> = []
            for try await id in group { if let id { ids.insert(id) } }
            return ids
        }
        #expect(ids == Set((2...51).map { RequestID.int($0) }))
        #expect(process.takeQueuedMessages().isEmpty)
    }

    @Test func callThrowsTheErrorResponse() async throws {
        let script = """
            read a
            echo '{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found: nope"}}'
            cat >/dev/null
            """
        let process = try shell(script)
        defer { process.terminate() }
        let error = await #expect(throws: TestSupportError.self) { try await process.call("nope") }
        guard case .errorResponse(let method, let rpcError)? = error else {
            Issue.record("expected errorResponse, got \(String(describing: error))")
            return
        }
        #expect(method == "nope")
        #expect(rpcError.code == -32601)
        #expect(error?.description.contains("Method not found") == true)
    }

    @Test func initializeSendsHandshakeAndInitializedNotification() async throws {
        let script = """
            read init; echo "$init" >&2
            printf '%s%s\n' '{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25","capabilities":{},' \
                '"serverInfo":{"name":"sh","version":"1"}}}'
            read note; echo "$note" >&2
            cat >/dev/null
            """
        let process = try shell(script)
        defer { process.terminate() }
        let result = try await process.initialize(clientName: "self-test")
        #expect(result["serverInfo"]?["name"] == "sh")
        try await process.waitForStderr(containing: #""method":"notifications/initialized""#)
        #expect(process.stderrText.contains(#""clientInfo":{"name":"self-test""#))
        #expect(process.stderrText.contains(#""protocolVersion":"2025-11-25""#))
    }

    @Test func timeoutErrorNamesTheMethodAndIncludesStderr() async throws {
        let process = try shell("echo stderr-marker-123 >&2; cat >/dev/null")
        defer { process.terminate() }
        try await process.waitForStderr(containing: "stderr-marker-123")
        let error = await #expect(throws: TestSupportError.self) {
            try await process.request("tools/list", timeout: .milliseconds(300))
        }
        guard case .timeout? = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        let text = error?.description ?? ""
        #expect(text.contains("tools/list"))
        #expect(text.contains("stderr-marker-123"))
        // The process is still usable afterwards, and a late answer is not lost.
        #expect(process.exitStatus == nil)
    }

    @Test func exitFailsPendingWaitersWithTheStatusNotATimeout() async throws {
        let process = try shell("read line; echo dying-now >&2; exit 3")
        defer { process.terminate() }
        let pendingMessage = Task { try await process.nextMessage(timeout: .seconds(600)) }
        let error = await #expect(throws: TestSupportError.self) {
            try await process.request("tools/call", timeout: .seconds(600))
        }
        guard case .processExited(let status, _, _, let tail)? = error else {
            Issue.record("expected processExited, got \(String(describing: error))")
            return
        }
        #expect(status == 3)
        #expect(tail.contains("dying-now"))
        #expect(error?.description.contains("tools/call") == true)
        guard case .failure(TestSupportError.processExited(status: 3, _, _, _)) = await pendingMessage.result else {
            Issue.record("nextMessage should fail with processExited(3)")
            return
        }
        // Waiters registered after the exit fail at once too.
        await #expect(throws: TestSupportError.self) { try await process.nextMessage(timeout: .seconds(600)) }
        await #expect(throws: TestSupportError.self) {
            try await process.waitForStderr(containing: "never", timeout: .seconds(600))
        }
    }

    @Test func stdoutClosedWhileRunningFailsPendingRequests() async throws {
        let process = try shell("exec 1>&-; exec sleep 1000")
        defer { process.terminate() }
        let error = await #expect(throws: TestSupportError.self) {
            try await process.request("ping", timeout: .seconds(600))
        }
        guard case .streamClosed(let stream, _, _, _)? = error else {
            Issue.record("expected streamClosed, got \(String(describing: error))")
            return
        }
        #expect(stream == "stdout")
    }

    @Test func stderrAndExitStatusAreCaptured() async throws {
        let process = try shell("echo first-line >&2; printf 'no newline' >&2; echo '{\"x\":1}'; exit 7")
        defer { process.terminate() }
        #expect(try await process.waitForExit() == 7)
        #expect(process.exitStatus == 7)
        #expect(process.stderrText == "first-line\nno newline")
        #expect(process.stdoutLines == [#"{"x":1}"#])
    }

    @Test func waitForStderrSeesTextSplitAcrossWrites() async throws {
        let process = try shell("printf 'ready-' >&2; sleep 0.2; printf 'set-go\\n' >&2; cat >/dev/null")
        defer { process.terminate() }
        try await process.waitForStderr(containing: "ready-set-go", timeout: .seconds(30))
    }

    @Test func terminateKillsSleepAndReportsTheSignal() async throws {
        let process = try MCPProcess.launch(URL(fileURLWithPath: "/bin/sleep"), arguments: ["1000"])
        #expect(process.exitStatus == nil)
        process.terminate()
        process.terminate()  // idempotent
        #expect(try await process.waitForExit() == 128 + SIGKILL)
        #expect(try await processGone(process.pid))
    }

    @Test func terminateKillsTheWholeProcessGroup() async throws {
        let script = #"sleep 1000 & echo "{\"jsonrpc\":\"2.0\",\"method\":\"pid\",\"params\":{\"pid\":$!}}"; wait"#
        let process = try shell(script)
        defer { process.terminate() }
        guard case .notification(let note) = try await process.nextMessage(),
            let grandchild = note.params?["pid"]?.intValue
        else {
            Issue.record("script did not report its background pid")
            return
        }
        #expect(kill(Int32(grandchild), 0) == 0)
        process.terminate()
        #expect(try await processGone(Int32(grandchild)))
    }

    @Test func deinitTerminatesTheProcess() async throws {
        var pid: Int32 = 0
        do {
            let process = try MCPProcess.launch(URL(fileURLWithPath: "/bin/sleep"), arguments: ["1000"])
            pid = process.pid
        }
        #expect(pid > 0)
        #expect(try await processGone(pid))
    }

    @Test func closeStdinLetsCatExitCleanly() async throws {
        let process = try MCPProcess.launch(Self.cat)
        defer { process.terminate() }
        process.send(["jsonrpc": "2.0", "method": "last"])
        process.closeStdin()
        #expect(try await process.waitForExit() == 0)
        #expect(process.stdoutLines == [#"{"jsonrpc":"2.0","method":"last"}"#])
    }

    @Test func sendSignalDeliversSIGTERM() async throws {
        let process = try MCPProcess.launch(URL(fileURLWithPath: "/bin/sleep"), arguments: ["1000"])
        defer { process.terminate() }
        process.sendSignal(SIGTERM)
        #expect(try await process.waitForExit() == 128 + SIGTERM)
    }

    @Test func environmentIsMergedAndCurrentDirectoryApplies() async throws {
        try await TempFiles.withDirectory { dir in
            let script = #"printf '{"foo":"%s","cwd":"%s","hasPath":"%s"}\n' "$FOO" "$(pwd -P)" "${PATH:+yes}""#
            let process = try MCPProcess.launch(
                Self.sh, arguments: ["-c", script], environment: ["FOO": "bar baz"], currentDirectory: dir)
            defer { process.terminate() }
            #expect(try await process.waitForExit() == 0)
            let line = try #require(process.stdoutLines.first)
            let value = try JSONParser.parse(line)
            #expect(value["foo"] == "bar baz")
            #expect(value["hasPath"] == "yes")
            let expected = dir.resolvingSymlinksInPath().path
            #expect(value["cwd"]?.stringValue == expected)
        }
    }

    @Test func launchFailureIsAnError() throws {
        let error = #expect(throws: TestSupportError.self) {
            try MCPProcess.launch(URL(fileURLWithPath: "/nonexistent/mcp-nothing"))
        }
        guard case .launchFailed(let path, let code, _)? = error else {
            Issue.record("expected launchFailed, got \(String(describing: error))")
            return
        }
        #expect(path == "/nonexistent/mcp-nothing")
        #expect(code == ENOENT)
    }

    @Test func writingToADeadChildDoesNotKillTheTestProcess() async throws {
        let process = try shell("exit 0")
        defer { process.terminate() }
        #expect(try await process.waitForExit() == 0)
        for _ in 0..<10 { process.sendRaw(Array(repeating: UInt8(ascii: "x"), count: 100_000)) }
        await #expect(throws: TestSupportError.self) { try await process.request("ping", timeout: .seconds(600)) }
    }

    @Test func tempFilesWriteAndBinariesResolve() throws {
        let dir = try TempFiles.directory()
        defer { TempFiles.remove(dir) }
        let file = try TempFiles.write("hello", name: "a.json", in: dir)
        #expect(try String(contentsOf: file, encoding: .utf8) == "hello")
        #expect(Binaries.url("mcp-firewall-hub").lastPathComponent == "mcp-firewall-hub")
        let parent = Binaries.url("x").deletingLastPathComponent().standardizedFileURL
        #expect(parent == Binaries.directory.standardizedFileURL)
        #expect(throws: TestSupportError.self) { try Binaries.require("definitely-not-built-\(UUID().uuidString)") }
    }
}
