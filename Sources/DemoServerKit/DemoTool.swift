import MCPWire

/// One tool a `DemoServer` offers: its `tools/list` entry plus the code that runs on `tools/call`.
public struct DemoTool: Sendable {
    /// Runs the tool. `arguments` is the call's `arguments` object (`{}` when the caller sent none).
    /// A thrown error becomes a result with `isError: true` whose text is the error's description.
    public typealias Handler = @Sendable (_ arguments: JSONObject, _ context: ToolContext) throws -> DemoToolResult

    public var name: String
    public var title: String?
    public var description: String
    /// A JSON Schema object with `"type": "object"` at the root.
    public var inputSchema: JSONValue
    /// When set, successful results carry `structuredContent` (and a text block with its JSON).
    public var outputSchema: JSONValue?
    /// `ToolAnnotations`: `title`, `readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`.
    public var annotations: JSONValue?
    /// Run each call of this tool on its own thread, so it can take its time, notice a
    /// cancellation, or block in `ToolContext.ask` while the server keeps reading. Its answer may
    /// then overtake earlier ones.
    public var concurrent: Bool
    public var handler: Handler

    public init(
        name: String,
        title: String? = nil,
        description: String,
        inputSchema: JSONValue = ["type": "object", "additionalProperties": false],
        outputSchema: JSONValue? = nil,
        annotations: JSONValue? = nil,
        concurrent: Bool = false,
        handler: @escaping Handler
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.concurrent = concurrent
        self.handler = handler
    }

    /// The tool's entry in a `tools/list` result.
    public var listEntry: JSONValue {
        var o = JSONObject()
        o["name"] = .string(name)
        if let title { o["title"] = .string(title) }
        o["description"] = .string(description)
        o["inputSchema"] = inputSchema
        if let outputSchema { o["outputSchema"] = outputSchema }
        if let annotations { o["annotations"] = annotations }
        return .object(o)
    }

    /// Builds an annotations object. Every hint is written out explicitly, so a reader never has to
    /// remember the spec's defaults (`destructiveHint` and `openWorldHint` default to true).
    public static func annotations(
        title: String,
        readOnly: Bool,
        destructive: Bool,
        idempotent: Bool,
        openWorld: Bool = false
    ) -> JSONValue {
        [
            "title": .string(title),
            "readOnlyHint": .bool(readOnly),
            "destructiveHint": .bool(destructive),
            "idempotentHint": .bool(idempotent),
            "openWorldHint": .bool(openWorld),
        ]
    }
}

/// What a tool handler returns.
public struct DemoToolResult: Sendable {
    /// Content blocks, e.g. `{"type":"text","text":"…"}`.
    public var content: [JSONValue]
    /// Sent as `structuredContent` only when the tool declares an `outputSchema` and the result is
    /// not an error.
    public var structuredContent: JSONValue?
    public var isError: Bool
    /// When true the server sends no response at all for this call (fixture: "hang" forever
    /// without tying up a thread).
    public var suppressesResponse: Bool
    /// 2026-07-28 multi-round-trip: when set, the call answers an `InputRequiredResult`
    /// (`resultType: "input_required"`) instead of `content` (only `ModernDemoServer` can).
    public var inputRequired: DemoInputRequired?

    public init(
        content: [JSONValue], structuredContent: JSONValue? = nil, isError: Bool = false,
        suppressesResponse: Bool = false, inputRequired: DemoInputRequired? = nil
    ) {
        self.content = content
        self.structuredContent = structuredContent
        self.isError = isError
        self.suppressesResponse = suppressesResponse
        self.inputRequired = inputRequired
    }

    /// Asks the client for input first (2026-07-28 MRTR): `inputRequests` maps keys to
    /// `{method, params}` requests; the client retries the call with `inputResponses` under the same
    /// keys and the `requestState` echoed verbatim.
    public static func inputRequired(_ inputRequests: JSONObject, requestState: String) -> DemoToolResult {
        DemoToolResult(
            content: [], inputRequired: DemoInputRequired(inputRequests: inputRequests, requestState: requestState))
    }

    /// One text block.
    public static func text(_ text: String) -> DemoToolResult {
        DemoToolResult(content: [Self.textBlock(text)])
    }

    /// Structured output plus one text block: `text` when given, else the value's compact JSON.
    public static func structured(_ value: JSONValue, text: String? = nil) -> DemoToolResult {
        DemoToolResult(content: [Self.textBlock(text ?? value.serialized())], structuredContent: value)
    }

    /// A tool-level failure (`isError: true`) the model can read.
    public static func error(_ message: String) -> DemoToolResult {
        DemoToolResult(content: [Self.textBlock(message)], isError: true)
    }

    /// No response will ever be written for this call.
    public static let noResponse = DemoToolResult(content: [], suppressesResponse: true)

    public static func textBlock(_ text: String) -> JSONValue {
        ["type": "text", "text": .string(text)]
    }

    /// The `tools/call` result object.
    func json(includeStructured: Bool) -> JSONValue {
        var o = JSONObject()
        o["content"] = .array(content)
        if includeStructured, !isError, let structuredContent { o["structuredContent"] = structuredContent }
        o["isError"] = .bool(isError)
        return .object(o)
    }
}

/// The input a 2026-07-28 tool call needs before it can finish.
public struct DemoInputRequired: Sendable, Hashable {
    public var inputRequests: JSONObject
    public var requestState: String

    public init(inputRequests: JSONObject, requestState: String) {
        self.inputRequests = inputRequests
        self.requestState = requestState
    }
}

/// A failure a handler reports to the caller as an `isError: true` result.
public enum DemoToolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required argument is absent.
    case missingArgument(String)
    /// An argument has the wrong JSON type or an unacceptable value.
    case invalidArgument(name: String, expected: String, got: String)
    /// The thing the call names does not exist (a customer, a note…).
    case notFound(String)
    /// Anything else, worded for the model/user.
    case failed(String)

    public var description: String {
        switch self {
        case .missingArgument(let name): return "Missing required argument \"\(name)\"."
        case .invalidArgument(let name, let expected, let got):
            return "Argument \"\(name)\" must be \(expected), got \(got)."
        case .notFound(let what): return "Not found: \(what)."
        case .failed(let message): return message
        }
    }
}

/// Typed reading of tool arguments; failures throw `DemoToolError`, which the server turns into
/// an `isError: true` result (input validation errors are tool errors since 2025-11-25).
public enum DemoArguments {
    public static func string(_ arguments: JSONObject, _ name: String) throws -> String {
        guard let value = arguments[name] else { throw DemoToolError.missingArgument(name) }
        guard case .string(let s) = value else {
            throw DemoToolError.invalidArgument(name: name, expected: "a string", got: value.typeName)
        }
        return s
    }

    public static func nonEmptyString(_ arguments: JSONObject, _ name: String) throws -> String {
        let s = try string(arguments, name)
        guard !s.isEmpty else {
            throw DemoToolError.invalidArgument(name: name, expected: "a non-empty string", got: "\"\"")
        }
        return s
    }

    public static func integer(_ arguments: JSONObject, _ name: String) throws -> Int {
        guard let value = arguments[name] else { throw DemoToolError.missingArgument(name) }
        guard let n = value.intValue else {
            let got = if case .number(let lexeme) = value { lexeme } else { value.typeName }
            throw DemoToolError.invalidArgument(name: name, expected: "an integer", got: got)
        }
        return n
    }
}

extension DemoTool {
    /// `echo`: returns its arguments unchanged, as compact JSON text and as `structuredContent.echo`.
    /// Read-only and honestly annotated; the benchmark's echo server and the tests' favourite tool.
    public static func echo() -> DemoTool {
        DemoTool(
            name: "echo",
            title: "Echo",
            description: "Returns the arguments it was called with, unchanged.",
            inputSchema: [
                "type": "object",
                "properties": ["text": ["description": "Anything; echoed back with any other arguments."]],
                "additionalProperties": true,
            ],
            outputSchema: echoOutputSchema,
            annotations: DemoTool.annotations(title: "Echo", readOnly: true, destructive: false, idempotent: true)
        ) { arguments, _ in
            echoResult(arguments)
        }
    }

    public static let echoOutputSchema: JSONValue = [
        "type": "object",
        "properties": ["echo": ["type": "object"]],
        "required": ["echo"],
    ]

    public static func echoResult(_ arguments: JSONObject) -> DemoToolResult {
        let echoed = JSONValue.object(arguments)
        return .structured(["echo": echoed], text: echoed.serialized())
    }
}
