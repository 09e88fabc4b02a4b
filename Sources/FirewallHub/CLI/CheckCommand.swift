import MCPWire

/// `check`: validates hub.json and reports every problem (with its file, JSON path and a fix), then
/// the risky settings a reviewer would flag; `--start` also starts each server and reports it. It
/// never serves, and never changes the file. The report goes to stdout; the exit status is for CI.
enum CheckCommand {
    enum Exit {
        static let ok: Int32 = 0
        /// Warnings with `--strict`, or a server that failed with `--start`.
        static let warnings: Int32 = 1
        static let invalid: Int32 = HubCommandLine.ExitCode.config
    }

    static func run(_ options: CheckOptions, environment: [String: String], log: HubLog) async -> Int32 {
        var out = ""
        defer { HubCommandLine.writeStdout(out) }
        let path: String
        switch ConfigLocator.resolve(explicitPath: options.common.configPath, environment: environment) {
        case .success(let located): path = located
        case .failure(let error):
            out += render(errors: [error])
            return Exit.invalid
        }
        let document: JSONValue
        switch ConfigLoader.readJSON(path) {
        case .success(let json): document = json
        case .failure(let error):
            out += render(errors: [error]) + "\n\(path): invalid (1 error)\n"
            return Exit.invalid
        }
        let config: HubConfig
        switch ConfigLoader.validate(document, filePath: path, environment: environment) {
        case .success(let valid): config = valid
        case .failure(let problems):
            let count = problems.errors.count
            out += render(errors: problems.errors)
            out +=
                "\n\(path): invalid (\(count) error\(count == 1 ? "" : "s")); warnings are reviewed once it is valid\n"
            return Exit.invalid
        }
        out += summary(of: config)
        var warnings = ConfigReview.warnings(for: config, document: document, environment: environment)
        var failed = 0
        if options.start {
            HubCommandLine.writeStdout(out)
            out = ""
            let servers = await ServerProbe.run(config: config, environment: environment, log: log)
            out += servers.map(describe).joined() + "\n"
            failed = servers.filter { $0.failure != nil }.count
            var review = ConfigReview.Collector(file: config.filePath)
            ConfigReview.toolWarnings(
                config, tools: servers.filter { $0.failure == nil }.map { ($0.name, $0.tools) }, into: &review)
            warnings += review.warnings
            warnings += collisionWarnings(servers, config: config)
        }
        out += warnings.map(render).joined()
        var replayChanged = false
        if !options.replay.isEmpty {
            switch replay(options.replay, config: config) {
            case .success(let replay):
                out += "\n" + replay.report
                replayChanged = !replay.changed.isEmpty || replay.isInconclusive
            case .failure(let unreadable):
                out += "error: \(unreadable)\n"
                return HubCommandLine.ExitCode.ioError
            }
        }
        var verdict = warnings.isEmpty ? "valid" : "valid, \(warnings.count) warning\(warnings.count == 1 ? "" : "s")"
        if failed > 0 { verdict += ", \(failed) server\(failed == 1 ? "" : "s") failed to start" }
        out += (warnings.isEmpty && failed == 0 ? "" : "\n") + "\(config.filePath): \(verdict)\n"
        if failed > 0 || replayChanged || (options.strict && !warnings.isEmpty) { return Exit.warnings }
        return Exit.ok
    }

    /// An audit file `--replay` could not read.
    struct UnreadableAudit: Error, CustomStringConvertible {
        var path: String
        var why: String
        var description: String { "\(path): cannot read the audit file: \(why)" }
    }

    /// `--replay`: every record of `paths`, in order, through `PolicyReplay`.
    private static func replay(_ paths: [String], config: HubConfig) -> Result<PolicyReplay, UnreadableAudit> {
        var replay = PolicyReplay(config: config)
        for path in paths.map(LocalPath.absolute) {
            if LocalFile.kind(at: path) == .file, !LocalFile.isRegularFile(path) {
                return .failure(UnreadableAudit(path: path, why: "not a regular file"))
            }
            let reader: AuditLineReader
            switch AuditLineReader.open(path) {
            case .success(let opened): reader = opened
            case .failure(let error): return .failure(UnreadableAudit(path: path, why: "\(error)"))
            }
            while true {
                switch reader.next() {
                case .failure(let error): return .failure(UnreadableAudit(path: path, why: "\(error)"))
                case .success(nil): break
                case .success(let line?):
                    if let record = (try? JSONParser.parse(line.bytes))?.objectValue {
                        replay.replay(record)
                    } else {
                        replay.skipUnreadable()
                    }
                    continue
                }
                break
            }
        }
        return .success(replay)
    }

    static func render(errors: [ConfigError]) -> String {
        errors.map { "error: \($0)\n  fix: \($0.fix)\n" }.joined()
    }

    static func render(_ warning: ConfigWarning) -> String {
        "warning: \(warning)\n  fix: \(warning.fix)\n"
    }

    private static func summary(of config: HubConfig) -> String {
        var text = "\(config.filePath): \(config.servers.count) server\(config.servers.count == 1 ? "" : "s")"
        text += " (" + config.servers.map(\.name).joined(separator: ", ") + ")"
        if !config.disabledServers.isEmpty {
            text += "; disabled: " + config.disabledServers.joined(separator: ", ")
        }
        return text + "\n"
    }

    private static func describe(_ server: ServerProbe.Server) -> String {
        if let failure = server.failure { return "server \(server.name): FAILED: \(failure)\n" }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var parts = [count(server.tools.count, "tool")]
        if server.promptCount > 0 { parts.append(count(server.promptCount, "prompt")) }
        if server.resourceCount > 0 { parts.append(count(server.resourceCount, "resource")) }
        parts.append(server.modernProtocol ? "protocol 2026-07-28" : "legacy protocol")
        if let info = server.info { parts.append(info) }
        return "server \(server.name): ready (" + parts.joined(separator: ", ") + ")\n"
    }

    /// Tool names two tools would share, for clients that get `.` and for those that get `__`.
    private static func collisionWarnings(_ servers: [ServerProbe.Server], config: HubConfig) -> [ConfigWarning] {
        var seen = Set<String>()
        var warnings: [ConfigWarning] = []
        for client in [nil, "claude-code"] {
            for collision in ServerProbe.catalog(servers, naming: config.naming, clientName: client).collisions
            where seen.insert(collision).inserted {
                warnings.append(
                    ConfigWarning(
                        kind: .nameCollision, file: config.filePath, jsonPath: "",
                        message: collision + (client.map { " (for clients like \($0))" } ?? ""),
                        fix: "rename one of the servers so that no server name is another's plus the separator"))
            }
        }
        return warnings
    }
}
