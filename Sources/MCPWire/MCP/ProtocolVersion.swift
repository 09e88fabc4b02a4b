/// MCP protocol versions the hub speaks.
public enum ProtocolVersion {
    /// Handshake-era ("legacy") versions, oldest first.
    public static let legacy = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
    /// The newest handshake-era version: answered when a client asks for one we do not know,
    /// and sent to targets in `initialize`.
    public static let latestLegacy = "2025-11-25"

    /// The version to answer a client's `initialize` with: its own when we speak it, else our latest.
    public static func negotiate(clientRequested: String?) -> String {
        if let v = clientRequested, legacy.contains(v) { return v }
        return latestLegacy
    }
}
