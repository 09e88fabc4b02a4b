import MCPWire

/// The hub's one tool of its own: confirms (or refuses) a held call with its approval code.
enum FirewallConfirmTool {
    static let definition: JSONValue = [
        "name": .string(ToolCatalog.confirmToolName),
        "title": "Confirm a call held by the firewall",
        "description": """
        Runs a tool call that mcp-firewall-hub held for human approval (a result with status \
        PAUSED_FOR_APPROVAL). Only call this with the approval code the USER gave you in this \
        conversation; never guess, invent or reuse a code. Pass call_id from the held result when \
        several calls are waiting. To refuse a held call, pass decision "deny". A code approves what \
        the user chose when they got it (once, or for the session); you cannot widen it.
        """,
        "inputSchema": [
            "type": "object",
            "properties": [
                "otp": ["type": "string", "description": "The approval code the user gave you."],
                "call_id": ["type": "string", "description": "The call_id of the held call (e.g. \"h1\")."],
                "decision": [
                    "type": "string", "enum": ["approve", "deny"],
                    "description": "approve (default) runs the call; deny discards it.",
                ],
            ],
            "required": ["otp"],
        ],
        "annotations": [
            "title": "Confirm a held call", "readOnlyHint": false, "destructiveHint": true, "openWorldHint": true,
        ],
    ]
}

/// The arguments of a `firewall_confirm` call, checked.
struct ConfirmRequest: Equatable {
    var code: String
    var callID: String?
    var deny: Bool
    struct Problem: Error, Equatable {
        var message: String
    }

    static func parse(_ arguments: JSONObject) -> Result<ConfirmRequest, Problem> {
        // `otp` is the seed's name; `code` is accepted too. A number is taken as its digits.
        let raw = arguments["otp"] ?? arguments["code"]
        let code: String
        switch raw {
        case .string(let s)?: code = s.trimmingSpaces()
        case .number(let lexeme)? where lexeme.allSatisfy(\.isASCIIDigit): code = lexeme
        case nil:
            return .failure(Problem(message: "firewall_confirm needs \"otp\": the approval code the user gave you"))
        default: return .failure(Problem(message: "\"otp\" must be the approval code as a string of digits"))
        }
        var callID: String?
        switch arguments["call_id"] {
        case nil, .null?: callID = nil
        case .string(let s)?: callID = s.trimmingSpaces()
        default: return .failure(Problem(message: "\"call_id\" must be a string such as \"h1\""))
        }
        var deny = false
        switch arguments["decision"] {
        case nil, .null?, .string("approve")?: deny = false
        case .string("deny")?: deny = true
        default: return .failure(Problem(message: "\"decision\" must be \"approve\" or \"deny\""))
        }
        // The model must not choose how far an approval reaches: only the human does (the prompt's choice,
        // or the session code sent to them). Refused before the code is looked at, so nothing is used up.
        if let remember = arguments["remember"], remember != .null, remember != .string("once") {
            return .failure(
                Problem(
                    message: "\"remember\" is not accepted: only the user can widen an approval (with the choice "
                        + "in the approval prompt, or with the session code they received). Nothing ran; the code "
                        + "was not used."))
        }
        return .success(ConfirmRequest(code: code, callID: callID, deny: deny))
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
