import MCPWire

/// What a person is shown to accept a held tool definition when the agent calls the tool: the
/// `elicitation/create` form and the reading of its answer, or the `approval.notify` summary that
/// carries a code. Pure. The form shows the whole diff (it is for the person, not the model); only
/// `accept: true` under `action: "accept"` accepts; either way the acceptance is bound to the hash of
/// the definition shown (`PinOffer.hash`).
struct PinOffer: Sendable, Equatable {
    var server: String
    var tool: String
    var exposedName: String
    /// The hash of the definition shown: what an acceptance pins, and nothing else.
    var hash: String
    /// The readable diff (changed tool) or the whole definition (new tool), one line each.
    var lines: [String]
    /// What changed, in one line of field names ("description changed; inputSchema: property …").
    var change: String
    var isNew: Bool
}

enum PinPrompt {
    /// The diff shown is cut past this many UTF-8 bytes (the person can read it whole with `pins diff`).
    static let displayLimit = 6000

    static func params(for offer: PinOffer) -> JSONObject {
        var shown = offer.lines.map { AuditRows.visible($0) }.joined(separator: "\n")
        if shown.utf8.count > displayLimit {
            let total = shown.utf8.count
            shown = String(decoding: Array(shown.utf8.prefix(displayLimit)), as: UTF8.self)
            shown +=
                "\n… (\(total) bytes in all: `mcp-firewall-hub pins diff \(offer.server).\(offer.tool)` shows it whole)"
        }
        let what =
            offer.isNew
            ? "server \"\(offer.server)\" started offering a new tool, \(offer.tool), which is held until you accept it."
            : "the definition of \(offer.tool) on server \"\(offer.server)\" changed since it was pinned, so the hub "
                + "holds it ([-removed-] {+added+})."
        let message = """
            mcp-firewall-hub: \(what)
            The agent tried to call it. Accepting pins this definition: the agent then sees it and its calls go
            to the firewall policy. This call is not run either way.

            \(shown)

            Accept this definition of \(offer.server)/\(offer.tool)?
            """
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "accept": [
                    "type": "boolean", "title": "Accept the new definition",
                    "description": .string("Pin the definition of \(offer.server)/\(offer.tool) shown above"),
                    "default": false,
                ]
            ],
            "required": ["accept"],
        ]
        return ["mode": "form", "message": .string(message), "requestedSchema": schema]
    }

    /// Whether an `ElicitResult` accepts. Anything but `action: "accept"` with `accept: true` does not.
    static func accepts(_ result: JSONValue) -> Bool {
        result["action"] == .string("accept") && result["content"]?["accept"] == .bool(true)
    }

    /// The `{summary}` of `approval.notify` for a held definition: what changed, the code that accepts
    /// it, and the command that shows the whole change. One line; a code accepts, it never runs a call.
    static func codeSummary(_ offer: PinOffer, callID: String, code: String, ttlSeconds: Int) -> String {
        let what =
            offer.isNew
            ? "server \"\(offer.server)\" offers a new tool, \(offer.tool), held until you accept it"
            : "the definition of \(offer.tool) on server \"\(offer.server)\" changed since it was pinned "
                + "(\(offer.change))"
        return ApprovalSummary.oneLine(
            "mcp-firewall-hub pin [\(callID)]: \(what). Read it first: mcp-firewall-hub pins diff "
                + "\(offer.server).\(offer.tool). Code \(code) accepts this definition (it runs nothing). "
                + "Expires in \(ttlSeconds) s. Give the code to your agent only if you accept it.")
    }
}
