import MCPWire
import Testing

@testable import FirewallHub

/// `import`'s reading of each client's format: what becomes a hub.json server, how `${…}` is carried,
/// what is left in the client (and why), and the rewrite that keeps everything it did not import.
@Suite struct ImportConversionTests {
    private func plan(_ text: String, _ source: ClientConfigSources.Source) throws -> ImportPlan {
        let (json, extras) = JSONCText.strict(Array(text.utf8))
        let document = try #require(try JSONParser.parse(json).objectValue)
        return ImportPlan(sources: [ImportPlan.ReadSource(source: source, document: document, hadExtras: extras)])
    }

    private func source(
        _ client: String, _ dialect: ClientConfigSources.Dialect, containers: [[String]] = [["mcpServers"]],
        project: String? = nil
    ) -> ClientConfigSources.Source {
        ClientConfigSources.Source(
            path: "/home/u/client.json", dialect: dialect, containers: containers, projectDirectory: project,
            client: client)
    }

    @Test func claudeDesktop() throws {
        let plan = try plan(
            #"""
            {"globalShortcut": "Ctrl+Space", "mcpServers": {
              "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
                         "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_abcdef123456", "LOG": "info"}},
              "my.files": {"command": "/usr/local/bin/files-mcp"},
              "remote": {"url": "https://example.com/mcp"},
              "odd": {"command": "x", "alwaysAllow": ["a"]},
              "braces": {"command": "x", "args": ["${HOME}"]},
              "relative": {"command": "./bin/server"}}}
            """#, source("claude-desktop", .literal))
        let hub = plan.hubConfig()
        #expect(hub["servers"]?.objectValue?.keys == ["github", "my_files"])
        #expect(hub["servers"]?["github"]?["env"]?["GITHUB_PERSONAL_ACCESS_TOKEN"] == "ghp_abcdef123456")
        #expect(plan.imported[0].server.literalSecrets == ["GITHUB_PERSONAL_ACCESS_TOKEN"])
        #expect(
            plan.hubConfig(maskingSecrets: true)["servers"]?["github"]?["env"]?["GITHUB_PERSONAL_ACCESS_TOKEN"]
                != "ghp_abcdef123456")
        #expect(plan.imported[1].server.clientName == "my.files")
        #expect(plan.left.map(\.name) == ["remote", "odd", "braces", "relative"])
        #expect(plan.left[0].reason.contains("remote"))
        #expect(plan.left[1].reason.contains("alwaysAllow"))
        // The hub.json it writes is one the hub accepts.
        let config = try ConfigLoader.parse(hub, filePath: "/h.json", environment: [:])
        #expect(config.servers.map(\.name) == ["github", "my_files"])
    }

    @Test func claudeCodeUserAndProjectScopes() throws {
        let text = #"""
            {"numStartups": 3, "mcpServers": {"time": {"type": "stdio", "command": "uvx", "args": ["mcp-server-time"], "env": {}}},
             "projects": {"/work/app": {"allowedTools": [], "mcpServers": {
                "db": {"type": "stdio", "command": "npx", "args": ["db-mcp", "${DB_URL:-postgres://localhost/app}"],
                       "env": {"API_KEY": "${API_KEY}"}},
                "web": {"type": "http", "url": "https://x/mcp"}}},
                          "/elsewhere": {"mcpServers": {"other": {"command": "x"}}}}}
            """#
        let plan = try plan(
            text,
            source("claude-code", .claudeCode, containers: [["mcpServers"], ["projects", "/work/app", "mcpServers"]]))
        #expect(plan.imported.map(\.server.name) == ["time", "db"])
        let db = plan.imported[1].server
        #expect(db.entry["args"]?.arrayValue?.last == "${DB_URL:-postgres://localhost/app}")
        #expect(db.entry["env"]?["API_KEY"] == "${API_KEY}")
        #expect(db.literalSecrets.isEmpty)
        #expect(Set(db.variables) == ["DB_URL", "API_KEY"])
        #expect(plan.left.map(\.name) == ["web"])
        #expect(!plan.imported.contains { $0.server.name == "other" })
        // A project's .mcp.json: servers start in the project, relative commands resolve there.
        let project = try self.plan(
            #"{"mcpServers": {"local": {"command": "./bin/srv", "args": ["--x"]}}}"#,
            source("claude-code", .claudeCode, project: "/work/app"))
        #expect(project.imported[0].server.entry["command"] == "/work/app/bin/srv")
        #expect(project.imported[0].server.entry["cwd"] == "/work/app")
    }

    @Test func cursorVariables() throws {
        let plan = try plan(
            #"""
            {"mcpServers": {
               "fs": {"command": "npx", "args": ["-y", "fs-mcp", "${workspaceFolder}", "${userHome}/notes"],
                      "env": {"TOKEN": "${env:FS_TOKEN}"}},
               "cfg": {"command": "x", "args": ["${config:editor.fontSize}"]},
               "envfile": {"command": "x", "envFile": "${workspaceFolder}/.env"}}}
            """#, source("cursor", .cursor))
        let fs = plan.imported[0].server
        #expect(fs.entry["args"]?.arrayValue == ["-y", "fs-mcp", "${WORKSPACE_FOLDER}", "${HOME}/notes"])
        #expect(fs.entry["env"]?["TOKEN"] == "${FS_TOKEN}")
        #expect(fs.clientVariables.map(\.name) == ["WORKSPACE_FOLDER"])
        #expect(
            plan.hubEntry(executable: "/hub", configPath: "/h.json", client: "cursor")["env"]?["WORKSPACE_FOLDER"]
                == "${workspaceFolder}")
        #expect(plan.left.map(\.name) == ["cfg", "envfile"])
    }

    @Test func vscodeServersInputsAndComments() throws {
        let text = #"""
            {
              // Team servers
              "inputs": [{"type": "promptString", "id": "api-key", "description": "API key", "password": true}],
              "servers": {
                "memory": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"],},
                "search": {"command": "uvx", "args": ["search-mcp"], "env": {"API_KEY": "${input:api-key}"}}, /* keep */
                "remote": {"type": "sse", "url": "https://x/sse"},
              },
            }
            """#
        let plan = try plan(text, source("vscode", .vscode, containers: [["servers"]], project: "/work/app"))
        #expect(plan.sources[0].hadExtras)
        #expect(plan.imported.map(\.server.name) == ["memory", "search"])
        #expect(plan.imported[1].server.entry["env"]?["API_KEY"] == "${API_KEY}")
        let entry = plan.hubEntry(executable: "/hub", configPath: "/h.json", client: "vscode")
        #expect(entry["type"] == "stdio")
        #expect(entry["env"]?["API_KEY"] == "${input:api-key}")
        #expect(entry["args"] == ["serve", "--config", "/h.json"])
        #expect(plan.left.map(\.name) == ["remote"])
    }

    @Test func jsoncKeepsStringsAndPositions() {
        let text = #"{"a": "// not a comment", "b": "/* nor this */", "c": [1, 2,], /* x */ "d": {"e": 1,},}"#
        let (json, extras) = JSONCText.strict(Array(text.utf8))
        #expect(extras)
        #expect(json.count == text.utf8.count)
        let value = try? JSONParser.parse(json)
        #expect(value?["a"] == "// not a comment")
        #expect(value?["b"] == "/* nor this */")
        #expect(value?["c"] == [1, 2])
        #expect(!JSONCText.strict(Array(#"{"a": [1, 2]}"#.utf8)).hadExtras)
    }

    @Test func rewriteKeepsWhatWasNotImported() throws {
        let document = try #require(
            try JSONParser.parse(
                #"{"theme": "dark", "mcpServers": {"a": {"command": "x"}, "remote": {"url": "u"}, "firewall": {"url": "v"}}, "projects": {"/p": {"mcpServers": {"b": {"command": "y"}}}}}"#
            ).objectValue)
        let name = ClientFileRewrite.entryName("firewall", keeping: ["remote", "firewall"])
        #expect(name == "firewall-hub")
        let rewritten = ClientFileRewrite.rewritten(
            document, removing: [(["mcpServers"], ["a"]), (["projects", "/p", "mcpServers"], ["b"])],
            adding: (["mcpServers"], name, ["command": "/hub"]))
        #expect(rewritten.keys == ["theme", "mcpServers", "projects"])
        #expect(rewritten["mcpServers"]?.objectValue?.keys == ["remote", "firewall", "firewall-hub"])
        #expect(rewritten["projects"]?["/p"]?["mcpServers"] == .object(JSONObject()))
    }

    @Test func hubNamesAreValidAndUnique() {
        var used = Set<String>()
        #expect(ImportPlan.uniqueName(for: "my.server", used: &used) == "my_server")
        #expect(ImportPlan.uniqueName(for: "my server", used: &used) == "my_server-2")
        #expect(ImportPlan.uniqueName(for: String(repeating: "x", count: 40), used: &used).count == 32)
        #expect(ImportPlan.uniqueName(for: "", used: &used) == "server")
    }

    @Test func detectsTheClientOfANamedFile() {
        let vscode = ClientConfigSources.source(
            file: "/w/.vscode/mcp.json", topLevelKeys: ["servers", "inputs"], currentDirectory: "/w", home: "/home/u")
        #expect(vscode.dialect == .vscode && vscode.projectDirectory == "/w")
        let claude = ClientConfigSources.source(
            file: "/home/u/.claude.json", topLevelKeys: ["mcpServers", "projects"], currentDirectory: "/w",
            home: "/home/u")
        #expect(claude.containers == [["mcpServers"], ["projects", "/w", "mcpServers"]])
        let cursorUser = ClientConfigSources.source(
            file: "/home/u/.cursor/mcp.json", topLevelKeys: ["mcpServers"], currentDirectory: "/w", home: "/home/u")
        #expect(cursorUser.dialect == .cursor && cursorUser.projectDirectory == nil)
        let plain = ClientConfigSources.source(
            file: "/tmp/x.json", topLevelKeys: ["mcpServers"], currentDirectory: "/w", home: "/home/u")
        #expect(plain.dialect == .literal)
    }
}
