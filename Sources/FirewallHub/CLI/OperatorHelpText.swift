/// `--help` of the operator commands (`check`, `explain`, `call`, `import`), with examples.
enum OperatorHelpText {
    static func text(for topic: String?) -> String? {
        switch topic {
        case "check": return check
        case "explain": return explain
        case "call": return call
        case "import": return importText
        default: return nil
        }
    }

    /// Lines for the overview's USAGE and COMMANDS sections.
    static let usageLines = """
          mcp-firewall-hub check [--config PATH] [--start] [--strict] [--replay AUDIT.jsonl]
          mcp-firewall-hub explain SERVER.TOOL [--args JSON] [--client NAME] [--config PATH]
          mcp-firewall-hub call SERVER.TOOL [--args JSON] [--config PATH] [--json]
          mcp-firewall-hub import [--from CLIENT|FILE] [--output PATH] [--write]
        """
    static let commandLines = """
          check   Validate hub.json: every error with a fix, risky settings as warnings (exit 0/1/78).
          explain Show the policy's decision for one call and every step that led to it.
          call    Make one call through the full policy from a terminal (approval asked at the terminal).
          import  Turn an MCP client's servers into a hub.json, and the client's entry into the hub.
        """

    static let check = """
        USAGE: mcp-firewall-hub check [--config PATH] [--start] [--strict] [--replay AUDIT.jsonl]...

        Validates hub.json and reports EVERY problem, each with the file, the JSON path and a fix; then
        the settings a security review would flag (codes shown to the model, allow-by-default, regex allow
        rules on SQL, tool-name collisions, servers without a policy, held calls nothing can approve, …).
        Nothing is started unless --start; the file is never changed.

        OPTIONS:
          -c, --config PATH   hub.json to check (else $MCP_FIREWALL_HUB_CONFIG, else the default location)
          --start             also start every server, report each (tools, protocol, or why it failed),
                              and check the policy against the real tool lists
          --strict            warnings fail the check too
          --replay FILE       replay the decisions recorded in an audit trail file (repeat it for
                              rotated files, oldest first) against this hub.json's policy and print every
                              decision that would change; no call is run
          -v, --verbose       debug logs on stderr
          -h, --help          this help

        EXIT STATUS:
          0   valid (warnings, if any, are printed)
          1   warnings with --strict, a server failed to start with --start, or a replayed
              decision would change with --replay
          74  an audit file given to --replay cannot be read
          78  invalid: every problem is listed
          64  bad command line

        EXAMPLES:
          mcp-firewall-hub check --config hub.json
          mcp-firewall-hub check --config hub.json --start --strict     # in CI
          mcp-firewall-hub check --config new-hub.json --replay ~/.local/state/mcp-firewall-hub/audit.jsonl
        """

    static let explain = """
        USAGE: mcp-firewall-hub explain SERVER.TOOL [--args JSON] [--client NAME] [--config PATH]
                                        [--start | --no-start]

        Prints the decision the policy makes for one call (allow, approve or deny) and every step that led
        to it: each rule and why it held or not (argument by argument, with the texts the rule looked at),
        the name lists, the defaults, the built-in step and what the server's annotations said. Nothing is
        called. A server is started only when the decision depends on its annotations or a name needs its
        tool list.

        OPTIONS:
          --args JSON         the call's arguments, a JSON object
          --client NAME       read SERVER.TOOL as the client with this clientInfo.name lists it
                              (e.g. claude-code lists payments__refund), and show that name
          --start             start every server (exact names, annotations, collisions)
          --no-start          start nothing; say what the decision would be for each annotation
          -c, --config PATH   hub.json to use
          -h, --help          this help

        EXIT STATUS: 0 explained, 1 the name routes to no tool (or a needed server did not start),
        64 bad command line, 78 bad config.

        EXAMPLES:
          mcp-firewall-hub explain payments.refund --args '{"charge_id": "ch_1", "amount": 5}'
          mcp-firewall-hub explain db__execute_sql --client claude-code --args '{"sql": "drop table t"}'
        """

    static let call = """
        USAGE: mcp-firewall-hub call SERVER.TOOL [--args JSON] [--config PATH] [--json]

        Makes one call through the full policy, as an agent would: it runs `serve` and talks MCP to it.
        A call held for approval is asked of you at the terminal (the hub's own approval prompt; a code
        sent out of band is asked for too). Without a terminal the hub's other channels apply: a code sent
        by approval.notify is read from one line of stdin, otherwise the call is refused, and why is printed.

        OPTIONS:
          --args JSON         the arguments, a JSON object
          --json              print the raw MCP result (or {"error": …}) instead of its text
          -c, --config PATH   hub.json to use
          -v, --verbose       the hub's log and the servers' stderr on stderr
          -h, --help          this help

        EXIT STATUS:
          0   the tool ran and succeeded
          1   the tool ran and reported an error (isError), or the call failed (unknown tool, server down)
          2   denied by the policy
          3   needed approval and was not approved (declined, refused, no channel, wrong or no code)
          64  bad command line
          78  bad config

        EXAMPLES:
          mcp-firewall-hub call payments.get_balance
          mcp-firewall-hub call payments.refund --args '{"charge_id": "ch_1", "amount": 5}'
          mcp-firewall-hub call notes.list_notes --json | jq .structuredContent
        """

    static let importText = """
        USAGE: mcp-firewall-hub import [--from claude-desktop|claude-code|cursor|vscode|FILE]
                                       [--output PATH] [--write] [--name ENTRY]

        Reads your MCP client's config from its standard place, writes a hub.json with its local (stdio)
        servers, and prints the one entry the client needs instead. Remote (http/sse) servers, disabled
        entries and entries it does not fully understand are left in the client as they are, and named.
        The client's file is changed only with --write: a backup is made first, then the file is replaced
        atomically. No server is given an allow-all policy: the built-in step decides until you add one
        (read-only annotated tools allowed, everything else asked).

        OPTIONS:
          --from CLIENT|FILE  claude-desktop, claude-code (~/.claude.json and ./.mcp.json), cursor
                              (~/.cursor/mcp.json and ./.cursor/mcp.json), vscode (./.vscode/mcp.json and the
                              user mcp.json), or a file; without it the first client found is used
          --output PATH       where to write hub.json (default ~/.config/mcp-firewall-hub/hub.json;
                              an existing file is never overwritten); - prints it instead
          --write             also rewrite the client's file: imported entries replaced by the hub's
          --name ENTRY        the hub's entry name in the client (default firewall)
          -h, --help          this help

        EXIT STATUS: 0 imported, 1 nothing to import or a file could not be read or written, 64 bad
        command line.

        EXAMPLES:
          mcp-firewall-hub import --from claude-desktop --output -      # look first
          mcp-firewall-hub import --from claude-desktop --write
          mcp-firewall-hub import --from ./.vscode/mcp.json --output ./hub.json
        """
}
