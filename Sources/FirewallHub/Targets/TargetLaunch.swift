/// Owns: how a target's command line becomes what is spawned (its path, environment and folder).
/// Never: spawns, or puts an expanded secret anywhere but the child's own environment.
enum TargetLaunch {
    /// The spawn of `server`: the hub's environment with the server's `env` over it.
    static func spec(for server: ServerConfig, environment: [String: String], hubConfigPath: String) -> SpawnSpec {
        var childEnvironment = environment
        for (key, value) in server.env { childEnvironment[key] = value }
        return SpawnSpec(
            command: resolvedCommand(server.command, hubConfigPath: hubConfigPath), arguments: server.args,
            environment: childEnvironment, workingDirectory: server.cwd)
    }

    /// A relative command path (`.build/release/demo-payments`) is taken relative to the directory of
    /// hub.json, made absolute so a server's `cwd` does not change its meaning. A bare name (`uvx`) is
    /// looked up on the server's PATH; an absolute path is used as is.
    static func resolvedCommand(_ command: String, hubConfigPath: String) -> String {
        guard command.contains("/"), !command.hasPrefix("/") else { return command }
        var directory = LocalPath.deletingLastComponent(hubConfigPath)
        if !directory.hasPrefix("/") {
            let cwd = LocalPath.currentDirectory()
            directory = directory.isEmpty ? cwd : cwd + "/" + directory
        }
        return directory + "/" + command
    }
}
