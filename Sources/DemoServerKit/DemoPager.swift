import MCPWire

/// Offset pagination with opaque cursors (`<prefix><hex offset>`), shared by every list a demo
/// server answers. Without a page size every list comes in one page and no cursor is valid.
struct DemoPager: Sendable {
    let pageSize: Int?

    struct Page {
        var range: Range<Int>
        var nextCursor: String?
    }

    /// The slice of a `count`-long list that `cursor` (the request's `params.cursor`) asks for, or
    /// -32602 for a cursor this pager could not have issued (or one now past the end of the list).
    func page(count: Int, cursor: JSONValue?, prefix: String) -> Result<Page, JSONRPCError> {
        var offset = 0
        if let cursor {
            guard pageSize != nil, let text = cursor.stringValue, text.hasPrefix(prefix),
                let start = Int(text.dropFirst(prefix.count), radix: 16), start > 0, start < count
            else { return .failure(.invalidParams("unknown or expired cursor \(cursor.serialized())")) }
            offset = start
        }
        let end = pageSize.map { min(offset + $0, count) } ?? count
        let next = end < count ? prefix + String(end, radix: 16) : nil
        return .success(Page(range: offset..<end, nextCursor: next))
    }

    /// A list result `{<key>: [...], nextCursor?}` for one page of `entries`.
    func listResult(
        _ request: JSONRPCMessage.Request, key: String, entries: [JSONValue], prefix: String
    ) -> JSONRPCMessage.Response {
        switch page(count: entries.count, cursor: request.params?["cursor"], prefix: prefix) {
        case .failure(let error):
            return .error(request.id, error)
        case .success(let page):
            var result = JSONObject()
            result[key] = .array(Array(entries[page.range]))
            if let next = page.nextCursor { result["nextCursor"] = .string(next) }
            return .result(request.id, .object(result))
        }
    }
}
