import MCPWire

/// Deterministic synthetic tool catalogs for the discovery tests and `bench-discovery`: the twenty
/// `SyntheticServer`s (400 tools), repeated with other nouns for larger sizes. Fixture data only;
/// the hub never lists it.
enum SyntheticTools {
    /// One server's tool definitions (the target's own names), as its `tools/list` would give them.
    struct Server: Sendable {
        var name: String
        var tools: [JSONObject]
    }

    /// `servers` servers of `toolsPerServer` tools each (20 and 20 give the 400-tool fixture; up to
    /// 20 tools a server). Server 21 onwards repeat the twenty with nouns from `moreNouns`.
    static func servers(count servers: Int, toolsPerServer: Int = 20) -> [Server] {
        var generator = SplitMix64(seed: 0x5EED_D15C)
        return (0..<servers).map { index in
            var template = SyntheticServer.catalog[index % SyntheticServer.catalog.count]
            if index >= SyntheticServer.catalog.count {
                template.name += "_\(index / SyntheticServer.catalog.count + 1)"
                var nouns: [String] = []
                while nouns.count < 4 {
                    let noun = SyntheticServer.moreNouns[
                        Int(generator.next() % UInt64(SyntheticServer.moreNouns.count))]
                    if !nouns.contains(noun) { nouns.append(noun) }
                }
                template.nouns = nouns
            }
            return Server(name: template.name, tools: Array(tools(of: template).prefix(toolsPerServer)))
        }
    }

    /// The 16 noun tools (list, get, create, delete of four nouns) and the four special ones.
    static func tools(of server: SyntheticServer) -> [JSONObject] {
        var result: [JSONObject] = []
        var seen = Set<String>()
        func add(_ name: String, _ description: String, _ args: [(String, String, String)], _ kind: Kind) {
            guard seen.insert(name).inserted else { return }
            result.append(definition(name, description, args, kind: kind, openWorld: server.openWorld))
        }
        for noun in server.nouns {
            let words = noun.replacingUnderscores
            let plural = pluralOf(noun)
            add(
                "list_\(plural)",
                "List \(pluralOf(words)) in \(server.service). Returns up to `limit` \(pluralOf(words)) with their ids, "
                    + "newest first; pass `cursor` for the next page.",
                [
                    ("limit", "integer", "Maximum number of \(pluralOf(words)) to return"),
                    ("cursor", "string", "Cursor from the previous page"),
                ], .read)
            add(
                "get_\(noun)", "Get one \(words) from \(server.service) by its id, with all of its fields.",
                [("\(noun)_id", "string", "The \(words)'s id")], .read)
            add(
                "create_\(noun)", "Create a new \(words) in \(server.service).",
                [("name", "string", "Name of the new \(words)"), ("description", "string", "Optional description")],
                .write)
            add(
                "delete_\(noun)", "Delete a \(words) from \(server.service) permanently. This cannot be undone.",
                [("\(noun)_id", "string", "The \(words)'s id")], .destroy)
        }
        for (name, description, args) in server.specials {
            let lowered = name.lowercased()
            let kind: Kind =
                ["list", "get", "read", "search", "find", "retrieve", "explain", "analyze", "lookup", "query", "fetch"]
                    .contains { lowered.hasPrefix($0) } ? .read : .write
            add(name, description, args, kind)
        }
        return result
    }

    enum Kind {
        case read, write, destroy
    }

    static func definition(
        _ name: String, _ description: String, _ args: [(String, String, String)], kind: Kind, openWorld: Bool
    ) -> JSONObject {
        var properties = JSONObject()
        for (argument, type, text) in args {
            var schema: JSONObject = ["type": .string(type), "description": .string(text)]
            if type == "array" { schema["items"] = ["type": "string"] }
            properties[argument] = .object(schema)
        }
        let required = args.prefix(1).filter { !["limit", "cursor"].contains($0.0) }.map { JSONValue.string($0.0) }
        var annotations: JSONObject = ["readOnlyHint": .bool(kind == .read), "openWorldHint": .bool(openWorld)]
        if kind == .destroy { annotations["destructiveHint"] = true }
        return [
            "name": .string(name), "description": .string(description),
            "inputSchema": ["type": "object", "properties": .object(properties), "required": .array(required)],
            "annotations": .object(annotations),
        ]
    }

    static func pluralOf(_ noun: String) -> String {
        if noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) {
            return noun.dropLast() + "ies"
        }
        if noun.hasSuffix("s") || noun.hasSuffix("sh") || noun.hasSuffix("ch") || noun.hasSuffix("x") {
            return noun + "es"
        }
        return noun + "s"
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

/// A small seeded generator (SplitMix64), so fixtures are the same on every run and platform.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E09B
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
