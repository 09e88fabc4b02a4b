/// hub.json after validation, `${VAR}` expansion and defaulting. Produced by `ConfigLoader`.
struct HubConfig: Sendable, Equatable {
    /// The file it was loaded from (absolute when loaded with `ConfigLoader.load`).
    var filePath: String
    /// Enabled servers, in file order.
    var servers: [ServerConfig]
    /// Names of servers marked `"disabled": true` (validated, not started), in file order.
    var disabledServers: [String]
    /// The hub-wide `defaults` block; nil when absent.
    var defaults: PolicyDefaults?
    var approval: ApprovalConfig
    var naming: NamingConfig
    /// The global timeouts (already merged into every `ServerConfig.timeouts`).
    var timeouts: TimeoutConfig
    /// The hub-wide `listing.mode` (`all` when absent); a server's own `listing` overrides it.
    var listing: ListingMode = .all
    /// `flows`, `limits` and `exfiltration_guard`: the session-aware policy (`SessionFlow` applies it).
    var session = SessionPolicyConfig()
    /// The `audit` block; nil (the default) when the trail is off.
    var audit: AuditConfig? = nil
    /// The `pins` block with its defaults filled in (the store path depends on the environment).
    var pins = PinsConfig(environment: [:], configPath: "")

    func server(named name: String) -> ServerConfig? { servers.first { $0.name == name } }

    /// Every server's `${VAR}` values, for the log to hide (`HubLog.redacting`).
    var expandedSecrets: ExpandedSecrets {
        servers.reduce(into: ExpandedSecrets()) { $0.merge($1.secrets) }
    }

    /// The global approval settings with the server's overrides applied.
    func approval(for server: ServerConfig) -> ApprovalConfig {
        approval.applying(server.approval)
    }
}

/// One target MCP server.
///
/// `env` values are secrets: `description`, `debugDescription` and the mirror (used by `dump` and
/// string interpolation) show only the variable names, and `command`, `args` and `cwd` with each
/// expanded `${VAR}` shown as its reference.
struct ServerConfig: Sendable, Equatable {
    /// `^[A-Za-z0-9_-]{1,32}$`.
    var name: String
    /// Where the entry is in the file: `servers.payments` or `mcpServers.payments`. Policy provenance
    /// strings start with it.
    var jsonPath: String
    var command: String
    var args: [String]
    /// Extra environment for the child, `${VAR}` already expanded.
    var env: [String: String]
    /// Absolute working directory (relative paths resolved against the config file's directory), or
    /// nil to inherit the hub's.
    var cwd: String?
    var policy: PolicyConfig
    /// Per-server `approval` keys, overriding the global block; nil when absent.
    var approval: ApprovalOverrides?
    /// Per-server timeouts merged over the global ones.
    var timeouts: TimeoutConfig
    /// `listing.mode`, overriding the hub-wide one; nil when absent.
    var listingMode: ListingMode?
    /// `protocol`: how to open the session (see HubRouter+Targets).
    var protocolMode: ProtocolMode = .auto
    /// What `${VAR}` references expanded to, to hide again in messages (`redacted`).
    var secrets = ExpandedSecrets()

    /// `text` with every expanded `${VAR}` value shown as its reference.
    func redacted(_ text: String) -> String { secrets.redacted(text) }

    enum ProtocolMode: String, Sendable, CaseIterable {
        /// `initialize` first (legacy and dual-era servers get the full legacy session); a server that
        /// refuses it with an error is opened with `server/discover` (modern-only servers).
        case auto
        /// `initialize` only.
        case legacy
        /// `server/discover` first; a server that answers it with an error that does not name
        /// 2026-07-28 is opened with `initialize`.
        case modern
    }
}

extension ServerConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        var text = "server \(name): \(redacted(command))"
        if !args.isEmpty { text += " (\(args.count) args)" }
        if !env.isEmpty { text += ", env: " + env.keys.sorted().joined(separator: ", ") }
        if let cwd { text += ", cwd: \(redacted(cwd))" }
        return text
    }

    var debugDescription: String { description }

    var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "jsonPath": jsonPath, "command": redacted(command), "args": args.map(redacted),
                "env": env.keys.sorted().map { "\($0)=<redacted>" }, "cwd": cwd.map(redacted) as Any, "policy": policy,
                "approval": approval as Any, "timeouts": timeouts,
            ], displayStyle: .struct)
    }
}

/// `timeouts`: seconds for one tool call and for a server to start and answer `initialize`.
struct TimeoutConfig: Sendable, Equatable {
    /// 1…86400, default 300.
    var callSeconds: Int = 300
    /// 1…600, default 60: a first `uvx` run downloads its package before the server answers.
    var startupSeconds: Int = 60

    static let callRange = 1...86400
    static let startupRange = 1...600
}

/// The hub-wide `defaults` block: the policy default for servers that set none.
struct PolicyDefaults: Sendable, Equatable {
    /// `defaults.default`; nil when not given (then the built-in step decides).
    var defaultAction: PolicyAction?
}
