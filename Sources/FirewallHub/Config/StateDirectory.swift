/// Where the hub keeps files of its own between calls and runs: `$XDG_STATE_HOME/mcp-firewall-hub`
/// (XDG_STATE_HOME defaults to `$HOME/.local/state`; a relative one is ignored, as the XDG spec says).
/// It only names the place; callers create it (mode 0700) when they first write there.
enum StateDirectory {
    static func path(environment: [String: String]) -> String? {
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return xdg + "/mcp-firewall-hub"
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return home + "/.local/state/mcp-firewall-hub"
    }
}
