/// The parsed command line.
enum CLICommand: Equatable {
    case serve(CommonOptions)
    case tools(CommonOptions, json: Bool, clientName: String?)
    case help(topic: String?)
    case version
}

struct CommonOptions: Equatable {
    var configPath: String?
    var verbose = false
}

/// A command line we cannot run, with the message to show and the exit status.
enum CLIError: Error, Equatable, CustomStringConvertible {
    case unknownCommand(String)
    case unknownOption(String, command: String)
    case missingValue(String)
    case unexpectedArgument(String, command: String)

    var description: String {
        switch self {
        case .unknownCommand(let c): return "unknown command \"\(c)\"; commands: serve, tools, help"
        case .unknownOption(let o, let c): return "unknown option \"\(o)\" for \(c); see: mcp-firewall-hub \(c) --help"
        case .missingValue(let o): return "option \(o) needs a value"
        case .unexpectedArgument(let a, let c): return "unexpected argument \"\(a)\" for \(c)"
        }
    }
}

/// A small, exact parser: `--opt value`, `--opt=value`, flags, `--` ends options.
enum CLIParser {
    static func parse(_ arguments: [String]) throws(CLIError) -> CLICommand {
        guard let first = arguments.first else { return .help(topic: nil) }
        let rest = Array(arguments.dropFirst())
        switch first {
        case "-h", "--help", "help": return .help(topic: rest.first)
        case "--version", "version": return .version
        case "serve":
            var common = CommonOptions()
            var help = false
            try parseOptions(rest, command: "serve", common: &common, help: &help) {
                (_: String, _: () throws(CLIError) -> String) throws(CLIError) -> Bool in false
            }
            return help ? .help(topic: "serve") : .serve(common)
        case "tools":
            var common = CommonOptions()
            var help = false
            var json = false
            var client: String?
            try parseOptions(rest, command: "tools", common: &common, help: &help) {
                (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
                switch option {
                case "--json":
                    json = true
                    return true
                case "--client":
                    client = try value()
                    return true
                default: return false
                }
            }
            return help ? .help(topic: "tools") : .tools(common, json: json, clientName: client)
        default:
            throw .unknownCommand(first)
        }
    }

    /// Walks the options; `extra` handles command-specific ones and returns whether it knew the option.
    private static func parseOptions(
        _ arguments: [String], command: String, common: inout CommonOptions, help: inout Bool,
        extra: (String, () throws(CLIError) -> String) throws(CLIError) -> Bool
    ) throws(CLIError) {
        var i = 0
        while i < arguments.count {
            var option = arguments[i]
            var inlineValue: String?
            if option.hasPrefix("--"), let eq = option.firstIndex(of: "=") {
                inlineValue = String(option[option.index(after: eq)...])
                option = String(option[..<eq])
            }
            let index = i
            func value() throws(CLIError) -> String {
                if let inlineValue { return inlineValue }
                guard index + 1 < arguments.count else { throw .missingValue(option) }
                i += 1
                return arguments[index + 1]
            }
            switch option {
            case "-h", "--help": help = true
            case "-v", "--verbose": common.verbose = true
            case "-c", "--config": common.configPath = try value()
            default:
                if try extra(option, value) { break }
                if option.hasPrefix("-") { throw .unknownOption(option, command: command) }
                throw .unexpectedArgument(option, command: command)
            }
            i += 1
        }
    }
}
