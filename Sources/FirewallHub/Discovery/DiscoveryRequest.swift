import MCPWire

/// What a call of `search_tools`, `describe_tool` or `call_tool` asks of the hub. Pure: it reads the
/// discovery catalog and returns either the answer or the tools/call the router must run instead;
/// it never runs, approves or refuses a target tool itself.
enum DiscoveryAction: Sendable, Equatable {
    /// Answer the client's call with this tool result.
    case answer(JSONValue)
    /// Handle the client's request exactly as a `tools/call` with these params: `name` is the
    /// client-facing name of the target tool, `arguments` its arguments, and every other member of the
    /// original params (`_meta`, `requestState`, `inputResponses`, …) is kept. Same policy, approval,
    /// grants, pins and audit as a direct call.
    case route(name: String, params: JSONObject)
}

/// Why a discovery call could not be served; rendered once, as the tool error the model reads.
enum DiscoveryError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingArgument(tool: String, argument: String)
    case wrongType(tool: String, argument: String, expected: String)
    case queryTooLong(limit: Int)
    case noSearchableWords
    case limitOutOfRange(Int)
    case unknownTool(String)
    case hubTool(String)

    var description: String {
        switch self {
        case .missingArgument(let tool, let argument):
            return "\(tool) needs \"\(argument)\"."
        case .wrongType(let tool, let argument, let expected):
            return "\(tool): \"\(argument)\" must be \(expected)."
        case .queryTooLong(let limit):
            return "search_tools: the query is longer than \(limit) characters; say it in a few words."
        case .noSearchableWords:
            return "search_tools: the query has no words to search for; say what you want to do, e.g. "
                + "\"refund a payment\"."
        case .limitOutOfRange(let limit):
            return "search_tools: \"limit\" is \(limit); it must be from 1 to \(DiscoveryTools.maxLimit)."
        case .unknownTool(let name):
            return "Unknown tool: \(name). Use search_tools to find the tools this hub offers, and pass the "
                + "name exactly as it gives it."
        case .hubTool(let name):
            return "\(name) is one of the hub's own tools: call it directly, not through call_tool."
        }
    }
}

extension DiscoveryCatalog {
    /// The hub's own tools, which `call_tool` never routes to.
    static var hubToolNames: Set<String> { DiscoveryTools.names.union([ToolCatalog.confirmToolName]) }

    /// The action for a client's `tools/call` with these params when `params.name` is one of the
    /// three discovery tools; nil for any other name. `resolve` maps a client-given name (listed name
    /// or alias) to the listed name, as the router's direct calls do.
    func handle(params: JSONObject, resolve: (String) -> String?) -> DiscoveryAction? {
        guard let tool = params["name"]?.stringValue, DiscoveryTools.names.contains(tool) else { return nil }
        let arguments = params["arguments"]?.objectValue ?? JSONObject()
        do throws(DiscoveryError) {
            if let other = params["arguments"], other.objectValue == nil, !other.isNull {
                throw .wrongType(tool: tool, argument: "arguments", expected: "an object")
            }
            switch tool {
            case DiscoveryTools.searchName:
                return .answer(try searchResult(arguments))
            case DiscoveryTools.describeName:
                let name = try Self.string(arguments, "name", tool: tool)
                guard let found = resolve(name).flatMap(describable(named:)) else { throw .unknownTool(name) }
                return .answer(DiscoveryResults.describe(found))
            default:
                return try route(arguments, params: params, resolve: resolve)
            }
        } catch {
            return .answer(DiscoveryResults.error(error))
        }
    }

    private func searchResult(_ arguments: JSONObject) throws(DiscoveryError) -> JSONValue {
        let tool = DiscoveryTools.searchName
        let query = try Self.string(arguments, "query", tool: tool)
        if query.count > DiscoveryTools.maxQueryCharacters {
            throw .queryTooLong(limit: DiscoveryTools.maxQueryCharacters)
        }
        if SearchTokenizer.terms(query).isEmpty && SearchIndex.normalizedExactName(query) == nil {
            throw .noSearchableWords
        }
        var limit = DiscoveryTools.defaultLimit
        if let value = arguments["limit"], !value.isNull {
            guard let number = value.intValue ?? value.doubleValue.flatMap({ Int(exactly: $0) }) else {
                throw .wrongType(tool: tool, argument: "limit", expected: "an integer")
            }
            guard (1...DiscoveryTools.maxLimit).contains(number) else { throw .limitOutOfRange(number) }
            limit = number
        }
        var server: String?
        if let value = arguments["server"], !value.isNull {
            guard let text = value.stringValue else {
                throw .wrongType(tool: tool, argument: "server", expected: "a string")
            }
            server = text.isEmpty ? nil : text
        }
        let matches = search(query, limit: limit, server: server)
        return DiscoveryResults.search(query: query, matches: matches, searched: findableCount)
    }

    private func route(
        _ arguments: JSONObject, params: JSONObject, resolve: (String) -> String?
    ) throws(DiscoveryError) -> DiscoveryAction {
        let tool = DiscoveryTools.callName
        let name = try Self.string(arguments, "name", tool: tool)
        if Self.hubToolNames.contains(name) { throw .hubTool(name) }
        // A hidden tool is not in this catalog: it gets exactly the unknown-tool answer.
        guard let listed = resolve(name), let target = self.tool(named: listed) else { throw .unknownTool(name) }
        var routed = params
        routed["name"] = .string(target.name)
        switch arguments["arguments"] {
        case nil, .null?: routed["arguments"] = nil
        case .object(let inner)?: routed["arguments"] = .object(inner)
        case .some:
            throw .wrongType(tool: tool, argument: "arguments", expected: "an object (the tool's arguments)")
        }
        return .route(name: target.name, params: routed)
    }

    private static func string(_ arguments: JSONObject, _ key: String, tool: String) throws(DiscoveryError) -> String {
        guard let value = arguments[key], !value.isNull else { throw .missingArgument(tool: tool, argument: key) }
        guard let text = value.stringValue, !text.isEmpty else {
            throw .wrongType(tool: tool, argument: key, expected: "a non-empty string")
        }
        return text
    }
}
