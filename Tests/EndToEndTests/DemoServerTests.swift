import Dispatch
import Foundation
import MCPWire
import Synchronization
import Testing

// Spawns the built demo-payments (and fixture-server) binaries and talks MCP to them over pipes.
// Self-contained on purpose: no HubTestSupport.
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private enum DemoBinaries {
    /// On Linux `Bundle.main.bundleURL` is the build's bin directory, next to the executables.
    static func path(_ name: String) -> String {
        Bundle.main.bundleURL.appendingPathComponent(name).path
    }

    static func exists(_ name: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: path(name))
    }
}

private struct DemoTestFailure: Error, CustomStringConvertible {
    var description: String
}

/// Lines read from a child's stdout by a dedicated thread (blocking `read`), handed over through a
/// mutex and a semaphore.
private final class LineInbox: Sendable {
    private struct State {
        var lines: [[UInt8]] = []
        var closed = false
    }
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)

    func startReading(fd: Int32) {
        Thread.detachNewThread { [self] in
            var pending: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { break }
                pending.append(contentsOf: chunk[0..<n])
                while let nl = pending.firstIndex(of: 0x0A) {
                    let line = Array(pending[..<nl])
                    pending.removeSubrange(...nl)
                    state.withLock { $0.lines.append(line) }
                    available.signal()
                }
            }
            state.withLock { $0.closed = true }
            available.signal()
        }
    }

    /// The next line, or nil at EOF. Waits at most `seconds` (a hang guard, not a speed check).
    func next(seconds: Int = 30) throws -> [UInt8]? {
        while true {
            let taken = state.withLock { s -> (line: [UInt8]?, closed: Bool) in
                s.lines.isEmpty ? (nil, s.closed) : (s.lines.removeFirst(), false)
            }
            if let line = taken.line { return line }
            if taken.closed { return nil }
            guard available.wait(timeout: .now() + .seconds(seconds)) == .success else {
                throw DemoTestFailure(description: "no output from the server within \(seconds) s")
            }
        }
    }
}

/// One running server process with piped stdin/stdout (stderr is inherited for debugging).
private final class ServerUnderTest {
    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let inbox = LineInbox()
    private var nextID = 1

    init(_ binary: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: DemoBinaries.path(binary))
        process.arguments = arguments
        // Start from the test's environment without any DEMO_* knobs, so only `environment` sets them.
        let inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DEMO_") }
        process.environment = inherited.merging(environment) { $1 }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        try process.run()
        inbox.startReading(fd: stdoutPipe.fileHandleForReading.fileDescriptor)
    }

    func send(_ message: JSONValue) throws {
        var bytes = message.serializedBytes()
        bytes.append(0x0A)
        try stdinPipe.fileHandleForWriting.write(contentsOf: Data(bytes))
    }

    /// Sends a request with a fresh integer id and returns the next message read (the demo servers
    /// answer in order).
    func request(_ method: String, _ params: JSONValue? = nil) throws -> JSONValue {
        let id = nextID
        nextID += 1
        try sendRequest(id: id, method, params)
        guard let response = try readMessage() else {
            throw DemoTestFailure(description: "server closed stdout instead of answering \(method)")
        }
        #expect(response["id"] == .int(id))
        return response
    }

    func sendRequest(id: Int, _ method: String, _ params: JSONValue? = nil) throws {
        var o = JSONObject([("jsonrpc", "2.0"), ("id", .int(id)), ("method", .string(method))])
        if let params { o["params"] = params }
        try send(.object(o))
    }

    func readMessage() throws -> JSONValue? {
        guard let line = try inbox.next() else { return nil }
        return try JSONParser.parse(line)
    }

    func call(_ tool: String, _ arguments: JSONValue = [:]) throws -> JSONValue {
        let response = try request("tools/call", ["name": .string(tool), "arguments": arguments])
        guard let result = response["result"] else {
            throw DemoTestFailure(description: "tools/call \(tool) failed: \(response.serialized())")
        }
        return result
    }

    /// Closes stdin and waits for the exit status (killing the process if it lingers).
    @discardableResult
    func finish() -> Int32 {
        try? stdinPipe.fileHandleForWriting.close()
        var waited = 0
        while process.isRunning, waited < 20_000 {
            usleep(10_000)
            waited += 10
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

private func toolNames(_ listResult: JSONValue?) -> [String] {
    listResult?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
}

@Suite struct DemoServerTests {
    static let paymentsBuilt = DemoBinaries.exists("demo-payments")
    static let fixtureBuilt = DemoBinaries.exists("fixture-server")

    @Test(.enabled(if: paymentsBuilt))
    func handshakeToolsAndCalls() throws {
        let server = try ServerUnderTest("demo-payments")
        defer { server.finish() }

        let older = try server.request("initialize", ["protocolVersion": "2025-03-26", "capabilities": [:]])
        #expect(older["result"]?["protocolVersion"] == "2025-03-26")
        #expect(older["result"]?["capabilities"] == ["tools": ["listChanged": false]])
        #expect(older["result"]?["serverInfo"]?["name"] == "demo-payments")
        let unknown = try server.request("initialize", ["protocolVersion": "2099-01-01", "capabilities": [:]])
        #expect(unknown["result"]?["protocolVersion"] == "2025-11-25")
        try server.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
        #expect(try server.request("ping")["result"] == .object(JSONObject()))

        let list = try server.request("tools/list")["result"]
        #expect(
            toolNames(list) == ["get_balance", "list_customers", "refund", "delete_customer", "execute_sql", "echo"])
        let delete = list?["tools"]?.arrayValue?.first { $0["name"] == "delete_customer" }
        #expect(delete?["annotations"]?["destructiveHint"] == true)
        #expect(delete?["annotations"]?["readOnlyHint"] == false)

        let balance = try server.call("get_balance")
        #expect(balance["structuredContent"] == ["available": 1000, "currency": "USD"])
        #expect(balance["content"]?.arrayValue?.first?["text"] == #"{"available":1000,"currency":"USD"}"#)
        #expect(balance["isError"] == false)

        #expect(try server.call("delete_customer", ["customer_id": "cus_001"])["isError"] == false)
        let customers = try server.call("list_customers")["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
        #expect(!customers.contains("cus_001") && customers.contains("cus_002"))
        #expect(try server.call("delete_customer", ["customer_id": "cus_001"])["isError"] == true)
        #expect(try server.call("refund", ["charge_id": "ch_1", "amount": "ten"])["isError"] == true)

        let missing = try server.request("tools/call", ["name": "nope", "arguments": [:]])
        #expect(missing["error"]?["code"] == .int(-32602))
        #expect(missing["error"]?["message"] == "Unknown tool: nope")
        #expect(try server.request("resources/list")["error"]?["code"] == .int(-32601))

        #expect(server.finish() == 0)
    }

    @Test(.enabled(if: paymentsBuilt))
    func journalRecordsOnlyExecutedCalls() throws {
        let journal = FileManager.default.temporaryDirectory
            .appendingPathComponent("demo-journal-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: journal) }
        let server = try ServerUnderTest("demo-payments", environment: ["DEMO_JOURNAL": journal.path])
        defer { server.finish() }

        let echoed = try server.call("echo", ["text": "hi", "n": .number("1.5")])
        #expect(echoed["structuredContent"] == ["echo": ["text": "hi", "n": .number("1.5")]])
        _ = try server.request("tools/call", ["name": "not_a_tool"])
        _ = try server.call("refund", ["charge_id": "ch_9", "amount": 5])
        #expect(server.finish() == 0)

        let lines = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
        let entries = try lines.map { try JSONParser.parse(String($0)) }
        #expect(entries.count == 2)
        #expect(
            entries.first == [
                "server": "demo-payments", "tool": "echo", "arguments": ["text": "hi", "n": .number("1.5")],
            ])
        #expect(entries.last?["tool"] == "refund")
        #expect(entries.last?["arguments"] == ["charge_id": "ch_9", "amount": 5])
    }

    @Test(.enabled(if: paymentsBuilt))
    func paginationWalksEveryTool() throws {
        let server = try ServerUnderTest("demo-payments", environment: ["DEMO_PAGE_SIZE": "4"])
        defer { server.finish() }

        let first = try server.request("tools/list")["result"]
        #expect(toolNames(first).count == 4)
        let cursor = try #require(first?["nextCursor"])
        let second = try server.request("tools/list", ["cursor": cursor])["result"]
        #expect(
            toolNames(first) + toolNames(second) == [
                "get_balance", "list_customers", "refund", "delete_customer", "execute_sql", "echo",
            ])
        #expect(second?["nextCursor"] == nil)
        let bogus = try server.request("tools/list", ["cursor": "not-a-cursor"])
        #expect(bogus["error"]?["code"] == .int(-32602))
    }

    @Test(.enabled(if: fixtureBuilt))
    func fixtureHangsAndCrashesOnRequest() throws {
        let server = try ServerUnderTest(
            "fixture-server", arguments: ["--tools", "echo,stuck,boom", "--hang-on", "stuck", "--crash-on", "boom"])
        defer { server.finish() }

        try server.sendRequest(id: 1, "tools/call", ["name": "stuck", "arguments": [:]])
        try server.sendRequest(id: 2, "tools/call", ["name": "echo", "arguments": ["x": 1]])
        let answer = try #require(try server.readMessage())
        #expect(answer["id"] == .int(2))  // the hanging call 1 is never answered
        #expect(answer["result"]?["structuredContent"] == ["echo": ["x": 1]])

        try server.sendRequest(id: 3, "tools/call", ["name": "boom", "arguments": [:]])
        #expect(try server.readMessage() == nil)  // stdout closed without an answer
        #expect(server.finish() == 3)
    }
}
