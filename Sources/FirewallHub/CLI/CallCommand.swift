import MCPWire

/// `call SERVER.TOOL --args JSON`: one call through the full policy, from a terminal. It runs this
/// binary's own `serve` as a child and is its MCP client (so every rule, prompt and code path is the
/// real one), declaring form elicitation only when stdin is a terminal: the hub's approval prompt is
/// then asked here. A call held with a code asks for the code (from the terminal, else one line of
/// stdin). It prints the result and exits with what became of the call.
enum CallCommand {
    static let clientName = "mcp-firewall-hub-call"

    static func run(_ options: CallOptions, environment: [String: String], stderr: FDWriter) async -> Int32 {
        let log = HubLog(writer: stderr, verbose: options.common.verbose)
        guard let config = HubCommandLine.loadConfig(options.common, environment: environment, log: log) else {
            return HubCommandLine.ExitCode.config
        }
        let arguments: JSONObject?
        switch CallArguments.parse(options.arguments) {
        case .success(let parsed): arguments = parsed
        case .failure(let problem):
            log.error(problem.description)
            return HubCommandLine.ExitCode.usage
        }
        let interactive = TerminalInput.isInteractive
        let verbose = options.common.verbose
        let connection: HubConnection
        do {
            connection = try HubConnection.start(configPath: config.filePath, environment: environment) { line in
                // The hub's own warnings and errors always; its info lines and the servers' stderr with -v.
                if verbose || line.hasPrefix("mcp-firewall-hub: warning:") || line.hasPrefix("mcp-firewall-hub: error:")
                {
                    stderr.write(Array((VisibleText.of(line) + "\n").utf8))
                }
            }
        } catch {
            log.error("cannot start the hub: \(error)")
            return CallOutcome.Exit.failed
        }
        var session = CallSession(
            connection: connection, config: config, input: TerminalInput(), interactive: interactive,
            show: { stderr.write(Array($0.utf8)) })
        let status = session.run(name: options.name, arguments: arguments, json: options.json)
        await connection.close()
        return status
    }
}

/// One `call`'s conversation with its hub: handshake, tool list, the call, the approval on the way.
struct CallSession {
    let connection: HubConnection
    let config: HubConfig
    let input: TerminalInput
    let interactive: Bool
    /// Writes to the terminal (stderr): decisions, prompts, notes.
    let show: (String) -> Void
    private var nextID = 1

    mutating func nextIDAndAdvance() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    init(
        connection: HubConnection, config: HubConfig, input: TerminalInput, interactive: Bool,
        show: @escaping (String) -> Void
    ) {
        self.connection = connection
        self.config = config
        self.input = input
        self.interactive = interactive
        self.show = show
    }

    /// How long to wait for the hub's answer to the opening requests (it waits up to 10 s for slow
    /// servers, then answers with the ready ones).
    static let openingSeconds = 120.0

    mutating func run(name: String, arguments: JSONObject?, json: Bool) -> Int32 {
        let capabilities: JSONObject = interactive ? ["elicitation": ["form": [:]]] : [:]
        let initialize = request(
            "initialize",
            [
                "protocolVersion": "2025-11-25", "capabilities": .object(capabilities),
                "clientInfo": ["name": .string(CallCommand.clientName), "version": .string(HubVersion.version)],
            ], timeout: Self.openingSeconds)
        guard case .result = initialize else { return fail("the hub did not start", initialize) }
        connection.send(.notification(.init(method: "notifications/initialized")))

        // The tool's annotations, to know the policy's decision before the call (the hub makes the same).
        var decision: PolicyDecision?
        if let entry = findTool(name), let engine = ExplainCommand.engine(for: entry.server, config: config) {
            decision = engine.decide(tool: entry.tool, annotations: entry.annotations, arguments: arguments)
            show("\(name): \(decision!.action.rawValue) (\(decision!.rule))\n")
        }
        var approved = false
        var params: JSONObject = ["name": .string(name)]
        if let arguments { params["arguments"] = .object(arguments) }
        var answer = request("tools/call", params, timeout: callTimeout(), approved: &approved)
        while true {
            guard case .result(let result) = answer else { return fail("the call failed", answer, json: json) }
            switch CallOutcome.classify(result, decision: decision?.action, humanApproved: approved) {
            case .ran(let isError):
                HubCommandLine.writeStdout(json ? result.prettyPrinted() + "\n" : CallOutcome.render(result))
                if isError { show("the tool reported an error\n") }
                return isError ? CallOutcome.Exit.failed : CallOutcome.Exit.ran
            case .denied:
                printHub(result, json: json)
                return CallOutcome.Exit.denied
            case .notApproved:
                printHub(result, json: json)
                return CallOutcome.Exit.notApproved
            case .heldWithCode(let callID, let expiresIn, let held):
                show(VisibleText.of(held["message"]?.stringValue ?? "held for approval") + "\n")
                guard let code = askForCode(expiresIn: expiresIn, held: held) else {
                    _ = request(
                        "tools/call",
                        ["name": "firewall_confirm", "arguments": ["decision": "deny", "call_id": .string(callID)]],
                        timeout: 30)
                    show("no code given: the held call was discarded; it did not run\n")
                    if json { HubCommandLine.writeStdout(result.prettyPrinted() + "\n") }
                    return CallOutcome.Exit.notApproved
                }
                let confirm: JSONObject = [
                    "name": "firewall_confirm", "arguments": ["otp": .string(code), "call_id": .string(callID)],
                ]
                answer = request("tools/call", confirm, timeout: callTimeout(), approved: &approved)
                if case .result(let confirmed) = answer, confirmed["isError"] == .bool(true),
                    let text = confirmed["content"]?.arrayValue?.first?["text"]?.stringValue,
                    text.hasPrefix("firewall_confirm: ")
                {
                    show(VisibleText.of(text) + "\n")
                    if text.hasPrefix("firewall_confirm: wrong approval code"), !text.contains(" 0 attempt") {
                        answer = .result(result)  // ask again
                        continue
                    }
                    return CallOutcome.Exit.notApproved
                }
                approved = true
            }
        }
    }

    private func printHub(_ result: JSONValue, json: Bool) {
        if json {
            HubCommandLine.writeStdout(result.prettyPrinted() + "\n")
        } else {
            let text = result["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
            show(VisibleText.of(text ?? "(no text)") + "\n")
        }
    }

    /// Bounds the wait for a call: the hub answers every call (its own `call_seconds` and approval
    /// timeouts), so this only guards against a hub that hangs.
    private func callTimeout() -> Double {
        let slowest = config.servers.map(\.timeouts.callSeconds).max() ?? 300
        return Double(slowest + config.approval.elicitationTimeoutSeconds + config.approval.codeTTLSeconds + 60)
    }

    /// The code the human received: typed at the terminal, or one line of stdin; nil when none is given
    /// before the code expires.
    private func askForCode(expiresIn: Int, held: JSONObject) -> String? {
        if interactive {
            if let instruction = held["instruction"]?.stringValue, instruction.contains("approval code: **") {
                show(VisibleText.of(instruction) + "\n")
            }
            show("Approval code (Enter to refuse): ")
        }
        switch input.readLine(timeout: Double(expiresIn)) {
        case .line(let line):
            let code = line.trimmedOfSpaces
            return code.isEmpty ? nil : code
        case .endOfInput, .interrupted, .timedOut:
            return nil
        }
    }
}
