/// `help audit` and `help pins`.
extension HelpText {
    static let audit = """
        USAGE: mcp-firewall-hub audit verify [FILE...] [--config PATH]
               mcp-firewall-hub audit tail [-n N] [--json] [FILE] [--config PATH]
               mcp-firewall-hub audit show [--server S] [--tool GLOB] [--since TIME] [--json] [FILE...] [--config PATH]

        Reads the audit trail (JSON lines, one per decision, approval, outcome, pin event ...). Without FILE,
        the file named by hub.json's audit.path, with its rotated files (PATH.N ... PATH.1, PATH) for verify
        and show.

        COMMANDS:
          verify   Check the hash chain of the files, given oldest first. Exit 0: intact (prints the head
                   hash to compare with a copy kept elsewhere); exit 1: names the first bad record (file,
                   line, and why: edited, deleted, reordered, out of place, torn); exit 74: unreadable.
          tail     The last N (10) records of one file as readable rows.
          show     The records matching every filter given, as readable rows.

        OPTIONS:
          -n, --lines N       tail: how many records
          --server S          show: only records of server S
          --tool GLOB         show: only records of tools matching GLOB (the server's own name, e.g. "get_*")
          --since TIME        show: from TIME on: 2025-06-01T10:00:00Z, 2025-06-01, or an age: 30m, 2h, 7d
          --json              tail, show: print the JSON lines themselves
          -c, --config PATH   hub.json to take audit.path from
        """

    static let pins = """
        USAGE: mcp-firewall-hub pins list [SERVER[.TOOL]] [--config PATH]
               mcp-firewall-hub pins diff [SERVER[.TOOL]] [--offline] [--config PATH]
               mcp-firewall-hub pins accept SERVER[.TOOL] [--yes] [--config PATH]
               mcp-firewall-hub pins forget SERVER[.TOOL] [--yes] [--config PATH]

        Tool definitions (name, title, description, input and output schema, annotations) and server
        instructions are pinned by hash in the pin store (pins.path; default one store per hub.json
        under $XDG_STATE_HOME/mcp-firewall-hub/pins/). A definition that differs from its pin is held
        by `serve` (listed as pinned, calls refused) and pending until a person accepts it here (a
        running hub picks the acceptance up by itself), in the client's approval form, or with the code
        approval.notify sends when the agent calls the tool.

        COMMANDS:
          list     What is pinned, and what is pending, with short hashes.
          diff     Start the servers (as `tools` does), show every definition that differs from its pin
                   as a readable diff, and record it as pending. --offline: show what is pending (recorded
                   by running hubs or an earlier diff) without starting anything. Exit 0: nothing
                   differs; 1: something differs; 2: a server could not be listed.
          accept   Pin the pending definitions of SERVER (its tools and instructions) or SERVER.TOOL,
                   exactly as shown; asks first (--yes: do not ask). Never starts a server.
          forget   Drop the pins of SERVER or SERVER.TOOL (the next sighting is a first sight again).
        """
}
