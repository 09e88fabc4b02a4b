import MCPWire

/// One audit record as a readable row for `audit tail` and `audit show`:
/// `TIME  KIND  SUBJECT  WHAT  (details)`. Every text a server or client chose is shown with control
/// and reordering characters escaped, so a record cannot rewrite the terminal. Pure.
enum AuditRows {
    static func row(_ record: JSONObject) -> String {
        func text(_ key: String) -> String? {
            guard let value = record[key] else { return nil }
            return value.stringValue ?? value.serialized()
        }
        let kind = text("kind") ?? "?"
        var subject = "-"
        if let name = text("name") {
            subject = name
        } else if let server = text("server") {
            subject = text("tool").map { "\(server).\($0)" } ?? server
        }
        var what: [String] = []
        var details: [(String, String?)] = []
        switch kind {
        case "decision":
            what = [text("decision"), text("effect").map { "-> \($0)" }].compactMap { $0 }
            details = [
                ("rule", text("rule")), ("channel", text("channel")), ("grant", text("grant")),
                ("scope", text("scope")),
                ("reason", text("reason")), ("args", record["arguments"].map { clip($0.serialized()) }),
            ]
        case "approval":
            what = [text("result"), text("channel").map { "via \($0)" }].compactMap { $0 }
            details = [("scope", text("scope")), ("grant", text("grant"))]
        case "outcome":
            what = [text("outcome") ?? "?"]
            if record["is_error"] == .bool(true) { what.append("(isError)") }
            if let ms = text("duration_ms") { what.append("in \(ms) ms") }
            details = [
                ("bytes", text("result_bytes")), ("code", record["error"]?["code"].map { $0.serialized() }),
                ("error", record["error"]?["message"]?.stringValue.map(clip)),
            ]
        case "pin":
            what = [text("event") ?? "?"]
            if text("subject") == "instructions" { subject += " (instructions)" }
            details = [
                ("hash", text("definition_hash").map { String($0.prefix(12)) }),
                ("pinned", text("pinned_hash").map { String($0.prefix(12)) }), ("what", text("summary")),
                ("via", text("channel")),
            ]
        case "session_start":
            what = ["hub \(text("hub_version") ?? "?")"]
            details = [("pid", text("pid")), ("config", text("config")), ("servers", text("servers"))]
        case "session_end", "restart":
            what = [text("reason") ?? ""]
            details = [("attempt", text("attempt"))]
        case "client":
            what = [record["client"]?["name"]?.stringValue ?? "?", record["client"]?["version"]?.stringValue ?? ""]
            details = [("protocol", text("protocol_version"))]
        case "config_reload":
            what = [record["applied"] == .bool(true) ? "applied" : "rejected"]
            details = [
                ("reason", text("reason")), ("added", text("added")), ("removed", text("removed")),
                ("changed", text("changed")),
            ]
        case "rotate": what = ["continues \(text("previous_file") ?? "?")"]
        case "repair": what = ["\(text("torn_bytes") ?? "?") torn bytes before this record"]
        default: break
        }
        var parts = [
            text("time") ?? "?", pad(kind, 9), pad(subject, 24), what.filter { !$0.isEmpty }.joined(separator: " "),
        ]
        let extra = details.compactMap { key, value in value.map { "\(key)=\($0)" } }
        var session = ""
        if let id = text("session") { session = "session=\(id.prefix(9))" }
        if let call = text("call") { session += " call=\(call)" }
        parts.append((extra + [session]).filter { !$0.isEmpty }.joined(separator: " "))
        return visible(parts.joined(separator: "  "))
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func clip(_ text: String) -> String {
        text.count <= 160 ? text : String(text.prefix(157)) + "..."
    }

    /// `text` with control, line-break and bidirectional characters escaped.
    static func visible(_ text: String) -> String {
        var out: [UInt8] = []
        HubLog.appendVisible(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
