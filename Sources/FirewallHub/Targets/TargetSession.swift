import MCPWire

/// Owns: one target server — its process and generation, and the owners of its state: start-up
/// (`TargetStartup`), lists (`TargetLists`), listen stream and subscriptions (`TargetListen`), restarts
/// (`RestartPolicy`). Never: decides routing or policy, or writes a byte that skipped `OutboundLine`.
final class TargetSession {
    typealias State = TargetStartup.State

    /// Why the hub sent a request to this target.
    enum Pending {
        /// `server/discover` or `initialize`, opening the session (see TargetStartup).
        case opening(TargetStartup.Opening)
        case list(ListKind)
        /// A client's request forwarded to this target (a `tools/call`, a confirmed replay of a held one,
        /// `prompts/get`, `resources/read`, …). `exposedName` names it in error messages.
        case clientCall(clientID: RequestID, exposedName: String, timer: Int?)
        /// A request the hub makes on its own behalf whose answer needs no routing (`logging/setLevel`).
        case internalRequest
        /// A client call whose client request was answered with an `InputRequiredResult` (the target asked
        /// for input); its answer waits for the client's retry, under this bridge's nonce.
        case bridged(String)
        /// The hub's `subscriptions/listen` stream on a modern target (answered when the stream ends).
        case listen
        /// The hub's own `resources/subscribe` or `unsubscribe` to a legacy target, and who waits for it.
        case subscription([SubscriptionWaiter])
    }

    let index: Int
    let config: ServerConfig
    var process: ChildProcess?
    /// Tells events of a restarted target apart from its previous process's.
    private(set) var generation = 0
    var startup: TargetStartup
    var lists = TargetLists()
    var listen = TargetListen()
    var restarts = RestartPolicy()
    /// What the target said about itself when it last opened.
    var opened: TargetStartup.Opened?
    var startupTimer: Int?
    /// Hub-side progress tokens of forwarded requests → the client's own token, by hub request id.
    var progressTokens: [String: (clientToken: JSONValue, hubID: Int)] = [:]
    /// Requests this target sent the client, by the hub's id for them → the target's own id.
    var requestsToClient: [String: RequestID] = [:]
    /// Method and params of each forwarded client request, by hub id (for MRTR retries and bridges).
    var forwardedParams: [Int: (method: String, params: JSONObject)] = [:]

    private var nextID = 1
    private(set) var pending: [Int: Pending] = [:]
    /// The last lines the target wrote on stderr, to explain a failed start.
    private(set) var stderrTail: [String] = []

    init(index: Int, config: ServerConfig) {
        self.index = index
        self.config = config
        startup = TargetStartup(mode: config.protocolMode)
    }

    var name: String { config.name }
    var state: State { startup.state }
    var era: ProtocolEra { startup.era }
    var hasSettled: Bool { startup.hasSettled }
    var capabilities: JSONObject? { opened?.capabilities }
    var instructions: String? { opened?.instructions }
    /// The tool objects of the last complete `tools/list`.
    var tools: [JSONObject] { lists[.tools] }

    /// Whether the target declared the capability behind `kind` (`tools` is always listed).
    func offers(_ kind: ListKind) -> Bool {
        kind == .tools || capabilities?[kind.capability] != nil
    }

    var isExited: Bool {
        if case .exited = state { return true }
        return false
    }

    /// Exited and waiting for its restart's backoff, or restarted and not ready yet.
    var isRestarting: Bool {
        restarts.timer != nil || (hasSettled && !state.isSettled)
    }

    /// A new process is being started: a new generation, and the reads of the old one forgotten.
    func beginGeneration() {
        generation += 1
        lists.reset()
    }

    /// Client calls sent to this target that await its answer.
    var pendingClientCallCount: Int {
        pending.values.reduce(0) { count, purpose in
            if case .clientCall = purpose { return count + 1 }
            return count
        }
    }

    /// Sends a request with a fresh hub-side id and remembers why.
    /// The hub's envelope on every request to a modern target (2026-07-28 has no handshake).
    /// `clientCapabilities` is what the hub can pass on for this request: never an input request type
    /// the client did not declare. `logLevel` asks for the request's log messages (none without it).
    @discardableResult
    func send(
        method: String, params: JSONObject?, purpose: Pending, clientCapabilities: JSONObject = [:],
        logLevel: String? = nil
    ) -> Int {
        let id = nextID
        nextID += 1
        pending[id] = purpose
        var params = params
        if era == .modern {
            let meta = ModernEnvelope.meta(
                protocolVersion: ModernEnvelope.modernVersions[0], clientCapabilities: clientCapabilities,
                clientInfo: ["name": .string(HubVersion.name), "version": .string(HubVersion.version)],
                logLevel: logLevel)
            params = ModernEnvelope.stamped(params, with: meta)
        }
        output(.request(.init(id: .int(id), method: method, params: params)))
        return id
    }

    /// Like `send`, for a legacy target, when the caller has the request's bytes: `line(id)` gives them
    /// under the hub-side id (see `RequestSplice`).
    func send(purpose: Pending, line: (Int) -> OutboundLine) -> Int {
        precondition(era == .legacy, "a modern target's requests carry the hub's envelope")
        let id = nextID
        nextID += 1
        pending[id] = purpose
        process?.protocolInput.send(line(id))
        return id
    }

    func notify(method: String, params: JSONObject? = nil) {
        output(.notification(.init(method: method, params: params)))
    }

    func respond(_ response: JSONRPCMessage.Response) {
        output(.response(response))
    }

    /// Every message to the target leaves through the framing seam (`OutboundLine`).
    private func output(_ message: JSONRPCMessage) {
        process?.protocolInput.send(message)
    }

    /// Removes and returns the purpose of a hub-side id; `nil` for ids this session never sent
    /// (a confused or hostile target answering something it was not asked).
    func takePending(_ id: RequestID) -> Pending? {
        guard case .number(let lexeme) = id, let n = Int(lexeme) else { return nil }
        return pending.removeValue(forKey: n)
    }

    /// Attaches the time-out timer to a forwarded call.
    func setTimer(_ timer: Int, for id: Int) {
        if case .clientCall(let clientID, let exposedName, _)? = pending[id] {
            pending[id] = .clientCall(clientID: clientID, exposedName: exposedName, timer: timer)
        }
    }

    func replacePending(_ id: Int, with purpose: Pending) {
        if pending[id] != nil { pending[id] = purpose }
    }

    func removePending(_ id: Int) -> Pending? {
        pending.removeValue(forKey: id)
    }

    /// Forgets every pending request (the process is gone) and returns them.
    func drainPending() -> [Int: Pending] {
        defer {
            pending = [:]
            progressTokens = [:]
            requestsToClient = [:]
            forwardedParams = [:]
        }
        return pending
    }

    /// Forgets the progress token of a request that has been answered.
    func forgetProgress(hubID: Int) {
        progressTokens = progressTokens.filter { $0.value.hubID != hubID }
    }

    func recordStderr(_ line: [UInt8]) {
        stderrTail.append(HubLog.excerpt(line, limit: 300))
        if stderrTail.count > 5 { stderrTail.removeFirst(stderrTail.count - 5) }
    }

    /// " (last stderr: …)" for failure messages, or "".
    var stderrHint: String {
        stderrTail.isEmpty ? "" : "; last stderr: " + stderrTail.joined(separator: " | ")
    }
}
