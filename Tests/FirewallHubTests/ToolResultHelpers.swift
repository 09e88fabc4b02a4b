import MCPWire

/// Reading the tool results the hub writes, in unit tests.
enum ToolResult {
    /// The text of a tool result's first content item.
    static func text(_ result: JSONValue) -> String {
        result["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""
    }
}

/// A test failure with a message, for `throw` in tests that cannot go on.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
