/// The command line of `pins list|diff|accept|forget [server[.tool]]`. Parsing only.
struct PinsRequest: Equatable {
    enum Action: String, Equatable, CaseIterable {
        case list
        case diff
        case accept
        case forget
    }

    var action: Action
    /// nil: every server.
    var selection: PinSelection?
    /// `diff --offline`: compare with what hubs recorded as pending, without starting the servers.
    var offline = false
    /// `accept --yes`: no question asked (for scripts; the changes are still printed).
    var yes = false
    var common = CommonOptions()
}

/// `server` (its tools and instructions) or `server.tool`. Server names have no dots, so the first
/// dot splits; the tool's own name may have more.
struct PinSelection: Equatable, CustomStringConvertible {
    var server: String
    var tool: String?

    init(server: String, tool: String? = nil) {
        self.server = server
        self.tool = tool
    }

    init?(parsing text: String) {
        guard let dot = text.firstIndex(of: ".") else {
            guard !text.isEmpty else { return nil }
            self.init(server: text)
            return
        }
        let server = String(text[..<dot])
        let tool = String(text[text.index(after: dot)...])
        guard !server.isEmpty, !tool.isEmpty else { return nil }
        self.init(server: server, tool: tool)
    }

    var description: String { tool.map { "\(server).\($0)" } ?? server }

    func includes(server name: String) -> Bool { name == server }

    func includes(server name: String, tool toolName: String) -> Bool {
        name == server && (tool == nil || tool == toolName)
    }

    /// Instructions are selected with their whole server.
    var includesInstructions: Bool { tool == nil }
}

extension CLIParser {
    static func parsePins(_ arguments: [String]) throws(CLIError) -> CLICommand {
        let choices = PinsRequest.Action.allCases.map(\.rawValue)
        guard let verb = arguments.first, !verb.hasPrefix("-") else {
            if arguments.contains(where: { $0 == "-h" || $0 == "--help" }) { return .help(topic: "pins") }
            throw .unknownSubcommand(nil, command: "pins", choices: choices)
        }
        guard let action = PinsRequest.Action(rawValue: verb) else {
            throw .unknownSubcommand(verb, command: "pins", choices: choices)
        }
        let command = "pins " + verb
        var request = PinsRequest(action: action)
        var common = CommonOptions()
        var help = false
        var positional: [String] = []
        try parseOptions(Array(arguments.dropFirst()), command: command, common: &common, help: &help) {
            (option: String, _: () throws(CLIError) -> String) throws(CLIError) -> Bool in
            switch (action, option) {
            case (.diff, "--offline"): request.offline = true
            case (.accept, "--yes"), (.accept, "-y"), (.forget, "--yes"), (.forget, "-y"): request.yes = true
            default:
                if option.hasPrefix("-") { return false }
                positional.append(option)
            }
            return true
        }
        if help { return .help(topic: "pins") }
        if positional.count > 1 { throw .unexpectedArgument(positional[1], command: command) }
        if let text = positional.first {
            guard let selection = PinSelection(parsing: text) else {
                throw .invalidValue(command, text, expected: "SERVER or SERVER.TOOL")
            }
            request.selection = selection
        } else if action == .accept || action == .forget {
            throw .invalidValue(command, "", expected: "SERVER or SERVER.TOOL (what to \(verb))")
        }
        request.common = common
        return .pins(request)
    }
}
