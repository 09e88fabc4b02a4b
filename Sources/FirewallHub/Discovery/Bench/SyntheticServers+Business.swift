/// The second ten synthetic servers (operations and business tools) and the nouns for servers beyond
/// twenty. Data only; see `SyntheticServer`.
extension SyntheticServer {
    static let businessServers: [SyntheticServer] = [
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
