/// Why hub.json could not be located, read or accepted.
///
/// `description` is the one-line message shown to the user:
/// `hub.json: servers.payments.policy.rules[0].action: unknown action "block"; allowed: allow, approve, deny`.
/// Messages never contain the value of an environment variable (they may hold secrets); they name the
/// variable instead.
struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// No config file was found in any of the places searched (see the message for the list).
        case notLocated
        /// The file does not exist.
        case fileNotFound
        /// The file exists but cannot be read (permissions, a directory, too large, …).
        case unreadable
        /// The file is not valid JSON; the message has the line and column.
        case invalidJSON
        /// An object member this hub does not know.
        case unknownKey
        /// A required member is missing.
        case missingKey
        /// A value has the wrong JSON type.
        case wrongType
        /// A value has the right type but is not allowed (range, enum, empty, bad regex, …).
        case invalidValue
        /// `${VAR}` names a variable that is not set and has no `:-default`.
        case missingVariable
        /// The file configures no (enabled) servers.
        case noServers
    }

    var kind: Kind
    /// The config file path (as given to the loader), or "" when no file was located.
    var file: String
    /// Where in the document the problem is, e.g. `servers.payments.args[1]`; "" for the whole file.
    var jsonPath: String
    /// What is wrong and, where it helps, what is allowed.
    var message: String

    init(_ kind: Kind, file: String, jsonPath: String = "", message: String) {
        self.kind = kind
        self.file = file
        self.jsonPath = jsonPath
        self.message = message
    }

    var description: String {
        var parts: [String] = []
        if !file.isEmpty { parts.append(file) }
        if !jsonPath.isEmpty { parts.append(jsonPath) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// Every problem found in one config file, in document order; never empty.
struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    var errors: [ConfigError]

    init(_ errors: [ConfigError]) {
        precondition(!errors.isEmpty, "ConfigErrors holds at least one error")
        self.errors = errors
    }

    /// One line per problem (a problem's own message may span lines, as the not-found list does).
    var description: String { errors.map(\.description).joined(separator: "\n") }
}
