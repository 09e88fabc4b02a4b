import Foundation
import HubTestSupport
import MCPWire

/// A temporary hub.json fronting the package's own demo/fixture servers, and the hub launched on it.
struct HubFixture {
    let directory: URL
    let configURL: URL
    /// Per-server journal files: one JSON line per tool the target actually executed.
    let journals: [String: URL]

    /// `servers` maps a server name to its hub.json entry (without `command` for demo servers,
    /// which is filled in from `binary`).
    /// `env` adds variables to a server's `env`, by server name; `serverKeys` adds other keys of a
    /// server's entry (`protocol`, `timeouts`, …).
    init(
        servers: [(name: String, binary: String, args: [String], policy: JSONValue?)], extra: JSONObject = JSONObject(),
        env: [String: [String: String]] = [:], serverKeys: [String: JSONObject] = [:]
    ) throws {
        directory = try TempFiles.directory()
        var serversObject = JSONObject()
        var journals: [String: URL] = [:]
        for server in servers {
            let journal = directory.appendingPathComponent("\(server.name).journal")
            journals[server.name] = journal
            var entry = JSONObject()
            entry["command"] = .string(server.binary.hasPrefix("/") ? server.binary : Binaries.url(server.binary).path)
            entry["args"] = .array(server.args.map(JSONValue.string))
            var serverEnv: JSONObject = ["DEMO_JOURNAL": .string(journal.path)]
            for (key, value) in env[server.name] ?? [:] { serverEnv[key] = .string(value) }
            entry["env"] = .object(serverEnv)
            if let policy = server.policy { entry["policy"] = policy }
            for member in serverKeys[server.name] ?? [:] { entry[member.key] = member.value }
            serversObject[server.name] = .object(entry)
        }
        var root = JSONObject()
        root["servers"] = .object(serversObject)
        for member in extra { root[member.key] = member.value }
        configURL = try TempFiles.write(JSONValue.object(root).prettyPrinted(), name: "hub.json", in: directory)
        self.journals = journals
    }

    /// The demo payments + notes servers with the policies of the repo's hub.json; approval codes in the
    /// result (`code_delivery: "agent"`, as in the repo's hub.json) unless `extra` has its own `approval`.
    static func standard(extra: JSONObject = JSONObject()) throws -> HubFixture {
        var extra = extra
        if extra["approval"] == nil { extra["approval"] = ["code_delivery": "agent"] }
        return try HubFixture(
            servers: [
                ("payments", "demo-payments", [], paymentsPolicy),
                (
                    "notes", "demo-notes", [],
                    ["allow": ["list_*", "read_*"], "approve": ["write_*"], "deny": ["delete_*"]]
                ),
            ], extra: extra)
    }

    static let paymentsPolicy: JSONValue = [
        "default": "approve",
        "allow": ["get_*", "list_*", "echo"],
        "approve": ["refund"],
        "deny": ["delete_*"],
        "rules": [
            ["tool": "execute_sql", "arguments": ["sql": "(?i)\\b(drop|truncate)\\b"], "action": "deny"],
            ["tool": "execute_sql", "arguments": ["sql": "(?i)^\\s*select\\b"], "action": "allow"],
        ],
    ]

    func launchHub(arguments: [String]? = nil, environment: [String: String]? = nil) throws -> MCPProcess {
        try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"), arguments: arguments ?? ["serve", "--config", configURL.path],
            environment: environment)
    }

    /// The tool names the target behind `server` actually executed, in order.
    func executedTools(_ server: String) -> [String] {
        guard let url = journals[server], let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONParser.parse(String(line)))?["tool"]?.stringValue
        }
    }
}

extension JSONValue {
    /// The text of the first text content block of a tool result.
    var firstText: String? {
        self["content"]?.arrayValue?.first?["text"]?.stringValue
    }

    var isToolError: Bool { self["isError"] == .bool(true) }
}

/// Pulls the 6-digit code out of a held result's `approval code: **NNNNNN**`.
func approvalCode(in text: String) -> String? {
    guard let range = text.range(of: "approval code: **") else { return nil }
    let digits = text[range.upperBound...].prefix { $0.isNumber }
    return digits.isEmpty ? nil : String(digits)
}

/// The `call_id` of a held result.
func heldCallID(in text: String) -> String? {
    (try? JSONParser.parse(text))?["call_id"]?.stringValue
}
