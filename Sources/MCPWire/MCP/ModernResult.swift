/// Result shapes of protocol 2026-07-28, and the conversions between legacy-shaped and modern results.
///
/// Toward a modern client every result needs `resultType`, the cacheable ones `ttlMs` + `cacheScope`,
/// and all of them should carry the hub's `serverInfo` in `_meta`. Toward a legacy client those fields
/// are removed again. Multi round-trip requests (MRTR): `inputRequired(...)` builds an
/// `InputRequiredResult`, `inputRequired(from:)` reads one, and `retryFields(of:)` / `retryParams(...)`
/// handle the `inputResponses` + `requestState` of the retried request.
public enum ModernResult {
    public static let resultTypeKey = "resultType"
    public static let ttlKey = "ttlMs"
    public static let cacheScopeKey = "cacheScope"
    public static let resultTypeComplete = "complete"
    public static let resultTypeInputRequired = "input_required"

    /// Methods whose modern result is a `CacheableResult` (requires `ttlMs` and `cacheScope`).
    public static let cacheableMethods: Set<String> = [
        "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read",
        "server/discover",
    ]

    public static func isCacheable(method: String) -> Bool { cacheableMethods.contains(method) }

    /// A legacy-shaped (or already modern) result made ready for a modern client:
    /// - `resultType: "complete"` unless a `resultType` is already present;
    /// - when `cacheable`: `ttlMs` (negative values become 0) and `cacheScope` (`"public"` or `"private"`;
    ///   anything else becomes `"private"`), unless the result already carries valid ones (a modern
    ///   target's own cache hints pass through);
    /// - `_meta["io.modelcontextprotocol/serverInfo"] = serverInfo`, merged into an existing `_meta`
    ///   (replacing a target's serverInfo: the client talks to the hub).
    public static func complete(
        _ result: JSONObject, serverInfo: JSONObject, cacheable: Bool, ttlMs: Int = 0, cacheScope: String = "private"
    ) -> JSONObject {
        var out = result
        if out[resultTypeKey] == nil { out[resultTypeKey] = .string(resultTypeComplete) }
        if cacheable {
            if !(out[ttlKey]?.intValue.map { $0 >= 0 } ?? false) { out[ttlKey] = .int(max(0, ttlMs)) }
            if !(out[cacheScopeKey]?.stringValue.map(isValidScope) ?? false) {
                out[cacheScopeKey] = .string(isValidScope(cacheScope) ? cacheScope : "private")
            }
        }
        return withServerInfo(out, serverInfo)
    }

    /// `complete(_:serverInfo:cacheable:ttlMs:cacheScope:)` with `cacheable` decided by `isCacheable(method:)`.
    public static func complete(
        _ result: JSONObject, serverInfo: JSONObject, method: String, ttlMs: Int = 0, cacheScope: String = "private"
    ) -> JSONObject {
        complete(
            result, serverInfo: serverInfo, cacheable: isCacheable(method: method), ttlMs: ttlMs,
            cacheScope: cacheScope)
    }

    /// The `DiscoverResult` for `server/discover`.
    public static func discoverResult(
        supportedVersions: [String], capabilities: JSONObject, instructions: String?, serverInfo: JSONObject,
        ttlMs: Int = 0, cacheScope: String = "private"
    ) -> JSONObject {
        var result = JSONObject()
        result[resultTypeKey] = .string(resultTypeComplete)
        result["supportedVersions"] = .array(supportedVersions.map(JSONValue.string))
        result["capabilities"] = .object(capabilities)
        if let instructions { result["instructions"] = .string(instructions) }
        return complete(result, serverInfo: serverInfo, cacheable: true, ttlMs: ttlMs, cacheScope: cacheScope)
    }

    /// An `InputRequiredResult`: `{"resultType": "input_required", "inputRequests": {...}, "requestState": …}`.
    /// `inputRequests` maps keys to `{"method", "params"}` objects; it is left out when empty and a
    /// `requestState` is given (the spec needs at least one of the two). `requestState` is left out when nil.
    /// Only `tools/call`, `prompts/get` and `resources/read` may answer with this.
    public static func inputRequired(
        inputRequests: JSONObject, requestState: String?, serverInfo: JSONObject? = nil
    ) -> JSONObject {
        var result = JSONObject()
        result[resultTypeKey] = .string(resultTypeInputRequired)
        if !inputRequests.isEmpty || requestState == nil { result["inputRequests"] = .object(inputRequests) }
        if let requestState { result["requestState"] = .string(requestState) }
        guard let serverInfo else { return result }
        return withServerInfo(result, serverInfo)
    }

    // MARK: Reading a modern target's result

    /// The `resultType` of a result: `"complete"` when the object has none (older servers), the string when
    /// it is one, and `""` (not a recognised type: treat the result as invalid) when the result is not an
    /// object or `resultType` is not a string.
    public static func resultType(of result: JSONValue) -> String {
        guard let object = result.objectValue else { return "" }
        guard let raw = object[resultTypeKey] else { return resultTypeComplete }
        return raw.stringValue ?? ""
    }

    /// A modern `complete` result made legacy-shaped: without `resultType`, `ttlMs`, `cacheScope` and
    /// `_meta["io.modelcontextprotocol/serverInfo"]`; everything else is kept. A `_meta` left empty by the
    /// removal is dropped. (An `input_required` result cannot be made legacy this way; bridge it.)
    public static func strippedForLegacy(_ result: JSONObject) -> JSONObject {
        var out = result
        out[resultTypeKey] = nil
        out[ttlKey] = nil
        out[cacheScopeKey] = nil
        if var meta = out["_meta"]?.objectValue, meta.contains(ModernEnvelope.serverInfoKey) {
            meta[ModernEnvelope.serverInfoKey] = nil
            out["_meta"] = meta.isEmpty ? nil : .object(meta)
        }
        return out
    }

    /// What an `InputRequiredResult` asks for.
    public struct InputRequest: Sendable, Equatable {
        /// `inputRequests`: key → `{"method": String, "params"?: object}`; empty when absent.
        public var inputRequests: JSONObject
        /// `requestState`, to be echoed byte for byte on the retry; nil when absent.
        public var requestState: String?

        public init(inputRequests: JSONObject, requestState: String?) {
            self.inputRequests = inputRequests
            self.requestState = requestState
        }
    }

    /// The input a modern target's result asks for: nil when its `resultType` is not `"input_required"`.
    /// Throws `-32603` when it is, but is malformed (`inputRequests` not an object of `{"method": string,
    /// "params"?: object}` entries, `requestState` not a string, or neither of them present).
    public static func inputRequest(from result: JSONValue) throws(JSONRPCError) -> InputRequest? {
        guard resultType(of: result) == resultTypeInputRequired, let object = result.objectValue else { return nil }
        let rawRequests = object["inputRequests"]
        let rawState = object["requestState"]
        guard rawRequests != nil || rawState != nil else {
            throw malformedInputRequired("it has neither inputRequests nor requestState")
        }
        var requests = JSONObject()
        if let rawRequests {
            guard let requestsObject = rawRequests.objectValue else {
                throw malformedInputRequired("inputRequests is \(rawRequests.typeName), not an object")
            }
            for entry in requestsObject {
                guard entry.value["method"]?.stringValue != nil,
                    entry.value["params"].map({ $0.objectValue != nil }) ?? true
                else {
                    throw malformedInputRequired(
                        "inputRequests[\"\(entry.key)\"] is not an object {\"method\": string, \"params\": object}")
                }
            }
            requests = requestsObject
        }
        var state: String?
        if let rawState {
            guard let string = rawState.stringValue else {
                throw malformedInputRequired("requestState is \(rawState.typeName), not a string")
            }
            state = string
        }
        return InputRequest(inputRequests: requests, requestState: state)
    }

    // MARK: The retried request (MRTR)

    /// The MRTR fields of a request's `params`.
    public struct RetryFields: Sendable, Equatable {
        /// `params.inputResponses`: key → the client's answer (`ElicitResult`, …); nil when absent.
        public var inputResponses: JSONObject?
        /// `params.requestState` as the client echoed it (attacker-controlled); nil when absent.
        public var requestState: String?

        public init(inputResponses: JSONObject?, requestState: String?) {
            self.inputResponses = inputResponses
            self.requestState = requestState
        }
    }

    /// Reads `inputResponses` and `requestState` from a request's params. Throws `-32602` when either is
    /// present with the wrong type (JSON `null` counts as absent).
    public static func retryFields(of params: JSONObject?) throws(JSONRPCError) -> RetryFields {
        var fields = RetryFields(inputResponses: nil, requestState: nil)
        if let raw = params?["inputResponses"], !raw.isNull {
            guard let responses = raw.objectValue else {
                throw .invalidParams("params.inputResponses must be an object, not \(raw.typeName)")
            }
            fields.inputResponses = responses
        }
        if let raw = params?["requestState"], !raw.isNull {
            guard let state = raw.stringValue else {
                throw .invalidParams(
                    "params.requestState must be the string the server returned, unchanged, not \(raw.typeName)")
            }
            fields.requestState = state
        }
        return fields
    }

    /// The params of a retry: `params` with `inputResponses` and `requestState` set (replacing earlier ones;
    /// each is left out when nil). The caller sends them under a new JSON-RPC id.
    public static func retryParams(
        _ params: JSONObject?, inputResponses: JSONObject?, requestState: String?
    ) -> JSONObject {
        var out = params ?? JSONObject()
        out["inputResponses"] = inputResponses.map(JSONValue.object)
        out["requestState"] = requestState.map(JSONValue.string)
        return out
    }

    /// `params` without `inputResponses` and `requestState`, e.g. before forwarding to a legacy target.
    public static func withoutRetryFields(_ params: JSONObject?) -> JSONObject? {
        guard var params else { return nil }
        params["inputResponses"] = nil
        params["requestState"] = nil
        return params
    }

    private static func isValidScope(_ scope: String) -> Bool { scope == "public" || scope == "private" }

    private static func withServerInfo(_ result: JSONObject, _ serverInfo: JSONObject) -> JSONObject {
        var out = result
        var meta = out["_meta"]?.objectValue ?? JSONObject()
        meta[ModernEnvelope.serverInfoKey] = .object(serverInfo)
        out["_meta"] = .object(meta)
        return out
    }

    private static func malformedInputRequired(_ detail: String) -> JSONRPCError {
        .internalError("the target returned a malformed InputRequiredResult: \(detail)")
    }
}
