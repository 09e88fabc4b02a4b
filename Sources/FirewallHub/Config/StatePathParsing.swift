/// The file paths hub.json gives for state the hub keeps (`audit.path`, `pins.path`): `${VAR}` expanded,
/// `~` from the password database, a relative path taken from hub.json's folder. Parsing only; nothing
/// is created or opened here.
extension ConfigNode {
    func statePath(environment: [String: String], configDirectory: String) throws(ConfigError) -> String {
        let text = try string(nonEmpty: true)
        if text.contains("\0") { throw error(.invalidValue, "must not contain a NUL character") }
        let raw: String
        switch ConfigVariableExpander.expand(text, environment: environment) {
        case .success(let expanded): raw = expanded
        case .failure(.notSet(let variable)):
            throw error(.missingVariable, "environment variable \(variable) is not set")
        case .failure(.malformed(let offset, let reason)):
            throw error(.invalidValue, "malformed variable reference at character \(offset + 1): \(reason)")
        }
        if raw.isEmpty { throw error(.invalidValue, "is empty after variable expansion") }
        if raw.hasSuffix("/") { throw error(.invalidValue, "names a folder; give a file path") }
        if raw.hasPrefix("/") || raw.hasPrefix("~") { return LocalPath.absolute(raw) }
        return LocalPath.absolute(LocalPath.appending(raw, to: configDirectory))
    }
}
