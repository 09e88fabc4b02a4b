/// The `pins` block of hub.json: whether tool definitions are pinned, where the pin store lives and
/// what happens to a tool a pinned server starts listing. Parsing and defaults only.
struct PinsConfig: Sendable, Equatable {
    enum NewTools: String, Sendable, CaseIterable {
        /// A new tool on a pinned server is pinned as first seen and usable at once.
        case allow
        /// A new tool on a pinned server is held (not listed, calls refused) until a human accepts it.
        case hold
    }

    static let keys = ["enabled", "path", "new_tools"]

    /// `enabled`: true by default.
    var enabled = true
    /// Absolute path of the pin store; nil when none was given and there is no state folder
    /// (no `$XDG_STATE_HOME` or `$HOME`): then pins cannot be kept.
    var path: String?
    /// `new_tools`: `allow` by default. A new tool is trusted on first sight as every tool of a new
    /// server is (the policy still decides its calls); what a person trusted can never change unseen.
    /// `hold` is for setups where nothing new may reach the model before a person looked at it.
    var newTools: NewTools = .allow

    /// The defaults: one store per hub.json, under the state folder (`defaultPath`).
    init(environment: [String: String], configPath: String) {
        path = StateDirectory.path(environment: environment).map {
            Self.defaultPath(stateFolder: $0, configPath: configPath)
        }
    }

    /// `STATE/pins/<folder of hub.json>-<12 hex of SHA-256 of its absolute path>.json`: each hub.json has
    /// its own pins, so two projects that both call some server `db` never hold each other's tools.
    static func defaultPath(stateFolder: String, configPath: String) -> String {
        let digest = SHA256.hex(SHA256.hash(Array(configPath.utf8)))
        let folder = LocalPath.lastComponent(LocalPath.parentDirectory(configPath))
        let readable = String(
            folder.unicodeScalars.prefix(40).map {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                    || $0 == "_" ? Character($0) : "_"
            })
        return stateFolder + "/pins/" + (readable.isEmpty ? "" : readable + "-") + String(digest.prefix(12)) + ".json"
    }

    init(node: ConfigNode, environment: [String: String], configDirectory: String, configPath: String)
        throws(ConfigError)
    {
        self.init(environment: environment, configPath: configPath)
        try node.object(allowedKeys: Self.keys)
        if let n = node.child("enabled") { enabled = try n.bool() }
        if let n = node.child("path") {
            path = try n.statePath(environment: environment, configDirectory: configDirectory)
        }
        if let n = node.child("new_tools") { newTools = try n.oneOf(NewTools.self, noun: "new_tools value") }
    }
}
