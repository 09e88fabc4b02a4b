import Dispatch
import Foundation
import MCPWire
import Synchronization

/// Answers the messages of one stdio connection. `handle(line:)` is called from the reading thread
/// only; tool calls may run on other threads when `Options.concurrentToolCalls` is set.
final class DemoSession: Sendable {
    private let server: DemoServer
    private let toolIndex: [String: Int]
    private let pageSize: Int?
    private let journal: ToolJournal?
    private let stdout: DemoStdout
    /// The version agreed in `initialize`; read when a tool call starts.
    private let protocolVersion = Mutex<String>(ProtocolVersion.latestLegacy)
    /// Tool calls running on their own threads, awaited at EOF so their answers are not lost.
    private let running = DispatchGroup()

    private static let cursorPrefix = "demo-page-"

    init(server: DemoServer, pageSize: Int?, journal: ToolJournal?) {
        self.server = server
        var index: [String: Int] = [:]
        for (i, tool) in server.tools.enumerated() where index[tool.name] == nil { index[tool.name] = i }
        self.toolIndex = index
        self.pageSize = pageSize
        self.journal = journal
        self.stdout = DemoStdout(noiseBeforeEachLine: server.options.stdoutNoiseLine)
    }

    func handle(line: [UInt8]) {
        if server.options.logEachMessage {
            log("received \(line.count) bytes: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        switch JSONRPCMessage.decode(line: line) {
        case .invalid(let id, let error, let respond):
            log("rejected a line: \(error.message)")
            if respond { send(.error(id, error)) }
        case .message(.notification):
            break  // notifications/initialized, cancelled, …: nothing to do, and never answered
        case .message(.response):
            break  // this server sends no requests, so there is nothing to match a response to
        case .message(.request(let request)):
            handle(request: request)
        }
    }

    func waitForRunningCalls() {
        running.wait()
    }

    private func handle(request: JSONRPCMessage.Request) {
        switch request.method {
        case "initialize":
            initialize(request)
        case "ping":
            send(.result(request.id, .object(JSONObject())))
        case "tools/list":
            send(listTools(request))
        case "tools/call":
            callTool(request)
        default:
            send(.error(request.id, .methodNotFound(request.method)))
        }
    }

    private func initialize(_ request: JSONRPCMessage.Request) {
        switch server.options.initialize {
        case .ignore:
            log("not answering initialize (configured)")
        case .fail(let error):
            send(.error(request.id, error))
        case .answer:
            let requested = request.params?["protocolVersion"]?.stringValue
            let version = ProtocolVersion.negotiate(clientRequested: requested)
            protocolVersion.withLock { $0 = version }
            var result = JSONObject()
            result["protocolVersion"] = .string(version)
            result["capabilities"] = ["tools": ["listChanged": false]]
            result["serverInfo"] = ["name": .string(server.name), "version": .string(server.version)]
            if let instructions = server.instructions { result["instructions"] = .string(instructions) }
            send(.result(request.id, .object(result)))
        }
    }

    private func listTools(_ request: JSONRPCMessage.Request) -> JSONRPCMessage.Response {
        let tools = server.tools
        var offset = 0
        if let cursor = request.params?["cursor"] {
            guard let start = decodeCursor(cursor) else {
                return .error(request.id, .invalidParams("unknown or expired cursor \(cursor.serialized())"))
            }
            offset = start
        }
        let end = pageSize.map { min(offset + $0, tools.count) } ?? tools.count
        var result = JSONObject()
        result["tools"] = .array(tools[offset..<end].map(\.listEntry))
        if end < tools.count { result["nextCursor"] = .string(Self.cursorPrefix + String(end, radix: 16)) }
        return .result(request.id, .object(result))
    }

    /// The offset a cursor we issued stands for; nil for anything we could not have issued.
    private func decodeCursor(_ cursor: JSONValue) -> Int? {
        guard pageSize != nil, let text = cursor.stringValue, text.hasPrefix(Self.cursorPrefix),
            let offset = Int(text.dropFirst(Self.cursorPrefix.count), radix: 16),
            offset > 0, offset < server.tools.count
        else { return nil }
        return offset
    }

    private func callTool(_ request: JSONRPCMessage.Request) {
        guard let name = request.params?["name"]?.stringValue else {
            send(.error(request.id, .invalidParams("tools/call needs a string \"name\"")))
            return
        }
        guard let index = toolIndex[name] else {
            send(
                .error(request.id, JSONRPCError(code: JSONRPCError.invalidParamsCode, message: "Unknown tool: \(name)"))
            )
            return
        }
        var arguments = JSONObject()
        if let raw = request.params?["arguments"], !raw.isNull {
            guard let object = raw.objectValue else {
                send(.error(request.id, .invalidParams("\"arguments\" must be an object, not \(raw.typeName)")))
                return
            }
            arguments = object
        }
        let tool = server.tools[index]
        let meta = request.params?["_meta"]?.objectValue
        let context = ToolContext(
            serverName: server.name, toolName: name, requestID: request.id,
            protocolVersion: protocolVersion.withLock { $0 })
        if server.options.concurrentToolCalls {
            running.enter()
            Thread.detachNewThread { [self, arguments] in
                execute(tool, arguments, context, meta: meta)
                running.leave()
            }
        } else {
            execute(tool, arguments, context, meta: meta)
        }
    }

    private func execute(_ tool: DemoTool, _ arguments: JSONObject, _ context: ToolContext, meta: JSONObject?) {
        journal?.record(server: server.name, tool: tool.name, arguments: arguments, meta: meta)
        let result: DemoToolResult
        do {
            result = try tool.handler(arguments, context)
        } catch {
            result = .error(String(describing: error))
        }
        if result.suppressesResponse {
            log("not answering tools/call \(context.requestID) (\(tool.name)), as the tool asked")
            return
        }
        send(.result(context.requestID, result.json(includeStructured: tool.outputSchema != nil)))
    }

    private func send(_ response: JSONRPCMessage.Response) {
        stdout.send(JSONRPCMessage.response(response).line())
    }

    private func log(_ message: String) {
        DemoStderr.log("\(server.name): \(message)")
    }
}
