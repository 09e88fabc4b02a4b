import MCPWire

/// What of a tool definition is pinned, and its hash: `name`, `title`, `description`, `inputSchema`,
/// `outputSchema` and `annotations` (every field that tells the model or the policy what the tool does),
/// hashed as canonical JSON so key order and whitespace never count as a change. Pure.
enum ToolFingerprint {
    static let pinnedKeys = ["name", "title", "description", "inputSchema", "outputSchema", "annotations"]

    /// `tool` reduced to the pinned keys, in `pinnedKeys` order (absent keys stay absent).
    static func subject(of tool: JSONObject) -> JSONObject {
        var subject = JSONObject()
        for key in pinnedKeys {
            if let value = tool[key] { subject[key] = value }
        }
        return subject
    }

    /// SHA-256 (hex) of the canonical JSON of `subject(of: tool)`.
    static func hash(of tool: JSONObject) -> String {
        SHA256.hex(SHA256.hash(JSONValue.object(subject(of: tool)).canonicalBytes()))
    }

    /// SHA-256 (hex) of the canonical JSON of `{"instructions": text}` (`null` when the server gave none,
    /// so instructions appearing later are a change too).
    static func hash(ofInstructions text: String?) -> String {
        let subject = JSONValue.object(JSONObject([("instructions", text.map(JSONValue.string) ?? .null)]))
        return SHA256.hex(SHA256.hash(subject.canonicalBytes()))
    }

    /// The tool's own name, when it has a non-empty string one.
    static func name(of tool: JSONObject) -> String? {
        guard case .string(let name)? = tool["name"], !name.isEmpty else { return nil }
        return name
    }
}
