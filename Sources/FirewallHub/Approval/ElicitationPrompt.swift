import MCPWire

/// The `elicitation/create` form the hub shows the human for a held call, and the reading of the answer.
enum ElicitationPrompt {
    /// Arguments longer than this (pretty-printed, in UTF-8 bytes) are cut, with a note saying so.
    static let argumentDisplayLimit = 4000

    static func params(for call: FrozenCall) -> JSONObject {
        var arguments = JSONValue.object(call.arguments ?? JSONObject()).prettyPrinted()
        if arguments.utf8.count > argumentDisplayLimit {
            let total = arguments.utf8.count
            arguments = String(decoding: Array(arguments.utf8.prefix(argumentDisplayLimit)), as: UTF8.self)
            arguments += "\n… (arguments truncated for display: \(total) bytes in all; the call runs with all of them)"
        }
        let message = """
            mcp-firewall-hub: server "\(call.server)" wants to run \(call.tool).
            Approval required by \(call.rule).

            Arguments:
            \(arguments)

            Approve this call?
            """
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "approve": [
                    "type": "boolean", "title": "Approve",
                    "description": .string("Run \(call.server)/\(call.tool) with the arguments shown"),
                    "default": false,
                ],
                "remember": [
                    "type": "string", "title": "Remember this approval",
                    "description": .string(
                        "once: this call only; session: this tool until the hub restarts; "
                            + "10_minutes: this tool for 10 minutes; same_arguments: identical calls of this tool"),
                    "enum": .array(GrantScope.offered.map(JSONValue.string)),
                    "default": .string(GrantScope.offered[0]),
                ],
            ],
            "required": ["approve"],
        ]
        return ["mode": "form", "message": .string(message), "requestedSchema": schema]
    }

    enum Answer: Equatable {
        case approved(GrantScope)
        case declined(String)
    }

    /// Reads an `ElicitResult`. Only `action: "accept"` with `approve: true` approves; anything else,
    /// malformed answers included, declines.
    static func read(_ result: JSONValue) -> Answer {
        guard case .string(let action)? = result["action"] else { return .declined("the answer was malformed") }
        switch action {
        case "accept":
            guard result["content"]?["approve"] == .bool(true) else { return .declined("the user did not approve") }
            let scope = result["content"]?["remember"]?.stringValue.flatMap(GrantScope.init) ?? .once
            return .approved(scope)
        case "decline": return .declined("the user declined")
        case "cancel": return .declined("the user dismissed the approval prompt")
        default: return .declined("the answer was malformed")
        }
    }

    /// Whether a client's `initialize` capabilities allow form-mode elicitation: `elicitation: {}`
    /// (form only, as 2025-06-18 clients send) or an object with `form`.
    static func clientSupportsForm(_ capabilities: JSONObject?) -> Bool {
        guard let elicitation = capabilities?["elicitation"]?.objectValue else { return false }
        if elicitation.isEmpty { return true }
        return elicitation.contains("form") || !elicitation.contains("url")
    }
}
