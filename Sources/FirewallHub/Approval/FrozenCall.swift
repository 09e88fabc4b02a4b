import MCPWire

/// A tool call held for human approval, frozen exactly as it will be forwarded if approved.
struct FrozenCall: Sendable, Equatable {
    /// The config name of the target server.
    var server: String
    /// The target's original tool name.
    var tool: String
    /// The name the client used, e.g. "payments.refund".
    var exposedName: String
    /// Exactly the arguments that will be forwarded.
    var arguments: JSONObject?
    /// The original `params._meta` (progressToken …), kept for the replay.
    var meta: JSONObject?
    /// Why approval was required (policy provenance text).
    var rule: String
    /// SHA-256 of the canonical JSON of `{"server","tool","arguments"}`; see `digest(server:tool:arguments:)`.
    var digest: [UInt8]
    /// Set when what waits for the human's code is a held tool definition (`PinOffer`), not this call:
    /// the code accepts exactly that definition and runs nothing.
    var definition: PinOffer? = nil

    /// A frozen call whose `digest` is computed from `server`, `tool` and `arguments`.
    init(
        server: String, tool: String, exposedName: String, arguments: JSONObject?, meta: JSONObject?, rule: String
    ) {
        self.init(
            server: server, tool: tool, exposedName: exposedName, arguments: arguments, meta: meta, rule: rule,
            digest: Self.digest(server: server, tool: tool, arguments: arguments))
    }

    /// A frozen call with an explicit digest (e.g. one recorded earlier). Prefer the other initializer.
    init(
        server: String, tool: String, exposedName: String, arguments: JSONObject?, meta: JSONObject?, rule: String,
        digest: [UInt8]
    ) {
        self.server = server
        self.tool = tool
        self.exposedName = exposedName
        self.arguments = arguments
        self.meta = meta
        self.rule = rule
        self.digest = digest
    }

    /// SHA-256 of the canonical JSON (keys sorted, compact) of
    /// `{"server": server, "tool": tool, "arguments": arguments}`; absent arguments hash as `null`.
    /// Key order inside `arguments` does not matter; any other change to them changes the digest.
    static func digest(server: String, tool: String, arguments: JSONObject?) -> [UInt8] {
        let subject = JSONValue.object(
            JSONObject([
                ("server", .string(server)),
                ("tool", .string(tool)),
                ("arguments", arguments.map { JSONValue.object($0) } ?? .null),
            ]))
        return SHA256.hash(subject.canonicalBytes())
    }

    /// Whether `digest` still matches `server`, `tool` and `arguments` (constant-time compare).
    /// The router calls this right before forwarding an approved call.
    var digestMatches: Bool {
        ConstantTime.equals(digest, Self.digest(server: server, tool: tool, arguments: arguments))
    }

    /// The digest as lower-case hex, for audit logs.
    var digestHex: String { SHA256.hex(digest) }
}
