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
    static let defaultFileName = "pins.json"

    /// `enabled`: true by default.
    var enabled = true
    /// Absolute path of the pin store; nil when none was given and there is no state folder
    /// (no `$XDG_STATE_HOME` or `$HOME`): then pins cannot be kept.
    var path: String?
    /// `new_tools`: `hold` by default (a new tool is as much a change as a changed one).
    var newTools: NewTools = .hold

    /// The defaults: the store under the state folder.
    init(environment: [String: String]) {
        path = StateDirectory.path(environment: environment).map { $0 + "/" + Self.defaultFileName }
    }

    init(node: ConfigNode, environment: [String: String], configDirectory: String) throws(ConfigError) {
        self.init(environment: environment)
        try node.object(allowedKeys: Self.keys)
        if let n = node.child("enabled") { enabled = try n.bool() }
        if let n = node.child("path") {
            path = try n.statePath(environment: environment, configDirectory: configDirectory)
        }
        if let n = node.child("new_tools") { newTools = try n.oneOf(NewTools.self, noun: "new_tools value") }
    }
}
