/// Single-target mode's inputs turned into what the router runs on: one `ServerConfig` from
/// `--target`, a `HubConfig` that does not namespace, and the `SeedPolicy` for that server.
///
/// The target's arguments are never put into a message: they often hold secrets (`--api-key sk_…`).
struct SeedSetup {
    var hubConfig: HubConfig
    var policy: SeedPolicy
    var seedConfig: SeedConfig
    /// The server's name in logs and held-call texts.
    var serverName: String
    /// Lines for stderr before the target starts: warnings and a summary.
    var notices: [Notice]

    enum Notice: Equatable {
        case info(String)
        case warning(String)
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        /// `--target` could not be split into words.
        case target(ShellWords.Failure)
        /// `--target` holds only `NAME=value` assignments.
        case noCommand
        case config(ConfigError)

        var description: String {
            switch self {
            case .target(let problem): return "--target: \(problem)"
            case .noCommand:
                return "--target: there is no command after the NAME=value assignments; give the command that "
                    + "starts the MCP server"
            case .config(let error): return "\(error)"
            }
        }
    }

    static let implicitConfigName = "firewall_config.json"
    /// Launchers whose first argument names the server package (`uvx mcp-server-stripe`).
    private static let launchers: Set<String> = ["uvx", "npx", "pipx", "bunx", "pnpx", "dlx"]

    /// Builds the setup. `configPath` is a firewall_config.json (nil = the bundled defaults);
    /// `currentDirectory` resolves a relative command path and is where a stray firewall_config.json is
    /// looked for (only to warn that it is not loaded).
    static func make(
        target: String, name: String?, configPath: String?, currentDirectory: String
    ) throws(Failure) -> SeedSetup {
        let words: [ShellWords.Word]
        do {
            words = try ShellWords.words(target)
        } catch {
            throw .target(error)
        }
        if words.isEmpty { throw .target(.empty) }
        var env: [String: String] = [:]
        var index = 0
        while index < words.count, let assignment = words[index].assignment {
            env[assignment.name] = assignment.value
            index += 1
        }
        guard index < words.count else { throw .noCommand }
        var command = words[index].text
        let args = words[(index + 1)...].map(\.text)
        if command.isEmpty { throw .target(.empty) }
        if command.contains("/"), !command.hasPrefix("/") {
            command = LocalPath.absolute(LocalPath.appending(command, to: currentDirectory))
        }

        let seedConfig: SeedConfig
        var notices: [Notice] = []
        if let configPath {
            do {
                seedConfig = try SeedConfig.load(path: configPath)
            } catch {
                throw .config(error)
            }
        } else {
            seedConfig = SeedConfig.bundled
            let stray = LocalPath.appending(implicitConfigName, to: currentDirectory)
            if LocalFile.kind(at: stray) != nil {
                notices.append(
                    .warning(
                        "\(stray) was NOT loaded: the working directory is never searched for a config. "
                            + "Using the bundled defaults. To use that file, pass --config \(implicitConfigName) "
                            + "(or its absolute path)"))
            }
        }

        let policy = SeedPolicy(config: seedConfig, serverName: name)
        let source = seedConfig.file ?? "the bundled defaults"
        if let name, policy.mergedServer == nil {
            let known = seedConfig.servers.map(\.name)
            let list = known.isEmpty ? "it has none" : "it has: " + known.joined(separator: ", ")
            notices.append(
                .warning(
                    "--name \"\(name)\": no servers.\(name) block in \(source) (\(list)); only the global rules apply"))
        }
        let serverName = name.map(sanitizedName) ?? derivedName(command: command, args: args)
        let rules = policy.mergedServer.map { "global + servers.\($0)" } ?? "global"
        notices.append(
            .info(
                "single-target mode: server \"\(serverName)\" runs \(LocalPath.lastComponent(command)) "
                    + "with \(args.count) argument(s) (not shown); rules: \(rules) from \(source); "
                    + "otp_attempt_count \(seedConfig.otpAttemptCount)"))

        var approval = ApprovalConfig()
        approval.codeDelivery = .agent
        approval.elicitation = false
        approval.maxAttempts = seedConfig.otpAttemptCount
        approval.codeTTLSeconds = 300
        approval.fallback = .agent
        var naming = NamingConfig()
        naming.namespaced = false
        let server = ServerConfig(
            name: serverName, jsonPath: "--target", command: command, args: args, env: env, cwd: nil,
            policy: PolicyConfig(), approval: nil, timeouts: TimeoutConfig())
        let hubConfig = HubConfig(
            filePath: seedConfig.file ?? "(bundled MCP Action Firewall defaults)", servers: [server],
            disabledServers: [], defaults: nil, approval: approval, naming: naming, timeouts: TimeoutConfig())
        return SeedSetup(
            hubConfig: hubConfig, policy: policy, seedConfig: seedConfig, serverName: serverName, notices: notices)
    }

    /// `[A-Za-z0-9_-]`, other characters replaced by `_`, at most `ServerConfig.maxNameLength`.
    static func sanitizedName(_ raw: String) -> String {
        let scalars = raw.unicodeScalars.map { s -> Unicode.Scalar in
            switch s {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return s
            default: return "_"
            }
        }
        let name = String(String.UnicodeScalarView(scalars).prefix(ServerConfig.maxNameLength))
        return name.isEmpty ? "target" : name
    }

    /// The basename of the command, or for a launcher (`uvx mcp-server-stripe`) of its first argument when
    /// that is not an option. Nothing later on the command line is ever used: it may be a secret.
    static func derivedName(command: String, args: [String]) -> String {
        var base = LocalPath.lastComponent(command)
        if launchers.contains(base), let first = args.first, !first.hasPrefix("-"), !first.contains("=") {
            base = LocalPath.lastComponent(first)
        }
        return sanitizedName(base)
    }
}
