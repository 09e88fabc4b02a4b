import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reviews a valid hub.json the way a security reviewer would and lists what is risky (`ConfigWarning`).
/// Pure but for two looks at the file system (does the command exist, may others read the file); it
/// starts nothing and never changes the config. Warnings that need the servers' tool lists are in
/// `ConfigReview+Tools`.
enum ConfigReview {
    static func warnings(for config: HubConfig, document: JSONValue, environment: [String: String]) -> [ConfigWarning] {
        var review = Collector(file: config.filePath)
        approvalWarnings(config, document: document, into: &review)
        for server in config.servers {
            policyWarnings(server, document: document, into: &review)
        }
        if config.defaults?.defaultAction == .allow {
            review.add(
                .allowByDefault, at: "defaults.default",
                "every server without its own default allows every tool no rule or list names, including tools "
                    + "a server adds later",
                fix: "use \"approve\" (or leave it unset), and allow the tools you trust by name")
        }
        if !config.pins.enabled {
            review.add(
                .pinningOff, at: "pins.enabled",
                "tool-definition pinning is off: a server can change a tool's description, schema or annotations "
                    + "(what the model reads and what the built-in policy trusts) without anyone noticing",
                fix: "remove \"enabled\": false; review changes with `mcp-firewall-hub pins diff`")
        }
        namingWarnings(config, into: &review)
        serverWarnings(config, document: document, environment: environment, into: &review)
        return review.warnings
    }

    /// Gathers warnings for one file.
    struct Collector {
        let file: String
        private(set) var warnings: [ConfigWarning] = []

        init(file: String) { self.file = file }

        mutating func add(_ kind: ConfigWarning.Kind, at path: String, _ message: String, fix: String) {
            warnings.append(ConfigWarning(kind: kind, file: file, jsonPath: path, message: message, fix: fix))
        }
    }

    /// The raw entry of a server in the document (`servers.x` or `mcpServers.x`).
    static func rawEntry(_ server: ServerConfig, in document: JSONValue) -> JSONValue? {
        document["servers"]?[server.name] ?? document["mcpServers"]?[server.name]
    }

    // MARK: - Naming

    static func namingWarnings(_ config: HubConfig, into review: inout Collector) {
        let separators: [String]
        if let separator = config.naming.separator {
            separators = separator == "." ? [] : [separator]
            if separator == "." {
                review.add(
                    .clientRejectsNames, at: "naming.separator",
                    "Claude Desktop, Claude Code, Cursor, VS Code and OpenAI-based clients refuse tool names with "
                        + "dots; with \".\" for every client they get hashed stand-ins or fail to list the tools",
                    fix: "remove naming.separator: the hub then picks \".\" or \"__\" per client")
            }
        } else {
            separators = ["__"]
        }
        if config.naming.maxLength > 64 {
            review.add(
                .clientRejectsNames, at: "naming.max_length",
                "most clients refuse tool names over 64 characters (Claude Code also adds mcp__<entry>__)",
                fix: "use 64 or less")
        }
        let names = config.servers.map(\.name) + config.disabledServers
        for separator in separators {
            for a in names {
                for b in names where a != b && b.hasPrefix(a + separator) {
                    let rest = String(b.dropFirst(a.count + separator.count))
                    let path = config.server(named: b)?.jsonPath ?? "servers.\(b)"
                    review.add(
                        .nameCollision, at: path,
                        "server \"\(b)\" starts with server \"\(a)\" and \"\(separator)\": for clients that get "
                            + "\"\(separator)\" names, \"\(a)\"'s tool \(rest)\(separator)x and \"\(b)\"'s tool x "
                            + "would both be \(b)\(separator)x; such a name goes to neither tool (both get hashed "
                            + "stand-ins)",
                        fix: "rename one of the two servers so that neither name starts with the other plus "
                            + "\"\(separator)\"")
                }
            }
        }
    }

    // MARK: - Servers: commands, working directories, secrets

    static func serverWarnings(
        _ config: HubConfig, document: JSONValue, environment: [String: String], into review: inout Collector
    ) {
        var literalSecrets: [String] = []
        for server in config.servers {
            var childEnvironment = environment
            for (key, value) in server.env { childEnvironment[key] = value }
            if let cwd = server.cwd, LocalFile.kind(at: cwd) != .directory {
                review.add(
                    .serverNotStartable, at: server.jsonPath + ".cwd",
                    "the working directory \(server.redacted(cwd)) does not exist here; serve will report the "
                        + "server as failed",
                    fix: "create the directory or correct the path")
            } else {
                // As the hub starts it: a relative path with a "/" is relative to hub.json's folder.
                var command = server.command
                if command.contains("/"), !command.hasPrefix("/") {
                    command = LocalPath.appending(command, to: LocalPath.parentDirectory(config.filePath))
                }
                do {
                    _ = try ExecutableLookup.resolve(
                        command: command, environment: childEnvironment, workingDirectory: server.cwd)
                } catch {
                    review.add(
                        .serverNotStartable, at: server.jsonPath + ".command",
                        server.redacted(error.description) + " (checked with this shell's environment; the client "
                            + "may start the hub with another PATH)",
                        fix: "install the command or give its absolute path")
                }
            }
            if let env = rawEntry(server, in: document)?["env"]?.objectValue {
                for member in env where looksSecret(key: member.key, value: member.value.stringValue ?? "") {
                    literalSecrets.append("\(server.jsonPath).env.\(member.key)")
                }
            }
        }
        if !literalSecrets.isEmpty, let mode = fileMode(config.filePath), mode & 0o077 != 0 {
            review.add(
                .readableSecrets, at: "",
                "the file holds literal secret values (" + literalSecrets.joined(separator: ", ")
                    + ") and other users may read it (mode " + String(mode & 0o777, radix: 8) + ")",
                fix: "chmod 600 \(config.filePath); or write the values as ${VAR} references (note: servers "
                    + "inherit the hub's environment, so a variable set for the hub reaches every server)")
        }
    }

    /// An env value written literally (no `${`) under a name that says it is a credential.
    static func looksSecret(key: String, value: String) -> Bool {
        guard !value.isEmpty, !value.contains("${") else { return false }
        let upper = key.uppercased()
        return ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH", "PRIVATE", "COOKIE"]
            .contains { upper.contains($0) }
    }

    private static func fileMode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode
    }
}
