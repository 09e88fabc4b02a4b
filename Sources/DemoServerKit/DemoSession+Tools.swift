import Foundation
import MCPWire

/// `tools/call`: running a tool (inline or on its own thread), tracking it while it runs, and
/// cancelling it on `notifications/cancelled`.
extension DemoSession {
    func callTool(_ request: JSONRPCMessage.Request) {
        guard let name = request.params?["name"]?.stringValue else {
            send(.error(request.id, .invalidParams("tools/call needs a string \"name\"")))
            return
        }
        guard let tool = state.withLock({ $0.tools.first { $0.name == name } }) else {
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
        let meta = request.params?["_meta"]?.objectValue
        let onOwnThread = server.options.concurrentToolCalls || tool.concurrent
        let call = DemoCall(
            id: request.id, toolName: name, progressToken: meta?["progressToken"], onOwnThread: onOwnThread,
            outlet: self)
        let (version, capabilities) = state.withLock { s in
            s.inFlight[request.id] = call
            return (s.protocolVersion, s.clientCapabilities)
        }
        let context = ToolContext(
            serverName: server.name, toolName: name, requestID: request.id, protocolVersion: version,
            clientCapabilities: capabilities, inputResponses: nil, requestState: nil, call: call)
        if onOwnThread {
            running.enter()
            Thread.detachNewThread { [self, arguments] in
                execute(tool, arguments, context, call: call, meta: meta)
                running.leave()
            }
        } else {
            execute(tool, arguments, context, call: call, meta: meta)
        }
    }

    private func execute(
        _ tool: DemoTool, _ arguments: JSONObject, _ context: ToolContext, call: DemoCall, meta: JSONObject?
    ) {
        journal?.record(server: server.name, tool: tool.name, arguments: arguments, meta: meta)
        var result: DemoToolResult
        do {
            result = try tool.handler(arguments, context)
        } catch {
            result = .error(String(describing: error))
        }
        // Leaving the in-flight table and checking the flags under one lock: a cancellation either
        // lands before or finds the call gone (ignored). A cancelled call whose tool noticed gets
        // no response; one whose tool never looked is answered normally.
        let cancelled = state.withLock { s -> Bool in
            if s.inFlight[call.id] === call { s.inFlight[call.id] = nil }
            return call.dropsResponse
        }
        if cancelled {
            log("not answering tools/call \(call.id) (\(tool.name)): the client cancelled it")
            return
        }
        if result.suppressesResponse {
            log("not answering tools/call \(call.id) (\(tool.name)), as the tool asked")
            return
        }
        if result.inputRequired != nil {
            result = .error(
                "Tool \"\(tool.name)\" needs input from the client, which only protocol 2026-07-28 can ask.")
        }
        send(.result(call.id, result.json(includeStructured: tool.outputSchema != nil)))
    }

    /// `notifications/cancelled {requestId}`: marks the call cancelled (it will get no response),
    /// wakes its pending requests to the client, and journals the cancellation. Unknown or finished
    /// ids are ignored, as the spec allows.
    func cancel(_ params: JSONObject?) {
        guard let raw = params?["requestId"], let id = RequestID(json: raw) else {
            log("ignoring notifications/cancelled without a usable requestId")
            return
        }
        let (found, waiting) = state.withLock { s -> (DemoCall?, [DemoAskSlot]) in
            guard let call = s.inFlight[id] else { return (nil, []) }
            call.cancel()
            let mine = s.asks.filter { $0.value.callID == id }
            for key in mine.keys { s.asks[key] = nil }
            return (call, Array(mine.values))
        }
        guard let call = found else {
            log("ignoring notifications/cancelled for \(id): no such call in flight")
            return
        }
        log("tools/call \(id) (\(call.toolName)) cancelled by the client")
        journal?.recordCancellation(server: server.name, requestID: id)
        for slot in waiting { slot.resolve(.failure(.cancelled(method: slot.method))) }
    }
}
