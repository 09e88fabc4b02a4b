import MCPWire

/// Owns: calls bridged between the protocol eras while a human answers a target's questions — a modern
/// target's `InputRequiredResult` on a legacy client's call (the hub asks the client with server→client
/// requests, then retries the call with the answers), and a legacy target's server→client request on a
/// modern client's call (the client gets an `InputRequiredResult`; its retry carries the answer). Never:
/// sends, or lets an answer reach another call or another process than the one that asked.
final class EraBridge {
    static let maxInputRounds = 10
    /// The input requests the hub bridges, by the capability the client must have declared.
    static let inputCapability = [
        "elicitation/create": "elicitation", "sampling/createMessage": "sampling", "roots/list": "roots",
    ]

    /// A modern target asked for input on a legacy client's call.
    struct InputBridge {
        var target: Int
        var generation: Int
        var ticket: CallTable.Ticket
        var label: String
        /// The request as first forwarded (the retry adds `inputResponses` and `requestState`).
        var method: String
        var params: JSONObject
        var requestState: String?
        var waiting: Set<String> = []
        var responses = JSONObject()
    }

    /// A legacy target asked the client for input during a modern client's call.
    struct ReverseBridge {
        var target: Int
        var generation: Int
        /// The hub's id of the call at the target, which is still running, and the call as forwarded.
        var hubID: Int
        var call: ForwardedCall
        var targetRequestID: RequestID
        /// The target's answer to the call, if it came before the client's retry.
        var stashed: JSONRPCMessage.Response.Outcome?
        var expiresAt: Double
    }

    /// What a client's answer to one of the hub's input requests does.
    enum Answered {
        /// Not an id of a bridge's request.
        case notMine
        /// Recorded; other answers of the same bridge are still missing.
        case waiting
        /// The last answer: retry the call with them.
        case complete(InputBridge)
    }

    private var bridges: [Int: InputBridge] = [:]
    private var nextBridge = 0
    /// The hub's ids of the bridges' requests to the client → the bridge and its `inputRequests` key.
    private var requests: [String: (bridge: Int, key: String)] = [:]
    /// Input rounds of each client call so far.
    private var rounds: [CallTable.Ticket: Int] = [:]
    private var reverse: [String: ReverseBridge] = [:]

    init() {}

    /// Bridges waiting for the client's answers.
    var count: Int { bridges.count }

    // MARK: - Modern target, legacy client

    /// Counts one more input round of a call; nil (and the count forgotten) beyond `maxInputRounds`.
    func nextRound(_ ticket: CallTable.Ticket) -> Int? {
        let round = (rounds[ticket] ?? 0) + 1
        guard round <= Self.maxInputRounds else {
            rounds[ticket] = nil
            return nil
        }
        rounds[ticket] = round
        return round
    }

    /// The call got its final answer.
    func endRounds(_ ticket: CallTable.Ticket) {
        rounds[ticket] = nil
    }

    /// Opens `bridge` for the client's answers to `inputs` (key, method, params): the requests to send
    /// the client under the hub's ids.
    func open(_ bridge: InputBridge, inputs: [(key: String, method: String, params: JSONObject)])
        -> [JSONRPCMessage.Request]
    {
        nextBridge += 1
        var bridge = bridge
        var out: [JSONRPCMessage.Request] = []
        for input in inputs {
            let hubID = "mcp-firewall-hub/input/\(nextBridge)/\(input.key)"
            requests[hubID] = (nextBridge, input.key)
            bridge.waiting.insert(input.key)
            out.append(.init(id: .string(hubID), method: input.method, params: input.params))
        }
        bridges[nextBridge] = bridge
        return out
    }

    /// The client answered one of a bridge's requests (an error counts as `cancel`).
    func clientAnswered(_ hubID: String, _ outcome: JSONRPCMessage.Response.Outcome) -> Answered {
        guard let (id, key) = requests.removeValue(forKey: hubID), var bridge = bridges[id] else { return .notMine }
        switch outcome {
        case .result(let value): bridge.responses[key] = value
        case .error: bridge.responses[key] = ["action": "cancel"]
        }
        bridge.waiting.remove(key)
        guard bridge.waiting.isEmpty else {
            bridges[id] = bridge
            return .waiting
        }
        bridges[id] = nil
        return .complete(bridge)
    }

    /// The client cancelled the call: its bridges are dropped (late answers are then not the hub's).
    func cancel(_ ticket: CallTable.Ticket) {
        for (id, bridge) in bridges where bridge.ticket == ticket {
            bridges[id] = nil
            requests = requests.filter { $0.value.bridge != id }
        }
    }

    /// Every bridge waiting for the client (shutdown), dropped.
    func closeAll() -> [InputBridge] {
        defer {
            bridges = [:]
            requests = [:]
        }
        return bridges.sorted { $0.key < $1.key }.map(\.value)
    }

    // MARK: - Legacy target, modern client

    /// Keeps a reverse bridge under its state's nonce (expired ones are dropped).
    func openReverse(_ bridge: ReverseBridge, nonce: String, now: Double) {
        reverse = reverse.filter { $0.value.expiresAt > now }
        reverse[nonce] = bridge
    }

    /// The client's retry carries the state with `nonce`: the bridge, used up.
    func takeReverse(_ nonce: String) -> ReverseBridge? {
        reverse.removeValue(forKey: nonce)
    }

    /// The target answered the call before the client's retry.
    func stash(_ nonce: String, _ outcome: JSONRPCMessage.Response.Outcome) {
        reverse[nonce]?.stashed = outcome
    }
}
