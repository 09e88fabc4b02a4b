import MCPWire

/// Replays the `decision` records of an audit trail against a config's per-call policy: what each
/// recorded call would get now. Pure: records in, rows out; it never runs a call or starts a server.
struct PolicyReplay {
    /// One recorded decision whose outcome would change (or could not be replayed).
    struct Row: Equatable {
        var time: String
        var name: String
        var was: PolicyAction
        var wasRule: String
        /// Nil when the record could not be replayed (`skipped` says why).
        var now: PolicyDecision?
        var skipped: String?
        /// Notes that make the replay approximate (redacted arguments, annotations not recorded).
        var notes: [String] = []
    }

    private(set) var replayed = 0
    private(set) var changed: [Row] = []
    private(set) var skipped: [Row] = []
    /// Records that were not per-call policy decisions (pin holds), not compared.
    private(set) var ignored = 0
    /// Lines that were not JSON objects (a torn write, or not an audit file).
    private(set) var unreadable = 0

    /// A line that is not a record.
    mutating func skipUnreadable() { unreadable += 1 }

    let config: HubConfig

    init(config: HubConfig) {
        self.config = config
    }

    var stricter: Int { changed.filter { ($0.now?.action ?? .deny) > $0.was }.count }
    var looser: Int { changed.count - stricter }

    /// Replays one audit record (anything that is not a `decision` record is passed over).
    mutating func replay(_ record: JSONObject) {
        guard record["kind"]?.stringValue == "decision" else { return }
        guard let recorded = record["decision"]?.stringValue.flatMap(PolicyAction.init(rawValue:)) else {
            ignored += 1  // pin_hold: the definition changed, not the policy
            return
        }
        let server = record["server"]?.stringValue ?? ""
        let tool = record["tool"]?.stringValue ?? ""
        var row = Row(
            time: record["time"]?.stringValue ?? "", name: record["name"]?.stringValue ?? "\(server).\(tool)",
            was: recorded, wasRule: record["rule"]?.stringValue ?? "")
        guard let serverConfig = config.server(named: server) else {
            row.skipped = "server \"\(server)\" is not in this hub.json"
            skipped.append(row)
            return
        }
        let arguments: JSONObject?
        switch record["arguments"] {
        case .object(let object)?: arguments = object
        case nil where record["arguments_omitted_bytes"] != nil:
            row.skipped = "its arguments were too large to be recorded"
            skipped.append(row)
            return
        default: arguments = nil
        }
        if let arguments, Self.containsRedaction(.object(arguments)) {
            row.notes.append("arguments partly redacted in the record")
        }
        let engine = PolicyEngine(server: serverConfig, defaults: config.defaults)
        let trace = engine.explain(tool: tool, annotations: .unknown, arguments: arguments)
        if trace.dependsOnAnnotations {
            row.notes.append("the decision depends on the tool's annotations, which the record does not keep")
        }
        replayed += 1
        guard trace.decision.action != recorded else { return }
        row.now = trace.decision
        changed.append(row)
    }

    /// Whether the replay could not vouch for the file: lines that were not records, or no decision.
    var isInconclusive: Bool { unreadable > 0 || replayed == 0 }

    static func containsRedaction(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return text == AuditRedactor.marker
        case .array(let items): return items.contains(where: containsRedaction)
        case .object(let object): return object.contains { containsRedaction($0.value) }
        default: return false
        }
    }

    /// A recorded text as one visible line: the record is data, and must not move the cursor, add a
    /// line to the report or hide what it says.
    private static func shown(_ text: String) -> String {
        VisibleText.of(text).replacingLineBreaks()
    }

    /// The report: one line per change and per skipped record, then the sums.
    var report: String {
        var text = ""
        for row in changed {
            guard let now = row.now else { continue }
            text += "\(Self.shown(row.time))  \(Self.shown(row.name))  \(row.was.rawValue) -> \(now.action.rawValue)"
            text += "  now: \(Self.shown(now.rule))  was: \(Self.shown(row.wasRule))"
            if !row.notes.isEmpty { text += "  (" + row.notes.joined(separator: "; ") + ")" }
            text += "\n"
        }
        for row in skipped {
            text += "\(Self.shown(row.time))  \(Self.shown(row.name))  not replayed: \(Self.shown(row.skipped ?? ""))\n"
        }
        let count = changed.count
        text += "replay: \(replayed) recorded decision\(replayed == 1 ? "" : "s"), "
        text += "\(count) would change (\(stricter) stricter, \(looser) looser)"
        if !skipped.isEmpty { text += ", \(skipped.count) not replayed" }
        if ignored > 0 { text += ", \(ignored) pin hold\(ignored == 1 ? "" : "s") not compared" }
        if unreadable > 0 { text += ", \(unreadable) line\(unreadable == 1 ? "" : "s") not a record" }
        text += "\n(records are taken as written: `mcp-firewall-hub audit verify` checks that none was altered)"
        return text + "\n"
    }
}

extension String {
    /// Line breaks and tabs written as `\n`, `\r`, `\t`.
    fileprivate func replacingLineBreaks() -> String {
        var out = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
