import MCPWire
import Synchronization

/// What a running tool call may ask of its session (implemented by `DemoSession`).
protocol DemoCallOutlet: Sendable {
    func notify(_ method: String, _ params: JSONObject?)
    func logToClient(_ level: DemoLogLevel, _ data: JSONValue)
    func ask(_ method: String, params: JSONObject, for call: DemoCall) throws(DemoAskError) -> JSONRPCMessage.Response
    /// Edits the tool list; `edit` returns whether it changed anything (then list_changed goes out).
    func changeTools(_ edit: (inout [DemoTool]) -> Bool) -> Bool
    var currentToolNames: [String] { get }
    func resourceUpdated(_ uri: String)
}

/// One `tools/call` while it runs: its id, progress token, thread mode and cancellation flag.
/// Shared between the reading thread (which may cancel it) and the tool's thread.
final class DemoCall: Sendable {
    let id: RequestID
    let toolName: String
    /// `params._meta.progressToken`, when the request had one.
    let progressToken: JSONValue?
    /// Whether the tool runs on a thread of its own (so it may block waiting for the client).
    let onOwnThread: Bool
    let outlet: any DemoCallOutlet
    private let flags = Mutex(Flags())

    private struct Flags {
        /// The client sent `notifications/cancelled` for this call.
        var cancelled = false
        /// The tool learned of it (read `isCancelled` as true, or its `ask` was interrupted).
        var noticed = false
    }

    init(id: RequestID, toolName: String, progressToken: JSONValue?, onOwnThread: Bool, outlet: any DemoCallOutlet) {
        self.id = id
        self.toolName = toolName
        self.progressToken = progressToken
        self.onOwnThread = onOwnThread
        self.outlet = outlet
    }

    /// Whether the client cancelled the call (the session's view; does not count as noticing).
    var isCancelled: Bool { flags.withLock { $0.cancelled } }

    /// The tool's view: true once cancelled, and then the call will get no response.
    func toolChecksCancellation() -> Bool {
        flags.withLock { f in
            if f.cancelled { f.noticed = true }
            return f.cancelled
        }
    }

    /// The tool was told of the cancellation some other way (its `ask` failed with `.cancelled`).
    func markNoticed() { flags.withLock { $0.noticed = true } }

    /// Whether the response must be dropped: cancelled, and the tool acted on it. A tool that never
    /// looks (like fixture-server's slow echo) answers as if nothing happened, as many servers do.
    var dropsResponse: Bool { flags.withLock { $0.cancelled && $0.noticed } }

    func cancel() { flags.withLock { $0.cancelled = true } }
}
