import MCPWire

/// The text that tells a human, out of band, what a held call would do and which code approves it.
/// It must never hide an argument: every key is listed, sorted (the model chooses the order it sends
/// them in, not what the human sees first), and when a value is too long to show whole it says so
/// plainly and where the whole frozen call is.
struct ApprovalSummary {
    /// Most characters of one argument value shown; the budget shrinks with the argument count.
    static let valueBudget = 3_000
    static let maxValueCharacters = 300
    static let minValueCharacters = 40
    static let maxKeyCharacters = 64

    let call: FrozenCall
    let callID: String

    /// "payments/refund amount=5, to_account="…"" with every argument, and whether any was cut.
    func describeCall() -> (text: String, cut: Bool) {
        let arguments = (call.arguments ?? JSONObject()).members.sorted {
            $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
        }
        let perValue = max(
            Self.minValueCharacters, min(Self.maxValueCharacters, Self.valueBudget / max(1, arguments.count)))
        var cut = false
        var parts: [String] = []
        for member in arguments {
            var key = Self.oneLine(member.key)
            if key.count > Self.maxKeyCharacters {
                key = String(key.prefix(Self.maxKeyCharacters)) + "…"
                cut = true
            }
            var value = Self.oneLine(member.value.serialized())
            if value.count > perValue {
                value = String(value.prefix(perValue)) + "…(\(value.count) chars)"
                cut = true
            }
            parts.append("\(key)=\(value)")
        }
        let list = parts.isEmpty ? "(no arguments)" : parts.joined(separator: ", ")
        return ("\(call.server)/\(call.tool) \(list)", cut)
    }

    /// The `{summary}` of `approval.notify`: what would run, the codes, and where the whole call is
    /// when something was cut.
    func text(code: String, sessionCode: String?, ttlSeconds: Int, fullCallPath: String?) -> String {
        let (described, cut) = describeCall()
        var text = "mcp-firewall-hub approval [\(callID)]: \(described). Code \(code) runs it once"
        if let sessionCode {
            text += "; code \(sessionCode) runs it and allows \(call.server)/\(call.tool) for the rest of this session"
        }
        text += ". Expires in \(ttlSeconds) s. Give a code to your agent only if you want this to run."
        if cut {
            text +=
                fullCallPath.map { " Some values are shortened here; the whole call is in \($0)." }
                ?? " Some values are shortened here; the whole call could not be saved, so decline if unsure."
        }
        return text
    }

    /// `text` on one line: line breaks and other control characters shown as escapes.
    static func oneLine(_ text: String) -> String {
        var out: [UInt8] = []
        HubLog.appendVisible(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
