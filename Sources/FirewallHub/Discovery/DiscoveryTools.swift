import MCPWire

/// The definitions of the hub's three discovery tools, as listed in `discover` mode. Only the
/// definitions: what a call of each does is `DiscoveryCatalog.handle` (DiscoveryRequest.swift).
enum DiscoveryTools {
    static let searchName = "search_tools"
    static let describeName = "describe_tool"
    static let callName = "call_tool"
    /// Reserved in the catalog whenever discovery is on, so no target tool can take these names.
    static let names: Set<String> = [searchName, describeName, callName]

    static let defaultLimit = 10
    static let maxLimit = 50
    static let maxQueryCharacters = 1_000

    /// In listing order.
    static var definitions: [JSONValue] { [search, describe, call] }

    static let search: JSONValue = [
        "name": .string(searchName),
        "title": "Search the tools behind this hub",
        "description": """
        Finds tools of the servers behind this hub that are not listed directly. Say in a few words what you \
        want to do (e.g. "refund a payment"). Returns the best matches with their server, a one-line \
        description and what the firewall does on a call: "allow", "needs approval" (a human approves first) \
        or "depends on arguments". Then describe_tool shows a tool's arguments and call_tool runs it.
        """,
        "inputSchema": [
            "type": "object",
            "properties": [
                "query": ["type": "string", "description": "What you want to do, in a few words, or a tool name."],
                "limit": [
                    "type": "integer", "minimum": 1, "maximum": .int(maxLimit),
                    "description": .string("How many matches to return (default \(defaultLimit))."),
                ],
                "server": ["type": "string", "description": "Only search this server's tools."],
            ],
            "required": ["query"],
        ],
        "annotations": [
            "title": "Search tools", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true,
            "openWorldHint": false,
        ],
    ]

    static let describe: JSONValue = [
        "name": .string(describeName),
        "title": "Describe a tool found with search_tools",
        "description": """
        Shows the full definition of a tool found with search_tools: description, input schema (the \
        arguments call_tool needs), annotations, and what the firewall does on a call.
        """,
        "inputSchema": [
            "type": "object",
            "properties": ["name": ["type": "string", "description": "The tool's name as search_tools gave it."]],
            "required": ["name"],
        ],
        "annotations": [
            "title": "Describe a tool", "readOnlyHint": true, "destructiveHint": false, "idempotentHint": true,
            "openWorldHint": false,
        ],
    ]

    static let call: JSONValue = [
        "name": .string(callName),
        "title": "Call a tool found with search_tools",
        "description": """
        Calls a tool found with search_tools, by name, with its arguments (see describe_tool). The firewall \
        treats it exactly like a direct call: it runs, is held for human approval (follow the instructions in \
        the result), or is refused.
        """,
        "inputSchema": [
            "type": "object",
            "properties": [
                "name": ["type": "string", "description": "The tool's name as search_tools gave it."],
                "arguments": ["type": "object", "description": "The tool's arguments, as its input schema says."],
            ],
            "required": ["name"],
        ],
        "annotations": [
            "title": "Call a tool", "readOnlyHint": false, "destructiveHint": true, "idempotentHint": false,
            "openWorldHint": true,
        ],
    ]
}
