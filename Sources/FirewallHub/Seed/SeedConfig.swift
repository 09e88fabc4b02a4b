import MCPWire

/// The MCP Action Firewall's `firewall_config.json`, read strictly:
///
/// ```json
/// {"global": {"allow_prefixes": ["get_"], "block_keywords": ["delete"], "default_action": "block",
///             "otp_attempt_count": 1},
///  "servers": {"stripe": {"allow_prefixes": [], "block_keywords": ["refund"], "default_action": "block"}}}
/// ```
///
/// `global` is required (as in 0.3.0); every key inside is optional. A wrong type, an empty string in a
/// list, an unknown key or an unknown action is a `ConfigError` naming the file and the JSON path.
struct SeedConfig: Sendable, Equatable {
    enum DefaultAction: String, Sendable, CaseIterable {
        case allow
        case block
    }

    /// One list item or setting, with where it was written (`global.block_keywords[0]`).
    struct Entry<Value: Sendable & Equatable>: Sendable, Equatable {
        var value: Value
        var path: String
    }

    /// The rules of `global` or of one `servers.<name>` block.
    struct Rules: Sendable, Equatable {
        var allowPrefixes: [Entry<String>] = []
        var blockKeywords: [Entry<String>] = []
        var defaultAction: Entry<DefaultAction>?
    }

    /// The file it came from (absolute), or nil for the bundled defaults.
    var file: String?
    var global: Rules
    /// `global.otp_attempt_count`: wrong codes that discard a held call (1 = the first wrong code does).
    var otpAttemptCount: Int
    /// `servers`, in file order.
    var servers: [Server]

    /// One `servers.<name>` block.
    struct Server: Sendable, Equatable {
        var name: String
        var rules: Rules
    }

    static let topLevelKeys = ["global", "servers"]
    static let globalKeys = ["allow_prefixes", "block_keywords", "default_action", "otp_attempt_count"]
    static let serverKeys = ["allow_prefixes", "block_keywords", "default_action"]
    /// 0.3.0's default when the key is absent (and the value in its bundled config).
    static let defaultOTPAttemptCount = 1
    static let otpAttemptRange = ApprovalConfig.maxAttemptsRange
    /// Larger files are refused (a config is a few kilobytes).
    static let maxFileBytes = 1 << 20

    /// The rules of `servers.<name>`, if the config has that block.
    func rules(forServer name: String) -> Rules? {
        servers.first { $0.name == name }?.rules
    }

    // MARK: - Bundled defaults

    /// The MCP Action Firewall 0.3.0 bundled config, exactly (what `--generate-config` writes).
    static let bundledJSON: JSONValue = [
        "global": [
            "allow_prefixes": ["get_", "list_", "read_", "fetch_"],
            "block_keywords": ["delete", "update", "create", "pay", "send", "transfer", "drop", "remove", "refund"],
            "default_action": "block",
            "otp_attempt_count": .int(defaultOTPAttemptCount),
        ],
        "servers": [
            "stripe": ["allow_prefixes": [], "block_keywords": ["refund", "charge"], "default_action": "block"],
            "database": [
                "allow_prefixes": ["select_"], "block_keywords": ["drop", "truncate", "alter"],
                "default_action": "block",
            ],
        ],
    ]

    /// The bundled defaults, used when no `--config` is given.
    static let bundled: SeedConfig = {
        do {
            var config = try parse(bundledJSON, file: "(bundled defaults)")
            config.file = nil
            return config
        } catch {
            preconditionFailure("the bundled seed config does not parse: \(error)")
        }
    }()

    // MARK: - Loading

    /// Reads and parses `path` (relative to the current directory).
    static func load(path: String) throws(ConfigError) -> SeedConfig {
        let absolute = LocalPath.absolute(path)
        let bytes = try ConfigLoader.readFile(absolute)
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            let (line, column) = ConfigLoader.lineAndColumn(of: error.offset, in: bytes)
            throw ConfigError(
                .invalidJSON, file: absolute, message: "invalid JSON at line \(line), column \(column): \(error)")
        }
        return try parse(json, file: absolute)
    }

    /// Validates a parsed document; `file` is used in messages.
    static func parse(_ json: JSONValue, file: String) throws(ConfigError) -> SeedConfig {
        let root = ConfigNode(value: json, path: "", file: file)
        guard json.objectValue != nil else {
            throw root.error(.wrongType, "the top level must be a JSON object, found \(json.typeName)")
        }
        try root.object(allowedKeys: topLevelKeys)
        guard let globalNode = root.child("global") else {
            throw root.error(
                .missingKey,
                "missing \"global\" (the rules for every server: " + globalKeys.joined(separator: ", ") + ")")
        }
        try globalNode.object(allowedKeys: globalKeys)
        let global = try rules(globalNode)
        let attempts = try globalNode.child("otp_attempt_count")?.int(in: otpAttemptRange) ?? defaultOTPAttemptCount

        var servers: [Server] = []
        if let serversNode = root.child("servers") {
            guard serversNode.value.objectValue != nil else {
                throw serversNode.typeError(expected: "an object mapping server names (the --name values) to rules")
            }
            for (name, node) in try serversNode.members() {
                if name.isEmpty { throw node.error(.invalidValue, "a server name must not be empty") }
                try node.object(allowedKeys: serverKeys)
                servers.append(Server(name: name, rules: try rules(node)))
            }
        }
        return SeedConfig(file: file, global: global, otpAttemptCount: attempts, servers: servers)
    }

    private static func rules(_ node: ConfigNode) throws(ConfigError) -> Rules {
        var rules = Rules()
        rules.allowPrefixes = try strings(node.child("allow_prefixes"), noun: "tool-name prefixes")
        rules.blockKeywords = try strings(node.child("block_keywords"), noun: "keywords")
        if let actionNode = node.child("default_action") {
            let action = try actionNode.oneOf(DefaultAction.self, noun: "action")
            rules.defaultAction = Entry(value: action, path: actionNode.path)
        }
        return rules
    }

    /// A list of non-empty strings. `"get_"` (a string, not a list) and `""` are errors: 0.3.0 read them as
    /// the prefixes g, e, t, _ and as "matches everything".
    private static func strings(_ node: ConfigNode?, noun: String) throws(ConfigError) -> [Entry<String>] {
        guard let node else { return [] }
        guard node.value.arrayValue != nil else {
            var expected = "an array of strings (\(noun))"
            if let single = node.value.stringValue {
                expected += "; write [\(JSONValue.string(single).serialized())] for a single one"
            }
            throw node.typeError(expected: expected)
        }
        var result: [Entry<String>] = []
        for element in try node.elements() {
            guard let text = element.value.stringValue else { throw element.typeError(expected: "a string") }
            if text.unicodeScalars.allSatisfy(Self.isHorizontalWhitespace) {
                throw element.error(.invalidValue, "must not be empty (an empty entry would match every tool)")
            }
            result.append(Entry(value: text, path: element.path))
        }
        return result
    }

    /// What `CharacterSet.whitespaces` held (Foundation's definition, kept when the hub left it): space,
    /// tab, and the Unicode space separators U+00A0, U+1680, U+2000–U+200B, U+202F, U+205F, U+3000.
    private static func isHorizontalWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}
