import CShim
import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The executable's entry point: parse, run, map errors to exit statuses. Messages are rendered
/// here, once, at the edge.
public enum HubCommandLine {
    public enum ExitCode {
        public static let success: Int32 = 0
        /// `tools`: some server failed to start.
        public static let serverFailure: Int32 = 1
        public static let usage: Int32 = 64
        /// A file the hub must write (the audit trail, the pin store) cannot be written.
        public static let ioError: Int32 = 74
        public static let config: Int32 = 78
    }

    /// Process-wide set-up the executable does first: a write to a closed pipe must fail with EPIPE,
    /// not kill the hub.
    public static func prepareProcess(arguments: [String] = []) {
        UnixSignals.installNoOpSIGPIPEHandler()
        // `serve` reloads hub.json on SIGHUP once its router listens; until then a SIGHUP must not end
        // the session (the default action), so it is ignored from the first instruction of ours.
        if arguments.first == "serve" { _ = signal(SIGHUP, SIG_IGN) }
        cshim_keep_large_blocks()
    }

    public static func main(arguments: [String], environment: [String: String]) async -> Int32 {
        let stderrWriter = FDWriter(fd: 2, closeOnFinish: false, batchable: true)
        defer { stderrWriter.drainAndStop() }
        let command: CLICommand
        do {
            command = try CLIParser.parse(arguments)
        } catch {
            stderrWriter.write(Array("mcp-firewall-hub: \(error)\n".utf8))
            return ExitCode.usage
        }
        switch command {
        case .help(let topic):
            writeStdout(HelpText.text(for: topic) + "\n")
            return ExitCode.success
        case .version:
            writeStdout("\(HubVersion.name) \(HubVersion.version)\n")
            return ExitCode.success
        case .seed(let options):
            let log = HubLog(writer: stderrWriter, verbose: options.verbose)
            return await SeedCommand.serve(options, environment: environment, log: log)
        case .generateConfig(let path):
            return SeedCommand.generateConfig(path: path, log: HubLog(writer: stderrWriter, verbose: false))
        case .serve(let options):
            var log = HubLog(writer: stderrWriter, verbose: options.verbose)
            if options.target != nil {
                if options.auditPath != nil {
                    log.error("--audit needs a hub.json; single-target mode (--target) keeps no audit trail")
                    return ExitCode.usage
                }
                return await SeedCommand.serve(options, environment: environment, log: log)
            }
            guard var config = loadConfig(options, environment: environment, log: log) else { return ExitCode.config }
            log = log.redacting(config.expandedSecrets)
            ServeAudit.apply(auditPath: options.auditPath, to: &config)
            guard case .success(let trail) = ServeAudit.start(config: config, log: log) else { return ExitCode.ioError }
            let status = await ServeCommand.run(
                config: config, environment: environment, log: log, watchesConfig: options.watchConfig, audit: trail)
            ServeAudit.end(trail, log: log)
            return status
        case .tools(let options, let json, let clientName):
            var log = HubLog(writer: stderrWriter, verbose: options.verbose)
            if options.target != nil {
                return await SeedCommand.tools(
                    options, environment: environment, log: log, json: json, clientName: clientName)
            }
            guard let config = loadConfig(options, environment: environment, log: log) else { return ExitCode.config }
            log = log.redacting(config.expandedSecrets)
            return await ToolsCommand.run(
                config: config, environment: environment, log: log, json: json, clientName: clientName)
        case .audit(let request):
            return AuditCommand.run(
                request, environment: environment, log: HubLog(writer: stderrWriter, verbose: false))
        case .pins(let request):
            let log = HubLog(writer: stderrWriter, verbose: request.common.verbose)
            return await PinsCommand.run(request, environment: environment, log: log)
        case .operatorCommand(let command):
            return await OperatorCommands.run(command, environment: environment, stderr: stderrWriter)
        }
    }

    /// The config, or nil after naming every problem in it on stderr (the caller exits 78).
    static func loadConfig(_ options: CommonOptions, environment: [String: String], log: HubLog) -> HubConfig? {
        let path: String
        switch ConfigLocator.resolve(explicitPath: options.configPath, environment: environment) {
        case .success(let located): path = located
        case .failure(let error):
            log.error("\(error)")
            return nil
        }
        switch ConfigLoader.loadAll(path: path, environment: environment) {
        case .success(let config):
            return config
        case .failure(let problems):
            for error in problems.errors { log.error("\(error)") }
            return nil
        }
    }

    /// Help and version text (never used in `serve`, where stdout is protocol only).
    static func writeStdout(_ text: String) {
        let writer = FDWriter(fd: 1, closeOnFinish: false)
        writer.write(Array(text.utf8))
        writer.drainAndStop()
    }
}

extension FDWriter {
    /// Writes out everything queued, then stops the writer (used at exit, when nothing else may be lost).
    func drainAndStop() {
        finish()
        _ = waitUntilStopped(timeout: .seconds(10))
    }
}
