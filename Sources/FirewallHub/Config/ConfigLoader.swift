import MCPWire

/// Reads and validates hub.json. Every problem is a `ConfigError` naming the file, the JSON path and
/// what is allowed. The environment used for `${VAR}` is passed in; the parser never reads the
/// process environment.
enum ConfigLoader {
    static let topLevelKeys = [
        "servers", "mcpServers", "defaults", "approval", "naming", "timeouts", "listing", "flows", "limits",
        "exfiltration_guard", "audit", "pins",
    ]
    /// Larger files are refused (a config is a few kilobytes).
    static let maxFileBytes = 4 << 20

    /// Reads `path` (relative paths are taken from the current directory) and parses it.
    static func load(path: String, environment: [String: String]) throws(ConfigError) -> HubConfig {
        let absolute = LocalPath.absolute(path)
        let bytes = try readFile(absolute)
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            let (line, column) = lineAndColumn(of: error.offset, in: bytes)
            throw ConfigError(
                .invalidJSON, file: absolute, message: "invalid JSON at line \(line), column \(column): \(error)")
        }
        return try parse(json, filePath: absolute, environment: environment)
    }

    /// Validates a parsed document. `filePath` is used in messages and to resolve relative `cwd`s.
    static func parse(_ json: JSONValue, filePath: String, environment: [String: String]) throws(ConfigError)
        -> HubConfig
    {
        let root = ConfigNode(value: json, path: "", file: filePath)
        guard json.objectValue != nil else {
            throw root.error(.wrongType, "the top level must be a JSON object, found \(json.typeName)")
        }
        try root.object(allowedKeys: topLevelKeys)

        let timeouts =
            try root.child("timeouts").map { (n) throws(ConfigError) in
                try TimeoutConfig(node: n, base: TimeoutConfig())
            } ?? TimeoutConfig()
        let defaults = try root.child("defaults").map { (n) throws(ConfigError) in try PolicyDefaults(node: n) }
        let approval = ApprovalConfig().applying(
            try root.child("approval").map { (n) throws(ConfigError) in try ApprovalOverrides(node: n) })
        let naming =
            try root.child("naming").map { (n) throws(ConfigError) in try NamingConfig(node: n) }
            ?? NamingConfig()

        let serversNode: ConfigNode
        switch (root.child("servers"), root.child("mcpServers")) {
        case (let node?, nil), (nil, let node?):
            serversNode = node
        case (_?, let synonym?):
            throw synonym.error(
                .invalidValue, "\"servers\" and \"mcpServers\" are the same setting; keep only one of them")
        case (nil, nil):
            throw root.error(.noServers, "no servers configured: add a \"servers\" object naming at least one server")
        }
        guard serversNode.value.objectValue != nil else {
            throw serversNode.typeError(expected: "an object mapping server names to server settings")
        }
        let context = ServerConfig.ParseContext(
            environment: environment, configDirectory: LocalPath.parentDirectory(filePath),
            timeouts: timeouts)
        var servers: [ServerConfig] = []
        var disabled: [String] = []
        for (name, node) in try serversNode.members() {
            if let server = try ServerConfig.parse(name: name, node: node, context: context) {
                servers.append(server)
            } else {
                disabled.append(name)
            }
        }
        if servers.isEmpty {
            let why =
                disabled.isEmpty
                ? ""
                : disabled.count == 1
                    ? " (the only server is disabled)"
                    : " (all \(disabled.count) servers are disabled)"
            throw serversNode.error(.noServers, "no servers configured\(why)")
        }
        let listing =
            try root.child("listing").map { (n) throws(ConfigError) in try ListingMode(listingNode: n) } ?? .all
        let session = try SessionPolicyConfig(
            root: root, serverNames: servers.map(\.name) + disabled)
        var config = HubConfig(
            filePath: filePath, servers: servers, disabledServers: disabled, defaults: defaults, approval: approval,
            naming: naming, timeouts: timeouts, listing: listing, session: session)
        try parseEvidenceBlocks(root, environment: environment, into: &config)
        return config
    }

    /// The `audit` and `pins` blocks (issue 16).
    private static func parseEvidenceBlocks(
        _ root: ConfigNode, environment: [String: String], into config: inout HubConfig
    ) throws(ConfigError) {
        let directory = LocalPath.parentDirectory(config.filePath)
        config.audit = try root.child("audit").map { (n) throws(ConfigError) in
            try AuditConfig(node: n, environment: environment, configDirectory: directory)
        }
        config.pins =
            try root.child("pins").map { (n) throws(ConfigError) in
                try PinsConfig(node: n, environment: environment, configDirectory: directory)
            } ?? PinsConfig(environment: environment)
    }

    /// The file's bytes (BOM stripped), or a ConfigError a user can act on. Shared with the seed format.
    static func readFile(_ path: String) throws(ConfigError) -> [UInt8] {
        guard let kind = LocalFile.kind(at: path) else {
            throw ConfigError(.fileNotFound, file: path, message: "config file not found")
        }
        if kind == .directory {
            throw ConfigError(.unreadable, file: path, message: "is a directory, not a config file")
        }
        guard LocalFile.isReadable(path) else {
            throw ConfigError(.unreadable, file: path, message: "cannot read the config file: permission denied")
        }
        var bytes: [UInt8]
        switch LocalFile.contents(of: path, limit: maxFileBytes) {
        case .success(let contents): bytes = contents
        case .failure(let failure):
            throw ConfigError(.unreadable, file: path, message: "cannot read the config file: \(failure)")
        }
        if bytes.count > maxFileBytes {
            throw ConfigError(.unreadable, file: path, message: "the file is larger than \(maxFileBytes >> 20) MiB")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte-order mark
        return bytes
    }

    /// 1-based line and column (in Unicode scalars) of a byte offset.
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes.prefix(max(0, offset)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {  // not a UTF-8 continuation byte
                column += 1
            }
        }
        return (line, column)
    }
}

extension TimeoutConfig {
    /// A `timeouts` block; keys it does not give keep `base`'s values.
    init(node: ConfigNode, base: TimeoutConfig) throws(ConfigError) {
        try node.object(allowedKeys: ["call_seconds", "startup_seconds"])
        self = base
        if let n = node.child("call_seconds") { callSeconds = try n.int(in: Self.callRange) }
        if let n = node.child("startup_seconds") { startupSeconds = try n.int(in: Self.startupRange) }
    }
}

extension PolicyDefaults {
    init(node: ConfigNode) throws(ConfigError) {
        try node.object(allowedKeys: ["default"])
        defaultAction = try node.child("default")?.oneOf(PolicyAction.self, noun: "action")
    }
}
