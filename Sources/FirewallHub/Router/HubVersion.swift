import MCPWire

/// Owns: the hub's name and version.
/// Never: changes without the package scripts (they read it from this file).
///
/// The hub's name and version, as reported in `serverInfo`, `clientInfo` and `--version`.
public enum HubVersion {
    public static let name = "mcp-firewall-hub"
    public static let version = "0.1.0"

    /// `serverInfo` toward clients, `clientInfo` toward targets.
    static let serverInfo: JSONObject = ["name": .string(name), "version": .string(version)]
}
