import MCPWire

/// One server entry of an MCP client's config, turned into a hub.json server entry, or the reason it
/// stays in the client. Conservative: an entry with anything it does not fully understand (a key, a
/// `${…}` only the client can expand, a remote transport) is left where it is, never half-imported.
enum ClientEntryConversion {
    /// A server entry ready for hub.json.
    struct Imported {
        /// The hub's name for it (`[A-Za-z0-9_-]{1,32}`), and the client's.
        var name: String
        var clientName: String
        var entry: JSONObject
        /// `env` keys whose values are literal credentials, kept as they are (see ImportCommand).
        var literalSecrets: [String] = []
        /// Variables hub.json now refers to that the client's entry for the hub must set, with the
        /// client expression giving each (`"API_KEY": "${input:api-key}"`).
        var clientVariables: [(name: String, expression: String)] = []
        /// Every `${VAR}` hub.json refers to for this server.
        var variables: [String] = []
    }

    enum Outcome {
        case imported(Imported)
        /// Left in the client, with why.
        case left(reason: String)
    }

    static let understoodKeys: Set<String> = ["type", "command", "args", "env", "cwd", "description"]

    static func convert(
        name: String, entry value: JSONValue, source: ClientConfigSources.Source
    ) -> Outcome {
        guard let entry = value.objectValue else { return .left(reason: "the entry is not an object") }
        if entry["url"] != nil
            || ["http", "sse", "streamable-http", "streamableHttp", "ws"].contains(entry["type"]?.stringValue ?? "")
        {
            return .left(
                reason: "a remote (\(entry["type"]?.stringValue ?? "url")) server: the hub fronts local stdio servers")
        }
        if let type = entry["type"], type != "stdio" { return .left(reason: "unknown type \(type.serialized())") }
        if entry["disabled"] == .bool(true) { return .left(reason: "disabled in the client") }
        if entry["envFile"] != nil { return .left(reason: "uses envFile, which the hub cannot read") }
        if let key = entry.keys.first(where: { !understoodKeys.contains($0) }) {
            return .left(reason: "has \"\(key)\", which import does not understand")
        }
        guard case .string(let rawCommand)? = entry["command"], !rawCommand.isEmpty else {
            return .left(reason: "no \"command\"")
        }
        var translator = Translator(source: source)
        var result = JSONObject()
        do throws(Untranslatable) {
            var command = try translator.translate(rawCommand)
            if LocalPath.lastComponent(command) == HubVersion.name || command == OwnExecutable.path {
                return .left(reason: "already the hub")
            }
            if command.contains("/"), !command.hasPrefix("/"), !command.hasPrefix("${") {
                guard let project = source.projectDirectory else {
                    return .left(reason: "a relative command path (\(command)) with no project to resolve it against")
                }
                command = LocalPath.absolute(LocalPath.appending(command, to: project))
            }
            result["command"] = .string(command)
            if let args = entry["args"] {
                guard let items = args.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                    return .left(reason: "\"args\" is not an array of strings")
                }
                var translated: [JSONValue] = []
                for item in items { translated.append(.string(try translator.translate(item.stringValue!))) }
                result["args"] = .array(translated)
            }
            var literalSecrets: [String] = []
            if let env = entry["env"] {
                guard let members = env.objectValue, members.allSatisfy({ $0.value.stringValue != nil }) else {
                    return .left(reason: "\"env\" holds values that are not strings")
                }
                var translated = JSONObject()
                for member in members {
                    let text = try translator.translate(member.value.stringValue!)
                    translated[member.key] = .string(text)
                    if ConfigReview.looksSecret(key: member.key, value: text) { literalSecrets.append(member.key) }
                }
                result["env"] = .object(translated)
            }
            if case .string(let cwd)? = entry["cwd"] {
                let text = try translator.translate(cwd)
                if !text.hasPrefix("/"), !text.hasPrefix("${") {
                    guard let project = source.projectDirectory else {
                        return .left(reason: "a relative cwd with no project to resolve it against")
                    }
                    result["cwd"] = .string(LocalPath.absolute(LocalPath.appending(text, to: project)))
                } else {
                    result["cwd"] = .string(text)
                }
            } else if let project = source.projectDirectory {
                result["cwd"] = .string(project)  // the client starts project servers in the project
            }
            if case .string(let description)? = entry["description"] { result["description"] = .string(description) }
            return .imported(
                Imported(
                    name: name, clientName: name, entry: result, literalSecrets: literalSecrets,
                    clientVariables: translator.clientVariables, variables: translator.variables))
        } catch {
            return .left(reason: error.reason)
        }
    }

    struct Untranslatable: Error {
        var reason: String
    }

    /// Rewrites a client's `${…}` into hub.json's `${VAR}`.
    struct Translator {
        let source: ClientConfigSources.Source
        var clientVariables: [(name: String, expression: String)] = []
        var variables: [String] = []

        init(source: ClientConfigSources.Source) { self.source = source }

        mutating func translate(_ text: String) throws(Untranslatable) -> String {
            var out = ""
            var rest = Substring(text)
            while let open = rest.firstRange(of: "${") {
                out += rest[..<open.lowerBound]
                guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                    throw Untranslatable(reason: "an unclosed \"${\" in \(JSONValue.string(text).serialized())")
                }
                out += try placeholder(String(rest[open.upperBound..<close]))
                rest = rest[rest.index(after: close)...]
            }
            return out + rest
        }

        private mutating func placeholder(_ inner: String) throws(Untranslatable) -> String {
            func reference(_ name: String) -> String {
                if !variables.contains(name) { variables.append(name) }
                return "${\(name)}"
            }
            func viaClient(_ name: String, _ expression: String) -> String {
                if !clientVariables.contains(where: { $0.name == name }) { clientVariables.append((name, expression)) }
                return reference(name)
            }
            switch source.dialect {
            case .literal:
                throw Untranslatable(reason: "a value holds \"${\", which hub.json would expand (it has no escape)")
            case .claudeCode:
                let name = inner.split(separator: ":", maxSplits: 1).first.map(String.init) ?? inner
                guard Self.isVariableName(name), inner == name || inner.dropFirst(name.count).hasPrefix(":-") else {
                    throw Untranslatable(reason: "\"${\(inner)}\" is not a ${VAR} or ${VAR:-default} reference")
                }
                _ = reference(name)
                return "${\(inner)}"
            case .cursor, .vscode:
                if inner.hasPrefix("env:"), Self.isVariableName(String(inner.dropFirst(4))) {
                    return reference(String(inner.dropFirst(4)))
                }
                switch inner {
                case "userHome": return reference("HOME")
                case "pathSeparator", "/": return "/"
                case "workspaceFolder":
                    return source.projectDirectory ?? viaClient("WORKSPACE_FOLDER", "${workspaceFolder}")
                case "workspaceFolderBasename":
                    return source.projectDirectory.map(LocalPath.lastComponent)
                        ?? viaClient("WORKSPACE_FOLDER_BASENAME", "${workspaceFolderBasename}")
                default: break
                }
                if source.dialect == .vscode, inner.hasPrefix("input:") {
                    let id = String(inner.dropFirst(6))
                    return viaClient(Self.variableName(for: id), "${input:\(id)}")
                }
                throw Untranslatable(reason: "\"${\(inner)}\" is expanded by the client only")
            }
        }

        static func isVariableName(_ name: String) -> Bool {
            guard let first = name.unicodeScalars.first,
                first == "_" || (first.isASCII && first.properties.isAlphabetic)
            else { return false }
            return name.unicodeScalars.allSatisfy {
                $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
            }
        }

        /// `api-key` → `API_KEY`.
        static func variableName(for id: String) -> String {
            let mapped = String(
                String.UnicodeScalarView(
                    id.uppercased().unicodeScalars.map {
                        ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) ? $0 : "_"
                    }))
            return mapped.first.map { $0.isNumber } == true || mapped.isEmpty ? "_" + mapped : mapped
        }
    }
}
