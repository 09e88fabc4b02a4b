/// The parsed command line.
enum CLICommand: Equatable {
    case serve(CommonOptions)
    case tools(CommonOptions, json: Bool, clientName: String?)
    case help(topic: String?)
    case version
    /// No subcommand, `--target …`: the MCP Action Firewall drop-in (serves like `serve`).
    case seed(CommonOptions)
    /// `--generate-config [PATH]`: write the bundled single-target config (nil = `firewall_config.json`).
    case generateConfig(path: String?)
    /// `audit verify|tail|show` (AuditArguments.swift).
    case audit(AuditRequest)
    /// `pins list|diff|accept|forget` (PinsArguments.swift).
    case pins(PinsRequest)
    /// `check`, `explain`, `call`, `import` (see OperatorArguments).
    case operatorCommand(OperatorCommand)
}

struct CommonOptions: Equatable {
    var configPath: String?
    var verbose = false
    /// Single-target mode: the target's whole command line; `configPath` is then a firewall_config.json.
    var target: String?
    /// Single-target mode: which `servers.<name>` block of the firewall_config.json applies.
    var name: String?
    /// `serve --audit PATH`: the audit trail file, over hub.json's `audit.path`.
    var auditPath: String?
    /// `serve --watch`: reload hub.json when the file changes, not only on SIGHUP.
    var watchConfig = false
}

/// A command line we cannot run, with the message to show and the exit status.
enum CLIError: Error, Equatable, CustomStringConvertible {
    case unknownCommand(String)
    case unknownOption(String, command: String)
    case missingValue(String)
    case unexpectedArgument(String, command: String)
    /// Single-target mode without `--target`.
    case missingTarget
    /// An option that only means something together with `--target`.
    case needsTarget(String)
    /// `audit` / `pins` without a known subcommand.
    case unknownSubcommand(String?, command: String, choices: [String])
    /// An option's value is not one it takes.
    case invalidValue(String, String, expected: String)
    /// `explain` or `call` without the tool to explain or call.
    case missingToolName(command: String)
    /// Two options that cannot be given together.
    case conflictingOptions(String, String)

    var description: String {
        switch self {
        case .unknownCommand(let c):
            return "unknown command \"\(c)\"; commands: serve, tools, check, explain, call, import, audit, pins, help"
        case .unknownOption(let o, CLIParser.singleTargetMode):
            return "unknown option \"\(o)\"; see: mcp-firewall-hub --help, mcp-firewall-hub help seed"
        case .unknownOption(let o, let c): return "unknown option \"\(o)\" for \(c); see: mcp-firewall-hub \(c) --help"
        case .missingValue(let o): return "option \(o) needs a value"
        case .unexpectedArgument(let a, let c): return "unexpected argument \"\(a)\" for \(c)"
        case .missingTarget:
            return "--target \"COMMAND ARGS\" is required (or use --generate-config [PATH]); "
                + "see: mcp-firewall-hub help seed"
        case .needsTarget(let o): return "\(o) only applies together with --target \"COMMAND ARGS\""
        case .unknownSubcommand(let given, let command, let choices):
            let what = given.map { "unknown \(command) command \"\($0)\"" } ?? "\(command) needs a command"
            return "\(what); one of: \(choices.joined(separator: ", ")); see: mcp-firewall-hub help \(command)"
        case .invalidValue(let option, let value, let expected): return "\(option) \"\(value)\": expected \(expected)"
        case .missingToolName(let c): return "\(c) needs the tool, as SERVER.TOOL; see: mcp-firewall-hub \(c) --help"
        case .conflictingOptions(let a, let b): return "\(a) and \(b) cannot be given together"
        }
    }
}

/// A small, exact parser: `--opt value`, `--opt=value`, flags, `--` ends options.
enum CLIParser {
    /// The "command" name of options given without a subcommand, in messages.
    static let singleTargetMode = "single-target mode"

    static func parse(_ arguments: [String]) throws(CLIError) -> CLICommand {
        guard let first = arguments.first else { return .help(topic: nil) }
        let rest = Array(arguments.dropFirst())
        switch first {
        case "-h", "--help", "help": return .help(topic: rest.first)
        case "--version", "version": return .version
        case "serve":
            var common = CommonOptions()
            var help = false
            var targetOptions = CommonOptions()
            var auditPath: String?
            var watch = false
            try parseOptions(rest, command: "serve", common: &common, help: &help) {
                (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
                if option == "--audit" {
                    auditPath = try value()
                    return true
                }
                if option == "--watch" {
                    watch = true
                    return true
                }
                return try parseTargetOption(option, value, into: &targetOptions)
            }
            try merge(targetOptions, into: &common)
            common.auditPath = auditPath
            common.watchConfig = watch
            return help ? .help(topic: "serve") : .serve(common)
        case "tools":
            var common = CommonOptions()
            var help = false
            var targetOptions = CommonOptions()
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
                default: return try parseTargetOption(option, value, into: &targetOptions)
                }
            }
            try merge(targetOptions, into: &common)
            return help ? .help(topic: "tools") : .tools(common, json: json, clientName: client)
        case "audit": return try parseAudit(rest)
        case "pins": return try parsePins(rest)
        case let command where OperatorCommand.names.contains(command):
            return try OperatorArguments.parse(command, rest)
        default:
            guard first.hasPrefix("-") else { throw .unknownCommand(first) }
            return try parseSingleTarget(arguments)
        }
    }

    /// Options without a subcommand: the MCP Action Firewall's `--target`, `--name`, `--config`, `-v`,
    /// `--generate-config [PATH]`.
    private static func parseSingleTarget(_ arguments: [String]) throws(CLIError) -> CLICommand {
        var rest = arguments
        let generate = extractGenerateConfig(&rest)
        var common = CommonOptions()
        var help = false
        var targetOptions = CommonOptions()
        try parseOptions(rest, command: singleTargetMode, common: &common, help: &help) {
            (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
            try parseTargetOption(option, value, into: &targetOptions)
        }
        common.target = targetOptions.target
        common.name = targetOptions.name
        if let generate {
            if generate == "" { throw .missingValue("--generate-config=") }
            return .generateConfig(path: generate)
        }
        if help { return .help(topic: "seed") }
        guard common.target != nil else { throw .missingTarget }
        return .seed(common)
    }

    private static func parseTargetOption(
        _ option: String, _ value: () throws(CLIError) -> String, into common: inout CommonOptions
    ) throws(CLIError) -> Bool {
        switch option {
        case "--target": common.target = try value()
        case "--name": common.name = try value()
        default: return false
        }
        return true
    }

    /// Copies `--target` / `--name` (collected apart: the option walker holds `common` exclusively).
    private static func merge(_ targetOptions: CommonOptions, into common: inout CommonOptions) throws(CLIError) {
        common.target = targetOptions.target
        common.name = targetOptions.name
        if common.target == nil && common.name != nil { throw .needsTarget("--name") }
    }

    /// Removes `--generate-config [PATH]` / `--generate-config=PATH` from `arguments`. Its PATH is optional:
    /// the next argument is taken only when it is not an option. Returns nil when the flag is absent, and
    /// `.some(nil)` when it has no PATH.
    private static func extractGenerateConfig(_ arguments: inout [String]) -> String?? {
        let takesValue: Set<String> = ["--target", "--name", "--config", "-c"]
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            if argument == "--" { return nil }
            if argument.hasPrefix("--generate-config=") {
                arguments.remove(at: i)
                return .some(String(argument.dropFirst("--generate-config=".count)))
            }
            if argument == "--generate-config" {
                if i + 1 < arguments.count, !arguments[i + 1].hasPrefix("-") {
                    let path = arguments[i + 1]
                    arguments.removeSubrange(i...(i + 1))
                    return .some(path)
                }
                arguments.remove(at: i)
                return .some(nil)
            }
            i += takesValue.contains(argument) ? 2 : 1
        }
        return nil
    }

    /// Walks the options; `extra` handles command-specific ones (and words that are not options) and
    /// returns whether it knew them.
    static func parseOptions(
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
