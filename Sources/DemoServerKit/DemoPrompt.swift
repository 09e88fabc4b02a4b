import MCPWire

/// One prompt a `DemoServer` offers: its `prompts/list` entry, the code that renders it on
/// `prompts/get`, and an optional completion hook for its arguments (`completion/complete`).
public struct DemoPrompt: Sendable {
    public struct Argument: Sendable {
        public var name: String
        public var description: String?
        public var required: Bool

        public init(name: String, description: String? = nil, required: Bool = false) {
            self.name = name
            self.description = description
            self.required = required
        }

        var listEntry: JSONValue {
            var o = JSONObject()
            o["name"] = .string(name)
            if let description { o["description"] = .string(description) }
            o["required"] = .bool(required)
            return .object(o)
        }
    }

    /// Renders the prompt's `messages` (`{role, content}` objects) from its string arguments. A thrown
    /// error answers `prompts/get` with -32602 carrying the error's description.
    public typealias Render = @Sendable (_ arguments: [String: String]) throws -> [JSONValue]
    /// Suggests values for one argument: `(argumentName, prefix typed so far) -> candidates`.
    public typealias Complete = @Sendable (_ argumentName: String, _ prefix: String) -> [String]

    public var name: String
    public var title: String?
    public var description: String
    public var arguments: [Argument]
    public var render: Render
    public var complete: Complete?

    public init(
        name: String, title: String? = nil, description: String, arguments: [Argument] = [],
        complete: Complete? = nil, render: @escaping Render
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.arguments = arguments
        self.complete = complete
        self.render = render
    }

    /// The prompt's entry in a `prompts/list` result.
    public var listEntry: JSONValue {
        var o = JSONObject()
        o["name"] = .string(name)
        if let title { o["title"] = .string(title) }
        o["description"] = .string(description)
        if !arguments.isEmpty { o["arguments"] = .array(arguments.map(\.listEntry)) }
        return .object(o)
    }

    /// A `{role: "user", content: {type: "text", text}}` message.
    public static func userMessage(_ text: String) -> JSONValue {
        ["role": "user", "content": ["type": "text", "text": .string(text)]]
    }
}

/// A failure rendering a prompt or reading a resource template (answered as -32602 / -32603).
public enum DemoCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(String)
    case invalidArgument(name: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let what): return "Not found: \(what)."
        case .invalidArgument(let name, let reason): return "Argument \"\(name)\" \(reason)."
        }
    }
}
