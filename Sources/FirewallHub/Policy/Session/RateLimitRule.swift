/// One entry of `limits`: at most `per_minute` calls in any 60 seconds and `per_session` calls in
/// the session, of the calls matching `tool`, counted together or per server or per tool. Parsing
/// only; `SessionFlow` counts.
struct RateLimitRule: Sendable, Equatable {
    /// What one counter covers.
    enum Each: String, Sendable, CaseIterable {
        /// One counter for every matching call.
        case all
        /// One counter per server.
        case server
        /// One counter per tool.
        case tool
    }

    var name: String?
    var tool: [QualifiedToolGlob]
    var perMinute: Int?
    var perSession: Int?
    var each: Each = .all
    /// What a call beyond the limit gets (default `deny`: a looping agent is stopped without asking).
    var action: FlowAction = .deny
    /// `limits[0] "refunds"`, for texts and the audit.
    var label: String

    static let keys = ["name", "tool", "per_minute", "per_session", "each", "action"]
    static let perMinuteRange = 1...100_000
    static let perSessionRange = 1...1_000_000_000

    init(
        name: String? = nil, tool: [QualifiedToolGlob], perMinute: Int? = nil, perSession: Int? = nil,
        each: Each = .all, action: FlowAction = .deny, label: String
    ) {
        self.name = name
        self.tool = tool
        self.perMinute = perMinute
        self.perSession = perSession
        self.each = each
        self.action = action
        self.label = label
    }

    init(node: ConfigNode, serverNames: [String]) throws(ConfigError) {
        try node.object(allowedKeys: Self.keys)
        name = try node.child("name")?.string(nonEmpty: true)
        guard let toolNode = node.child("tool") else {
            throw node.error(
                .missingKey, "missing \"tool\" (e.g. \"payments.refund\", \"payments.*\" or \"*\" for every tool)")
        }
        tool = try QualifiedToolGlob.list(toolNode, serverNames: serverNames)
        perMinute = try node.child("per_minute")?.int(in: Self.perMinuteRange)
        perSession = try node.child("per_session")?.int(in: Self.perSessionRange)
        if perMinute == nil && perSession == nil {
            throw node.error(.missingKey, "a limit needs \"per_minute\", \"per_session\" or both")
        }
        each = try node.child("each")?.oneOf(Each.self, noun: "counter") ?? .all
        action = try node.child("action")?.oneOf(FlowAction.self, noun: "action") ?? .deny
        let summary = tool.map(\.pattern).joined(separator: ", ")
        label = name.map { "\(node.path) \"\($0)\"" } ?? "\(node.path) (\(summary))"
    }

    func matches(server: String, tool name: String) -> Bool { tool.contains { $0.matches(server: server, tool: name) } }

    /// The counter a call of `server`'s `tool` counts toward.
    func counterKey(server: String, tool name: String) -> String {
        switch each {
        case .all: return ""
        case .server: return server
        case .tool: return server + "." + name
        }
    }
}
