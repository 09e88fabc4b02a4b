import MCPWire

/// The facts about one call that session policy reads: which tool, its annotations, and (once it
/// has been answered) what came back. Values only; `SessionFlow` keeps what it needs of them.
struct FlowCall: Sendable, Equatable {
    var server: String
    /// The target's own tool name.
    var tool: String
    /// The name the client sees, for texts.
    var exposedName: String
    var annotations: JSONObject?

    init(server: String, tool: String, exposedName: String, annotations: JSONObject? = nil) {
        self.server = server
        self.tool = tool
        self.exposedName = exposedName
        self.annotations = annotations
    }

    /// `server.tool`, what flow and limit globs match.
    var qualifiedName: String { server + "." + tool }
}

/// What a forwarded call came back with.
enum FlowOutcome: Sendable, Equatable {
    /// A result without `isError: true`; `hasContent` when it carried content or structured content.
    case succeeded(hasContent: Bool)
    /// A result with `isError: true`.
    case failed(hasContent: Bool)
    /// A JSON-RPC error answer (its message reached the client).
    case protocolError
    /// No answer: timed out, cancelled, or the server went away.
    case noAnswer

    /// The outcome of a `tools/call` result object.
    init(result: JSONObject) {
        let content = result["content"]?.arrayValue.map { !$0.isEmpty } ?? false
        let structured = result["structuredContent"].map { !$0.isNull } ?? false
        let hasContent = content || structured
        self = result["isError"] == .bool(true) ? .failed(hasContent: hasContent) : .succeeded(hasContent: hasContent)
    }

    var isSuccess: Bool {
        if case .succeeded = self { return true }
        return false
    }

    /// Whether anything the server sent reached the client (and so the model).
    var returnedContent: Bool {
        switch self {
        case .succeeded(let hasContent), .failed(let hasContent): return hasContent
        case .protocolError: return true
        case .noAnswer: return false
        }
    }
}

/// An earlier call of the session named as the reason for a decision.
struct FlowTrigger: Sendable, Equatable {
    /// The call's number in the session (1 = the first call sent to a server).
    var sequence: Int
    var exposedName: String
    var qualifiedName: String
    /// When its answer came back (monotonic seconds, the session's clock).
    var at: Double
}

/// A forwarded call, as `SessionFlow.forwarded` numbered it; handed back with its outcome.
struct FlowTicket: Sendable, Equatable {
    var call: FlowCall
    var sequence: Int
    var forwardedAt: Double
}
