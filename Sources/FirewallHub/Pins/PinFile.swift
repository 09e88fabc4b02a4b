import MCPWire

/// The pin store's contents: per server, the accepted ("pinned") definition of each tool and of its
/// instructions, and what a hub or `pins diff` last saw that differs ("pending", awaiting a human).
/// A plain value with its JSON form; reading it checks every hash, so a hand edit is refused.
struct PinFile: Equatable, Sendable {
    static let formatVersion = 1

    var servers: [String: ServerPins] = [:]
}

struct ServerPins: Equatable, Sendable {
    /// Accepted tool definitions, by the tool's own name.
    var tools: [String: PinnedTool] = [:]
    /// Accepted instructions; nil only in a store written before instructions were seen.
    var instructions: PinnedInstructions?
    /// Seen and differing from `tools` (changed or new), by tool name.
    var pendingTools: [String: PinnedTool] = [:]
    var pendingInstructions: PinnedInstructions?

    var isEmpty: Bool {
        tools.isEmpty && instructions == nil && pendingTools.isEmpty && pendingInstructions == nil
    }
}

struct PinnedTool: Equatable, Sendable {
    var hash: String
    /// The pinned subject (`ToolFingerprint.subject`), kept for diffs and for listing while held.
    var definition: JSONObject
    /// RFC 3339: when it was pinned (or, pending, last seen).
    var at: String

    init(definition tool: JSONObject, at: String) {
        self.definition = ToolFingerprint.subject(of: tool)
        self.hash = ToolFingerprint.hash(of: tool)
        self.at = at
    }
}

struct PinnedInstructions: Equatable, Sendable {
    var hash: String
    /// nil: the server gave none.
    var text: String?
    var at: String

    init(text: String?, at: String) {
        self.text = text
        self.hash = ToolFingerprint.hash(ofInstructions: text)
        self.at = at
    }
}

extension PinFile {
    /// Pretty JSON, servers and tools in name order, so a diff of the file itself reads well.
    func encoded() -> [UInt8] {
        var serversObject = JSONObject()
        for name in servers.keys.sorted() {
            let pins = servers[name]!
            var o = JSONObject()
            o["instructions"] = pins.instructions.map(Self.encode)
            o["tools"] = .object(Self.encode(pins.tools))
            var pending = JSONObject()
            if !pins.pendingTools.isEmpty { pending["tools"] = .object(Self.encode(pins.pendingTools)) }
            pending["instructions"] = pins.pendingInstructions.map(Self.encode)
            if !pending.isEmpty { o["pending"] = .object(pending) }
            serversObject[name] = .object(o)
        }
        let document = JSONValue.object(
            JSONObject([("version", .int(Self.formatVersion)), ("servers", .object(serversObject))]))
        return Array((document.prettyPrinted() + "\n").utf8)
    }

    private static func encode(_ tools: [String: PinnedTool]) -> JSONObject {
        var o = JSONObject()
        for name in tools.keys.sorted() {
            let tool = tools[name]!
            o[name] = .object(
                JSONObject([
                    ("hash", .string(tool.hash)), ("at", .string(tool.at)), ("definition", .object(tool.definition)),
                ]))
        }
        return o
    }

    private static func encode(_ instructions: PinnedInstructions) -> JSONValue {
        .object(
            JSONObject([
                ("hash", .string(instructions.hash)), ("at", .string(instructions.at)),
                ("text", instructions.text.map(JSONValue.string) ?? .null),
            ]))
    }

    /// Why bytes are not a pin store this hub wrote.
    struct Problem: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    private static func fail<T>(_ reason: String) -> Result<T, Problem> { .failure(Problem(reason: reason)) }

    /// The file's contents, or why they are not a pin store this hub wrote.
    static func decode(_ bytes: [UInt8]) -> Result<PinFile, PinFile.Problem> {
        let json: JSONValue
        do {
            // A definition may be nested as deep as any message (defaultMaxDepth); the store wraps it a few levels deeper.
            json = try JSONParser.parse(bytes, maxDepth: JSONParser.defaultMaxDepth + 16)
        } catch {
            return fail("not JSON: \(error)")
        }
        guard json["version"]?.intValue == formatVersion else {
            return fail("not a version \(formatVersion) pin store")
        }
        guard let servers = json["servers"]?.objectValue else { return fail("no \"servers\" object") }
        var file = PinFile()
        for member in servers {
            var pins = ServerPins()
            let at = "servers.\(member.key)"
            guard let o = member.value.objectValue else { return fail("\(at) is not an object") }
            switch (
                decodeTools(o["tools"], at: at + ".tools"),
                decodeTools(o["pending"]?["tools"], at: at + ".pending.tools"),
                decodeInstructions(o["instructions"], at: at + ".instructions"),
                decodeInstructions(o["pending"]?["instructions"], at: at + ".pending.instructions")
            ) {
            case (.success(let tools), .success(let pending), .success(let instructions), .success(let pendingText)):
                (pins.tools, pins.pendingTools) = (tools, pending)
                (pins.instructions, pins.pendingInstructions) = (instructions, pendingText)
            case (.failure(let why), _, _, _), (_, .failure(let why), _, _), (_, _, .failure(let why), _),
                (_, _, _, .failure(let why)):
                return .failure(why)
            }
            file.servers[member.key] = pins
        }
        return .success(file)
    }

    private static func decodeTools(_ value: JSONValue?, at path: String) -> Result<
        [String: PinnedTool], PinFile.Problem
    > {
        guard let value else { return .success([:]) }
        guard let object = value.objectValue else { return fail("\(path) is not an object") }
        var tools: [String: PinnedTool] = [:]
        for member in object {
            guard let definition = member.value["definition"]?.objectValue,
                let hash = member.value["hash"]?.stringValue,
                let at = member.value["at"]?.stringValue
            else { return fail("\(path).\(member.key) lacks definition, hash or at") }
            let tool = PinnedTool(definition: definition, at: at)
            guard tool.hash == hash, tool.definition == definition else {
                return fail("\(path).\(member.key): the hash does not match the definition (edited by hand?)")
            }
            tools[member.key] = tool
        }
        return .success(tools)
    }

    private static func decodeInstructions(_ value: JSONValue?, at path: String) -> Result<
        PinnedInstructions?, PinFile.Problem
    > {
        guard let value, !value.isNull else { return .success(nil) }
        guard let hash = value["hash"]?.stringValue, let at = value["at"]?.stringValue, let text = value["text"],
            text.isNull || text.stringValue != nil
        else { return fail("\(path) lacks hash, at or text") }
        let instructions = PinnedInstructions(text: text.stringValue, at: at)
        guard instructions.hash == hash else {
            return fail("\(path): the hash does not match the text (edited by hand?)")
        }
        return .success(instructions)
    }
}
