/// The `approval` block: how approval codes are delivered and checked.
struct ApprovalConfig: Sendable, Equatable {
    enum CodeDelivery: String, Sendable, CaseIterable {
        /// The code is returned to the agent, which must relay it to the user.
        case agent
        /// The code goes to the user through another channel (e.g. `notify`), never to the agent.
        case outOfBand = "out_of_band"
    }

    enum Fallback: String, Sendable, CaseIterable {
        case agent
        case deny
    }

    /// nil (unset): out of band when `notify` is set, else `fallback` decides.
    var codeDelivery: CodeDelivery?
    /// Ask the user through MCP elicitation when the client supports it. Default true.
    var elicitation: Bool = true
    /// 10…86400, default 300.
    var codeTTLSeconds: Int = 300
    /// 1…20, default 3.
    var maxAttempts: Int = 3
    /// 6…12, default 6.
    var codeDigits: Int = 6
    /// 1…1000, default 20: calls held at once; one more is refused.
    var maxPending: Int = 20
    /// 1…1000, default 10: wrong codes per session before every code is refused for its rest.
    var maxWrongCodes: Int = 10
    /// 1…3600, default 50.
    var elicitationTimeoutSeconds: Int = 50
    /// argv of a command run to show the code, e.g. `["notify-send", "Approval code {code}"]`; nil = none.
    var notify: [String]?
    /// What to do when no channel can reach a human (no elicitation, no notify command): `.deny`
    /// (default) refuses the call with how to configure a channel; `.agent` puts the code in the result.
    var fallback: Fallback = .deny

    static let codeTTLRange = 10...86400
    static let maxAttemptsRange = 1...20
    static let codeDigitsRange = 6...12
    static let maxPendingRange = 1...1000
    static let maxWrongCodesRange = 1...1000
    static let elicitationTimeoutRange = 1...3600

    /// These settings with every key present in `overrides` replaced.
    func applying(_ overrides: ApprovalOverrides?) -> ApprovalConfig {
        guard let overrides else { return self }
        var merged = self
        if let v = overrides.codeDelivery { merged.codeDelivery = v }
        if let v = overrides.elicitation { merged.elicitation = v }
        if let v = overrides.codeTTLSeconds { merged.codeTTLSeconds = v }
        if let v = overrides.maxAttempts { merged.maxAttempts = v }
        if let v = overrides.codeDigits { merged.codeDigits = v }
        if let v = overrides.maxPending { merged.maxPending = v }
        if let v = overrides.maxWrongCodes { merged.maxWrongCodes = v }
        if let v = overrides.elicitationTimeoutSeconds { merged.elicitationTimeoutSeconds = v }
        if let v = overrides.notify { merged.notify = v }
        if let v = overrides.fallback { merged.fallback = v }
        return merged
    }
}

/// An `approval` block as written: only the keys present are set. The global block is applied over
/// `ApprovalConfig()`; a server's block over the global result.
struct ApprovalOverrides: Sendable, Equatable {
    var codeDelivery: ApprovalConfig.CodeDelivery?
    var elicitation: Bool?
    var codeTTLSeconds: Int?
    var maxAttempts: Int?
    var codeDigits: Int?
    var maxPending: Int?
    var maxWrongCodes: Int?
    var elicitationTimeoutSeconds: Int?
    var notify: [String]?
    var fallback: ApprovalConfig.Fallback?

    static let keys = [
        "code_delivery", "elicitation", "code_ttl_seconds", "max_attempts", "code_digits", "max_pending",
        "max_wrong_codes", "elicitation_timeout_seconds", "notify", "fallback",
    ]

    init() {}

    init(node: ConfigNode) throws(ConfigError) {
        try node.object(allowedKeys: Self.keys)
        // Each key is checked on its own, so that every wrong one is reported (see ConfigIssues).
        func value<T>(_ key: String, _ read: (ConfigNode) throws(ConfigError) -> T) throws(ConfigError) -> T? {
            guard let child = node.child(key) else { return nil }
            return try child.attempt { () throws(ConfigError) in try read(child) }
        }
        codeDelivery = try value("code_delivery") { (n) throws(ConfigError) in
            try n.oneOf(ApprovalConfig.CodeDelivery.self, noun: "code delivery")
        }
        elicitation = try value("elicitation") { (n) throws(ConfigError) in try n.bool() }
        codeTTLSeconds = try value("code_ttl_seconds") { (n) throws(ConfigError) in
            try n.int(in: ApprovalConfig.codeTTLRange)
        }
        maxAttempts = try value("max_attempts") { (n) throws(ConfigError) in
            try n.int(in: ApprovalConfig.maxAttemptsRange)
        }
        codeDigits = try value("code_digits") { (n) throws(ConfigError) in try n.int(in: ApprovalConfig.codeDigitsRange)
        }
        maxPending = try value("max_pending") { (n) throws(ConfigError) in try n.int(in: ApprovalConfig.maxPendingRange)
        }
        maxWrongCodes = try value("max_wrong_codes") { (n) throws(ConfigError) in
            try n.int(in: ApprovalConfig.maxWrongCodesRange)
        }
        elicitationTimeoutSeconds = try value("elicitation_timeout_seconds") { (n) throws(ConfigError) in
            try n.int(in: ApprovalConfig.elicitationTimeoutRange)
        }
        notify = try value("notify") { (notifyNode) throws(ConfigError) in
            let argv = try notifyNode.stringArray(nonEmptyItems: false)
            guard let program = argv.first else {
                throw notifyNode.error(.invalidValue, "must not be empty; give the command and its arguments")
            }
            if program.isEmpty {
                throw notifyNode.error(.invalidValue, "the command (first element) must not be empty")
            }
            return argv
        }
        fallback = try value("fallback") { (n) throws(ConfigError) in
            try n.oneOf(ApprovalConfig.Fallback.self, noun: "fallback")
        }
    }
}
