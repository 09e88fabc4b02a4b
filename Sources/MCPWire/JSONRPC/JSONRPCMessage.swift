/// One JSON-RPC 2.0 message as MCP uses it (no batches: MCP removed them in 2025-06-18).
public enum JSONRPCMessage: Sendable, Hashable {
    case request(Request)
    case notification(Notification)
    case response(Response)

    public struct Request: Sendable, Hashable {
        public var id: RequestID
        public var method: String
        /// `params` when present; MCP only uses objects.
        public var params: JSONObject?

        public init(id: RequestID, method: String, params: JSONObject? = nil) {
            self.id = id
            self.method = method
            self.params = params
        }
    }

    public struct Notification: Sendable, Hashable {
        public var method: String
        public var params: JSONObject?

        public init(method: String, params: JSONObject? = nil) {
            self.method = method
            self.params = params
        }
    }

    public struct Response: Sendable, Hashable {
        /// `nil` only for an error answering a request whose id could not be read.
        public var id: RequestID?
        public var outcome: Outcome

        public enum Outcome: Sendable, Hashable {
            case result(JSONValue)
            case error(JSONRPCError)
        }

        public init(id: RequestID?, outcome: Outcome) {
            self.id = id
            self.outcome = outcome
        }

        public static func result(_ id: RequestID, _ result: JSONValue) -> Response {
            Response(id: id, outcome: .result(result))
        }

        public static func error(_ id: RequestID?, _ error: JSONRPCError) -> Response {
            Response(id: id, outcome: .error(error))
        }
    }

    /// What a line turned out to be: a message, or an error to answer (with the id when it could be read).
    public enum Decoded: Sendable {
        case message(JSONRPCMessage)
        /// Not a valid message. `respond` is false when no answer may be sent (a broken notification
        /// or a broken response: JSON-RPC never answers those).
        case invalid(id: RequestID?, error: JSONRPCError, respond: Bool)
    }

    /// Decodes one stdio line (without its newline).
    public static func decode(line: [UInt8]) -> Decoded {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .invalid(id: nil, error: .parseError(error.description), respond: true)
        }
        return decode(value)
    }

    public static func decode(_ value: JSONValue) -> Decoded {
        guard case .object(let o) = value else {
            let what =
                value.arrayValue != nil
                ? "batches are not supported (MCP removed them)" : "a message must be a JSON object"
            return .invalid(id: nil, error: .invalidRequest(what), respond: true)
        }
        let rawID = o["id"]
        let id = rawID.flatMap(RequestID.init(json:))
        let method = o["method"]
        let isResponse = method == nil && (o.contains("result") || o.contains("error"))

        guard o["jsonrpc"] == .string("2.0") else {
            return .invalid(id: id, error: .invalidRequest("\"jsonrpc\" must be \"2.0\""), respond: !isResponse)
        }
        if isResponse {
            if o.contains("result") == o.contains("error") {
                return .invalid(
                    id: id, error: .invalidRequest("a response has exactly one of result and error"), respond: false)
            }
            if let result = o["result"] {
                guard let id else {
                    return .invalid(
                        id: nil, error: .invalidRequest("a result needs a string or integer id"), respond: false)
                }
                return .message(.response(.result(id, result)))
            }
            guard let error = o["error"].flatMap(JSONRPCError.init(json:)) else {
                return .invalid(id: id, error: .invalidRequest("malformed error object"), respond: false)
            }
            if rawID != nil, rawID != .null, id == nil {
                return .invalid(id: nil, error: .invalidRequest("id must be a string or an integer"), respond: false)
            }
            return .message(.response(.error(id, error)))
        }
        guard case .string(let methodName)? = method else {
            return .invalid(id: id, error: .invalidRequest("\"method\" must be a string"), respond: rawID != nil)
        }
        var params: JSONObject?
        if let p = o["params"] {
            guard case .object(let po) = p else {
                return .invalid(
                    id: id, error: .invalidRequest("\"params\" must be an object, not \(p.typeName)"),
                    respond: rawID != nil)
            }
            params = po
        }
        guard let rawID else {
            return .message(.notification(Notification(method: methodName, params: params)))
        }
        guard let id else {
            return .invalid(
                id: nil, error: .invalidRequest("id must be a string or an integer, not \(rawID.typeName)"),
                respond: true)
        }
        return .message(.request(Request(id: id, method: methodName, params: params)))
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["jsonrpc"] = "2.0"
        switch self {
        case .request(let r):
            o["id"] = r.id.json
            o["method"] = .string(r.method)
            if let p = r.params { o["params"] = .object(p) }
        case .notification(let n):
            o["method"] = .string(n.method)
            if let p = n.params { o["params"] = .object(p) }
        case .response(let r):
            o["id"] = r.id?.json ?? .null
            switch r.outcome {
            case .result(let v): o["result"] = v
            case .error(let e): o["error"] = e.json
            }
        }
        return .object(o)
    }

    /// One compact line of JSON, with the trailing newline.
    public func line() -> [UInt8] {
        var bytes = json.serializedBytes()
        bytes.append(0x0A)
        return bytes
    }
}
