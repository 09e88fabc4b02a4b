import MCPWire

/// Owns: what the hub knows of its client — its name (which picks the tool naming), whether it
/// initialized, the capabilities it declared, the log level it set, what the hub declared to it, and
/// the era of each request (its envelope). Never: answers a request, or touches a target.
final class ClientSession {
    static let logLevels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    /// A request's era, read from its params.
    enum Admission {
        case legacy
        /// It carried the 2026-07-28 envelope; `naming` is set when its clientInfo changes the tool naming.
        case modern(ModernEnvelope, naming: ToolNaming?)
        /// A malformed envelope, an unsupported version, or a method 2026-07-28 removed.
        case refused(JSONRPCError)
    }

    private let namingConfig: NamingConfig
    private(set) var name: String?
    private(set) var initialized = false
    /// The client's `initialize` capabilities.
    private(set) var capabilities: JSONObject?
    /// What the hub declared in its `initialize` answer (the merged set of the targets').
    private(set) var declared = JSONObject()
    /// The level of the client's last `logging/setLevel`, re-sent to restarted targets.
    private(set) var logLevel: String?
    /// A modern client's open `subscriptions/listen` streams.
    var streams = ClientStreams()
    /// Log and progress notifications dropped while the client does not read.
    var shedding = NotificationShedding()

    init(namingConfig: NamingConfig) {
        self.namingConfig = namingConfig
    }

    /// The tool naming, chosen once per process: by the first `initialize` or the first modern request
    /// that names its client (clientInfo). A later, different name changes nothing, so a client cannot make the hub
    /// rebuild every catalog by alternating names.
    private(set) var naming: ToolNaming?

    /// Reads a request's envelope. A modern client has no handshake: the first modern request's
    /// clientInfo picks the tool naming, unless `initialize` already did.
    func admit(_ request: JSONRPCMessage.Request) -> Admission {
        let envelope: ModernEnvelope?
        do {
            envelope = try ModernEnvelope.parse(params: request.params)
        } catch {
            return .refused(error)
        }
        guard let envelope else { return .legacy }
        if ModernMethods.isRemoved(request.method) { return .refused(ModernMethods.removedMethodError(request.method)) }
        guard naming == nil, let name = envelope.clientInfo?["name"]?.stringValue else {
            return .modern(envelope, naming: nil)
        }
        self.name = name
        let chosen = ToolNaming.forClient(named: name, config: namingConfig)
        naming = chosen
        return .modern(envelope, naming: chosen)
    }

    /// `initialize`: the client's capabilities (and its name, when no request named one before); returns
    /// the protocol version it asked for and the tool naming when this call chose it (nil: already chosen).
    func initialize(_ params: JSONObject) -> (requested: String?, naming: ToolNaming?) {
        capabilities = params["capabilities"]?.objectValue
        let requested = params["protocolVersion"]?.stringValue
        guard naming == nil else { return (requested, nil) }
        name = params["clientInfo"]?["name"]?.stringValue
        let chosen = ToolNaming.forClient(named: name, config: namingConfig)
        naming = chosen
        return (requested, chosen)
    }

    func declare(_ capabilities: JSONObject) {
        declared = capabilities
    }

    /// `notifications/initialized`.
    func markInitialized() {
        initialized = true
    }

    /// `logging/setLevel`: false for a level MCP does not name.
    func setLevel(_ level: String) -> Bool {
        guard Self.logLevels.contains(level) else { return false }
        logLevel = level
        return true
    }

    /// The capabilities of the client for a request: its envelope's, or its `initialize`'s.
    func capabilities(for modern: ModernEnvelope?) -> JSONObject? {
        modern?.clientCapabilities ?? capabilities
    }

    /// What the hub can pass on for a request: the client's declared input capabilities among those the
    /// hub bridges. A target is never told of an input type the client did not declare.
    func bridgeable(for modern: ModernEnvelope?) -> JSONObject {
        var result = JSONObject()
        for capability in ["elicitation", "sampling", "roots"] {
            if let value = capabilities(for: modern)?[capability] { result[capability] = value }
        }
        return result
    }

    /// The `_meta` log level of a request to a modern target for a client request: a modern client's own
    /// (none: no log messages, as the spec says); for a legacy client the level of its
    /// `logging/setLevel`, or every level until it sets one (what a legacy server sends it directly).
    func targetLogLevel(for modern: ModernEnvelope?, isModern: Bool) -> String? {
        if isModern { return modern?.logLevel }
        return logLevel ?? Self.logLevels[0]
    }

    /// Whether a target's `notifications/message` at `level` reaches the client. The hub filters by
    /// level itself, because servers may ignore `logging/setLevel` (the official SDK's servers do not
    /// declare `logging` and send every level): a legacy client gets messages at or above the level it
    /// set (every one until it sets one); a modern client only while a request of its that asked for
    /// log messages runs on that target (`running`: their envelopes), at or above the level it asked for.
    func admitsLog(level: String?, running: () -> [ModernEnvelope]) -> Bool {
        let rank = level.flatMap { Self.logLevels.firstIndex(of: $0) }
        func admits(_ threshold: String?) -> Bool {
            guard let threshold, let floor = Self.logLevels.firstIndex(of: threshold) else { return false }
            return floor == 0 || (rank ?? -1) >= floor
        }
        if initialized, admits(logLevel ?? Self.logLevels[0]) { return true }
        return running().contains { admits($0.logLevel) }
    }

    /// The answer to a request, shaped for its era: a modern request's result becomes a modern result
    /// (`resultType`, cache fields, serverInfo).
    static func answer(_ outcome: JSONRPCMessage.Response.Outcome, to request: CallTable.Open)
        -> JSONRPCMessage.Response
    {
        guard request.isModern, case .result(let value) = outcome, let object = value.objectValue else {
            return JSONRPCMessage.Response(id: request.id, outcome: outcome)
        }
        let result = ModernResult.complete(object, serverInfo: HubVersion.serverInfo, method: request.method)
        return JSONRPCMessage.Response(id: request.id, outcome: .result(.object(result)))
    }
}
