import MCPWire

/// The `audit` block of hub.json: where the audit trail is written, what is redacted, how it rotates and
/// what a call does when the trail cannot be written. Parsing and defaults only.
struct AuditConfig: Sendable, Equatable {
    enum OnFailure: String, Sendable, CaseIterable {
        /// A call whose record cannot be written is refused (the default).
        case failClosed = "fail_closed"
        /// The call goes ahead unrecorded and the failure is logged.
        case failOpen = "fail_open"
    }

    /// Absolute path of the JSONL file.
    var path: String
    /// `redact.keys`: globs over argument names, added to `AuditRedactor.builtInKeyGlobs`.
    var redactKeys: [String] = []
    /// `redact.values`: regexes; a string value they find a match in is replaced.
    var redactValues: [ArgumentPattern] = []
    /// The file is rotated (renamed to PATH.1, …) before a record would take it past this size.
    var maxBytes: Int = 100 << 20
    /// Rotated files kept (PATH.1 … PATH.keep); the oldest beyond is removed.
    var keep: Int = 10
    var onFailure: OnFailure = .failClosed

    static let keys = ["path", "redact", "max_bytes", "keep", "on_failure"]
    static let maxBytesRange = (64 << 10)...(1 << 40)
    static let keepRange = 1...1000

    init(path: String) {
        self.path = path
    }

    init(node: ConfigNode, environment: [String: String], configDirectory: String) throws(ConfigError) {
        try node.object(allowedKeys: Self.keys)
        guard let pathNode = node.child("path") else {
            throw node.error(.missingKey, "missing \"path\": the file the audit trail is appended to")
        }
        path = try pathNode.statePath(environment: environment, configDirectory: configDirectory)
        if let redact = node.child("redact") {
            try redact.object(allowedKeys: ["keys", "values"])
            if let keysNode = redact.child("keys") { redactKeys = try keysNode.stringArray(nonEmptyItems: true) }
            if let valuesNode = redact.child("values") {
                for element in try valuesNode.elements() {
                    let source = try element.string(nonEmpty: true)
                    switch ArgumentPattern.compile(source) {
                    case .success(let pattern): redactValues.append(pattern)
                    case .failure(let problem):
                        throw element.error(
                            .invalidValue,
                            "invalid regular expression \(JSONValue.string(source).serialized()): \(problem.reason)")
                    }
                }
            }
        }
        if let n = node.child("max_bytes") { maxBytes = try n.int(in: Self.maxBytesRange) }
        if let n = node.child("keep") { keep = try n.int(in: Self.keepRange) }
        onFailure = try node.child("on_failure")?.oneOf(OnFailure.self, noun: "on_failure value") ?? .failClosed
    }
}
