/// Twenty realistic servers for the discovery fixture and benchmark: each names its service, four
/// nouns (which get list / get / create / delete tools) and four tools of its own. Data only; the
/// hub never lists these (see `SyntheticTools`).
struct SyntheticServer: Sendable {
    var name: String
    var service: String
    var nouns: [String]
    /// Whether the service reaches the open world (web, e-mail, public repositories).
    var openWorld: Bool
    /// (tool, description, arguments as (name, type, description)).
    var specials: [(String, String, [(String, String, String)])]
}

extension SyntheticServer {
    static let catalog: [SyntheticServer] = developerServers + businessServers

    /// Code, chat, payments, data and files.
    static let developerServers: [SyntheticServer] = [
        SyntheticServer(
            name: "github", service: "GitHub", nouns: ["repository", "issue", "branch", "release"], openWorld: true,
            specials: [
                (
                    "create_pull_request", "Open a pull request to merge a head branch into a base branch.",
                    [
                        ("title", "string", "Title of the pull request"), ("head", "string", "Branch with the changes"),
                        ("base", "string", "Branch to merge into"), ("body", "string", "Description in markdown"),
                    ]
                ),
                (
                    "merge_pull_request", "Merge an open pull request.",
                    [
                        ("pull_number", "integer", "Number of the pull request"),
                        ("merge_method", "string", "merge, squash or rebase"),
                    ]
                ),
                (
                    "list_pull_requests", "List pull requests of a repository, open ones by default.",
                    [("repo", "string", "owner/name"), ("state", "string", "open, closed or all")]
                ),
                (
                    "search_code", "Search code across GitHub repositories with GitHub's code search syntax.",
                    [("query", "string", "Search query")]
                ),
            ]),
        SyntheticServer(
            name: "slack", service: "Slack", nouns: ["channel", "user", "reminder", "file"], openWorld: true,
            specials: [
                (
                    "post_message", "Send a message to a Slack channel or thread.",
                    [
                        ("channel", "string", "Channel id or name"), ("text", "string", "Message text (mrkdwn)"),
                        ("thread_ts", "string", "Timestamp of the thread to reply in"),
                    ]
                ),
                (
                    "add_reaction", "Add an emoji reaction to a message.",
                    [
                        ("channel", "string", "Channel id"), ("timestamp", "string", "Message timestamp"),
                        ("name", "string", "Emoji name"),
                    ]
                ),
                (
                    "read_channel_history", "Read the most recent messages of a channel.",
                    [("channel", "string", "Channel id"), ("limit", "integer", "How many messages")]
                ),
                (
                    "search_messages", "Search messages across the Slack workspace by keyword.",
                    [("query", "string", "Keywords")]
                ),
            ]),
        SyntheticServer(
            name: "stripe", service: "Stripe", nouns: ["customer", "charge", "subscription", "invoice"],
            openWorld: false,
            specials: [
                (
                    "create_refund", "Refund a charge, fully or partly: returns money to the customer's card.",
                    [
                        ("charge", "string", "Id of the charge to refund"),
                        ("amount", "integer", "Amount in cents (default: all)"),
                        ("reason", "string", "duplicate, fraudulent or requested_by_customer"),
                    ]
                ),
                (
                    "create_payment_link", "Create a payment link customers can use to pay for a product.",
                    [("price", "string", "Price id"), ("quantity", "integer", "Quantity")]
                ),
                ("retrieve_balance", "Retrieve the current account balance in every currency.", []),
                (
                    "search_customers", "Search customers by email, name or metadata.",
                    [("query", "string", "Stripe search query")]
                ),
            ]),
        SyntheticServer(
            name: "postgres", service: "PostgreSQL", nouns: ["table", "schema", "index", "role"], openWorld: false,
            specials: [
                (
                    "execute_sql", "Run a SQL query against the database and return the rows.",
                    [("sql", "string", "SQL to run")]
                ),
                (
                    "explain_query", "Show the execution plan of a SQL query (EXPLAIN).",
                    [("sql", "string", "The query"), ("analyze", "boolean", "Run it to get real timings")]
                ),
                (
                    "list_slow_queries", "List the slowest queries recorded by pg_stat_statements.",
                    [("limit", "integer", "How many")]
                ),
                ("analyze_db_health", "Check database health: bloat, vacuum, connections and replication lag.", []),
            ]),
        SyntheticServer(
            name: "notes", service: "Notes", nouns: ["notebook", "tag", "attachment", "template"], openWorld: false,
            specials: [
                ("read_note", "Read the full text of a note.", [("note_id", "string", "Id of the note")]),
                (
                    "write_note", "Write (replace) the text of a note.",
                    [("note_id", "string", "Id of the note"), ("text", "string", "New text")]
                ),
                ("search_notes", "Full-text search across all notes.", [("query", "string", "Words to find")]),
                (
                    "append_to_note", "Append text to the end of a note.",
                    [("note_id", "string", "Id of the note"), ("text", "string", "Text to append")]
                ),
            ]),
        SyntheticServer(
            name: "calendar", service: "Google Calendar", nouns: ["event", "calendar", "attendee", "room"],
            openWorld: true,
            specials: [
                (
                    "find_free_time", "Find time slots when all the given people are free.",
                    [("attendees", "array", "Email addresses"), ("duration_minutes", "integer", "Length of the slot")]
                ),
                (
                    "schedule_meeting", "Schedule a meeting and send invitations to the attendees.",
                    [
                        ("title", "string", "Meeting title"), ("start", "string", "Start time (RFC 3339)"),
                        ("attendees", "array", "Email addresses"),
                    ]
                ),
                (
                    "respond_to_invitation", "Accept or decline a meeting invitation.",
                    [("event_id", "string", "Event id"), ("response", "string", "accepted, declined or tentative")]
                ),
                (
                    "list_upcoming_events", "List upcoming events of the user's calendars.",
                    [("days", "integer", "How many days ahead")]
                ),
            ]),
        SyntheticServer(
            name: "gmail", service: "Gmail", nouns: ["draft", "label", "thread", "filter"], openWorld: true,
            specials: [
                (
                    "send_email", "Send an email to one or more recipients.",
                    [
                        ("to", "array", "Recipient addresses"), ("subject", "string", "Subject line"),
                        ("body", "string", "Body text"),
                    ]
                ),
                (
                    "search_emails", "Search the mailbox with Gmail's query syntax (from:, subject:, has:attachment).",
                    [("query", "string", "Gmail search query")]
                ),
                (
                    "read_email", "Read one email message with its headers and body.",
                    [("message_id", "string", "Message id")]
                ),
                (
                    "reply_to_email", "Reply to an email thread.",
                    [("thread_id", "string", "Thread id"), ("body", "string", "Reply text")]
                ),
            ]),
        SyntheticServer(
            name: "jira", service: "Jira", nouns: ["project", "sprint", "board", "comment"], openWorld: false,
            specials: [
                (
                    "create_ticket", "Create a Jira issue (bug, task or story) in a project.",
                    [
                        ("project", "string", "Project key"), ("summary", "string", "One-line summary"),
                        ("type", "string", "Bug, Task or Story"),
                    ]
                ),
                (
                    "transition_ticket", "Move a Jira issue to another status (e.g. In Progress, Done).",
                    [("issue_key", "string", "e.g. PROJ-123"), ("status", "string", "Target status")]
                ),
                (
                    "assign_ticket", "Assign a Jira issue to a user.",
                    [("issue_key", "string", "e.g. PROJ-123"), ("assignee", "string", "Account id")]
                ),
                ("search_tickets", "Search Jira issues with JQL.", [("jql", "string", "JQL query")]),
            ]),
        SyntheticServer(
            name: "filesystem", service: "the local file system", nouns: ["directory", "symlink", "archive", "mount"],
            openWorld: false,
            specials: [
                ("read_file", "Read the contents of a file.", [("path", "string", "Path of the file")]),
                (
                    "write_file", "Create or overwrite a file with new contents.",
                    [("path", "string", "Path of the file"), ("content", "string", "New contents")]
                ),
                (
                    "move_file", "Move or rename a file or directory.",
                    [("source", "string", "Current path"), ("destination", "string", "New path")]
                ),
                (
                    "search_files", "Find files whose names match a glob pattern.",
                    [("pattern", "string", "Glob, e.g. **/*.md")]
                ),
            ]),
        SyntheticServer(
            name: "fetch", service: "the web", nouns: ["bookmark", "feed", "snapshot", "cookie"], openWorld: true,
            specials: [
                (
                    "fetch_url", "Fetch a web page (or any URL) from the internet and return its content as markdown.",
                    [("url", "string", "The URL"), ("max_length", "integer", "Maximum characters to return")]
                ),
                ("download_file", "Download a file from a URL to the local disk.", [("url", "string", "The URL")]),
                ("extract_links", "Extract all links from a page at a URL.", [("url", "string", "The URL")]),
                ("take_screenshot", "Take a screenshot of a page at a URL.", [("url", "string", "The URL")]),
            ]),
    ]
}
