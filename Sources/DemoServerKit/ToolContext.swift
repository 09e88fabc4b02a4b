import MCPWire

/// What a handler knows about the call it is serving, and what it may do while it runs: report
/// progress, log to the client, notice a cancellation, ask the client something, change the
/// server's tool list, announce resource changes.
///
/// Everything beyond the plain fields needs the session that started the call; a context made
/// with the public initializer (or by `ModernDemoServer`) has none, so those calls do nothing
/// (`ask` throws `DemoAskError.unavailable`).
public struct ToolContext: Sendable {
    /// The server's name (`serverInfo.name`).
    public var serverName: String
    public var toolName: String
    /// The JSON-RPC id of the `tools/call` request.
    public var requestID: RequestID
    /// The protocol version agreed in `initialize` (the newest legacy version before that), or the
    /// request's own version on a 2026-07-28 server.
    public var protocolVersion: String
    /// The client's capabilities: from `initialize` (legacy), or from the request's
    /// `_meta["io.modelcontextprotocol/clientCapabilities"]` (2026-07-28). Nil when unknown.
    public var clientCapabilities: JSONObject?
    /// 2026-07-28 multi-round-trip retries: the call's `inputResponses`, if any.
    public var inputResponses: JSONObject?
    /// 2026-07-28 multi-round-trip retries: the call's `requestState`, if any.
    public var requestState: String?
    /// The session's handle on this call; nil outside a legacy `DemoServer` session.
    let call: DemoCall?

    public init(
        serverName: String, toolName: String, requestID: RequestID, protocolVersion: String,
        clientCapabilities: JSONObject? = nil, inputResponses: JSONObject? = nil, requestState: String? = nil
    ) {
        self.init(
            serverName: serverName, toolName: toolName, requestID: requestID, protocolVersion: protocolVersion,
            clientCapabilities: clientCapabilities, inputResponses: inputResponses, requestState: requestState,
            call: nil)
    }

    init(
        serverName: String, toolName: String, requestID: RequestID, protocolVersion: String,
        clientCapabilities: JSONObject?, inputResponses: JSONObject?, requestState: String?, call: DemoCall?
    ) {
        self.serverName = serverName
        self.toolName = toolName
        self.requestID = requestID
        self.protocolVersion = protocolVersion
        self.clientCapabilities = clientCapabilities
        self.inputResponses = inputResponses
        self.requestState = requestState
        self.call = call
    }

    /// Writes one line to stderr, prefixed with the server name. Never touches stdout.
    public func log(_ message: String) {
        DemoStderr.log("\(serverName): \(message)")
    }

    /// True once the client sent `notifications/cancelled` for this call. A slow tool should check
    /// it between steps and return early. Once a tool has seen `true` here (or its `ask` threw
    /// `.cancelled`), the server sends no response for the call; a tool that never looks is
    /// answered normally, late, like a server that ignores cancellation.
    public var isCancelled: Bool { call?.toolChecksCancellation() ?? false }

    /// Whether the request carried `_meta.progressToken` (progress reports are dropped otherwise).
    public var hasProgressToken: Bool { call?.progressToken != nil }

    /// Sends `notifications/progress {progressToken, progress, total?, message?}` when the request
    /// carried a `_meta.progressToken`; does nothing otherwise. `progress` should grow each time.
    public func progress(_ progress: Double, total: Double? = nil, message: String? = nil) {
        guard let call, let token = call.progressToken else { return }
        var params = JSONObject()
        params["progressToken"] = token
        params["progress"] = DemoNumber.json(progress)
        if let total { params["total"] = DemoNumber.json(total) }
        if let message { params["message"] = .string(message) }
        call.outlet.notify("notifications/progress", params)
    }

    /// Sends `notifications/message {level, logger: serverName, data}` when the client asked for
    /// this level or a lower one with `logging/setLevel`; nothing before any `setLevel`.
    public func logToClient(_ level: DemoLogLevel, _ data: JSONValue) {
        call?.outlet.logToClient(level, data)
    }

    /// Sends a request to the client (ids "srv-1", "srv-2", …) and blocks this thread until the
    /// client answers; returns its response, which may be a JSON-RPC error. For `elicitation/create`,
    /// `roots/list`, `sampling/createMessage`.
    ///
    /// The tool must run on its own thread (`DemoTool.concurrent`, or `Options.concurrentToolCalls`):
    /// on the reading thread the answer could never be read. Throws `DemoAskError` when that is not
    /// so, when the call is cancelled while waiting, or when stdin closes first.
    public func ask(_ method: String, params: JSONObject) throws(DemoAskError) -> JSONRPCMessage.Response {
        guard let call else { throw .unavailable }
        return try call.outlet.ask(method, params: params, for: call)
    }

    /// Adds a tool at run time (replacing one with the same name) and, if the server declared
    /// `tools.listChanged`, sends `notifications/tools/list_changed`.
    public func addTool(_ tool: DemoTool) {
        _ = call?.outlet.changeTools { tools in
            if let i = tools.firstIndex(where: { $0.name == tool.name }) {
                tools[i] = tool
            } else {
                tools.append(tool)
            }
            return true
        }
    }

    /// Replaces the whole tool list at run time, announced like `addTool`.
    public func replaceTools(_ tools: [DemoTool]) {
        _ = call?.outlet.changeTools { current in
            current = tools
            return true
        }
    }

    /// Removes a tool at run time; returns false if there was none with that name. Announces the
    /// change like `addTool`.
    @discardableResult
    public func removeTool(named name: String) -> Bool {
        call?.outlet.changeTools { tools in
            guard let i = tools.firstIndex(where: { $0.name == name }) else { return false }
            tools.remove(at: i)
            return true
        } ?? false
    }

    /// The names of the tools the server offers right now.
    public var currentToolNames: [String] { call?.outlet.currentToolNames ?? [] }

    /// Sends `notifications/resources/updated {uri}` if the client subscribed to `uri`.
    public func resourceUpdated(_ uri: String) {
        call?.outlet.resourceUpdated(uri)
    }

    /// Sends `notifications/resources/list_changed` (the server declares `resources.listChanged`).
    public func resourceListChanged() {
        call?.outlet.notify("notifications/resources/list_changed", nil)
    }

    /// Sends any notification as it is, declared or not (fixtures that behave like other servers).
    public func sendNotification(_ method: String, _ params: JSONObject? = nil) {
        call?.outlet.notify(method, params)
    }
}

/// Why `ToolContext.ask` got no answer.
public enum DemoAskError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The context belongs to no session that can send requests.
    case unavailable
    /// The tool runs on the thread that reads stdin, so the answer could never be read.
    case notOnOwnThread(tool: String)
    /// The client cancelled the tool call while it waited for the answer.
    case cancelled(method: String)
    /// stdin closed before the client answered.
    case connectionClosed(method: String)

    public var description: String {
        switch self {
        case .unavailable: return "This server cannot send requests to the client."
        case .notOnOwnThread(let tool):
            return "Tool \"\(tool)\" asks the client but does not run on its own thread; declare it `concurrent`."
        case .cancelled(let method): return "The call was cancelled while waiting for the answer to \(method)."
        case .connectionClosed(let method): return "The client closed the connection before answering \(method)."
        }
    }
}

/// `logging/setLevel` levels, least severe first (RFC 5424 order, as MCP uses them).
public enum DemoLogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, notice, warning, error, critical, alert, emergency

    public static func < (lhs: DemoLogLevel, rhs: DemoLogLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// JSON numbers from doubles: integral values without a fraction (`3`, not `3.0`).
enum DemoNumber {
    static func json(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .int(0) }
        if value == value.rounded(), abs(value) < 1e15 { return .int(Int(value)) }
        return .number("\(value)")
    }
}
