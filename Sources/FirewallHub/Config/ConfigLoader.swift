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

    /// Reads `path` (relative paths are taken from the current directory) and parses it; the first
    /// problem is thrown (`loadAll` reports every one).
    static func load(path: String, environment: [String: String]) throws(ConfigError) -> HubConfig {
        switch loadAll(path: path, environment: environment) {
        case .success(let config): return config
        case .failure(let problems): throw problems.errors[0]
        }
    }

    /// Reads and checks `path`: the config, or every problem found in it.
    static func loadAll(path: String, environment: [String: String]) -> Result<HubConfig, ConfigErrors> {
        let absolute = LocalPath.absolute(path)
        switch readJSON(absolute) {
        case .success(let json): return validate(json, filePath: absolute, environment: environment)
        case .failure(let error): return .failure(ConfigErrors([error]))
        }
    }

    /// The parsed document at `absolute`, or why it could not be read or parsed.
    static func readJSON(_ absolute: String) -> Result<JSONValue, ConfigError> {
        let bytes: [UInt8]
        do {
            bytes = try readFile(absolute)
        } catch {
            return .failure(error)
        }
        do {
            return .success(try JSONParser.parse(bytes))
        } catch {
            let (line, column) = lineAndColumn(of: error.offset, in: bytes)
            return .failure(
                ConfigError(
                    .invalidJSON, file: absolute, message: "invalid JSON at line \(line), column \(column): \(error)"))
        }
    }

    /// Validates a parsed document; the first problem is thrown. `filePath` is used in messages and to
    /// resolve relative `cwd`s.
    static func parse(_ json: JSONValue, filePath: String, environment: [String: String]) throws(ConfigError)
        -> HubConfig
    {
        switch validate(json, filePath: filePath, environment: environment) {
        case .success(let config): return config
        case .failure(let problems): throw problems.errors[0]
        }
    }

    /// Validates a parsed document, going on past each problem (a key whose value is wrong is checked
    /// no further; its siblings and the other servers are), so that every problem is reported at once.
    static func validate(_ json: JSONValue, filePath: String, environment: [String: String]) -> Result<
        HubConfig, ConfigErrors
    > {
        let issues = ConfigIssues()
        let root = ConfigNode(value: json, path: "", file: filePath, issues: issues)
        guard json.objectValue != nil else {
            return .failure(
                ConfigErrors([root.error(.wrongType, "the top level must be a JSON object, found \(json.typeName)")]))
        }
        let config = collect(root) { () throws(ConfigError) in try parseDocument(root, environment: environment) }
        if let config, issues.errors.isEmpty { return .success(config) }
        return .failure(ConfigErrors(issues.errors))
    }

    /// Runs `body` under `node`'s collector: a failure is recorded there and nil returned.
    static func collect<T>(_ node: ConfigNode, _ body: () throws(ConfigError) -> T?) -> T? {
        do {
            return try node.attemptIfPresent(body)
        } catch {
            node.issues?.record(error)
            return nil
        }
    }

    private static func parseDocument(_ root: ConfigNode, environment: [String: String]) throws(ConfigError)
        -> HubConfig?
    {
        let filePath = root.file
        try root.object(allowedKeys: topLevelKeys)

        let timeouts =
            try root.attemptIfPresent { () throws(ConfigError) in
                try root.child("timeouts").map { (n) throws(ConfigError) in
                    try TimeoutConfig(node: n, base: TimeoutConfig())
                }
            } ?? TimeoutConfig()
        let defaults = try root.attemptIfPresent { () throws(ConfigError) in
            try root.child("defaults").map { (n) throws(ConfigError) in try PolicyDefaults(node: n) }
        }
        let approval = ApprovalConfig().applying(
            try root.attemptIfPresent { () throws(ConfigError) in
                try root.child("approval").map { (n) throws(ConfigError) in try ApprovalOverrides(node: n) }
            })
        let naming =
            try root.attemptIfPresent { () throws(ConfigError) in
                try root.child("naming").map { (n) throws(ConfigError) in try NamingConfig(node: n) }
            } ?? NamingConfig()

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
        var invalid = 0
        for (name, node) in try serversNode.members() {
            let before = root.issues?.count ?? 0
            let server = try node.attemptIfPresent { () throws(ConfigError) in
                try ServerConfig.parse(name: name, node: node, context: context)
            }
            if (root.issues?.count ?? 0) > before {
                invalid += 1
            } else if let server {
                servers.append(server)
            } else {
                disabled.append(name)
            }
        }
        if servers.isEmpty && invalid == 0 {
            let why =
                disabled.isEmpty
                ? ""
                : disabled.count == 1
                    ? " (the only server is disabled)"
                    : " (all \(disabled.count) servers are disabled)"
            throw serversNode.error(.noServers, "no servers configured\(why)")
        }
        let listing =
            try root.attemptIfPresent { () throws(ConfigError) in
                try root.child("listing").map { (n) throws(ConfigError) in try ListingMode(listingNode: n) }
            } ?? .all
        let session =
            try root.attempt { () throws(ConfigError) in
                try SessionPolicyConfig(root: root, serverNames: servers.map(\.name) + disabled)
            } ?? SessionPolicyConfig()
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
        config.audit = try root.attemptIfPresent { () throws(ConfigError) in
            try root.child("audit").map { (n) throws(ConfigError) in
                try AuditConfig(node: n, environment: environment, configDirectory: directory)
            }
        }
        config.pins =
            try root.attemptIfPresent { () throws(ConfigError) in
                try root.child("pins").map { (n) throws(ConfigError) in
                    try PinsConfig(
                        node: n, environment: environment, configDirectory: directory, configPath: config.filePath)
                }
            } ?? PinsConfig(environment: environment, configPath: config.filePath)
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
        if let n = node.child("call_seconds"),
            let v = try n.attempt({ () throws(ConfigError) in
                try n.int(in: Self.callRange)
            })
        {
            callSeconds = v
        }
        if let n = node.child("startup_seconds"),
            let v = try n.attempt({ () throws(ConfigError) in
                try n.int(in: Self.startupRange)
            })
        {
            startupSeconds = v
        }
    }
}

extension PolicyDefaults {
    init(node: ConfigNode) throws(ConfigError) {
        try node.object(allowedKeys: ["default"])
        defaultAction = try node.child("default")?.oneOf(PolicyAction.self, noun: "action")
    }
}
