/// The hub's name and version, as reported in `serverInfo`, `clientInfo` and `--version`.
public enum HubVersion {
    public static let name = "mcp-firewall-hub"
    public static let version = "0.1.0"
}
