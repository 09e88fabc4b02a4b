/// A JSON-RPC error object (`{"code", "message", "data"?}`).
public struct JSONRPCError: Error, Sendable, Hashable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// 2026-07-28: UnsupportedProtocolVersion.
    public static let unsupportedProtocolVersionCode = -32022
    /// Implementation-defined: a request the hub forwarded could not be completed (target died, timed out).
    /// Outside the reserved -32768…-32000 range, as the 2026 error-code policy asks.
    public static let targetUnavailableCode = -31001

    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }
    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid Request: \(detail)")
    }
    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(method)")
    }
    public static func invalidParams(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(detail)")
    }
    public static func internalError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: internalErrorCode, message: "Internal error: \(detail)")
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["code"] = .int(code)
        o["message"] = .string(message)
        if let data { o["data"] = data }
        return .object(o)
    }

    public init?(json: JSONValue) {
        guard let o = json.objectValue, let code = o["code"]?.intValue else { return nil }
        self.code = code
        self.message = o["message"]?.stringValue ?? ""
        self.data = o["data"]
    }
}
