#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pins list|diff|accept|forget`: the human side of tool-definition pinning.
///
/// `diff` asks the servers (started as `tools` does) and records what differs as *pending* in the store;
/// running hubs record what they hold there too. `accept` pins exactly the pending definitions it shows,
/// and only those (a definition that changes again before the store is written is refused), so what a
/// person accepts is what they saw; it never starts a server.
enum PinsCommand {
    /// `diff`: something differs from its pin (or was never pinned).
    static let differences: Int32 = 1
    /// `diff`: a server could not be started or listed.
    static let serverFailure: Int32 = 2

    static func run(_ request: PinsRequest, environment: [String: String], log: HubLog) async -> Int32 {
        guard let config = HubCommandLine.loadConfig(request.common, environment: environment, log: log) else {
            return HubCommandLine.ExitCode.config
        }
        guard let path = config.pins.path else {
            log.error(
                "no place for the pin store: set \"pins\": {\"path\": ...} in \(config.filePath), or $XDG_STATE_HOME or $HOME"
            )
            return HubCommandLine.ExitCode.config
        }
        if !config.pins.enabled { log.warning("pinning is off in \(config.filePath) (pins.enabled is false)") }
        let store = PinStore(path: path)
        switch request.action {
        case .list:
            switch store.load() {
            case .success(let file):
                write(PinsText.list(file, selection: request.selection))
                return HubCommandLine.ExitCode.success
            case .failure(let failure):
                log.error("\(failure)")
                return HubCommandLine.ExitCode.ioError
            }
        case .diff:
            if request.offline { return offlineDiff(store, request.selection, log: log) }
            return await liveDiff(store, request.selection, config: config, environment: environment, log: log)
        case .accept, .forget:
            return PinsDecision.run(request, store: store, config: config, log: log)
        }
    }

    private static func liveDiff(
        _ store: PinStore, _ selection: PinSelection?, config: HubConfig, environment: [String: String], log: HubLog
    ) async -> Int32 {
        var subset = config
        if let selection {
            guard config.server(named: selection.server) != nil else {
                log.error(
                    "no server \"\(selection.server)\" in \(config.filePath); servers: \(config.servers.map(\.name).joined(separator: ", "))"
                )
                return HubCommandLine.ExitCode.usage
            }
            subset.servers = config.servers.filter { $0.name == selection.server }
        }
        let file: PinFile
        switch store.load() {
        case .success(let loaded): file = loaded
        case .failure(let failure):
            log.error("\(failure)")
            return HubCommandLine.ExitCode.ioError
        }
        let servers = await LiveDefinitions.fetch(config: subset, environment: environment, log: log)
        let now = AuditInstant.now().rfc3339
        var reports: [ServerPinReport] = []
        var failed = false
        for server in servers {
            if let failure = server.failure {
                log.error("server \"\(server.name)\" failed: \(failure)")
                failed = true
                continue
            }
            reports.append(
                PinCheck.check(
                    server: server.name, pinned: file.servers[server.name], listed: server.tools,
                    instructions: server.instructions, newTools: config.pins.newTools, at: now))
        }
        let recorded = store.update { file -> Result<Void, PinStore.Failure> in
            for report in reports { report.recordPending(into: &file.servers[report.server], selection: selection) }
            return .success(())
        }
        if case .failure(let failure) = recorded { log.warning("the changes were not recorded as pending: \(failure)") }
        let text = reports.map { PinsText.report($0, selection: selection, newTools: config.pins.newTools) }.joined()
        write(text.isEmpty ? "no changes: every listed definition is the pinned one\n" : text)
        if failed { return serverFailure }
        return text.isEmpty ? HubCommandLine.ExitCode.success : differences
    }

    private static func offlineDiff(_ store: PinStore, _ selection: PinSelection?, log: HubLog) -> Int32 {
        let file: PinFile
        switch store.load() {
        case .success(let loaded): file = loaded
        case .failure(let failure):
            log.error("\(failure)")
            return HubCommandLine.ExitCode.ioError
        }
        let pending = PendingItem.all(in: file, selection: selection)
        write(pending.isEmpty ? "nothing pending\n" : pending.map(\.text).joined())
        return pending.isEmpty ? HubCommandLine.ExitCode.success : differences
    }

    /// Writes `text` to stdout, each line escaped for the terminal.
    static func write(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { AuditRows.visible(String($0)) }
        HubCommandLine.writeStdout(lines.joined(separator: "\n"))
    }
}

extension ServerPinReport {
    /// What `pins diff` records: everything that is not the pinned definition becomes pending (a first
    /// sight included: the command line never pins by itself).
    func recordPending(into pins: inout ServerPins?, selection: PinSelection?) {
        var updated = pins ?? ServerPins()
        for tool in tools where selection?.includes(server: server, tool: tool.name) ?? true {
            if tool.verdict == .unchanged {
                updated.pendingTools[tool.name] = nil
            } else if updated.pendingTools[tool.name]?.hash != tool.current.hash {
                updated.pendingTools[tool.name] = tool.current
            }
        }
        if selection?.includesInstructions ?? true {
            if instructions == .unchanged {
                updated.pendingInstructions = nil
            } else if updated.pendingInstructions?.hash != currentInstructions.hash {
                updated.pendingInstructions = currentInstructions
            }
        }
        pins = updated.isEmpty && pins == nil ? nil : updated
    }
}
