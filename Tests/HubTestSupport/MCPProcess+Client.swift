import MCPWire

/// JSON-RPC client conveniences: requests with matched responses, notifications, answers to
/// server→client requests, and the MCP handshake.
extension MCPProcess {
    /// Sends a request with a fresh numeric id (a per-process counter from 1) or `id`, and waits for the
    /// response carrying that id. Messages arriving meanwhile stay queued for `nextMessage`.
    /// `params` may be any JSON value (non-objects are sent as given, for negative tests).
    /// Throws `TestSupportError.timeout` / `.processExited` / `.streamClosed`.
    public func request(
        _ method: String, params: JSONValue? = nil, id: RequestID? = nil, timeout: Duration = .seconds(30)
    ) async throws -> JSONRPCMessage.Response {
        let requestID = session.read { state -> RequestID in
            let requestID = id ?? state.makeRequestID()
            state.expectResponse(requestID)
            return requestID
        }
        var message = JSONObject()
        message["jsonrpc"] = "2.0"
        message["id"] = requestID.json
        message["method"] = .string(method)
        if let params { message["params"] = params }
        send(.object(message))
        let outcome = try await session.wait(
            for: .response(requestID), awaiting: "the response to \"\(method)\" (id \(requestID))",
            timeout: timeout)
        guard case .response(let response) = outcome else { preconditionFailure("response waiter got \(outcome)") }
        return response
    }

    /// `request`, then the `result`; a JSON-RPC error becomes `TestSupportError.errorResponse`.
    @discardableResult
    public func call(
        _ method: String, params: JSONValue? = nil, timeout: Duration = .seconds(30)
    ) async throws -> JSONValue {
        let response = try await request(method, params: params, timeout: timeout)
        switch response.outcome {
        case .result(let result): return result
        case .error(let error): throw TestSupportError.errorResponse(method: method, error: error)
        }
    }

    /// Sends a notification (no id).
    public func notify(_ method: String, params: JSONValue? = nil) {
        var message = JSONObject()
        message["jsonrpc"] = "2.0"
        message["method"] = .string(method)
        if let params { message["params"] = params }
        send(.object(message))
    }

    /// Answers a server→client request with a result.
    public func respond(to id: RequestID, result: JSONValue) {
        send(JSONRPCMessage.response(.result(id, result)))
    }

    /// Answers a server→client request with an error.
    public func respond(to id: RequestID, error: JSONRPCError) {
        send(JSONRPCMessage.response(.error(id, error)))
    }

    /// The MCP handshake: `initialize`, then `notifications/initialized`. Returns the initialize result.
    @discardableResult
    public func initialize(
        clientName: String = "hub-tests", protocolVersion: String = "2025-11-25", capabilities: JSONValue = [:],
        timeout: Duration = .seconds(30)
    ) async throws -> JSONValue {
        let params: JSONValue = [
            "protocolVersion": .string(protocolVersion),
            "capabilities": capabilities,
            "clientInfo": ["name": .string(clientName), "version": "0.0.0"],
        ]
        let result = try await call("initialize", params: params, timeout: timeout)
        guard result.objectValue != nil else {
            throw TestSupportError.unexpectedReply("initialize result is \(result.typeName), not an object")
        }
        notify("notifications/initialized")
        return result
    }
}
