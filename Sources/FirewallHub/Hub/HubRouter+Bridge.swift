import MCPWire

/// A modern target asked for input (`InputRequiredResult`) on a legacy client's call: the hub asks the
/// client with server→client requests and retries the call with the answers.
struct InputBridge {
    var target: Int
    var generation: Int
    var clientID: RequestID
    var label: String
    /// The request as first forwarded (the retry adds `inputResponses` and `requestState`).
    var method: String
    var params: JSONObject
    var requestState: String?
    var waiting: Set<String>
    var responses: JSONObject = [:]
}

/// A legacy target asked the client for input (a server→client request) during a modern client's call:
/// the client got an `InputRequiredResult`, and its retry carries the answer.
struct ReverseBridge {
    var target: Int
    var generation: Int
    /// The hub's id of the call at the target, which is still running.
    var hubID: Int
    var targetRequestID: RequestID
    var method: String
    var label: String
    /// The target's answer to the call, if it came before the client's retry.
    var stashed: JSONRPCMessage.Response.Outcome?
    var expiresAt: Double
}

/// Bridging the two protocol eras for input a target needs from the human.
extension HubRouter {
    static let maxInputRounds = 10
    static let inputCapability = [
        "elicitation/create": "elicitation", "sampling/createMessage": "sampling", "roots/list": "roots",
    ]

    /// What the hub can pass on to this request's client: its declared capabilities among those the
    /// hub bridges. A target is never told of an input type the client did not declare.
    func bridgeableCapabilities(for request: JSONRPCMessage.Request) -> JSONObject {
        var result = JSONObject()
        for capability in ["elicitation", "sampling", "roots"] {
            if let value = clientCapabilities(for: request)?[capability] { result[capability] = value }
        }
        return result
    }

    /// A target's answer to a forwarded client request, shaped for the client's era.
    func deliverTargetAnswer(
        _ target: TargetSession, clientID: RequestID, label: String,
        forwarded: (method: String, params: JSONObject)?, outcome: JSONRPCMessage.Response.Outcome,
        line: [UInt8]? = nil
    ) {
        guard target.era == .modern, case .result(let value) = outcome else {
            let clientEra: ProtocolEra = isModern(clientID) ? .modern : .legacy
            if let line,
                let splice = FastPath.answer(
                    line, validated: true, targetEra: target.era, clientEra: { _ in clientEra })
            {
                // Same era on both sides: only the id changes, so splice it into the target's own bytes
                // (no re-encoding of a result that may be megabytes long).
                clientOut?.send(splice.bytes(clientID: clientID))
                return
            }
            sendToClient(.response(.init(id: clientID, outcome: outcome)))
            return
        }
        if isModern(clientID) {
            guard ModernResult.resultType(of: value) == ModernResult.resultTypeInputRequired,
                case .object(var result) = value
            else {
                sendToClient(.response(.init(id: clientID, outcome: outcome)))
                return
            }
            if let forwarded, case .string(let state)? = result["requestState"] {
                allowTargetInput(server: target.name, forwarded: forwarded, requestState: state)
            }
            // What the target asks the human reaches the client as this server's, like in every other path.
            if case .object(let requests)? = result["inputRequests"] {
                result["inputRequests"] = .object(TargetPrompt.inputRequests(requests, server: target.name))
            }
            sendToClient(.response(.init(id: clientID, outcome: .result(.object(result)))))  // the client retries
            return
        }
        if ModernResult.resultType(of: value) == ModernResult.resultTypeInputRequired, let forwarded {
            askClientForTargetInput(target, clientID: clientID, label: label, forwarded: forwarded, result: value)
            return
        }
        inputRounds[clientID] = nil
        let legacy = value.objectValue.map { JSONValue.object(ModernResult.strippedForLegacy($0)) } ?? value
        sendToClient(.response(.init(id: clientID, outcome: .result(legacy))))
    }

    /// A modern client will retry this call with the target's own `requestState`: that one retry — the
    /// same method, the same call, with exactly that state — is the target's business, so the hub lets
    /// it through its approval step once, for a while. Only `tools/call` has an approval step; a state a
    /// target issued for `prompts/get` (or any other request) is bound to that method and never
    /// unlocks a tool call with the same name and arguments.
    private func allowTargetInput(
        server: String, forwarded: (method: String, params: JSONObject), requestState: String
    ) {
        guard forwarded.method == "tools/call", case .string(let tool)? = forwarded.params["name"] else { return }
        let digest = FrozenCall.digest(
            server: server, tool: tool, arguments: forwarded.params["arguments"]?.objectValue)
        mrtrAllowances = mrtrAllowances.filter { $0.value > now() }
        mrtrAllowances[Self.allowanceKey(method: forwarded.method, digest: digest, requestState: requestState)] =
            now() + Double(config.approval.codeTTLSeconds)
    }

    /// Whether this `tools/call` retry of `call` carries the `requestState` a target issued for that very
    /// call (used up here).
    func isAllowedTargetRetry(_ call: FrozenCall, requestState: String) -> Bool {
        let key = Self.allowanceKey(method: "tools/call", digest: call.digest, requestState: requestState)
        guard let expiry = mrtrAllowances.removeValue(forKey: key) else { return false }
        return expiry > now()
    }

    private static func allowanceKey(method: String, digest: [UInt8], requestState: String) -> String {
        method + "|" + SHA256.hex(digest) + "|" + requestState
    }

    // MARK: - Modern target, legacy client

    private func askClientForTargetInput(
        _ target: TargetSession, clientID: RequestID, label: String, forwarded: (method: String, params: JSONObject),
        result: JSONValue
    ) {
        let input: ModernResult.InputRequest
        do {
            guard let parsed = try ModernResult.inputRequest(from: result) else { return }
            input = parsed
        } catch {
            respond(clientID, error: error)
            return
        }
        let rounds = (inputRounds[clientID] ?? 0) + 1
        inputRounds[clientID] = rounds
        guard rounds <= Self.maxInputRounds else {
            inputRounds[clientID] = nil
            respond(
                clientID,
                error: .internalError(
                    "\(label): server \"\(target.name)\" asked for input \(rounds - 1) times; giving up"))
            return
        }
        nextBridge += 1
        let bridgeID = nextBridge
        var bridge = InputBridge(
            target: target.index, generation: target.generation, clientID: clientID, label: label,
            method: forwarded.method, params: forwarded.params, requestState: input.requestState, waiting: [])
        var requests: [JSONRPCMessage.Request] = []
        for member in input.inputRequests {
            guard case .string(let method)? = member.value["method"], let capability = Self.inputCapability[method],
                clientCapabilities?[capability] != nil
            else {
                respond(
                    clientID,
                    error: JSONRPCError(
                        code: JSONRPCError.methodNotFoundCode,
                        message: "\(label): server \"\(target.name)\" needs input the client does not support"))
                return
            }
            var params = member.value["params"]?.objectValue ?? JSONObject()
            if capability == "elicitation" { params = TargetPrompt.elicitationParams(params, server: target.name) }
            let hubID = "mcp-firewall-hub/input/\(bridgeID)/\(member.key)"
            bridgeRequests[hubID] = (bridgeID, member.key)
            bridge.waiting.insert(member.key)
            requests.append(.init(id: .string(hubID), method: method, params: params))
        }
        if requests.isEmpty {  // only a requestState: retry at once
            inputBridges[bridgeID] = bridge
            retryBridge(bridgeID)
            return
        }
        inputBridges[bridgeID] = bridge
        for request in requests { sendToClient(.request(request)) }
    }

    /// The client answered one of a bridge's requests; the call is retried once all are in.
    func routeAnswerToBridge(_ id: String, _ response: JSONRPCMessage.Response) -> Bool {
        guard let (bridgeID, key) = bridgeRequests.removeValue(forKey: id), var bridge = inputBridges[bridgeID] else {
            return false
        }
        switch response.outcome {
        case .result(let value): bridge.responses[key] = value
        case .error:
            bridge.responses[key] = ["action": "cancel"]
        }
        bridge.waiting.remove(key)
        inputBridges[bridgeID] = bridge
        if bridge.waiting.isEmpty { retryBridge(bridgeID) }
        return true
    }

    /// Answers every call waiting for the client's answers to a bridge (shutdown).
    func failInputBridges(reason: String) {
        for (_, bridge) in inputBridges {
            respond(bridge.clientID, error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: reason))
        }
        inputBridges = [:]
        bridgeRequests = [:]
    }

    private func retryBridge(_ bridgeID: Int) {
        guard let bridge = inputBridges.removeValue(forKey: bridgeID) else { return }
        let target = targets[bridge.target]
        guard target.generation == bridge.generation, target.state == .ready else {
            respond(
                bridge.clientID,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(bridge.label): server \"\(target.name)\" went away while the user answered"))
            return
        }
        let params = ModernResult.retryParams(
            bridge.params, inputResponses: bridge.responses.isEmpty ? nil : bridge.responses,
            requestState: bridge.requestState)
        let hubID = target.send(
            method: bridge.method, params: params,
            purpose: .clientCall(clientID: bridge.clientID, exposedName: bridge.label, timer: nil),
            clientCapabilities: bridgeableCapabilities(forCapabilities: clientCapabilities),
            logLevel: targetLogLevel(for: bridge.clientID))
        target.forwardedParams[hubID] = (bridge.method, bridge.params)
        target.setTimer(
            startTimer(after: Double(target.config.timeouts.callSeconds), .call(target: target.index, hubID: hubID)),
            for: hubID)
    }

    private func bridgeableCapabilities(forCapabilities capabilities: JSONObject?) -> JSONObject {
        var result = JSONObject()
        for capability in ["elicitation", "sampling", "roots"] {
            if let value = capabilities?[capability] { result[capability] = value }
        }
        return result
    }

    // MARK: - Legacy target, modern client

    /// A legacy target's request for input while it serves a modern client's call: the client gets an
    /// `InputRequiredResult` for that call. Returns false when no modern call is running on the target.
    func askModernClientForTargetInput(_ target: TargetSession, _ request: JSONRPCMessage.Request, capability: String)
        -> Bool
    {
        let running = target.pending.compactMap { hubID, purpose -> (Int, RequestID, String)? in
            guard case .clientCall(let clientID, let label, _) = purpose, isModern(clientID) else { return nil }
            return (hubID, clientID, label)
        }
        guard let (hubID, clientID, label) = running.max(by: { $0.0 < $1.0 }),
            let forwarded = target.forwardedParams[hubID]
        else { return false }
        guard modernRequests[clientID]?.envelope.supports(capability: capability) == true else {
            target.respond(.error(request.id, .methodNotFound("\(request.method) (the client does not support it)")))
            return true
        }
        reverseBridges = reverseBridges.filter { $0.value.expiresAt > now() }
        let nonce = SHA256.hex(SecureRandom.bytes(16))
        let digest = FrozenCall.digest(
            server: target.name, tool: forwarded.params["name"]?.stringValue ?? forwarded.method,
            arguments: forwarded.params["arguments"]?.objectValue)
        let lifetime = Double(target.config.timeouts.callSeconds)
        let token = requestStateSeal.seal(
            .init(nonce: nonce, digest: digest, expiresAt: now() + lifetime, purpose: Self.bridgePurpose))
        if case .clientCall(_, _, let timer)? = target.pending[hubID] { cancelTimer(timer) }
        target.replacePending(hubID, with: .bridged(nonce))
        reverseBridges[nonce] = ReverseBridge(
            target: target.index, generation: target.generation, hubID: hubID, targetRequestID: request.id,
            method: request.method, label: label, stashed: nil, expiresAt: now() + lifetime)
        var params = request.params ?? JSONObject()
        if capability == "elicitation" { params = TargetPrompt.elicitationParams(params, server: target.name) }
        let input: JSONObject = ["input": ["method": .string(request.method), "params": .object(params)]]
        respond(clientID, result: .object(ModernResult.inputRequired(inputRequests: input, requestState: token)))
        return true
    }

    static let bridgePurpose = "bridge"

    /// A modern client's retry that answers a legacy target's request. Returns false when `state` is
    /// not a bridge token for this call (it may be an approval token).
    func resumeReverseBridge(_ request: JSONRPCMessage.Request, server: String, tool: String, arguments: JSONObject?)
        -> Bool
    {
        guard isModern(request.id), case .string(let state)? = request.params?["requestState"] else { return false }
        let digest = FrozenCall.digest(server: server, tool: tool, arguments: arguments)
        guard
            case .success(let claims) = requestStateLedger.redeem(
                state, with: requestStateSeal, expecting: digest, purpose: Self.bridgePurpose, now: now())
        else { return false }
        guard let bridge = reverseBridges.removeValue(forKey: claims.nonce),
            targets[bridge.target].generation == bridge.generation
        else {
            respond(
                request.id,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "server \"\(server)\" restarted before the answer came; call the tool again"))
            return true
        }
        let target = targets[bridge.target]
        if let answer = request.params?["inputResponses"]?["input"] {
            target.respond(.result(bridge.targetRequestID, answer))
        } else {
            target.respond(.error(bridge.targetRequestID, .internalError("the client gave no answer")))
        }
        if let stashed = bridge.stashed {
            sendToClient(.response(.init(id: request.id, outcome: stashed)))
        } else {
            let timer = startTimer(
                after: Double(target.config.timeouts.callSeconds), .call(target: target.index, hubID: bridge.hubID))
            target.replacePending(
                bridge.hubID, with: .clientCall(clientID: request.id, exposedName: bridge.label, timer: timer))
        }
        return true
    }

    /// The target answered a call whose client is between an `InputRequiredResult` and its retry.
    func stashBridgedAnswer(_ nonce: String, _ outcome: JSONRPCMessage.Response.Outcome) {
        reverseBridges[nonce]?.stashed = outcome
    }
}
