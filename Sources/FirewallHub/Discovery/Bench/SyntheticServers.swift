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
    static let catalog: [SyntheticServer] = [
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
        SyntheticServer(
            name: "s3", service: "Amazon S3", nouns: ["bucket", "object", "policy", "lifecycle_rule"], openWorld: false,
            specials: [
                (
                    "upload_object", "Upload a file to an S3 bucket.",
                    [
                        ("bucket", "string", "Bucket name"), ("key", "string", "Object key"),
                        ("body", "string", "Contents"),
                    ]
                ),
                (
                    "presign_url", "Create a presigned URL to share an S3 object for a limited time.",
                    [
                        ("bucket", "string", "Bucket name"), ("key", "string", "Object key"),
                        ("expires", "integer", "Seconds"),
                    ]
                ),
                (
                    "copy_object", "Copy an object to another bucket or key.",
                    [("source", "string", "bucket/key"), ("destination", "string", "bucket/key")]
                ),
                (
                    "sync_directory", "Sync a local directory to an S3 prefix.",
                    [("path", "string", "Local directory"), ("prefix", "string", "s3://bucket/prefix")]
                ),
            ]),
        SyntheticServer(
            name: "kubernetes", service: "Kubernetes", nouns: ["pod", "deployment", "service", "namespace"],
            openWorld: false,
            specials: [
                (
                    "scale_deployment", "Scale a deployment to a number of replicas.",
                    [("name", "string", "Deployment"), ("replicas", "integer", "Replica count")]
                ),
                (
                    "get_pod_logs", "Read the logs of a pod's container.",
                    [
                        ("pod", "string", "Pod name"), ("container", "string", "Container"),
                        ("tail", "integer", "Last N lines"),
                    ]
                ),
                (
                    "exec_in_pod", "Run a shell command inside a pod's container.",
                    [("pod", "string", "Pod name"), ("command", "array", "argv")]
                ),
                (
                    "rollout_restart", "Restart a deployment's pods with a rolling update.",
                    [("name", "string", "Deployment")]
                ),
            ]),
        SyntheticServer(
            name: "sentry", service: "Sentry", nouns: ["project", "alert", "release", "team"], openWorld: false,
            specials: [
                (
                    "listUnresolvedErrors", "List unresolved error issues of a project, most frequent first.",
                    [("projectSlug", "string", "Project slug")]
                ),
                (
                    "getErrorDetails", "Get the stack trace and breadcrumbs of an error issue.",
                    [("issueId", "string", "Issue id")]
                ),
                ("resolveError", "Mark an error issue as resolved.", [("issueId", "string", "Issue id")]),
                ("searchErrors", "Search error events by message.", [("query", "string", "Text")]),
            ]),
        SyntheticServer(
            name: "linear", service: "Linear", nouns: ["cycle", "project", "label", "team"], openWorld: false,
            specials: [
                (
                    "create_issue", "Create a Linear issue in a team.",
                    [
                        ("team", "string", "Team key"), ("title", "string", "Title"),
                        ("description", "string", "Markdown"),
                    ]
                ),
                (
                    "update_issue_status", "Change the workflow state of a Linear issue.",
                    [("issue", "string", "Issue id"), ("state", "string", "Workflow state")]
                ),
                (
                    "add_comment", "Add a comment to a Linear issue.",
                    [("issue", "string", "Issue id"), ("body", "string", "Markdown")]
                ),
                ("search_issues", "Search Linear issues by text.", [("query", "string", "Text")]),
            ]),
        SyntheticServer(
            name: "notion", service: "Notion", nouns: ["page", "database", "block", "comment"], openWorld: false,
            specials: [
                (
                    "query_database", "Query a Notion database with filters and sorts.",
                    [("database_id", "string", "Database id"), ("filter", "object", "Notion filter")]
                ),
                (
                    "append_block_children", "Append blocks (paragraphs, lists) to a page.",
                    [("block_id", "string", "Parent block"), ("children", "array", "Blocks")]
                ),
                (
                    "search_workspace", "Search pages and databases in the Notion workspace by title.",
                    [("query", "string", "Title words")]
                ),
                ("duplicate_page", "Duplicate a page with its content.", [("page_id", "string", "Page id")]),
            ]),
        SyntheticServer(
            name: "drive", service: "Google Drive", nouns: ["document", "spreadsheet", "folder", "permission"],
            openWorld: true,
            specials: [
                (
                    "share_file", "Share a Drive file with someone by email (viewer, commenter or editor).",
                    [
                        ("file_id", "string", "File id"), ("email", "string", "Address"),
                        ("role", "string", "reader, commenter or writer"),
                    ]
                ),
                (
                    "export_document", "Export a Google Doc as PDF or Word.",
                    [("document_id", "string", "Doc id"), ("format", "string", "pdf or docx")]
                ),
                ("search_drive", "Search Drive files by name or content.", [("query", "string", "Text")]),
                (
                    "read_spreadsheet_range", "Read cell values from a range of a spreadsheet.",
                    [("spreadsheet_id", "string", "Sheet id"), ("range", "string", "A1 notation")]
                ),
            ]),
        SyntheticServer(
            name: "twilio", service: "Twilio", nouns: ["phone_number", "call", "recording", "conversation"],
            openWorld: true,
            specials: [
                (
                    "send_sms", "Send an SMS text message to a phone number.",
                    [("to", "string", "E.164 number"), ("body", "string", "Message text")]
                ),
                (
                    "make_call", "Start an outgoing phone call.",
                    [("to", "string", "E.164 number"), ("twiml", "string", "Call script")]
                ),
                (
                    "lookup_phone_number", "Look up the carrier and caller name of a phone number.",
                    [("number", "string", "E.164")]
                ),
                ("list_sms_messages", "List SMS messages sent and received.", [("limit", "integer", "How many")]),
            ]),
        SyntheticServer(
            name: "shopify", service: "Shopify", nouns: ["product", "order", "collection", "discount"],
            openWorld: false,
            specials: [
                (
                    "fulfill_order", "Mark an order as fulfilled and notify the customer.",
                    [("order_id", "string", "Order id"), ("tracking_number", "string", "Carrier tracking number")]
                ),
                (
                    "refund_order", "Refund items of a Shopify order.",
                    [("order_id", "string", "Order id"), ("amount", "number", "Amount")]
                ),
                (
                    "adjust_inventory", "Change the stock level of a product variant.",
                    [("variant_id", "string", "Variant id"), ("delta", "integer", "Change in stock")]
                ),
                ("search_products", "Search products by title or SKU.", [("query", "string", "Text")]),
            ]),
        SyntheticServer(
            name: "zendesk", service: "Zendesk", nouns: ["ticket", "macro", "organization", "article"], openWorld: true,
            specials: [
                (
                    "reply_to_ticket", "Post a public reply to a support ticket.",
                    [("ticket_id", "integer", "Ticket"), ("body", "string", "Reply")]
                ),
                (
                    "add_internal_note", "Add a private note to a support ticket.",
                    [("ticket_id", "integer", "Ticket"), ("body", "string", "Note")]
                ),
                (
                    "merge_tickets", "Merge duplicate tickets into one.",
                    [("target", "integer", "Ticket to keep"), ("sources", "array", "Tickets to merge")]
                ),
                ("search_help_center", "Search Help Center articles.", [("query", "string", "Text")]),
            ]),
        SyntheticServer(
            name: "hubspot", service: "HubSpot", nouns: ["contact", "company", "deal", "pipeline"], openWorld: false,
            specials: [
                (
                    "log_activity", "Log a call, email or meeting on a contact's timeline.",
                    [
                        ("contact_id", "string", "Contact"), ("type", "string", "CALL, EMAIL or MEETING"),
                        ("notes", "string", "Notes"),
                    ]
                ),
                (
                    "enroll_in_sequence", "Enroll a contact in an email sequence.",
                    [("contact_id", "string", "Contact"), ("sequence_id", "string", "Sequence")]
                ),
                ("search_crm", "Search contacts, companies and deals by name or email.", [("query", "string", "Text")]),
                (
                    "update_deal_stage", "Move a deal to another pipeline stage.",
                    [("deal_id", "string", "Deal"), ("stage", "string", "Stage id")]
                ),
            ]),
    ]

    /// Extra nouns for the servers beyond the first twenty (benchmarks at thousands of tools).
    static let moreNouns = [
        "account", "address", "agent", "alarm", "album", "api_key", "app", "approval", "asset", "audit_log", "backup",
        "badge", "batch", "budget", "build", "cache", "campaign", "card", "cart", "certificate", "cluster", "coupon",
        "credential", "dashboard", "dataset", "device", "domain", "employee", "endpoint", "environment", "experiment",
        "export", "feature_flag", "form", "gateway", "group", "host", "image", "incident", "integration", "job", "key",
        "lead", "license", "list", "location", "log", "metric", "model", "monitor", "network", "node", "notification",
        "package", "partner", "payment", "payout", "pipeline_run", "plan", "playlist", "post", "price", "queue",
        "quota", "record", "region", "report", "request", "resource", "review", "rule", "run", "scan", "script",
        "secret", "segment", "session", "shipment", "snippet", "source", "space", "stream", "survey", "task", "test",
        "token", "topic", "trace", "transaction", "trigger", "upload", "variable", "vendor", "video", "volume",
        "webhook", "widget", "workflow", "workspace", "zone",
    ]
}
