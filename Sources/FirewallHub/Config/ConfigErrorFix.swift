/// The "fix:" line `check` prints under each config problem: what to change, in one sentence. Derived
/// from the problem's kind and message, so every producer of a `ConfigError` gets one for free.
extension ConfigError {
    var fix: String {
        switch kind {
        case .notLocated:
            return "pass --config PATH, set $\(ConfigLocator.environmentVariable), or create the file at one of "
                + "the places listed (mcp-firewall-hub import writes one from your MCP client's servers)"
        case .fileNotFound:
            return "check the path; a relative path is taken from the current directory"
        case .unreadable:
            return message.contains("larger than")
                ? "a hub.json is a few kilobytes: check that the path names the config file"
                : "give a readable config file (chmod u+r FILE), not a directory"
        case .invalidJSON:
            return "fix the JSON at that line and column; hub.json is strict JSON: no comments, no trailing "
                + "commas, no duplicate keys"
        case .unknownKey:
            if let guess = suggestedWord { return "rename the key to \"\(guess)\", or remove it" }
            return "remove the key, or move it where it belongs (the allowed keys are listed)"
        case .missingKey:
            return "add the missing key (see \"hub.json reference\" in the README)"
        case .wrongType:
            return "write a value of the expected type"
        case .missingVariable:
            guard let variable = missingVariable else {
                return "set the variable in the environment the hub starts with, or give a default: ${NAME:-default}"
            }
            return "export \(variable) in the environment your MCP client starts the hub with, write "
                + "${\(variable):-default}, or mark the server \"disabled\": true"
        case .invalidValue:
            if let guess = suggestedWord { return "use \"\(guess)\"" }
            if message.contains("invalid regular expression") {
                return "fix the pattern (Swift Regex, ICU syntax; lookbehind, \\K and \\cX are not supported), then "
                    + "try it with: mcp-firewall-hub explain SERVER.TOOL --args '{...}'"
            }
            if message.contains("hub-wide") { return "move the key to the top-level \"approval\" block" }
            if message.contains("out of range") || message.contains("not a whole number") {
                return "use a whole number inside the range given"
            }
            if message.contains("server name") {
                return "rename the server: 1 to 32 ASCII letters, digits, \"_\" or \"-\" (no dots)"
            }
            if message.contains("allowed:") { return "use one of the allowed values" }
            if message.contains("\"servers\" and \"mcpServers\"") {
                return "merge the two objects under \"servers\" and delete \"mcpServers\""
            }
            return "give a non-empty value of the kind described"
        case .noServers:
            return "add a server: \"servers\": {\"name\": {\"command\": \"...\", \"args\": [...]}} (or run "
                + "mcp-firewall-hub import to bring in your MCP client's servers)"
        }
    }

    /// The word of a `(did you mean "x"?)` in the message.
    private var suggestedWord: String? {
        guard let start = message.firstRange(of: "(did you mean \"") else { return nil }
        let rest = message[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// The variable of `environment variable X is not set`.
    private var missingVariable: String? {
        guard let start = message.firstRange(of: "environment variable ") else { return nil }
        let rest = message[start.upperBound...]
        return rest.split(separator: " ").first.map(String.init)
    }
}
