import MCPWire

/// The tool results `search_tools` and `describe_tool` answer with, and the error result of all
/// three. Text for the model first (short, one match a line), structured content beside it.
enum DiscoveryResults {
    static func search(query: String, matches: [DiscoveryCatalog.Match], searched: Int) -> JSONValue {
        var lines: [String] = []
        let quoted = JSONValue.string(query).serialized()
        if matches.isEmpty {
            lines.append(
                "No tool matches \(quoted) (\(searched) tools searched). Try other words: the action "
                    + "(\"refund\", \"list\"), the thing (\"invoice\", \"issue\") or the service.")
        } else {
            lines.append("\(matches.count) tools for \(quoted) (best first, of \(searched) searched):")
            for match in matches {
                let tool = match.tool
                let description = SearchDocument.oneLine(tool.definition["description"]?.stringValue)
                let summary = description.isEmpty ? "" : " — " + description
                lines.append("- \(tool.name)\(summary) [server: \(tool.server); firewall: \(tool.firewallLabel)]")
            }
            lines.append(
                "describe_tool {\"name\": …} shows a tool's arguments; call_tool {\"name\": …, \"arguments\": {…}} "
                    + "runs it (\"needs approval\": a human approves it first).")
        }
        var structured = JSONObject()
        structured["query"] = .string(query)
        structured["matches"] = .array(
            matches.map { match in
                [
                    "name": .string(match.tool.name), "server": .string(match.tool.server),
                    "description": .string(SearchDocument.oneLine(match.tool.definition["description"]?.stringValue)),
                    "firewall": .string(match.tool.firewallLabel),
                ]
            })
        structured["searched"] = .int(searched)
        return [
            "content": [["type": "text", "text": .string(lines.joined(separator: "\n"))]],
            "structuredContent": .object(structured),
            "isError": false,
        ]
    }

    static func describe(_ tool: DiscoverableTool) -> JSONValue {
        var body = JSONObject()
        body["tool"] = .object(tool.definition)
        body["server"] = .string(tool.server)
        body["firewall"] = .string(tool.firewallDetail)
        body["call_with"] = .string(
            "call_tool {\"name\": \(JSONValue.string(tool.name).serialized()), \"arguments\": {…}}")
        return [
            "content": [["type": "text", "text": .string(JSONValue.object(body).prettyPrinted())]], "isError": false,
        ]
    }

    static func error(_ error: DiscoveryError) -> JSONValue {
        ["content": [["type": "text", "text": .string(error.description)]], "isError": true]
    }
}
