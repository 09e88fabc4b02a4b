#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Single-target mode, the MCP Action Firewall drop-in: `--target "COMMAND ARGS"` (no subcommand, or
/// with `serve`), `tools --target …`, and `--generate-config [PATH]`.
enum SeedCommand {
    /// `--generate-config` when the target file exists or cannot be written.
    static let generateFailure: Int32 = 1

    static func serve(_ options: CommonOptions, environment: [String: String], log: HubLog) async -> Int32 {
        let setup: SeedSetup
        switch prepare(options, log: log) {
        case .success(let prepared): setup = prepared
        case .failure(let refusal): return refusal.status
        }
        return await ServeCommand.run(
            config: setup.hubConfig, environment: environment, log: log,
            policies: [setup.serverName: setup.policy], reloadsConfig: false)
    }

    static func tools(
        _ options: CommonOptions, environment: [String: String], log: HubLog, json: Bool, clientName: String?
    ) async -> Int32 {
        let setup: SeedSetup
        switch prepare(options, log: log) {
        case .success(let prepared): setup = prepared
        case .failure(let refusal): return refusal.status
        }
        return await ToolsCommand.run(
            config: setup.hubConfig, environment: environment, log: log, json: json, clientName: clientName,
            policies: [setup.serverName: setup.policy])
    }

    /// Writes the bundled firewall_config.json to `path` (default `firewall_config.json`), never over an
    /// existing file (or symlink), and says where on stdout.
    static func generateConfig(path: String?, log: HubLog) -> Int32 {
        let target = LocalPath.absolute(path ?? SeedSetup.implicitConfigName)
        let text = SeedConfig.bundledJSON.prettyPrinted() + "\n"
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            let code = errno
            if code == EEXIST {
                log.error(
                    "\(target) already exists; not overwriting it. Remove it first, or pass another path: "
                        + "--generate-config other.json")
            } else {
                log.error("cannot create \(target): \(String(cString: strerror(code)))")
            }
            return generateFailure
        }
        let bytes = Array(text.utf8)
        var written = 0
        var failure: Int32?
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += n
        }
        close(fd)
        if let failure {
            log.error("cannot write \(target): \(String(cString: strerror(failure)))")
            unlink(target)
            return generateFailure
        }
        HubCommandLine.writeStdout(
            "Generated \(target)\nEdit it, then load it with: --config \(target)\n"
                + "(it is never picked up from the working directory on its own)\n")
        return HubCommandLine.ExitCode.success
    }

    private struct Refusal: Error {
        var status: Int32
    }

    /// The setup, with its notices logged; or, after logging why, the exit status: a bad `--target` is a
    /// usage error, a bad config file a config error.
    private static func prepare(_ options: CommonOptions, log: HubLog) -> Result<SeedSetup, Refusal> {
        do {
            let setup = try SeedSetup.make(
                target: options.target ?? "", name: options.name, configPath: options.configPath,
                currentDirectory: LocalPath.currentDirectory())
            for notice in setup.notices {
                switch notice {
                case .info(let text): log.info(text)
                case .warning(let text): log.warning(text)
                }
            }
            return .success(setup)
        } catch {
            log.error("\(error)")
            switch error {
            case .config: return .failure(Refusal(status: HubCommandLine.ExitCode.config))
            case .target, .noCommand: return .failure(Refusal(status: HubCommandLine.ExitCode.usage))
            }
        }
    }
}
