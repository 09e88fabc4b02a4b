import MCPWire

/// The `elicitation/create` form that asks a person whether to accept a held tool definition, shown
/// when the agent calls the tool, and the reading of the answer. Pure. The form shows the whole diff
/// (it is for the person, not the model); only `accept: true` under `action: "accept"` accepts, and the
/// acceptance is bound to the hash shown (`PinOffer.hash`).
struct PinOffer: Sendable, Equatable {
    var server: String
    var tool: String
    var exposedName: String
    /// The hash of the definition shown: what an acceptance pins, and nothing else.
    var hash: String
    /// The readable diff (changed tool) or the whole definition (new tool), one line each.
    var lines: [String]
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
}
