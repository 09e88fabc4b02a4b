/// The command line of `audit verify|tail|show`: which records, from which files. Parsing only.
struct AuditRequest: Equatable {
    enum Action: Equatable {
        case verify
        case tail(count: Int)
        case show(AuditFilter)
    }

    var action: Action
    /// Files given on the command line; empty = hub.json's `audit.path` (and, for verify and show, its
    /// rotated files).
    var files: [String] = []
    /// Print the matching JSON lines as they are instead of readable rows (`tail`, `show`).
    var json = false
    var common = CommonOptions()

    static let actions = ["verify", "tail", "show"]
}

/// `audit show` filters; all given ones must hold.
struct AuditFilter: Equatable {
    var server: String?
    /// A glob over the tool's own name (`refund`, `get_*`).
    var tool: String?
    /// As typed: an RFC 3339 time, a date, or an age such as `30m`, `2h`, `7d`.
    var since: String?
}

extension CLIParser {
    static func parseAudit(_ arguments: [String]) throws(CLIError) -> CLICommand {
        guard let verb = arguments.first, !verb.hasPrefix("-") else {
            if arguments.contains(where: { $0 == "-h" || $0 == "--help" }) { return .help(topic: "audit") }
            throw .unknownSubcommand(nil, command: "audit", choices: AuditRequest.actions)
        }
        guard AuditRequest.actions.contains(verb) else {
            throw .unknownSubcommand(verb, command: "audit", choices: AuditRequest.actions)
        }
        let command = "audit " + verb
        var common = CommonOptions()
        var help = false
        var files: [String] = []
        var json = false
        var count = 10
        var filter = AuditFilter()
        try parseOptions(Array(arguments.dropFirst()), command: command, common: &common, help: &help) {
            (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
            switch (verb, option) {
            case ("tail", "-n"), ("tail", "--lines"):
                let text = try value()
                guard let n = Int(text), n >= 0 else { throw .invalidValue(option, text, expected: "a whole number") }
                count = n
            case ("tail", "--json"), ("show", "--json"): json = true
            case ("show", "--server"): filter.server = try value()
            case ("show", "--tool"): filter.tool = try value()
            case ("show", "--since"): filter.since = try value()
            default:
                if option.hasPrefix("-") { return false }
                files.append(option)
            }
            return true
        }
        if help { return .help(topic: "audit") }
        if verb == "tail" && files.count > 1 { throw .unexpectedArgument(files[1], command: command) }
        let action: AuditRequest.Action =
            switch verb {
            case "tail": .tail(count: count)
            case "show": .show(filter)
            default: .verify
            }
        return .audit(AuditRequest(action: action, files: files, json: json, common: common))
    }
}
