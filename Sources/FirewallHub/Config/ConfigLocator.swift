/// Finds hub.json. In order: `--config PATH`; `$MCP_FIREWALL_HUB_CONFIG`;
/// `$XDG_CONFIG_HOME/mcp-firewall-hub/hub.json` (XDG_CONFIG_HOME defaults to `$HOME/.config`, and a
/// relative XDG_CONFIG_HOME is ignored, as the XDG spec says). The working directory is never searched
/// implicitly. An explicit path or the environment variable must name an existing file: there is no
/// falling back from a location the user chose.
enum ConfigLocator {
    static let environmentVariable = "MCP_FIREWALL_HUB_CONFIG"
    static let relativeLocation = "mcp-firewall-hub/hub.json"

    /// The absolute path of the config file to load, or a `.notLocated` error listing where it looked.
    static func resolve(explicitPath: String?, environment: [String: String]) -> Result<String, ConfigError> {
        if let explicitPath {
            return existingFile(explicitPath, origin: "--config")
        }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return existingFile(fromEnvironment, origin: "$\(environmentVariable)")
        }
        var looked: [String] = ["--config PATH: not given", "$\(environmentVariable): not set"]
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty, xdg.hasPrefix("/") {
            let candidate = LocalPath.appending(relativeLocation, to: xdg)
            if isFile(candidate) { return .success(candidate) }
            looked.append("\(candidate) ($XDG_CONFIG_HOME): no such file")
        } else {
            if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
                looked.append("$XDG_CONFIG_HOME is not an absolute path, ignored")
            }
            if let home = environment["HOME"], !home.isEmpty {
                let candidate = LocalPath.appending(relativeLocation, to: LocalPath.appending(".config", to: home))
                if isFile(candidate) { return .success(candidate) }
                looked.append("\(candidate): no such file")
            } else {
                looked.append("~/.config/\(relativeLocation): $HOME is not set")
            }
        }
        return .failure(
            ConfigError(
                .notLocated, file: "",
                message: "no config file found; looked at:\n  - " + looked.joined(separator: "\n  - ")
                    + "\nCreate one there or pass --config PATH."))
    }

    private static func existingFile(_ path: String, origin: String) -> Result<String, ConfigError> {
        let absolute = LocalPath.absolute(path)
        guard let kind = LocalFile.kind(at: absolute) else {
            return .failure(
                ConfigError(.fileNotFound, file: absolute, message: "config file not found (from \(origin))"))
        }
        if kind == .directory {
            return .failure(
                ConfigError(.unreadable, file: absolute, message: "is a directory, not a config file (from \(origin))"))
        }
        return .success(absolute)
    }

    private static func isFile(_ path: String) -> Bool {
        LocalFile.kind(at: path) == .file
    }
}
