/// `--help` texts.
enum HelpText {
    static func text(for topic: String?) -> String {
        switch topic {
        case "serve": return serve
        case "tools": return tools
        case "seed": return seed
        case "audit": return audit
        case "pins": return pins
        default: return OperatorHelpText.text(for: topic) ?? overview
        }
    }

    static let overview = """
        mcp-firewall-hub \(HubVersion.version) — one stdio MCP server in front of many, with a policy firewall.

        USAGE:
          mcp-firewall-hub serve [--config PATH] [--audit PATH] [--watch] [--verbose]
          mcp-firewall-hub tools [--config PATH] [--json] [--client NAME]
          mcp-firewall-hub audit verify|tail|show [FILE...]
          mcp-firewall-hub pins list|diff|accept|forget [SERVER[.TOOL]]
        \(OperatorHelpText.usageLines)
          mcp-firewall-hub --target "COMMAND ARGS" [--name NAME] [--config firewall_config.json] [--verbose]
          mcp-firewall-hub tools --target "COMMAND ARGS" [--name NAME] [--config firewall_config.json] [--json]
          mcp-firewall-hub --generate-config [PATH]
          mcp-firewall-hub --version | --help | <command> --help

        COMMANDS:
          serve   Run the MCP server on stdin/stdout (what your MCP client launches).
          tools   Start the servers, print every merged tool and what the policy decides for it.
          audit   Check the audit trail's hash chain, print its last or matching records.
          pins    Review and accept changed tool definitions (pinning).
        \(OperatorHelpText.commandLines)

        CONFIG:
          --config PATH, else $MCP_FIREWALL_HUB_CONFIG, else $XDG_CONFIG_HOME/mcp-firewall-hub/hub.json
          (~/.config/mcp-firewall-hub/hub.json). The working directory is never searched.

        SINGLE-TARGET MODE (a drop-in for MCP Action Firewall): see mcp-firewall-hub help seed
        """

    static let seed = """
        USAGE: mcp-firewall-hub --target "COMMAND ARGS" [--name NAME] [--config PATH] [--verbose]
               mcp-firewall-hub --generate-config [PATH]

        Fronts one MCP server with the MCP Action Firewall rules. Tools keep their own names; held calls are
        confirmed with firewall_confirm. stdout carries only MCP messages; logs go to stderr.

        OPTIONS:
          --target "COMMAND ARGS"   the server's command line, split into words like a POSIX shell does
                                    (quotes and backslashes), then run directly: no shell, no $VARS, no ~
          --name NAME               which servers.<NAME> block of the config applies (and the name in logs)
          -c, --config PATH         a firewall_config.json; without it the bundled defaults apply
                                    (./firewall_config.json is never read implicitly)
          --generate-config [PATH]  write the bundled defaults to PATH (default firewall_config.json);
                                    never overwrites an existing file
          -v, --verbose             debug logs on stderr
          -h, --help                this help
        """

    static let serve = """
        USAGE: mcp-firewall-hub serve [--config PATH] [--audit PATH] [--watch] [--verbose]

        Runs the MCP server on stdin/stdout. Spawns every server in hub.json, merges their tools as
        <server>.<tool> (or <server>__<tool> for clients that reject dots), and applies each server's policy.
        stdout carries only MCP messages; logs go to stderr. SIGHUP reloads hub.json (an invalid file keeps
        the running config); SIGTERM, SIGINT or the end of stdin stop it.

        OPTIONS:
          -c, --config PATH   hub.json to use
          --audit PATH        append the audit trail to PATH (over hub.json's audit.path)
          --watch             also reload hub.json when it is saved (only where no agent can write it)
          -v, --verbose       debug logs on stderr
          -h, --help          this help
        """

    static let tools = """
        USAGE: mcp-firewall-hub tools [--config PATH] [--json] [--client NAME]

        Starts every server in hub.json, prints one row per merged tool (name, server, tool, decision, pin
        state, rule), then stops them. It never changes the pin store. Exits 1 if any server failed to start (it is named on stderr with the reason).

        OPTIONS:
          -c, --config PATH   hub.json to use
          --json              print a JSON array of {name, server, tool, decision, rule, description, pin}
          --client NAME       show names as the client with this clientInfo.name would see them
          -v, --verbose       debug logs on stderr
          -h, --help          this help
        """
}
