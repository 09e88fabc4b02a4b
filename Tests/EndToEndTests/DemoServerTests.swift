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

    /// Reads a private duplicate of `fd` until EOF, then closes it. (Reading `fd` itself would let
    /// this thread outlive the Pipe that closes it on deinit, and then read whatever pipe of another
    /// test reuses the number.)
    func startReading(fd borrowed: Int32) {
        let fd = fcntl(borrowed, F_DUPFD_CLOEXEC, 0)
        guard fd >= 0 else {
            state.withLock { $0.closed = true }
            available.signal()
            return
        }
        Thread.detachNewThread { [self] in
            defer { close(fd) }
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
    /// The server's stderr lines, when captured (else stderr is inherited, for debugging).
    private let stderrInbox: LineInbox?
    private var nextID = 1

    init(
        _ binary: String, arguments: [String] = [], environment: [String: String] = [:], captureStderr: Bool = false
    ) throws {
        process.executableURL = URL(fileURLWithPath: DemoBinaries.path(binary))
        process.arguments = arguments
        // Start from the test's environment without any DEMO_* knobs, so only `environment` sets them.
        let inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DEMO_") }
        process.environment = inherited.merging(environment) { $1 }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        let stderrPipe = captureStderr ? Pipe() : nil
        if let stderrPipe { process.standardError = stderrPipe }
        // Foundation's pipes are inheritable; tests run in parallel, so a server another test starts
        // could otherwise keep our ends open and hold off this server's EOFs.
        for pipe in [stdinPipe, stdoutPipe] + (stderrPipe.map { [$0] } ?? []) {
            for fd in [pipe.fileHandleForReading.fileDescriptor, pipe.fileHandleForWriting.fileDescriptor] {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
        }
        try process.run()
        inbox.startReading(fd: stdoutPipe.fileHandleForReading.fileDescriptor)
        stderrInbox = stderrPipe.map { pipe in
            let inbox = LineInbox()
            inbox.startReading(fd: pipe.fileHandleForReading.fileDescriptor)
            return inbox
        }
    }

    /// Waits for a captured stderr line containing `text` (the server logs decisions there).
    func waitForStderr(containing text: String) throws {
        guard let stderrInbox else { throw DemoTestFailure(description: "stderr is not captured") }
        while let line = try stderrInbox.next() {
            if String(decoding: line, as: UTF8.self).contains(text) { return }
        }
        throw DemoTestFailure(description: "server stderr ended without a line containing \"\(text)\"")
    }

    /// The last messages sent (">") and received ("<"), for hang-guard failures.
    private var transcript: [String] = []

    private func note(_ direction: String, _ message: JSONValue) {
        transcript.append("\(direction) \(message.serialized().prefix(300))")
        if transcript.count > 12 { transcript.removeFirst() }
    }

    func send(_ message: JSONValue) throws {
        note(">", message)
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
        let line: [UInt8]?
        do {
            line = try inbox.next()
        } catch {
            throw DemoTestFailure(description: "\(error); last messages:\n" + transcript.joined(separator: "\n"))
        }
        guard let line else { return nil }
        let message = try JSONParser.parse(line)
        note("<", message)
        return message
    }

    /// A fresh integer request id.
    func freshID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// Reads until the response to request `id`; the notifications (and server requests) read on the
    /// way come back in order with it.
    func response(to id: Int) throws -> (response: JSONValue, others: [JSONValue]) {
        var others: [JSONValue] = []
        while let message = try readMessage() {
            if message["method"] == nil, message["id"] == .int(id) { return (message, others) }
            others.append(message)
        }
        throw DemoTestFailure(description: "server closed stdout before answering request \(id)")
    }

    /// Sends a request and reads up to its response, collecting what comes before it.
    func exchange(_ method: String, _ params: JSONValue? = nil) throws -> (response: JSONValue, others: [JSONValue]) {
        let id = freshID()
        try sendRequest(id: id, method, params)
        return try response(to: id)
    }

    /// Answers a request the server sent us.
    func respond(to request: JSONValue, result: JSONValue) throws {
        let id = try #require(request["id"])
        try send(["jsonrpc": "2.0", "id": id, "result": result])
    }

    func initialize(capabilities: JSONValue = [:], version: String = "2025-11-25") throws -> JSONValue {
        let response = try request(
            "initialize",
            [
                "protocolVersion": .string(version), "capabilities": capabilities,
                "clientInfo": ["name": "t", "version": "1"],
            ])
        try send(["jsonrpc": "2.0", "method": "notifications/initialized"])
        return try #require(response["result"])
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

private func firstText(_ result: JSONValue?) -> String? {
    result?["content"]?.arrayValue?.first?["text"]?.stringValue
}

private func methods(_ messages: [JSONValue]) -> [String] {
    messages.compactMap { $0["method"]?.stringValue }
}

private let paymentsTools = [
    "get_balance", "list_customers", "refund", "delete_customer", "execute_sql", "echo", "export_report",
    "enable_admin_tools",
]

private func temporaryJournal() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("demo-journal-\(UUID().uuidString).jsonl")
}

private func journalEntries(_ url: URL) throws -> [JSONValue] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
}

@Suite struct DemoServerTests {
    static let paymentsBuilt = DemoBinaries.exists("demo-payments")
    static let notesBuilt = DemoBinaries.exists("demo-notes")
    static let fixtureBuilt = DemoBinaries.exists("fixture-server")
    static let modernBuilt = DemoBinaries.exists("modern-server")

    @Test(.enabled(if: paymentsBuilt))
    func handshakeToolsAndCalls() throws {
        let server = try ServerUnderTest("demo-payments")
        defer { server.finish() }

        let older = try server.request("initialize", ["protocolVersion": "2025-03-26", "capabilities": [:]])
        #expect(older["result"]?["protocolVersion"] == "2025-03-26")
        #expect(
            older["result"]?["capabilities"] == [
                "tools": ["listChanged": true], "prompts": ["listChanged": true], "completions": [:], "logging": [:],
            ])
        #expect(older["result"]?["serverInfo"]?["name"] == "demo-payments")
        let unknown = try server.request("initialize", ["protocolVersion": "2099-01-01", "capabilities": [:]])
        #expect(unknown["result"]?["protocolVersion"] == "2025-11-25")
        try server.send(["jsonrpc": "2.0", "method": "notifications/initialized"])
        #expect(try server.request("ping")["result"] == .object(JSONObject()))

        let list = try server.request("tools/list")["result"]
        #expect(toolNames(list) == paymentsTools)
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
        #expect(toolNames(first) + toolNames(second) == paymentsTools)
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

// MARK: - Prompts, resources, completion, logging, progress, cancellation, client requests

extension DemoServerTests {
    @Test(.enabled(if: notesBuilt))
    func notesPromptsAndCompletion() throws {
        let server = try ServerUnderTest("demo-notes")
        defer { server.finish() }
        let initialized = try server.initialize()
        #expect(
            initialized["capabilities"] == [
                "tools": ["listChanged": false], "prompts": ["listChanged": true],
                "resources": ["subscribe": true, "listChanged": true], "completions": [:], "logging": [:],
            ])

        let prompts = try server.request("prompts/list")["result"]?["prompts"]?.arrayValue ?? []
        #expect(prompts.map { $0["name"] } == ["summarize_note"])
        #expect(prompts.first?["arguments"]?.arrayValue?.first?["name"] == "title")
        #expect(prompts.first?["arguments"]?.arrayValue?.first?["required"] == true)

        let got = try server.request("prompts/get", ["name": "summarize_note", "arguments": ["title": "groceries"]])
        let message = got["result"]?["messages"]?.arrayValue?.first
        #expect(message?["role"] == "user")
        #expect(message?["content"]?["text"]?.stringValue?.contains("eggs, milk, coffee") == true)
        #expect(try server.request("prompts/get", ["name": "summarize_note"])["error"]?["code"] == -32602)
        #expect(try server.request("prompts/get", ["name": "nope"])["error"]?["code"] == -32602)
        let noNote = try server.request("prompts/get", ["name": "summarize_note", "arguments": ["title": "x"]])
        #expect(noNote["error"]?["code"] == -32602)

        let byPrompt = try server.request(
            "completion/complete",
            ["ref": ["type": "ref/prompt", "name": "summarize_note"], "argument": ["name": "title", "value": "g"]])
        #expect(byPrompt["result"] == ["completion": ["values": ["groceries"], "total": 1, "hasMore": false]])
        let byTemplate = try server.request(
            "completion/complete",
            [
                "ref": ["type": "ref/resource", "uri": "notes://note/{title}"],
                "argument": ["name": "title", "value": ""],
            ])
        #expect(byTemplate["result"]?["completion"]?["values"] == ["welcome", "groceries"])
        let unknownRef = try server.request(
            "completion/complete",
            ["ref": ["type": "ref/prompt", "name": "nope"], "argument": ["name": "title", "value": ""]])
        #expect(unknownRef["error"]?["code"] == -32602)
    }

    @Test(.enabled(if: notesBuilt))
    func notesResourcesTemplatesAndSubscriptions() throws {
        let server = try ServerUnderTest("demo-notes", environment: ["DEMO_PAGE_SIZE": "2"])
        defer { server.finish() }
        _ = try server.initialize()

        let first = try server.request("resources/list")["result"]
        let cursor = try #require(first?["nextCursor"])
        let second = try server.request("resources/list", ["cursor": cursor])["result"]
        #expect(second?["nextCursor"] == nil)
        let uris = ((first?["resources"]?.arrayValue ?? []) + (second?["resources"]?.arrayValue ?? [])).map {
            $0["uri"]
        }
        #expect(uris == ["notes://index", "notes://note/welcome", "notes://note/groceries"])
        let templates = try server.request("resources/templates/list")["result"]?["resourceTemplates"]?.arrayValue
        #expect(templates?.map { $0["uriTemplate"] } == ["notes://note/{title}"])
        #expect(templates?.first?["name"] == "note")

        let index = try server.request("resources/read", ["uri": "notes://index"])["result"]
        #expect(
            index == ["contents": [["uri": "notes://index", "mimeType": "text/plain", "text": "welcome\ngroceries"]]])
        let note = try server.request("resources/read", ["uri": "notes://note/groceries"])["result"]
        #expect(note?["contents"]?.arrayValue?.first?["text"] == "eggs, milk, coffee")
        let missing = try server.request("resources/read", ["uri": "notes://note/nope"])["error"]
        #expect(missing == ["code": -32002, "message": "Resource not found", "data": ["uri": "notes://note/nope"]])

        let todo = "notes://note/to%20do"
        #expect(try server.request("resources/subscribe", ["uri": .string(todo)])["result"] == [:])
        #expect(try server.request("resources/subscribe", ["uri": "notes://index"])["result"] == [:])
        let created = try server.exchange(
            "tools/call", ["name": "write_note", "arguments": ["title": "to do", "body": "a"]])
        #expect(firstText(created.response["result"]) == "Created note \"to do\".")
        #expect(
            created.others == [
                ["jsonrpc": "2.0", "method": "notifications/resources/updated", "params": ["uri": .string(todo)]],
                ["jsonrpc": "2.0", "method": "notifications/resources/updated", "params": ["uri": "notes://index"]],
                ["jsonrpc": "2.0", "method": "notifications/resources/list_changed"],
            ])
        let read = try server.request("resources/read", ["uri": .string(todo)])["result"]?["contents"]?.arrayValue
        #expect(read?.first?["text"] == "a")

        let updated = try server.exchange(
            "tools/call", ["name": "write_note", "arguments": ["title": "to do", "body": "b"]])
        #expect(methods(updated.others) == ["notifications/resources/updated"])
        #expect(try server.request("resources/unsubscribe", ["uri": .string(todo)])["result"] == [:])
        let quiet = try server.exchange(
            "tools/call", ["name": "write_note", "arguments": ["title": "to do", "body": "c"]])
        #expect(quiet.others.isEmpty)
        let deleted = try server.exchange("tools/call", ["name": "delete_note", "arguments": ["title": "to do"]])
        #expect(
            methods(deleted.others) == ["notifications/resources/updated", "notifications/resources/list_changed"])
        #expect(deleted.others.first?["params"]?["uri"] == "notes://index")
    }

    @Test(.enabled(if: paymentsBuilt))
    func paymentsProgressLoggingAndPrompt() throws {
        let server = try ServerUnderTest("demo-payments")
        defer { server.finish() }
        _ = try server.initialize()
        let report: JSONValue = ["name": "export_report", "arguments": ["steps": 3, "delay_ms": 0]]

        var withToken = report
        if case .object(var o) = withToken {
            o["_meta"] = ["progressToken": "tok-1"]
            withToken = .object(o)
        }
        let quietLog = try server.exchange("tools/call", withToken)
        #expect(quietLog.response["result"]?["isError"] == false)
        #expect(methods(quietLog.others) == Array(repeating: "notifications/progress", count: 3))
        #expect(quietLog.others.map { $0["params"]?["progressToken"] } == ["tok-1", "tok-1", "tok-1"])
        #expect(quietLog.others.map { $0["params"]?["progress"] } == [1, 2, 3])
        #expect(
            quietLog.others.last?["params"] == [
                "progressToken": "tok-1", "progress": 3, "total": 3, "message": "step 3 of 3",
            ])
        #expect(try server.exchange("tools/call", report).others.isEmpty)  // no token, no level: silence

        #expect(try server.request("logging/setLevel", ["level": "loud"])["error"]?["code"] == -32602)
        #expect(try server.request("logging/setLevel", ["level": "info"])["result"] == [:])
        let logged = try server.exchange("tools/call", report).others
        #expect(methods(logged) == Array(repeating: "notifications/message", count: 4))
        #expect(logged.map { $0["params"]?["level"] } == ["info", "info", "info", "notice"])
        #expect(
            logged.first?["params"] == [
                "level": "info", "logger": "demo-payments", "data": "export_report: step 1 of 3 done",
            ])
        #expect(try server.request("logging/setLevel", ["level": "notice"])["result"] == [:])
        #expect(try server.exchange("tools/call", report).others.map { $0["params"]?["level"] } == ["notice"])

        let prompt = try server.request(
            "prompts/get", ["name": "refund_email", "arguments": ["customer_id": "cus_002"]])
        let body = prompt["result"]?["messages"]?.arrayValue?.first?["content"]?["text"]?.stringValue ?? ""
        #expect(body.contains("Grace Hopper <grace@example.com>"))
        let ids = try server.request(
            "completion/complete",
            [
                "ref": ["type": "ref/prompt", "name": "refund_email"],
                "argument": ["name": "customer_id", "value": "cus_00"],
            ])
        #expect(ids["result"]?["completion"]?["values"] == ["cus_001", "cus_002", "cus_003"])
        #expect(try server.request("resources/list")["error"]?["code"] == -32601)
    }

    @Test(.enabled(if: paymentsBuilt))
    func cancelledCallStopsAndIsNeverAnswered() throws {
        let journal = temporaryJournal()
        defer { try? FileManager.default.removeItem(at: journal) }
        let server = try ServerUnderTest(
            "demo-payments", environment: ["DEMO_JOURNAL": journal.path], captureStderr: true)
        defer { server.finish() }
        _ = try server.initialize()

        let slowID = server.freshID()
        try server.sendRequest(
            id: slowID, "tools/call",
            ["name": "export_report", "arguments": ["steps": 10000, "delay_ms": 20], "_meta": ["progressToken": 99]])
        let firstProgress = try #require(try server.readMessage())  // the call is now running
        #expect(firstProgress["method"] == "notifications/progress")
        #expect(firstProgress["params"]?["progressToken"] == 99)
        try server.send(
            [
                "jsonrpc": "2.0", "method": "notifications/cancelled",
                "params": ["requestId": .int(slowID), "reason": "test"],
            ])
        // The server logs its decision once the tool has stopped; a response sent before that log
        // line would come before the ping's answer.
        try server.waitForStderr(containing: "not answering tools/call \(slowID) (export_report)")
        let ping = try server.exchange("ping")
        #expect(ping.response["result"] == [:])
        #expect(ping.others.allSatisfy { $0["method"] == "notifications/progress" })
        #expect(server.finish() == 0)
        let entries = try journalEntries(journal)
        #expect(entries.first?["tool"] == "export_report")
        #expect(entries.contains(["server": "demo-payments", "cancelled": .int(slowID)]))
    }

    @Test(.enabled(if: notesBuilt))
    func toolsAskTheClientAndGetItsAnswers() throws {
        let server = try ServerUnderTest("demo-notes", captureStderr: true)
        defer { server.finish() }
        _ = try server.initialize(capabilities: ["elicitation": [:], "roots": [:], "sampling": [:]])

        /// Calls `tool`, expects exactly one request from the server, answers it, returns both.
        func ask(_ tool: String, _ arguments: JSONValue, answer: JSONValue) throws -> (JSONValue, JSONValue?) {
            let id = server.freshID()
            try server.sendRequest(id: id, "tools/call", ["name": .string(tool), "arguments": arguments])
            let request = try #require(try server.readMessage())
            try server.respond(to: request, result: answer)
            let (response, others) = try server.response(to: id)
            #expect(others.isEmpty)
            return (request, response["result"])
        }

        let (elicit, accepted) = try ask(
            "ask_user", ["question": "Favourite colour?"], answer: ["action": "accept", "content": ["answer": "blue"]])
        #expect(elicit["method"] == "elicitation/create")
        #expect(elicit["id"] == "srv-1")
        #expect(elicit["params"]?["mode"] == "form")
        #expect(elicit["params"]?["message"] == "Favourite colour?")
        #expect(elicit["params"]?["requestedSchema"]?["properties"]?["answer"]?["type"] == "string")
        #expect(firstText(accepted) == "blue")
        let (again, declined) = try ask("ask_user", ["question": "Sure?"], answer: ["action": "decline"])
        #expect(again["id"] == "srv-2")
        #expect(firstText(declined) == "declined")

        let (roots, listed) = try ask(
            "list_roots", [:], answer: ["roots": [["uri": "file:///work", "name": "work"], ["uri": "file:///tmp"]]])
        #expect(roots["method"] == "roots/list")
        #expect(firstText(listed) == #"["file:///work","file:///tmp"]"#)

        let (sampling, sampled) = try ask(
            "ask_model", ["prompt": "Say hi"],
            answer: ["role": "assistant", "content": ["type": "text", "text": "hi"], "model": "m"])
        #expect(sampling["method"] == "sampling/createMessage")
        #expect(sampling["params"]?["messages"]?.arrayValue?.first?["content"]?["text"] == "Say hi")
        #expect(firstText(sampled) == "hi")

        // A client error is reported to the model as a tool error.
        let id = server.freshID()
        try server.sendRequest(id: id, "tools/call", ["name": "list_roots", "arguments": [:]])
        let request = try #require(try server.readMessage())
        try server.send(["jsonrpc": "2.0", "id": request["id"]!, "error": ["code": -32601, "message": "no roots"]])
        let failed = try server.response(to: id).response["result"]
        #expect(failed?["isError"] == true)
        #expect(firstText(failed)?.contains("-32601") == true)

        // Cancelling a call that waits for the client: no response, and a late answer is ignored.
        let waiting = server.freshID()
        try server.sendRequest(id: waiting, "tools/call", ["name": "ask_user", "arguments": ["question": "Still?"]])
        let unanswered = try #require(try server.readMessage())
        #expect(unanswered["method"] == "elicitation/create")
        try server.send(
            ["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": .int(waiting)]])
        try server.waitForStderr(containing: "not answering tools/call \(waiting) (ask_user)")
        try server.respond(to: unanswered, result: ["action": "accept", "content": ["answer": "too late"]])
        try server.waitForStderr(containing: "ignoring a response with id \"\(unanswered["id"]?.stringValue ?? "?")\"")
        #expect(try server.exchange("ping").others.isEmpty)
        #expect(server.finish() == 0)
    }

    @Test(.enabled(if: paymentsBuilt))
    func toolListChangesAtRunTime() throws {
        let server = try ServerUnderTest("demo-payments")
        defer { server.finish() }
        _ = try server.initialize()

        let enabled = try server.exchange("tools/call", ["name": "enable_admin_tools", "arguments": [:]])
        #expect(enabled.others == [["jsonrpc": "2.0", "method": "notifications/tools/list_changed"]])
        #expect(firstText(enabled.response["result"]) == "Enabled admin tools: admin_reset.")
        let list = try server.request("tools/list")["result"]
        #expect(toolNames(list) == paymentsTools + ["admin_reset"])
        let admin = list?["tools"]?.arrayValue?.last
        #expect(admin?["annotations"]?["destructiveHint"] == true)

        let twice = try server.exchange("tools/call", ["name": "enable_admin_tools", "arguments": [:]])
        #expect(twice.others.isEmpty)
        _ = try server.call("refund", ["charge_id": "ch_1", "amount": 10])
        #expect(try server.call("get_balance")["structuredContent"]?["available"] == 990)
        #expect(try server.call("admin_reset")["isError"] == false)
        #expect(try server.call("get_balance")["structuredContent"]?["available"] == 1000)
    }
}

// MARK: - modern-server (protocol 2026-07-28 only)

private func modernParams(
    _ members: [(String, JSONValue)] = [], capabilities: JSONValue = [:], version: String = "2026-07-28"
) -> JSONValue {
    var params = JSONObject(members)
    params["_meta"] = [
        "io.modelcontextprotocol/protocolVersion": .string(version),
        "io.modelcontextprotocol/clientCapabilities": capabilities,
        "io.modelcontextprotocol/clientInfo": ["name": "demo-tests", "version": "1"],
    ]
    return .object(params)
}

extension DemoServerTests {
    @Test(.enabled(if: modernBuilt))
    func modernServerDiscoverAndEnvelopeErrors() throws {
        let server = try ServerUnderTest("modern-server")
        defer { server.finish() }
        let serverInfo: JSONValue = [
            "io.modelcontextprotocol/serverInfo": ["name": "modern-server", "version": "1.0.0"]
        ]

        let discover = try server.request("server/discover", modernParams())["result"]
        #expect(discover?["resultType"] == "complete")
        #expect(discover?["supportedVersions"] == ["2026-07-28"])
        #expect(discover?["capabilities"] == ["tools": [:]])
        #expect(discover?["_meta"] == serverInfo)
        #expect(discover?["ttlMs"] == 0)
        #expect(discover?["cacheScope"] == "private")

        #expect(try server.request("server/discover")["error"]?["code"] == -32602)
        let noCapabilities: JSONValue = ["_meta": ["io.modelcontextprotocol/protocolVersion": "2026-07-28"]]
        #expect(try server.request("tools/list", noCapabilities)["error"]?["code"] == -32602)
        let old = try server.request("tools/list", modernParams(version: "2025-11-25"))["error"]
        #expect(old?["code"] == -32022)
        #expect(old?["data"] == ["supported": ["2026-07-28"], "requested": "2025-11-25"])
        let initialize = try server.request(
            "initialize",
            ["protocolVersion": "2025-11-25", "capabilities": [:], "clientInfo": ["name": "x", "version": "1"]])
        #expect(initialize["error"]?["code"] == -32022)
        #expect(initialize["error"]?["data"]?["supported"] == ["2026-07-28"])
        #expect(try server.request("ping", modernParams())["error"]?["code"] == -32601)

        let list = try server.request("tools/list", modernParams())["result"]
        #expect(list?["resultType"] == "complete")
        #expect(toolNames(list) == ["echo", "confirm_delete"])
        #expect(list?["ttlMs"] == 0)
        #expect(list?["cacheScope"] == "private")
        #expect(list?["_meta"] == serverInfo)
        let echo = try server.request("tools/call", modernParams([("name", "echo"), ("arguments", ["x": 1])]))["result"]
        #expect(echo?["resultType"] == "complete")
        #expect(echo?["structuredContent"] == ["echo": ["x": 1]])
        #expect(echo?["_meta"] == serverInfo)
    }

    @Test(.enabled(if: modernBuilt))
    func modernServerConfirmDeleteRoundTrip() throws {
        let journal = temporaryJournal()
        defer { try? FileManager.default.removeItem(at: journal) }
        let server = try ServerUnderTest("modern-server", environment: ["DEMO_JOURNAL": journal.path])
        defer { server.finish() }
        let elicitation: JSONValue = ["elicitation": [:]]
        let call: [(String, JSONValue)] = [("name", "confirm_delete"), ("arguments", ["item": "report.txt"])]

        let first = try server.request("tools/call", modernParams(call, capabilities: elicitation))["result"]
        #expect(first?["resultType"] == "input_required")
        let confirm = first?["inputRequests"]?["confirm"]
        #expect(confirm?["method"] == "elicitation/create")
        #expect(confirm?["params"]?["mode"] == "form")
        #expect(confirm?["params"]?["message"] == "Delete report.txt?")
        #expect(
            confirm?["params"]?["requestedSchema"] == [
                "type": "object", "properties": ["ok": ["type": "boolean"]], "required": ["ok"],
            ])
        let state = try #require(first?["requestState"])

        func retry(_ answer: JSONValue, state: JSONValue) throws -> JSONValue? {
            let params = modernParams(
                call + [("inputResponses", ["confirm": answer]), ("requestState", state)], capabilities: elicitation)
            return try server.request("tools/call", params)["result"]
        }
        let accepted = try retry(["action": "accept", "content": ["ok": true]], state: state)
        #expect(accepted?["resultType"] == "complete")
        #expect(firstText(accepted) == "deleted report.txt")
        #expect(firstText(try retry(["action": "decline"], state: state)) == "kept report.txt")
        #expect(
            firstText(try retry(["action": "accept", "content": ["ok": false]], state: state)) == "kept report.txt")

        let otherCall: [(String, JSONValue)] = [("name", "confirm_delete"), ("arguments", ["item": "other"])]
        let otherState = try server.request("tools/call", modernParams(otherCall, capabilities: elicitation))
        let foreign = try retry(
            ["action": "accept", "content": ["ok": true]], state: otherState["result"]!["requestState"]!)
        #expect(foreign?["isError"] == true)

        let incapable = try server.request("tools/call", modernParams(call))["result"]
        #expect(incapable?["resultType"] == "complete")
        #expect(incapable?["isError"] == true)
        #expect(firstText(incapable)?.contains("needs elicitation") == true)

        #expect(server.finish() == 0)
        let entries = try journalEntries(journal)
        #expect(entries.count == 7)
        #expect(entries.first?["tool"] == "confirm_delete")
        #expect(entries.first?["inputResponses"] == nil)
        #expect(entries[1]["inputResponses"] == ["confirm": ["action": "accept", "content": ["ok": true]]])
    }
}
