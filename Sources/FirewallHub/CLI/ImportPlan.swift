import MCPWire

/// What `import` will do, worked out before anything is written: the servers found in a client's
/// files, the hub.json made of the ones it can take, the entry the client needs instead, and every
/// entry it leaves alone with why. Pure: files are read by the caller.
struct ImportPlan {
    /// A client file that was read, with its parsed content.
    struct ReadSource {
        var source: ClientConfigSources.Source
        var document: JSONObject
        /// It had comments or trailing commas (rewriting it would drop them).
        var hadExtras: Bool
    }

    struct Left {
        var source: String
        var name: String
        var reason: String
    }

    var sources: [ReadSource]
    var imported: [(source: Int, container: [String], server: ClientEntryConversion.Imported)] = []
    var left: [Left] = []

    init(sources: [ReadSource]) {
        self.sources = sources
        var used = Set<String>()
        for (index, read) in sources.enumerated() {
            for container in read.source.containers {
                guard let servers = Self.value(at: container, in: read.document)?.objectValue else { continue }
                for member in servers {
                    switch ClientEntryConversion.convert(name: member.key, entry: member.value, source: read.source) {
                    case .imported(var server):
                        server.name = Self.uniqueName(for: member.key, used: &used)
                        imported.append((index, container, server))
                    case .left(let reason):
                        left.append(Left(source: read.source.path, name: member.key, reason: reason))
                    }
                }
            }
        }
    }

    /// The object at a key path, if every step is an object member.
    static func value(at path: [String], in document: JSONObject) -> JSONValue? {
        var current: JSONValue = .object(document)
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// A hub server name (`[A-Za-z0-9_-]`, at most 32) for a client's name, unique among `used`.
    static func uniqueName(for clientName: String, used: inout Set<String>) -> String {
        var base = String(
            String.UnicodeScalarView(
                clientName.unicodeScalars.map { scalar in
                    (scalar.isASCII && scalar.properties.isAlphabetic) || ("0"..."9").contains(scalar) || scalar == "_"
                        || scalar == "-" ? scalar : "_"
                }))
        if base.isEmpty { base = "server" }
        base = String(base.prefix(ServerConfig.maxNameLength))
        var name = base
        var counter = 2
        while used.contains(name) {
            let suffix = "-\(counter)"
            name = String(base.prefix(ServerConfig.maxNameLength - suffix.count)) + suffix
            counter += 1
        }
        used.insert(name)
        return name
    }

    /// hub.json: the imported servers, no other setting (the built-in policy step decides until the user
    /// writes policies; `check` says so for each server).
    /// `maskingSecrets` replaces literal credentials with a placeholder (for a preview).
    func hubConfig(maskingSecrets: Bool = false) -> JSONValue {
        var servers = JSONObject()
        for item in imported {
            var entry = item.server.entry
            if maskingSecrets, var env = entry["env"]?.objectValue {
                for key in item.server.literalSecrets { env[key] = "<literal value, not shown>" }
                entry["env"] = .object(env)
            }
            servers[item.server.name] = .object(entry)
        }
        return ["servers": .object(servers)]
    }

    /// Variables the client's entry for the hub must set (VS Code inputs, the workspace folder).
    var clientVariables: [(name: String, expression: String)] {
        var result: [(name: String, expression: String)] = []
        for item in imported {
            for variable in item.server.clientVariables where !result.contains(where: { $0.name == variable.name }) {
                result.append(variable)
            }
        }
        return result
    }

    /// The client's entry that runs the hub.
    func hubEntry(executable: String, configPath: String, client: String) -> JSONObject {
        var entry = JSONObject()
        if client == "vscode" || client == "claude-code" { entry["type"] = "stdio" }
        entry["command"] = .string(executable)
        entry["args"] = ["serve", "--config", .string(configPath)]
        let variables = clientVariables
        if !variables.isEmpty {
            entry["env"] = .object(JSONObject(variables.map { ($0.name, JSONValue.string($0.expression)) }))
        }
        return entry
    }
}
