/// The `naming` block: how `server` + `tool` become the name an MCP client sees (`ToolNaming` applies it).
struct NamingConfig: Sendable, Equatable {
    /// The separators `naming.separator` accepts.
    static var allowedSeparators: [String] { SeparatorChoice.allCases.map(\.rawValue) }
    static let maxLengthRange = 16...128

    /// One of `allowedSeparators`; nil = automatic: the hub picks "." or "__" per client.
    var separator: String?
    /// 16…128, default 64.
    var maxLength: Int = 64
    /// `naming.dotless_clients` as written (it replaces the built-in list); nil when not given.
    var dotlessClients: [String]?
    /// false only in single-target mode: tools keep their own names (not set from hub.json).
    var namespaced = true

    init(separator: String? = nil, maxLength: Int = 64, dotlessClients: [String]? = nil) {
        self.separator = separator
        self.maxLength = maxLength
        self.dotlessClients = dotlessClients
    }

    init(node: ConfigNode) throws(ConfigError) {
        try node.object(allowedKeys: ["separator", "max_length", "dotless_clients"])
        separator = try node.attemptIfPresent { () throws(ConfigError) in
            try node.child("separator")?.oneOf(SeparatorChoice.self, noun: "separator").rawValue
        }
        if let n = node.child("max_length"),
            let v = try n.attempt({ () throws(ConfigError) in
                try n.int(in: Self.maxLengthRange)
            })
        {
            maxLength = v
        }
        dotlessClients = try node.attemptIfPresent { () throws(ConfigError) in
            try node.child("dotless_clients")?.stringArray(nonEmptyItems: true)
        }
    }

    private enum SeparatorChoice: String, CaseIterable {
        case dot = "."
        case doubleUnderscore = "__"
        case underscore = "_"
        case hyphen = "-"
    }
}
