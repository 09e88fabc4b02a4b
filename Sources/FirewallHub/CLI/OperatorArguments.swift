/// The command lines of the operator commands (`check`, `explain`, `call`, `import`): parsed here, run
/// by their own files. Parsing only: nothing is read or started.
enum OperatorCommand: Equatable {
    case check(CheckOptions)
    case explain(ExplainOptions)
    case call(CallOptions)
    case importServers(ImportOptions)

    static let names = ["check", "explain", "call", "import"]
}

struct CheckOptions: Equatable {
    var common = CommonOptions()
    /// Also start every server and report each.
    var start = false
    /// Warnings fail the check (exit 1).
    var strict = false
    /// `--replay FILE` (repeatable): audit trail files whose recorded decisions are replayed.
    var replay: [String] = []
}

struct ExplainOptions: Equatable {
    enum Start: Equatable {
        /// Start the server only when the decision depends on its annotations (or the name needs its tools).
        case whenNeeded
        case always
        case never
    }

    var common = CommonOptions()
    /// `server.tool`, `server__tool`, or the name a client sees.
    var name = ""
    /// `--args`: a JSON object.
    var arguments: String?
    var client: String?
    var start = Start.whenNeeded
}

struct CallOptions: Equatable {
    var common = CommonOptions()
    var name = ""
    var arguments: String?
    /// Print the raw result.
    var json = false
}

struct ImportOptions: Equatable {
    /// `claude-desktop`, `claude-code`, `cursor`, `vscode`, or a file path; nil = the first client found.
    var from: String?
    /// Where to write hub.json; `-` prints it instead; nil = the default config location.
    var output: String?
    /// Rewrite the client's file (after a backup).
    var write = false
    /// The name of the hub's entry in the client's config.
    var entryName = "firewall"
    var verbose = false
}

enum OperatorArguments {
    static func parse(_ command: String, _ arguments: [String]) throws(CLIError) -> CLICommand {
        var help = false
        switch command {
        case "check":
            var options = CheckOptions()
            var common = CommonOptions()
            try CLIParser.parseOptions(arguments, command: command, common: &common, help: &help) {
                (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
                switch option {
                case "--start": options.start = true
                case "--strict": options.strict = true
                case "--replay": options.replay.append(try value())
                default: return false
                }
                return true
            }
            options.common = common
            return help ? .help(topic: command) : .operatorCommand(.check(options))
        case "explain":
            var options = ExplainOptions()
            var common = CommonOptions()
            var positional: [String] = []
            try CLIParser.parseOptions(arguments, command: command, common: &common, help: &help) {
                (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
                switch option {
                case "--args": options.arguments = try value()
                case "--client": options.client = try value()
                case "--start": options.start = .always
                case "--no-start": options.start = .never
                default:
                    if option.hasPrefix("-") { return false }
                    positional.append(option)
                }
                return true
            }
            options.common = common
            if help { return .help(topic: command) }
            options.name = try toolName(positional, command: command)
            return .operatorCommand(.explain(options))
        case "call":
            var options = CallOptions()
            var common = CommonOptions()
            var positional: [String] = []
            try CLIParser.parseOptions(arguments, command: command, common: &common, help: &help) {
                (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
                switch option {
                case "--args": options.arguments = try value()
                case "--json": options.json = true
                default:
                    if option.hasPrefix("-") { return false }
                    positional.append(option)
                }
                return true
            }
            options.common = common
            if help { return .help(topic: command) }
            options.name = try toolName(positional, command: command)
            return .operatorCommand(.call(options))
        default:
            var options = ImportOptions()
            var common = CommonOptions()
            try CLIParser.parseOptions(arguments, command: command, common: &common, help: &help) {
                (option: String, value: () throws(CLIError) -> String) throws(CLIError) -> Bool in
                switch option {
                case "--from": options.from = try value()
                case "--output", "-o": options.output = try value()
                case "--write": options.write = true
                case "--name": options.entryName = try value()
                default: return false
                }
                return true
            }
            if common.configPath != nil { throw .unknownOption("--config", command: command) }
            options.verbose = common.verbose
            if help { return .help(topic: command) }
            if options.write && options.output == "-" { throw .conflictingOptions("--write", "--output -") }
            return .operatorCommand(.importServers(options))
        }
    }

    private static func toolName(_ positional: [String], command: String) throws(CLIError) -> String {
        guard let name = positional.first, !name.isEmpty else { throw .missingToolName(command: command) }
        if positional.count > 1 { throw .unexpectedArgument(positional[1], command: command) }
        return name
    }
}
