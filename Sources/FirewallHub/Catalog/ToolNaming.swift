import MCPWire

/// Owns: how names are spelled for one client (separator, length, dots).
/// Never: produces a name the client would reject.
///
/// How the hub spells namespaced names (`server.tool`) for one client.
///
/// The MCP spec allows `A-Z a-z 0-9 _ - .` up to 128 characters, but Claude Desktop, Cursor and
/// OpenAI-based clients accept only `^[a-zA-Z0-9_-]{1,64}$`. Those clients, recognised by
/// `clientInfo.name`, get `server__tool`; everyone else gets `server.tool`. `naming.separator` in
/// hub.json overrides the choice for every client.
struct ToolNaming: Sendable, Equatable {
    var separator: String
    var maxLength: Int
    /// Whether `.` may appear in a listed name.
    var allowsDots: Bool
    /// false in single-target mode: a tool keeps its own name.
    var namespaced = true

    /// Client names (lower-cased prefixes of `clientInfo.name`) known to reject dots in tool names.
    static let builtInDotlessClients = [
        "claude-ai",  // Claude Desktop
        "claude-code",  // Claude Code (sends tools to the Anthropic API: ^[a-zA-Z0-9_-]{1,64}$)
        "cursor",  // Cursor ("cursor-vscode")
        "openai",  // OpenAI Agents SDK, ChatGPT connectors
        "codex",  // OpenAI Codex CLI
        "visual studio code",  // VS Code (Copilot routes tools to OpenAI models)
        "vscode",
        "windsurf",
        "cline",
    ]

    static func forClient(named clientName: String?, config: NamingConfig) -> ToolNaming {
        let dotless = isDotless(clientName: clientName, list: config.dotlessClients ?? builtInDotlessClients)
        if let separator = config.separator {
            // An explicit "." is the user's word that this client takes dots.
            return ToolNaming(
                separator: separator, maxLength: config.maxLength, allowsDots: separator == "." || !dotless,
                namespaced: config.namespaced)
        }
        return ToolNaming(
            separator: dotless ? "__" : ".", maxLength: config.maxLength, allowsDots: !dotless,
            namespaced: config.namespaced)
    }

    static func isDotless(clientName: String?, list: [String]) -> Bool {
        guard let name = clientName?.lowercased(), !name.isEmpty else { return false }
        return list.contains { name.hasPrefix($0.lowercased()) }
    }

    /// The plain joined name, before any shortening.
    func join(server: String, tool: String) -> String {
        namespaced ? server + separator + tool : tool
    }

    /// Whether `name` can be listed as is for this client.
    func isListable(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maxLength else { return false }
        return name.utf8.allSatisfy { b in
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            case UInt8(ascii: "."): return allowsDots
            default: return false
            }
        }
    }

    /// A deterministic, listable stand-in for a name that is too long, holds characters the client
    /// rejects, or collides: the readable part, cut to fit, then `_` and a hash of (server, tool).
    /// `hashLength` grows only if even that collides.
    func shortened(server: String, tool: String, hashLength: Int = 8) -> String {
        let digest = SHA256.hex(SHA256.hash(Array(server.utf8) + [0] + Array(tool.utf8)))
        let suffix = "_" + String(digest.prefix(hashLength))
        let readable = sanitized(join(server: server, tool: tool))
        let room = max(0, maxLength - suffix.utf8.count)
        return String(readable.prefix(room)) + suffix
    }

    /// Replaces every character the client would reject with `_`.
    private func sanitized(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.map { s in
                    switch s {
                    case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return s
                    case "." where allowsDots: return s
                    default: return "_"
                    }
                }))
    }
}
