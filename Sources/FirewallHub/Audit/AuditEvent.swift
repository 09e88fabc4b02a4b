import MCPWire

/// What the hub tells the audit trail: plain values, one per thing that happened, built by whoever saw
/// it (router, `serve`, the pin CLI). They carry only facts; time, session, client, argument digest,
/// redaction and the hash chain are added by the trail. Nothing here does I/O.
enum AuditEvent: Sendable, Equatable {
    /// A hub process started (the first record it writes).
    case sessionStart(AuditSessionStart)
    /// The hub process is ending (stdin closed, signal, fatal error).
    case sessionEnd(reason: String)
    /// The client said who it is; every later record of this trail carries it.
    case client(AuditClient)
    /// The firewall's decision on a `tools/call`, written before anything is forwarded or held.
    case decision(AuditCall, AuditDecision)
    /// A human answered a held call (or it expired); for an approval, written before it is forwarded.
    case approval(AuditCall, AuditApproval)
    /// What became of a forwarded call.
    case outcome(AuditCall, AuditOutcome)
    /// hub.json was read again.
    case configReload(AuditConfigReload)
    /// A tool definition or server instructions were pinned, held, accepted or forgotten.
    case pin(AuditPinEvent)
    /// A target server was restarted.
    case restart(AuditRestart)
}

struct AuditSessionStart: Sendable, Equatable {
    var hubVersion: String
    var pid: Int
    var configPath: String
    /// Enabled server names, in config order.
    var servers: [String]
}

struct AuditClient: Sendable, Equatable {
    var name: String
    var version: String?
    /// The protocol version (or era) agreed with the client.
    var protocolVersion: String?
}

/// One tool call as the router holds it. The trail computes the digest from `server`, `tool` and
/// `arguments` exactly as `FrozenCall.digest` does, so an approval and its record name the same call.
struct AuditCall: Sendable, Equatable {
    /// The hub's own id for the call: it joins its decision, approval and outcome records.
    var callID: String
    var server: String
    var tool: String
    /// The name the client used, e.g. `payments.refund`.
    var exposedName: String
    /// Exactly the arguments forwarded (or held); redacted only when written.
    var arguments: JSONObject?
    /// W3C trace context the client sent in `params._meta.traceparent`, when well formed.
    var traceparent: String?

    init(
        callID: String, server: String, tool: String, exposedName: String, arguments: JSONObject?,
        meta: JSONObject? = nil
    ) {
        self.callID = callID
        self.server = server
        self.tool = tool
        self.exposedName = exposedName
        self.arguments = arguments
        self.traceparent = AuditTraceContext.traceparent(in: meta)
    }

    init(_ frozen: FrozenCall, callID: String) {
        self.init(
            callID: callID, server: frozen.server, tool: frozen.tool, exposedName: frozen.exposedName,
            arguments: frozen.arguments, meta: frozen.meta)
    }

    var digestHex: String { SHA256.hex(FrozenCall.digest(server: server, tool: tool, arguments: arguments)) }
}

/// How a held call is (or was) put to a human.
enum AuditChannel: String, Sendable, Equatable {
    case elicitation
    /// A code sent through `approval.notify`, typed into `firewall_confirm`.
    case codeOutOfBand = "code_out_of_band"
    /// A code in the tool result, relayed by the agent.
    case codeToAgent = "code_agent"
    /// `mcp-firewall-hub pins accept` on the command line.
    case commandLine = "cli"
    /// No channel could reach a human.
    case unavailable
}

/// The firewall's verdict on one call.
enum AuditDecision: Sendable, Equatable {
    /// Policy `allow`: forwarded.
    case allowed(rule: String)
    /// Policy `deny`: refused.
    case denied(rule: String)
    /// Policy `approve`: held and put to a human.
    case held(rule: String, channel: AuditChannel)
    /// Policy `approve`, but a grant the human gave earlier lets it run.
    case granted(rule: String, grantID: String, scope: String)
    /// Policy `approve`, but it could not be held (no channel, too many pending): refused.
    case refused(rule: String, reason: String)
    /// The tool's definition is not the pinned one (or it is a held new tool): refused.
    case pinHeld(reason: String)
}

/// A human's answer to a held call.
struct AuditApproval: Sendable, Equatable {
    enum Result: String, Sendable, Equatable {
        case approved
        case denied
        case expired
        /// The prompt went unanswered (timed out, cancelled by the client).
        case unanswered
        /// Too many wrong codes for this call, or for the session.
        case locked
    }

    var result: Result
    var channel: AuditChannel
    /// `once`, `session`, `N_minutes`, `same_arguments` (`GrantScope.description`) for an approval.
    var scope: String?
    /// The grant recorded for a scope wider than `once`.
    var grantID: String?
}

struct AuditOutcome: Sendable, Equatable {
    enum Kind: String, Sendable, Equatable {
        /// The target answered with a result (`isError` may still be true).
        case result
        /// The target (or the hub) answered with a JSON-RPC error.
        case error
        /// No answer within `call_seconds`.
        case timeout
        /// The client cancelled the call.
        case cancelled
    }

    var kind: Kind
    /// `result.isError` of a tool result.
    var isError = false
    var errorCode: Int?
    /// Redacted like argument values when written.
    var errorMessage: String?
    var durationMilliseconds: Int
    /// Bytes of the result (or error) as the target sent it.
    var resultBytes: Int?
}

struct AuditConfigReload: Sendable, Equatable {
    var path: String
    /// False when the new file was rejected and the old settings stay.
    var applied: Bool
    var reason: String?
    var added: [String] = []
    var removed: [String] = []
    var changed: [String] = []
}

struct AuditPinEvent: Sendable, Equatable {
    enum Kind: String, Sendable, Equatable {
        /// A server never seen before: all its tools pinned as listed (trust on first use).
        case firstSight = "first_sight"
        case newAllowed = "new_allowed"
        case newHeld = "new_held"
        case changedHeld = "changed_held"
        case accepted
        case forgotten
        case removed
    }

    var kind: Kind
    var server: String
    /// nil for the server's instructions.
    var tool: String?
    /// The definition's hash (hex) now listed or accepted.
    var hash: String?
    /// The pinned hash it differs from.
    var pinnedHash: String?
    /// What changed, one line (e.g. `description changed; inputSchema: property "to_account" added`).
    var summary: String?
    var channel: AuditChannel?
}

struct AuditRestart: Sendable, Equatable {
    var server: String
    var reason: String
    var attempt: Int
}
