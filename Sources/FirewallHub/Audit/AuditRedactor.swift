import MCPWire

/// Takes secrets out of what an audit record copies from a call (arguments, error messages) before it
/// is written. Pure and immutable; it never logs what it removes.
///
/// Three rules, applied at every depth:
/// - a member whose key matches a key glob (built-in or `audit.redact.keys`, case-insensitive) has its
///   whole value replaced, whatever its type;
/// - a string in which an `audit.redact.values` regex finds a match is replaced whole;
/// - a string or number equal to the expanded value of any server's `env` entry, or containing one of
///   at least `minimumContainedSecretLength` characters, is replaced whole (so is such an object key).
struct AuditRedactor: Sendable {
    static let marker = "[redacted]"
    /// Always applied, before the configured globs: names that hold credentials in most APIs.
    static let builtInKeyGlobs = [
        "*password*", "*passwd*", "*secret*", "*token*", "*api_key*", "*apikey*", "*api-key*", "authorization",
        "*cookie*", "*private_key*", "*credential*",
    ]
    /// Shorter env values (`1`, `true`, `dev`) are redacted only where a value equals them: looking for
    /// them inside every string would erase most of the record, and they are not secrets.
    static let minimumContainedSecretLength = 8

    private let keyGlobs: [ToolGlob]
    private let valuePatterns: [ArgumentPattern]
    private let exactSecrets: Set<String>
    /// Longest first, so a message is checked for the most specific secret first (it is replaced whole
    /// either way).
    private let containedSecrets: [String]

    /// `keys` are globs (`*`, `?`) matched against member names without regard to case; `secrets` are
    /// the expanded env values of the config.
    init(keys: [String] = [], values: [ArgumentPattern] = [], secrets: [String] = []) {
        keyGlobs = (Self.builtInKeyGlobs + keys).map { ToolGlob($0.lowercased()) }
        valuePatterns = values
        let nonEmpty = secrets.filter { !$0.isEmpty }
        exactSecrets = Set(nonEmpty)
        containedSecrets = Set(nonEmpty.filter { $0.count >= Self.minimumContainedSecretLength })
            .sorted { $0.count > $1.count }
    }

    /// The redactor a config asks for: its `audit.redact` rules and every server's env values.
    init(config: HubConfig) {
        var secrets: [String] = []
        for server in config.servers { secrets.append(contentsOf: server.env.values) }
        self.init(
            keys: config.audit?.redactKeys ?? [], values: config.audit?.redactValues ?? [], secrets: secrets)
    }

    func redact(_ object: JSONObject) -> JSONObject {
        var out: [(String, JSONValue)] = []
        out.reserveCapacity(object.count)
        var hiddenKeys = 0
        for member in object {
            var key = member.key
            let keyIsSecret = isSecret(key)
            if keyIsSecret {
                hiddenKeys += 1
                key = "\(Self.marker) \(hiddenKeys)"
            }
            if keyIsSecret || keyMatches(member.key) {
                out.append((key, .string(Self.marker)))
            } else {
                out.append((key, redact(member.value)))
            }
        }
        return JSONObject(out)
    }

    func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null, .bool: return value
        case .number(let lexeme): return isSecret(lexeme) ? .string(Self.marker) : value
        case .string(let text): return .string(redactText(text))
        case .array(let items): return .array(items.map { redact($0) })
        case .object(let object): return .object(redact(object))
        }
    }

    /// `text`, or the marker when a value regex finds a match in it or it holds a secret.
    func redactText(_ text: String) -> String {
        if isSecret(text) { return Self.marker }
        for pattern in valuePatterns where pattern.finds(in: text) { return Self.marker }
        return text
    }

    func keyMatches(_ key: String) -> Bool {
        let lowered = key.lowercased()
        return keyGlobs.contains { $0.matches(lowered) }
    }

    /// Whether `text` is, or contains, an env value.
    private func isSecret(_ text: String) -> Bool {
        if exactSecrets.contains(text) { return true }
        guard text.utf8.count >= Self.minimumContainedSecretLength else { return false }
        return containedSecrets.contains { text.contains($0) }
    }
}
