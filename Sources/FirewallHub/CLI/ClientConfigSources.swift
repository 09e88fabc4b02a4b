/// Where each MCP client keeps its servers on this OS, and how each writes them: the files `import`
/// reads, the objects inside them that hold server entries, and the `${…}` syntax the client expands.
/// Locations only: nothing is read here.
enum ClientConfigSources {
    /// How a client expands text in an entry (see ClientEntryConversion).
    enum Dialect: Equatable {
        /// Claude Desktop: nothing is expanded; values are literal.
        case literal
        /// Claude Code: `${VAR}` and `${VAR:-default}`, as hub.json.
        case claudeCode
        /// Cursor: `${env:VAR}`, `${userHome}`, `${workspaceFolder}`, …
        case cursor
        /// VS Code: Cursor's, plus `${input:id}` (a value VS Code asks the user for).
        case vscode
    }

    /// One file of a client.
    struct Source: Equatable {
        var path: String
        var dialect: Dialect
        /// Key paths to the objects mapping server names to entries.
        var containers: [[String]]
        /// The project a project-level file belongs to (relative paths and `${workspaceFolder}`).
        var projectDirectory: String?
        /// Which client, for messages and for the shape of the hub's entry.
        var client: String
    }

    static let clients = ["claude-desktop", "claude-code", "cursor", "vscode"]

    /// The files of `client` (one of `clients`), existing or not, in the order they are read.
    static func sources(client: String, environment: [String: String], currentDirectory: String) -> [Source] {
        let home = environment["HOME"] ?? ""
        let xdgConfig = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config"
        #if os(macOS)
            let appSupport = home + "/Library/Application Support"
            let desktopFile = appSupport + "/Claude/claude_desktop_config.json"
            let vscodeUser = appSupport + "/Code/User/mcp.json"
        #else
            let desktopFile = xdgConfig + "/Claude/claude_desktop_config.json"
            let vscodeUser = xdgConfig + "/Code/User/mcp.json"
        #endif
        switch client {
        case "claude-desktop":
            return [Source(path: desktopFile, dialect: .literal, containers: [["mcpServers"]], client: client)]
        case "claude-code":
            return [
                Source(
                    path: home + "/.claude.json", dialect: .claudeCode,
                    containers: [["mcpServers"], ["projects", currentDirectory, "mcpServers"]], client: client),
                Source(
                    path: currentDirectory + "/.mcp.json", dialect: .claudeCode, containers: [["mcpServers"]],
                    projectDirectory: currentDirectory, client: client),
            ]
        case "cursor":
            return [
                Source(
                    path: home + "/.cursor/mcp.json", dialect: .cursor, containers: [["mcpServers"]], client: client),
                Source(
                    path: currentDirectory + "/.cursor/mcp.json", dialect: .cursor, containers: [["mcpServers"]],
                    projectDirectory: currentDirectory, client: client),
            ]
        default:
            return [
                Source(
                    path: currentDirectory + "/.vscode/mcp.json", dialect: .vscode, containers: [["servers"]],
                    projectDirectory: currentDirectory, client: "vscode"),
                Source(path: vscodeUser, dialect: .vscode, containers: [["servers"]], client: "vscode"),
            ]
        }
    }

    /// A file named on the command line: its client is told by its name and place, else by its shape
    /// (`servers` is VS Code's; `mcpServers` with `projects` is ~/.claude.json).
    static func source(file path: String, topLevelKeys: [String], currentDirectory: String, home: String) -> Source {
        let name = LocalPath.lastComponent(path)
        let folder = LocalPath.deletingLastComponent(path)
        let folderName = LocalPath.lastComponent(folder)
        let project = LocalPath.deletingLastComponent(folder)
        if topLevelKeys.contains("servers") && !topLevelKeys.contains("mcpServers") {
            return Source(
                path: path, dialect: .vscode, containers: [["servers"]],
                projectDirectory: folderName == ".vscode" ? project : nil, client: "vscode")
        }
        if name == ".claude.json" {
            return Source(
                path: path, dialect: .claudeCode,
                containers: [["mcpServers"], ["projects", currentDirectory, "mcpServers"]],
                client: "claude-code")
        }
        if name == ".mcp.json" {
            return Source(
                path: path, dialect: .claudeCode, containers: [["mcpServers"]], projectDirectory: folder,
                client: "claude-code")
        }
        if folderName == ".cursor" {
            // ~/.cursor/mcp.json is the user's; any other .cursor folder belongs to a project.
            return Source(
                path: path, dialect: .cursor, containers: [["mcpServers"]],
                projectDirectory: project == home ? nil : project, client: "cursor")
        }
        return Source(path: path, dialect: .literal, containers: [["mcpServers"]], client: "claude-desktop")
    }
}
