/// Which family of MCP protocol versions a request or a peer speaks.
public enum ProtocolEra: Sendable, Equatable {
    /// 2024-11-05 … 2025-11-25: an `initialize` handshake fixes the version for the whole stdio process.
    case legacy
    /// 2026-07-28 onward: no handshake; every request carries the envelope in `params._meta`.
    case modern

    /// `.modern` when `params._meta` names a protocol version (`io.modelcontextprotocol/protocolVersion`,
    /// whatever its value), else `.legacy`. Does not validate; use `ModernEnvelope.parse(params:)` for that.
    public static func of(params: JSONObject?) -> ProtocolEra {
        params?["_meta"]?[ModernEnvelope.protocolVersionKey] == nil ? .legacy : .modern
    }
}

/// The per-request envelope of protocol 2026-07-28: what a modern request says about its sender in
/// `params._meta`. There is no handshake; each request is accepted or rejected on its own.
public struct ModernEnvelope: Sendable, Equatable {
    /// Request `_meta`: the protocol version of this request (string, required).
    public static let protocolVersionKey = "io.modelcontextprotocol/protocolVersion"
    /// Request `_meta`: the client's `ClientCapabilities` (object, required; `{}` = none of the optional ones).
    public static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    /// Request `_meta`: the client's `Implementation` (object, optional).
    public static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    /// Request `_meta`: the log level for `notifications/message` about this request (optional, deprecated).
    public static let logLevelKey = "io.modelcontextprotocol/logLevel"
    /// Result `_meta`: the server's `Implementation`.
    public static let serverInfoKey = "io.modelcontextprotocol/serverInfo"
    /// `_meta` of every message on a `subscriptions/listen` stream: the listen request's id.
    public static let subscriptionIdKey = "io.modelcontextprotocol/subscriptionId"
    /// Request `_meta`: the progress token (same key as in legacy versions).
    public static let progressTokenKey = "progressToken"

    /// The `_meta` keys that make up the envelope (not `progressToken`, which legacy requests use too).
    public static let envelopeKeys: Set<String> = [
        protocolVersionKey, clientCapabilitiesKey, clientInfoKey, logLevelKey,
    ]

    /// Modern protocol versions the hub speaks, newest first.
    public static let modernVersions = ["2026-07-28"]

    /// The levels `io.modelcontextprotocol/logLevel` may take (RFC 5424 names, as `logging/setLevel` used).
    public static let logLevels: Set<String> = [
        "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency",
    ]

    public var protocolVersion: String
    public var clientCapabilities: JSONObject
    public var clientInfo: JSONObject?
    public var logLevel: String?
    public var progressToken: JSONValue?

    public init(
        protocolVersion: String, clientCapabilities: JSONObject, clientInfo: JSONObject? = nil,
        logLevel: String? = nil, progressToken: JSONValue? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.clientCapabilities = clientCapabilities
        self.clientInfo = clientInfo
        self.logLevel = logLevel
        self.progressToken = progressToken
    }

    /// Reads the envelope of a request's `params`.
    ///
    /// - Returns: nil when the request carries no modern envelope at all (no
    ///   `_meta["io.modelcontextprotocol/protocolVersion"]`): a legacy request.
    /// - Throws: `-32022` (`JSONRPCError.unsupportedProtocolVersionCode`) with
    ///   `data: {"supported": modernVersions, "requested": <the version string>}` for a version the hub does
    ///   not speak (checked before the other fields, so a client from the future learns what to retry with);
    ///   `-32602` when the envelope is present but malformed: protocolVersion not a string, clientCapabilities
    ///   missing or not an object, clientInfo not an object, logLevel not one of `logLevels`, progressToken not
    ///   a string or number. JSON `null` for an optional field counts as absent.
    public static func parse(params: JSONObject?) throws(JSONRPCError) -> ModernEnvelope? {
        guard let meta = params?["_meta"]?.objectValue, let rawVersion = meta[protocolVersionKey] else {
            return nil
        }
        guard let version = rawVersion.stringValue else {
            throw .invalidParams(
                "params._meta \"\(protocolVersionKey)\" must be a string such as \"\(modernVersions[0])\", "
                    + "not \(rawVersion.typeName)")
        }
        guard modernVersions.contains(version) else { throw unsupportedVersionError(requested: version) }

        guard let rawCapabilities = meta[clientCapabilitiesKey] else {
            throw .invalidParams(
                "params._meta lacks \"\(clientCapabilitiesKey)\", which every \(version) request must carry "
                    + "(send {} when the client has none of the optional capabilities)")
        }
        guard let capabilities = rawCapabilities.objectValue else {
            throw .invalidParams(
                "params._meta \"\(clientCapabilitiesKey)\" must be an object, not \(rawCapabilities.typeName)")
        }

        var envelope = ModernEnvelope(protocolVersion: version, clientCapabilities: capabilities)
        if let raw = meta[clientInfoKey], !raw.isNull {
            guard let info = raw.objectValue else {
                throw .invalidParams(
                    "params._meta \"\(clientInfoKey)\" must be an object like {\"name\":…,\"version\":…}, "
                        + "not \(raw.typeName)")
            }
            envelope.clientInfo = info
        }
        if let raw = meta[logLevelKey], !raw.isNull {
            guard let level = raw.stringValue, logLevels.contains(level) else {
                throw .invalidParams(
                    "params._meta \"\(logLevelKey)\" must be one of \(logLevels.sorted().joined(separator: ", ")), "
                        + "not \(raw.serialized())")
            }
            envelope.logLevel = level
        }
        if let raw = meta[progressTokenKey], !raw.isNull {
            switch raw {
            case .string, .number: envelope.progressToken = raw
            default:
                throw .invalidParams("params._meta \"progressToken\" must be a string or number, not \(raw.typeName)")
            }
        }
        return envelope
    }

    /// Like `parse(params:)`, but a request without the envelope is an error too (`-32602`): for a request
    /// that must be modern, e.g. `server/discover`.
    public static func require(params: JSONObject?, method: String) throws(JSONRPCError) -> ModernEnvelope {
        if let envelope = try parse(params: params) { return envelope }
        throw .invalidParams(
            "\(method) needs params._meta with \"\(protocolVersionKey)\" (one of "
                + "\(modernVersions.joined(separator: ", "))) and \"\(clientCapabilitiesKey)\"")
    }

    /// `-32022` UnsupportedProtocolVersion, `data: {"supported": [...], "requested": requested}`.
    public static func unsupportedVersionError(
        requested: String, supported: [String] = modernVersions
    ) -> JSONRPCError {
        JSONRPCError(
            code: JSONRPCError.unsupportedProtocolVersionCode,
            message: "Unsupported protocol version \"\(requested)\": supported versions are "
                + supported.joined(separator: ", "),
            data: ["supported": .array(supported.map(JSONValue.string)), "requested": .string(requested)])
    }

    /// The `_meta` object for a request the hub sends to a modern target: the hub's own version,
    /// capabilities and info, plus `progressToken` / `logLevel` when given.
    public static func meta(
        protocolVersion: String, clientCapabilities: JSONObject, clientInfo: JSONObject,
        progressToken: JSONValue? = nil, logLevel: String? = nil
    ) -> JSONObject {
        var meta = JSONObject()
        meta[protocolVersionKey] = .string(protocolVersion)
        meta[clientCapabilitiesKey] = .object(clientCapabilities)
        meta[clientInfoKey] = .object(clientInfo)
        if let logLevel { meta[logLevelKey] = .string(logLevel) }
        if let progressToken { meta[progressTokenKey] = progressToken }
        return meta
    }

    /// `params` with the envelope keys of its `_meta` replaced by those of `meta` (e.g. the result of
    /// `meta(...)`): any envelope the client sent is removed first, other `_meta` keys are kept, and the
    /// keys of `meta` win. For forwarding a request to a modern target.
    public static func stamped(_ params: JSONObject?, with meta: JSONObject) -> JSONObject {
        var params = params ?? JSONObject()
        var merged = params["_meta"]?.objectValue ?? JSONObject()
        for key in envelopeKeys { merged[key] = nil }
        for member in meta { merged[member.key] = member.value }
        params["_meta"] = .object(merged)
        return params
    }

    /// `params` without the envelope keys in `_meta` (other keys such as `progressToken` are kept; a
    /// `_meta` left empty is removed). For forwarding a modern client's request to a legacy target.
    public static func stripped(_ params: JSONObject?) -> JSONObject? {
        guard var params, var meta = params["_meta"]?.objectValue else { return params }
        for key in envelopeKeys { meta[key] = nil }
        params["_meta"] = meta.isEmpty ? nil : .object(meta)
        return params
    }

    /// Whether the client declared `capability` (a top-level key of `clientCapabilities`, e.g.
    /// `"elicitation"`, `"sampling"`, `"roots"`) with a non-null value.
    public func supports(capability: String) -> Bool {
        guard let value = clientCapabilities[capability] else { return false }
        return !value.isNull
    }
}

/// Which methods exist in the modern era, and how a modern request for a removed one is answered.
public enum ModernMethods {
    /// The method every modern server must implement.
    public static let discover = "server/discover"
    /// The modern replacement of `resources/subscribe` and of unsolicited list_changed notifications.
    public static let subscriptionsListen = "subscriptions/listen"

    /// Methods and notifications of the legacy era that 2026-07-28 removed.
    public static let removed: Set<String> = [
        "initialize", "notifications/initialized", "ping", "logging/setLevel", "resources/subscribe",
        "resources/unsubscribe", "notifications/roots/list_changed", "notifications/elicitation/complete",
    ]

    /// The only requests whose result may be an `InputRequiredResult` (MRTR).
    public static let inputRequiredAllowed: Set<String> = ["tools/call", "prompts/get", "resources/read"]

    public static func isRemoved(_ method: String) -> Bool { removed.contains(method) }

    /// The answer to a modern request (one carrying the envelope) for a removed method: `-32601`, naming
    /// the replacement where there is one. A removed notification gets no answer at all.
    public static func removedMethodError(_ method: String) -> JSONRPCError {
        let hint: String
        switch method {
        case "initialize", "notifications/initialized":
            hint = "protocol \(ModernEnvelope.modernVersions[0]) has no handshake; call server/discover instead"
        case "logging/setLevel":
            hint = "send _meta \"\(ModernEnvelope.logLevelKey)\" with each request instead"
        case "resources/subscribe", "resources/unsubscribe":
            hint = "use subscriptions/listen instead"
        default:
            hint = "removed in protocol \(ModernEnvelope.modernVersions[0])"
        }
        return JSONRPCError(
            code: JSONRPCError.methodNotFoundCode, message: "Method not found: \(method) (\(hint))")
    }
}
