import MCPWire

/// A value inside hub.json together with its JSON path, so every check can report exactly where it
/// failed. Only the config parsers use it.
struct ConfigNode {
    let value: JSONValue
    /// `servers.payments.policy.rules[0]`; "" for the document root.
    let path: String
    let file: String
    /// Where problems go when every one is wanted (see `ConfigIssues`); nil = throw the first.
    let issues: ConfigIssues?

    init(value: JSONValue, path: String, file: String, issues: ConfigIssues? = nil) {
        self.value = value
        self.path = path
        self.file = file
        self.issues = issues
    }

    // MARK: - Errors

    func error(_ kind: ConfigError.Kind, _ message: String) -> ConfigError {
        ConfigError(kind, file: file, jsonPath: path, message: message)
    }

    func typeError(expected: String) -> ConfigError {
        error(.wrongType, "expected \(expected), found \(value.typeName)")
    }

    // MARK: - Navigation

    /// The path of a member, `a.b` for plain keys and `a["odd key"]` for the rest.
    func childPath(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { Self.plainKeyScalars.contains($0) }
        if plain { return path.isEmpty ? key : "\(path).\(key)" }
        return "\(path)[\(JSONValue.string(key).serialized())]"
    }

    private static let plainKeyScalars = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".unicodeScalars)

    /// The member `key` of this object, or nil when absent. Call `object(allowedKeys:)` first.
    func child(_ key: String) -> ConfigNode? {
        guard let member = value.objectValue?[key] else { return nil }
        return ConfigNode(value: member, path: childPath(key), file: file, issues: issues)
    }

    /// Checks this is an object whose keys are all in `allowedKeys`; unknown keys get a suggestion.
    /// When collecting, every unknown key is recorded and the object is still returned.
    @discardableResult
    func object(allowedKeys: [String]) throws(ConfigError) -> JSONObject {
        guard let object = value.objectValue else { throw typeError(expected: "an object") }
        for key in object.keys where !allowedKeys.contains(key) {
            let at = ConfigNode(value: .null, path: childPath(key), file: file)
            let message =
                "unknown key \(JSONValue.string(key).serialized())"
                + Self.suggestion(for: key, among: allowedKeys) + "; allowed: " + allowedKeys.joined(separator: ", ")
            try report(at.error(.unknownKey, message))
        }
        return object
    }

    /// The members of an object with any keys, in document order.
    func members() throws(ConfigError) -> [(key: String, node: ConfigNode)] {
        guard let object = value.objectValue else { throw typeError(expected: "an object") }
        return object.members.map {
            ($0.key, ConfigNode(value: $0.value, path: childPath($0.key), file: file, issues: issues))
        }
    }

    func elements() throws(ConfigError) -> [ConfigNode] {
        guard let array = value.arrayValue else { throw typeError(expected: "an array") }
        return array.enumerated().map { ConfigNode(value: $1, path: "\(path)[\($0)]", file: file, issues: issues) }
    }

    // MARK: - Scalars

    func string(nonEmpty: Bool = true) throws(ConfigError) -> String {
        guard let string = value.stringValue else { throw typeError(expected: "a string") }
        if nonEmpty && string.isEmpty { throw error(.invalidValue, "must not be empty") }
        return string
    }

    func bool() throws(ConfigError) -> Bool {
        guard let bool = value.boolValue else { throw typeError(expected: "a boolean (true or false)") }
        return bool
    }

    func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let allowed = "allowed: integers from \(range.lowerBound) to \(range.upperBound)"
        guard case .number(let lexeme) = value else { throw typeError(expected: "an integer; \(allowed)") }
        // `300`, and also `300.0` or `3e2`, which are the same number.
        guard let double = Double(lexeme), double.rounded() == double else {
            throw error(.invalidValue, "\(lexeme) is not a whole number; \(allowed)")
        }
        guard let int = Int(lexeme) ?? Int(exactly: double) else {
            throw error(.invalidValue, "\(lexeme) is out of range; \(allowed)")
        }
        guard range.contains(int) else { throw error(.invalidValue, "\(int) is out of range; \(allowed)") }
        return int
    }

    /// A string that must be one of the raw values of `E`.
    func oneOf<E: RawRepresentable & CaseIterable>(_ type: E.Type, noun: String) throws(ConfigError) -> E
    where E.RawValue == String {
        let allowed = E.allCases.map(\.rawValue)
        guard let raw = value.stringValue else {
            throw typeError(expected: "a string; allowed: " + allowed.joined(separator: ", "))
        }
        guard let result = E(rawValue: raw) else {
            let message =
                "unknown \(noun) \(JSONValue.string(raw).serialized())"
                + Self.suggestion(for: raw, among: allowed) + "; allowed: " + allowed.joined(separator: ", ")
            throw error(.invalidValue, message)
        }
        return result
    }

    /// An array of strings; `nonEmptyItems` rejects "" items.
    func stringArray(nonEmptyItems: Bool) throws(ConfigError) -> [String] {
        guard value.arrayValue != nil else { throw typeError(expected: "an array of strings") }
        var result: [String] = []
        for element in try elements() {
            if let item = try element.attempt({ () throws(ConfigError) in try element.string(nonEmpty: nonEmptyItems) })
            {
                result.append(item)
            }
        }
        return result
    }

    // MARK: - Suggestions

    /// ` (did you mean "x"?)` when a near match exists, else "".
    static func suggestion(for word: String, among candidates: [String]) -> String {
        guard let guess = closest(to: word, among: candidates) else { return "" }
        return " (did you mean \(JSONValue.string(guess).serialized())?)"
    }

    /// The allowed word nearest to `word` when it is at most 2 edits away (case-insensitive).
    static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(Array(word.lowercased()), Array(candidate.lowercased()))
            if distance <= 2, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }

    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
