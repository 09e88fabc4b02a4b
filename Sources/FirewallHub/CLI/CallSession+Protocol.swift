import MCPWire

/// The client side of `call`'s MCP conversation: requests and their answers, the hub's own requests
/// in between (its approval prompt, put to the human by `TerminalForm`), and finding the tool in the
/// hub's list.
extension CallSession {
    enum Answer {
        case result(JSONValue)
        case error(JSONRPCError)
        /// The hub's output ended before it answered.
        case closed
        case timedOut
    }

    /// The tool as the hub lists it to this client: the policy needs its annotations.
    struct ListedTool {
        var server: String
        var tool: String
        var annotations: JSONObject?
    }

    mutating func request(_ method: String, _ params: JSONObject, timeout: Double) -> Answer {
        var approved = false
        return request(method, params, timeout: timeout, approved: &approved)
    }

    /// Sends a request and waits for its answer, answering what the hub asks meanwhile. `approved`
    /// becomes true when the human approves an approval prompt of the hub on the way.
    mutating func request(_ method: String, _ params: JSONObject, timeout: Double, approved: inout Bool) -> Answer {
        let id = RequestID.int(nextIDAndAdvance())
        connection.send(.request(.init(id: id, method: method, params: params)))
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let event = connection.next(timeout: Double(left.components.seconds) + 0.5) else {
                if ContinuousClock.now >= deadline { return .timedOut }
                continue
            }
            switch event {
            case .closed:
                return .closed
            case .message(.response(let response)) where response.id == id:
                switch response.outcome {
                case .result(let result): return .result(result)
                case .error(let error): return .error(error)
                }
            case .message(.request(let hubRequest)):
                answer(hubRequest, approved: &approved)
            case .message:
                continue  // notifications (logs, list changes) and stray answers
            }
        }
    }

    /// The hub's own requests: its approval prompt (and servers' forms) are put to the human; the rest
    /// is refused, as this client declared nothing else.
    private func answer(_ hubRequest: JSONRPCMessage.Request, approved: inout Bool) {
        switch hubRequest.method {
        case "ping":
            connection.send(.response(.result(hubRequest.id, [:])))
        case "elicitation/create" where interactive:
            let id = hubRequest.id
            let form = TerminalForm(input: input, show: show) { [connection] in
                connection.take { event in
                    guard case .message(.notification(let note)) = event, note.method == "notifications/cancelled"
                    else { return false }
                    return note.params?["requestId"].flatMap(RequestID.init(json:)) == id
                } != nil
            }
            switch form.ask(hubRequest.params ?? [:]) {
            case .answer(let result):
                if isFirewallPrompt(hubRequest), result["action"] == "accept",
                    result["content"]?["approve"] == .bool(true)
                {
                    approved = true
                }
                connection.send(.response(.result(id, result)))
            case .withdrawn:
                show("\nthe hub withdrew the prompt (no answer in time)\n")
            }
        case "elicitation/create":
            connection.send(.response(.result(hubRequest.id, ["action": "decline"])))
        default:
            connection.send(.response(.error(hubRequest.id, .methodNotFound(hubRequest.method))))
        }
    }

    /// The hub's own approval prompt (a server's form is prefixed `[server] ` by the hub).
    private func isFirewallPrompt(_ request: JSONRPCMessage.Request) -> Bool {
        request.params?["message"]?.stringValue?.hasPrefix("mcp-firewall-hub: ") == true
    }

    /// Reads the hub's whole tool list and finds `name` in it: as listed, or as `server.tool` /
    /// `server__tool` (the spellings the hub also accepts).
    mutating func findTool(_ name: String) -> ListedTool? {
        var cursor: String?
        var tools: [JSONObject] = []
        repeat {
            var params = JSONObject()
            if let cursor { params["cursor"] = .string(cursor) }
            guard case .result(let page) = request("tools/list", params, timeout: Self.openingSeconds) else {
                return nil
            }
            tools += page["tools"]?.arrayValue?.compactMap(\.objectValue) ?? []
            cursor = page["nextCursor"]?.stringValue
        } while cursor != nil
        let naming = ToolNaming.forClient(named: CallCommand.clientName, config: config.naming)
        for target in ToolReference.candidates(name, config: config) {
            let listed = ToolReference.listedName(target, naming: naming)
            if let tool = tools.first(where: { $0["name"]?.stringValue == listed || $0["name"]?.stringValue == name }) {
                return ListedTool(
                    server: target.server, tool: target.tool, annotations: tool["annotations"]?.objectValue)
            }
        }
        return nil
    }

    /// Reports a request that got no result, and the exit status for it.
    func fail(_ what: String, _ answer: Answer, json: Bool = false) -> Int32 {
        switch answer {
        case .result: break
        case .error(let error):
            if json {
                var object: JSONObject = ["code": .int(error.code), "message": .string(error.message)]
                if let data = error.data { object["data"] = data }
                HubCommandLine.writeStdout(JSONValue.object(["error": .object(object)]).prettyPrinted() + "\n")
            }
            show("\(what): \(VisibleText.of(error.message)) (error \(error.code))\n")
        case .closed:
            let tail = connection.stderrTail.suffix(5).map { "  " + VisibleText.of($0) }.joined(separator: "\n")
            show("\(what): the hub exited" + (tail.isEmpty ? "\n" : "; its last words:\n\(tail)\n"))
        case .timedOut:
            show("\(what): the hub did not answer in time\n")
        }
        return CallOutcome.Exit.failed
    }
}
