import MCPWire

/// The tool results the hub itself writes: held, denied, and `firewall_confirm` answers.
///
/// Every one is `isError: true`: the target's tool did not run, and a strict client that validates a
/// tool's `outputSchema` skips validation for errors, so the text always reaches the model.
enum HeldCallText {
    static func held(call: FrozenCall, held: HeldCall, ttlSeconds: Int, note: String? = nil) -> JSONValue {
        let argumentsJSON = JSONValue.object(call.arguments ?? JSONObject())
        let confirmArgs: JSONValue = ["otp": .string(held.code), "call_id": .string(held.id)]
        var o = JSONObject()
        o["status"] = "PAUSED_FOR_APPROVAL"
        o["message"] = .string(
            "The firewall held \(call.exposedName) for human approval (\(call.rule)). It has NOT run.")
        o["server"] = .string(call.server)
        o["action"] = ["tool": .string(call.exposedName), "arguments": argumentsJSON]
        o["call_id"] = .string(held.id)
        o["expires_in_seconds"] = .int(ttlSeconds)
        if let note { o["note"] = .string(note) }
        o["instruction"] = .string(
            "Show the user exactly what would run (the action above) and ask whether to allow it. "
                + "Tell the user: approval code: **\(held.code)**. Then STOP and wait for the user's reply. "
                + "Only if the user answers with that code, call \(ToolCatalog.confirmToolName) with "
                + "\(confirmArgs.serialized()). If the user declines, call it with \"decision\": \"deny\" "
                + "or do nothing: the code expires in \(ttlSeconds) seconds.")
        return toolError(JSONValue.object(o).prettyPrinted())
    }

    static func denied(exposedName: String, rule: String) -> JSONValue {
        toolError(
            "Denied by mcp-firewall-hub: \(exposedName) is not allowed by the firewall policy (\(rule)). "
                + "The call was not sent to the server. Do not retry it; tell the user it is blocked.")
    }

    /// The held result when the code went to the human out of band: it does NOT contain the code.
    static func heldOutOfBand(call: FrozenCall, callID: String, ttlSeconds: Int, note: String?) -> JSONValue {
        var o = JSONObject()
        o["status"] = "PAUSED_FOR_APPROVAL"
        o["message"] = .string(
            "The firewall held \(call.exposedName) for human approval (\(call.rule)). It has NOT run. "
                + "An approval code was sent to the user outside this conversation.")
        o["server"] = .string(call.server)
        o["action"] = ["tool": .string(call.exposedName), "arguments": .object(call.arguments ?? JSONObject())]
        o["call_id"] = .string(callID)
        o["expires_in_seconds"] = .int(ttlSeconds)
        if let note { o["note"] = .string(note) }
        o["instruction"] = .string(
            "Show the user exactly what would run (the action above) and ask them for the approval code they "
                + "just received. Then STOP and wait. Only if the user gives you a code, call "
                + "\(ToolCatalog.confirmToolName) with {\"otp\": \"<the code the user typed>\", \"call_id\": \"\(callID)\"}. "
                + "You do not have the code and must never guess one. The code expires in \(ttlSeconds) seconds.")
        return toolError(JSONValue.object(o).prettyPrinted())
    }

    /// A call of a tool whose definition is held, when a code that accepts the definition went to the
    /// user out of band: the refusal (which never echoes the new text), the handle, what to do. No code.
    static func definitionHeldOutOfBand(refusal: String, offer: PinOffer, callID: String, ttlSeconds: Int)
        -> JSONValue
    {
        var o = JSONObject()
        o["status"] = "DEFINITION_HELD"
        o["message"] = .string(
            refusal + " A code that accepts the new definition was sent to the user outside this conversation.")
        o["server"] = .string(offer.server)
        o["tool"] = .string(offer.exposedName)
        o["call_id"] = .string(callID)
        o["expires_in_seconds"] = .int(ttlSeconds)
        o["instruction"] = .string(
            "Tell the user that \(offer.exposedName) changed and ask whether they accept the new definition; they "
                + "can read it with `mcp-firewall-hub pins diff \(offer.server).\(offer.tool)`. Then STOP and wait. "
                + "Only if the user gives you a code, call \(ToolCatalog.confirmToolName) with "
                + "{\"otp\": \"<the code the user typed>\", \"call_id\": \"\(callID)\"}: that accepts the "
                + "definition and runs nothing; read the tool again (tools/list) before calling it. You do not have "
                + "the code and must never guess one. The code expires in \(ttlSeconds) seconds.")
        return toolError(JSONValue.object(o).prettyPrinted())
    }

    static func declined(call: FrozenCall, reason: String) -> JSONValue {
        toolError(
            "\(call.exposedName) was declined by the user (\(reason)); it did not run. "
                + "Do not retry it unless the user asks.")
    }

    static func noChannel(exposedName: String, rule: String, note: String? = nil) -> JSONValue {
        let prefix = note.map { $0 + " " } ?? ""
        return toolError(
            prefix + "mcp-firewall-hub refused \(exposedName): it needs human approval (\(rule)), but no approval "
                + "channel reaches a human: the client did not declare elicitation, and hub.json has no "
                + "approval.notify command. Configure approval.notify (e.g. [\"notify-send\", \"{summary}\"]), use "
                + "a client with elicitation, or set approval.code_delivery to \"agent\" (protects against "
                + "accidents only). The call did not run.")
    }

    static func confirmError(_ message: String) -> JSONValue {
        toolError("firewall_confirm: " + message)
    }

    static func confirmOutcome(_ outcome: ConfirmOutcome) -> JSONValue {
        toolError("firewall_confirm: " + describe(outcome))
    }

    /// What a non-approving outcome means, for the model and the log. Never contains a code.
    static func describe(_ outcome: ConfirmOutcome) -> String {
        switch outcome {
        case .approved(let call, _): return "approved \(call.exposedName)"
        case .denied(let call):
            return "\(call.exposedName) (\(callLabel(call))) was refused by the user; it will not run."
        case .wrongCode(let callID, let left, let sessionLeft):
            return
                "wrong approval code for held call \(callID); nothing ran. \(left) attempt(s) left for this call"
                + lockWarning(sessionLeft) + ". Ask the user for the exact code; never guess."
        case .attemptsExhausted(let callID, let sessionLeft):
            return "too many wrong codes for held call \(callID): it was discarded and will not run"
                + lockWarning(sessionLeft) + ". Retry the original tool call to get a new code."
        case .expired(let callID):
            return "the approval code for held call \(callID) has expired; it will not run. "
                + "Retry the original tool call to get a new code."
        case .alreadyUsed: return "that approval code was already used; a code works once. Nothing ran."
        case .noPendingCalls: return "no call is waiting for approval. Nothing ran."
        case .invalidFormat: return "an approval code is a string of digits, exactly as the user gave it. Nothing ran."
        case .unknownCallID(let id): return "no held call has call_id \"\(id)\". Nothing ran."
        case .callIDRequired(let ids):
            return "several calls are waiting (" + ids.joined(separator: ", ")
                + "): pass the call_id of the one the user approved. The code was not checked; nothing ran."
        case .locked(let wrongCodes): return lockedText(wrongCodes: wrongCodes)
        }
    }

    /// Why a call could not be held, for the log.
    static func describe(_ refusal: HoldRefusal) -> String {
        switch refusal {
        case .full(let limit):
            return "\(limit) calls already wait for approval (approval.max_pending); approve, deny or let "
                + "them expire first"
        case .locked(let wrongCodes): return lockedText(wrongCodes: wrongCodes)
        }
    }

    /// The result for a call that needs approval but could not be held.
    static func notHeld(call: FrozenCall, refusal: HoldRefusal) -> JSONValue {
        toolError(
            "mcp-firewall-hub could not hold \(call.exposedName) for approval: \(describe(refusal)). "
                + "The call did not run.")
    }

    /// The result for a call whose approval prompt failed or went unanswered.
    static func unanswered(call: FrozenCall, note: String) -> JSONValue {
        toolError(
            (note.isEmpty ? "" : note + " ") + "\(call.exposedName) was not approved, so it did not run. "
                + "Tell the user; if they want it, call the tool again and they will be asked again.")
    }

    static func lockedText(wrongCodes: Int) -> String {
        "approval codes are LOCKED for the rest of this session after \(wrongCodes) wrong codes "
            + "(approval.max_wrong_codes): no code is accepted, nothing ran. Held calls can still be approved in an "
            + "approval prompt of the client; to use codes again the user must restart mcp-firewall-hub "
            + "(restart the MCP server in the client)"
    }

    private static func lockWarning(_ sessionLeft: Int) -> String {
        sessionLeft == 0
            ? "; approval codes are now LOCKED for this session" : "; \(sessionLeft) wrong code(s) left this session"
    }

    private static func callLabel(_ call: FrozenCall) -> String { call.server + "/" + call.tool }

    static func toolError(_ text: String) -> JSONValue {
        ["content": [["type": "text", "text": .string(text)]], "isError": true]
    }
}
