import Dispatch
import MCPWire
import Synchronization

/// What a running tool may do toward the client: notifications, logging, requests of our own
/// (elicitation, roots, sampling) and tool-list changes.
extension DemoSession: DemoCallOutlet {
    func notify(_ method: String, _ params: JSONObject?) {
        stdout.send(JSONRPCMessage.notification(.init(method: method, params: params)).line())
    }

    func logToClient(_ level: DemoLogLevel, _ data: JSONValue) {
        guard let minimum = state.withLock({ $0.logLevel }), level >= minimum else { return }
        notify(
            "notifications/message",
            JSONObject([("level", .string(level.rawValue)), ("logger", .string(server.name)), ("data", data)]))
    }

    func ask(_ method: String, params: JSONObject, for call: DemoCall) throws(DemoAskError) -> JSONRPCMessage.Response {
        guard call.onOwnThread else { throw .notOnOwnThread(tool: call.toolName) }
        let slot = DemoAskSlot(callID: call.id, method: method)
        let registered = state.withLock { s -> Result<String, DemoAskError> in
            if s.inputClosed { return .failure(.connectionClosed(method: method)) }
            if call.isCancelled { return .failure(.cancelled(method: method)) }
            s.asksSent += 1
            let id = "srv-\(s.asksSent)"
            s.asks[id] = slot
            return .success(id)
        }
        let outcome = registered.flatMap { id -> Result<JSONRPCMessage.Response, DemoAskError> in
            let request = JSONRPCMessage.Request(id: .string(id), method: method, params: params)
            stdout.send(JSONRPCMessage.request(request).line())
            return slot.wait()
        }
        if case .failure(.cancelled) = outcome { call.markNoticed() }
        return try outcome.get()
    }

    /// A response from the client: the answer to one of our requests.
    func deliver(_ response: JSONRPCMessage.Response) {
        guard case .string(let id)? = response.id, let slot = state.withLock({ $0.asks.removeValue(forKey: id) })
        else {
            log("ignoring a response with id \(response.id?.description ?? "null"): no request of ours awaits it")
            return
        }
        slot.resolve(.success(response))
    }

    func changeTools(_ edit: (inout [DemoTool]) -> Bool) -> Bool {
        let changed = state.withLock { edit(&$0.tools) }
        if changed, server.features.contains(.toolListChanged) { notify("notifications/tools/list_changed", nil) }
        return changed
    }

    var currentToolNames: [String] { state.withLock { $0.tools.map(\.name) } }

    func resourceUpdated(_ uri: String) {
        guard state.withLock({ $0.subscriptions.contains(uri) }) else { return }
        notify("notifications/resources/updated", JSONObject([("uri", .string(uri))]))
    }
}

/// One request of ours awaiting the client's answer; the asking tool's thread blocks in `wait`.
final class DemoAskSlot: Sendable {
    /// The tool call that asked (its cancellation fails the wait).
    let callID: RequestID
    let method: String
    private let outcome = Mutex<Result<JSONRPCMessage.Response, DemoAskError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(callID: RequestID, method: String) {
        self.callID = callID
        self.method = method
    }

    /// The first resolution wins; later ones are ignored.
    func resolve(_ result: Result<JSONRPCMessage.Response, DemoAskError>) {
        let first = outcome.withLock { o -> Bool in
            guard o == nil else { return false }
            o = result
            return true
        }
        if first { done.signal() }
    }

    func wait() -> Result<JSONRPCMessage.Response, DemoAskError> {
        done.wait()
        return outcome.withLock { $0! }
    }
}
