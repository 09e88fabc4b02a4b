/// Owns: the `instructions` the hub gives its client: how tools are named, what the firewall does, and
/// each server's own instructions under its name. Never: hides that calls may be held or refused.
enum HubInstructions {
    static func text(naming: ToolNaming, servers: [(name: String, instructions: String?)]) -> String {
        let names =
            naming.namespaced
            ? "mcp-firewall-hub fronts several MCP servers; each tool is named <server>\(naming.separator)<tool>. "
            : "mcp-firewall-hub fronts an MCP server; its tools keep their own names. "
        var text =
            names + """
                A firewall policy decides every call: some run, some are refused, and some are held until the user \
                approves them. A held call returns PAUSED_FOR_APPROVAL: show the user what would run and ask them. \
                Call \(ToolCatalog.confirmToolName) only with a code the user gave you; never guess one.
                """
        for server in servers {
            if let instructions = server.instructions, !instructions.isEmpty {
                text += "\n\n## \(server.name)\n" + instructions
            }
        }
        return text
    }
}
