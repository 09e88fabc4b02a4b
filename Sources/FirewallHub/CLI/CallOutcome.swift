import MCPWire

/// What became of a `call`, read from the hub's answer and what `call` saw on the way (the policy's
/// decision, an approval given at the terminal): the exit status and the text to print. Rendering and
/// classification only.
enum CallOutcome {
    enum Exit {
        static let ran: Int32 = 0
        /// The tool reported an error, or the call failed (unknown tool, server unavailable, hub gone).
        static let failed: Int32 = 1
        static let denied: Int32 = 2
        static let notApproved: Int32 = 3
    }

    /// A result the hub wrote itself (held, denied, refused), told apart from a server's by the policy's
    /// decision: before a human approves, no server is involved, so a result then is the hub's.
    enum Kind: Equatable {
        /// The server's own result (the call ran).
        case ran(isError: Bool)
        case denied
        /// Held with a code; the hub's held text, parsed.
        case heldWithCode(callID: String, expiresIn: Int, text: JSONObject)
        /// Declined, refused, or not held: the call did not run.
        case notApproved
    }

    static func classify(_ result: JSONValue, decision: PolicyAction?, humanApproved: Bool) -> Kind {
        let isError = result["isError"] == .bool(true)
        guard isError, !humanApproved, let decision, decision != .allow else { return .ran(isError: isError) }
        if decision == .deny { return .denied }
        if let held = heldText(result), case .string(let callID)? = held["call_id"] {
            return .heldWithCode(callID: callID, expiresIn: held["expires_in_seconds"]?.intValue ?? 300, text: held)
        }
        return .notApproved
    }

    /// The hub's PAUSED_FOR_APPROVAL object inside a held result.
    static func heldText(_ result: JSONValue) -> JSONObject? {
        guard let text = result["content"]?.arrayValue?.first?["text"]?.stringValue,
            let object = (try? JSONParser.parse(text))?.objectValue,
            object["status"] == "PAUSED_FOR_APPROVAL"
        else { return nil }
        return object
    }

    /// A `CallToolResult` for people: each content item, then the structured content when it says more.
    static func render(_ result: JSONValue) -> String {
        var parts: [String] = []
        var texts: [String] = []
        for item in result["content"]?.arrayValue ?? [] {
            switch item["type"]?.stringValue {
            case "text":
                let text = item["text"]?.stringValue ?? ""
                texts.append(text)
                parts.append(VisibleText.of(text))
            case "image", "audio":
                let size = item["data"]?.stringValue?.utf8.count ?? 0
                parts.append(
                    "[\(item["type"]!.stringValue!): \(VisibleText.of(item["mimeType"]?.stringValue ?? "?")), "
                        + "\(size) bytes of base64]")
            case "resource":
                let uri = VisibleText.of(item["resource"]?["uri"]?.stringValue ?? "?")
                let body = item["resource"]?["text"]?.stringValue.map { "\n" + VisibleText.of($0) } ?? " (binary)"
                parts.append("[resource \(uri)]" + body)
            case "resource_link":
                parts.append("[link \(VisibleText.of(item["uri"]?.stringValue ?? "?"))]")
            default:
                parts.append(VisibleText.of(item.prettyPrinted()))
            }
        }
        if let structured = result["structuredContent"] {
            let shown = structured.prettyPrinted()
            let same = texts.contains { (try? JSONParser.parse($0)) == structured }
            if !same { parts.append("structured content:\n" + VisibleText.of(shown)) }
        }
        if parts.isEmpty { parts.append("(the result has no content)") }
        return parts.joined(separator: "\n") + "\n"
    }
}
