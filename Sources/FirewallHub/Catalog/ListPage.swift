import MCPWire

/// Owns: the hub's own pages of a merged list and their cursors. Never: reads a target's pages (the
/// target pool does) or accepts a cursor it did not write.
enum ListPage {
    /// Items per page of a merged list the hub returns.
    static let size = 500

    /// The result for a list request with `cursor` (nil or null: the first page), or -32602.
    static func result(_ kind: ListKind, items: [JSONValue], cursor: JSONValue?) -> Result<JSONObject, JSONRPCError> {
        var offset = 0
        if let cursor, !cursor.isNull {
            guard let text = cursor.stringValue, let parsed = parse(text, kind: kind), parsed <= items.count else {
                return .failure(.invalidParams("invalid cursor for \(kind.method)"))
            }
            offset = parsed
        }
        let end = min(items.count, offset + size)
        var result = JSONObject()
        result[kind.resultKey] = .array(Array(items[offset..<end]))
        if end < items.count { result["nextCursor"] = .string(self.cursor(kind: kind, offset: end)) }
        return .success(result)
    }

    /// The hub's cursors: opaque to clients, checked strictly when they come back.
    static func cursor(kind: ListKind, offset: Int) -> String {
        "mcp-firewall-hub:\(kind.rawValue):\(offset)"
    }

    static func parse(_ text: String, kind: ListKind) -> Int? {
        let prefix = "mcp-firewall-hub:\(kind.rawValue):"
        guard text.hasPrefix(prefix), let offset = Int(text.dropFirst(prefix.count)), offset > 0 else { return nil }
        return offset
    }
}
