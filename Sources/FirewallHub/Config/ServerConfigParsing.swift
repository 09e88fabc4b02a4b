extension ServerConfig {
    static let keys = [
        "command", "args", "env", "cwd", "policy", "timeouts", "approval", "disabled", "description", "protocol",
        "listing",
    ]
    static let maxNameLength = 32

    struct ParseContext {
        var environment: [String: String]
        /// Absolute directory of hub.json, for relative `cwd`s.
        var configDirectory: String
        /// Global timeouts, which per-server keys override.
        var timeouts: TimeoutConfig
    }

    /// The server entry `name` → `node`, or nil when it is `"disabled": true`. A disabled entry is still
    /// checked for structure, but its `${VAR}`s are not expanded (so a disabled server may refer to
    /// variables that are not set).
    static func parse(name: String, node: ConfigNode, context: ParseContext) throws(ConfigError) -> ServerConfig? {
        try validateName(name, node: node)
        guard node.value.objectValue != nil else {
            throw node.typeError(expected: "an object with at least \"command\"")
        }
        try node.object(allowedKeys: keys)
        let disabled = try node.child("disabled")?.bool() ?? false
        _ = try node.child("description")?.string(nonEmpty: false)

        var secrets = ExpandedSecrets()
        func expand(_ text: String, at: ConfigNode) throws(ConfigError) -> String {
            if text.contains("\0") { throw at.error(.invalidValue, "must not contain a NUL character") }
            if disabled { return text }
            let expansion = ConfigVariableExpander.expand(text, environment: context.environment) {
                secrets.record(variable: $0, value: $1)
            }
            switch expansion {
            case .success(let expanded):
                return expanded
            case .failure(.notSet(let variable)):
                throw at.error(
                    .missingVariable, "environment variable \(variable) is not set (used by server \"\(name)\")")
            case .failure(.malformed(let offset, let reason)):
                throw at.error(.invalidValue, "malformed variable reference at character \(offset + 1): \(reason)")
            }
        }

        guard let commandNode = node.child("command") else {
            throw node.error(.missingKey, "missing \"command\" (the program that starts the server)")
        }
        let command = try expand(try commandNode.string(nonEmpty: true), at: commandNode)
        if command.isEmpty { throw commandNode.error(.invalidValue, "is empty after variable expansion") }

        var args: [String] = []
        if let argsNode = node.child("args") {
            guard argsNode.value.arrayValue != nil else { throw argsNode.typeError(expected: "an array of strings") }
            for element in try argsNode.elements() {
                args.append(try expand(try element.string(nonEmpty: false), at: element))
            }
        }

        var env: [String: String] = [:]
        if let envNode = node.child("env") {
            guard envNode.value.objectValue != nil else {
                throw envNode.typeError(expected: "an object mapping variable names to strings")
            }
            for (key, valueNode) in try envNode.members() {
                if key.isEmpty || key.contains("=") || key.contains("\0") {
                    throw valueNode.error(
                        .invalidValue,
                        "invalid environment variable name: it must be non-empty "
                            + "and must not contain \"=\"")
                }
                env[key] = try expand(try valueNode.string(nonEmpty: false), at: valueNode)
            }
        }

        var cwd: String?
        if let cwdNode = node.child("cwd") {
            let raw = try expand(try cwdNode.string(nonEmpty: true), at: cwdNode)
            if raw.isEmpty { throw cwdNode.error(.invalidValue, "is empty after variable expansion") }
            cwd =
                raw.hasPrefix("/")
                ? LocalPath.absolute(raw)
                : LocalPath.absolute(LocalPath.appending(raw, to: context.configDirectory))
        }

        let policy =
            try node.child("policy").map { (n) throws(ConfigError) in try PolicyConfig(node: n) }
            ?? PolicyConfig()
        let approval = try node.child("approval").map { (n) throws(ConfigError) in try ApprovalOverrides(node: n) }
        if let approvalNode = node.child("approval") {
            // Codes live in one hub-wide store: their settings are hub-wide too.
            for key in ["code_ttl_seconds", "max_attempts", "code_digits", "max_pending", "max_wrong_codes"] {
                if let keyNode = approvalNode.child(key) {
                    throw keyNode.error(
                        .invalidValue, "approval codes are hub-wide: set \"\(key)\" in the top-level \"approval\" block"
                    )
                }
            }
        }
        let timeouts =
            try node.child("timeouts").map { (n) throws(ConfigError) in
                try TimeoutConfig(node: n, base: context.timeouts)
            } ?? context.timeouts

        let protocolMode =
            try node.child("protocol")?.oneOf(ServerConfig.ProtocolMode.self, noun: "protocol") ?? .auto
        let listingMode = try node.child("listing").map { (n) throws(ConfigError) in try ListingMode(listingNode: n) }
        if disabled { return nil }
        var server = ServerConfig(
            name: name, jsonPath: node.path, command: command, args: args, env: env, cwd: cwd, policy: policy,
            approval: approval, timeouts: timeouts)
        server.protocolMode = protocolMode
        server.secrets = secrets
        server.listingMode = listingMode
        return server
    }

    private static func validateName(_ name: String, node: ConfigNode) throws(ConfigError) {
        let allowed = "use 1 to \(maxNameLength) ASCII letters, digits, \"_\" or \"-\""
        if name.isEmpty { throw node.error(.invalidValue, "a server name must not be empty; \(allowed)") }
        let valid = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
                    || scalar == "-")
        }
        if !valid {
            throw node.error(.invalidValue, "invalid server name \"\(name)\"; \(allowed)")
        }
        if name.count > maxNameLength {
            throw node.error(.invalidValue, "server name is \(name.count) characters long; \(allowed)")
        }
    }
}
