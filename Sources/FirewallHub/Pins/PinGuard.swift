import MCPWire

/// Owns: what `serve` holds back because a tool definition or a server's instructions differ from the
/// pin a person accepted — the pins last read per server and the report behind the current catalog.
/// Never: accepts a change (only a person does, with `pins accept`), or lists or calls anything itself.
///
/// Each full read of a server's tools is a sighting (`sight`): checked against the store under its lock
/// and recorded there (first sight pinned, changes pending for `pins diff --offline`). Between sightings
/// `listed` and `refusal` answer from memory, so building the catalog never touches the disk. A store
/// that cannot be written keeps pins in memory for the session; one that cannot be read (or was edited by
/// hand) holds every tool of the server: the hub cannot tell what a person trusted.
final class PinGuard {
    /// A line for the hub's log.
    enum Note: Equatable {
        case info(String)
        case warning(String)
        case error(String)
    }

    /// A held server or tool is looked up in the store again at most this often (seconds), so a call
    /// loop on a held tool cannot keep the router reading the file.
    static let lookAgainInterval = 1.0

    /// Pinning is on (`pins.enabled`, and `serve`: the CLI's `tools` only shows the PIN column).
    let enabled: Bool
    private let store: PinStore?
    private let newTools: PinsConfig.NewTools
    /// The pins as last read from the store (or kept in memory), by server.
    private var pins: [String: ServerPins] = [:]
    /// Servers whose pins could not be read, with why.
    private var unreadable: [String: String] = [:]
    /// The report behind the current catalog, by server (`listed`).
    private var reports: [String: ServerPinReport] = [:]
    /// The held tools of each server's report (`refusal` runs on every call).
    private var held: [String: Set<String>] = [:]
    /// The events already logged and recorded per server, so a restart does not repeat them.
    private var announced: [String: [AuditPinEvent]] = [:]
    private var lastLook: [String: Double] = [:]
    /// Servers whose pins were read from the store outside a sighting (`seedFromStore`).
    private var seeded: Set<String> = []
    private var warnedAboutStore = false

    init(config: PinsConfig, active: Bool) {
        enabled = active && config.enabled
        store = enabled ? config.path.map { PinStore(path: $0) } : nil
        newTools = config.newTools
    }

    /// Where pins are kept, for the start-up log line.
    var storeDescription: String {
        guard enabled else { return "off" }
        return store.map { "pin store \($0.path)" } ?? "in memory only (no pins.path and no $XDG_STATE_HOME or $HOME)"
    }

    /// A full read of `server`'s tools (start-up, restart, `list_changed`, or a look after a person may
    /// have accepted a change): checks them against the pins and records the sighting. Returns the audit
    /// events not recorded before, and lines for the log.
    func sight(
        server: String, tools: [JSONObject], instructions: String?, at: String, now: Double
    ) -> (events: [AuditPinEvent], notes: [Note]) {
        guard enabled else { return ([], []) }
        lastLook[server] = now
        var notes: [Note] = []
        let report: ServerPinReport
        switch record(server: server, tools: tools, instructions: instructions, at: at) {
        case .success(let checked):
            report = checked
            if unreadable.removeValue(forKey: server) != nil {
                notes.append(.info("[\(server)] the pin store can be read again"))
            }
        case .failure(let failure):
            switch failure {
            case .corrupt, .cannotRead, .abandoned:
                if unreadable[server] == nil {
                    notes.append(
                        .error(
                            "[\(server)] every tool is held: \(failure). Fix or move the file, or set "
                                + "\"pins\": {\"enabled\": false}"))
                }
                unreadable[server] = "\(failure)"
                return ([], notes)
            case .cannotCreateFolder, .cannotLock, .cannotWrite:
                if !warnedAboutStore {
                    warnedAboutStore = true
                    notes.append(.warning("pins: \(failure); pins are kept in memory for this session only"))
                }
                report = recordInMemory(server: server, tools: tools, instructions: instructions, at: at)
            }
        }
        let events = report.auditEvents
        let fresh = events.filter { !(announced[server] ?? []).contains($0) }
        announced[server] = events
        let firstSights = fresh.filter { $0.kind == .firstSight }.count
        if firstSights > 0 {
            notes.append(.info("pins: \(server): \(firstSights) definition(s) pinned on first sight"))
        }
        notes += fresh.filter { $0.kind != .firstSight }.map { Self.note(for: $0) }
        return (fresh, notes)
    }

    private func record(
        server: String, tools: [JSONObject], instructions: String?, at: String
    ) -> Result<ServerPinReport, PinStore.Failure> {
        guard let store else {
            return .success(recordInMemory(server: server, tools: tools, instructions: instructions, at: at))
        }
        var recorded: ServerPins?
        let result = store.update { file -> Result<ServerPinReport, PinStore.Failure> in
            let report = PinCheck.check(
                server: server, pinned: file.servers[server], listed: tools, instructions: instructions,
                newTools: newTools, at: at)
            report.record(into: &file.servers[server])
            recorded = file.servers[server]
            return .success(report)
        }
        if case .success = result { pins[server] = recorded }
        return result
    }

    private func recordInMemory(
        server: String, tools: [JSONObject], instructions: String?, at: String
    ) -> ServerPinReport {
        // The store could not be written, but what a person pinned there still counts: start from it.
        seedFromStore(server)
        let report = PinCheck.check(
            server: server, pinned: pins[server], listed: tools, instructions: instructions, newTools: newTools, at: at)
        report.record(into: &pins[server])
        return report
    }

    /// `server`'s tools as the client may see them (held new tools left out, changed ones with their
    /// pinned definition), deciding from memory; the report is kept for `refusal` and `instructions`.
    func listed(server: String, tools: [JSONObject], instructions: String?) -> [JSONObject] {
        guard enabled else { return tools }
        guard unreadable[server] == nil else {
            reports[server] = nil
            held[server] = nil
            return []
        }
        let report = PinCheck.check(
            server: server, pinned: pins[server], listed: tools, instructions: instructions, newTools: newTools, at: "")
        reports[server] = report
        let heldNames = Set(report.tools.filter(\.verdict.isHeld).map(\.name))
        held[server] = heldNames.isEmpty ? nil : heldNames
        return report.listedTools(tools)
    }

    /// nil when a call of `server`'s `tool` may go on to the policy; else why it is refused.
    func refusal(server: String, tool: String, exposedName: String) -> String? {
        // Every call asks: nothing held anywhere is one test; else a look-up, never a walk over the tools.
        guard enabled, holdsTools else { return nil }
        if unreadable[server] == nil, !(held[server]?.contains(tool) ?? false) { return nil }
        if let why = unreadable[server] {
            return "\(exposedName) is held: the hub cannot read what a person pinned for \(server) (\(why)). "
                + "Nothing was sent to the server. Ask the user to check the pin store."
        }
        return reports[server]?.refusal(forTool: tool, exposedName: exposedName)
    }

    /// The one-line summary of why `tool` is held, for the audit trail.
    func heldReason(server: String, tool: String) -> String {
        if unreadable[server] != nil { return "pin store unreadable" }
        switch reports[server]?.report(for: tool)?.verdict {
        case .changed(let change)?: return "definition changed since pinned: " + change.summary
        case .newHeld?: return "new tool held (pins.new_tools is hold)"
        default: return "held"
        }
    }

    /// What a person would be asked to accept for a held `tool`: the diff from its pin (or, new, the
    /// whole definition) and the hash it is bound to. nil when nothing about it can be accepted here.
    func offer(server: String, tool: String, exposedName: String) -> PinOffer? {
        guard enabled, unreadable[server] == nil, let report = reports[server]?.report(for: tool) else { return nil }
        switch report.verdict {
        case .changed(let change):
            return PinOffer(
                server: server, tool: tool, exposedName: exposedName, hash: report.current.hash,
                lines: change.readableLines, change: change.summary, isNew: false)
        case .newHeld:
            return PinOffer(
                server: server, tool: tool, exposedName: exposedName, hash: report.current.hash,
                lines: JSONValue.object(report.current.definition).prettyPrinted().split(separator: "\n").map(
                    String.init),
                change: "a new tool", isNew: true)
        case .unchanged, .firstSight, .newAllowed:
            return nil
        }
    }

    /// A person accepted `offer` (through the client's form): pins exactly the definition shown, in the
    /// store (or in memory when the store cannot be written). False when what is pending is no longer
    /// that definition (it changed again): nothing is pinned.
    func accept(_ offer: PinOffer) -> Result<Bool, PinStore.Failure> {
        guard enabled else { return .success(false) }
        if let store, !warnedAboutStore {
            var updated: ServerPins?
            let result = store.update { file -> Result<Bool, PinStore.Failure> in
                let accepted = file.servers[offer.server]?.accept(tool: offer.tool, expectedHash: offer.hash) != nil
                updated = file.servers[offer.server]
                return .success(accepted)
            }
            if case .success(true) = result { pins[offer.server] = updated }
            return result
        }
        return .success(pins[offer.server]?.accept(tool: offer.tool, expectedHash: offer.hash) != nil)
    }

    /// The instructions to pass on for `server`: the pinned text while a change is held. Before the
    /// server's first full sighting (still starting, or failed) only a pinned text is passed on: new
    /// text is never shown before it was checked.
    func instructions(server: String, current: String?) -> String? {
        guard enabled else { return current }
        if unreadable[server] != nil { return nil }
        if let report = reports[server] { return report.effectiveInstructions }
        seedFromStore(server)
        guard let pinned = pins[server]?.instructions else { return nil }
        return pinned.hash == ToolFingerprint.hash(ofInstructions: current) ? current : pinned.text
    }

    /// Before `server`'s first sighting, or when the store can no longer be written: what the store holds
    /// for it, read once (a server the store does not know is not read for again).
    private func seedFromStore(_ server: String) {
        guard pins[server] == nil, !seeded.contains(server), let store else { return }
        seeded.insert(server)
        if case .success(let file) = store.load() { pins[server] = file.servers[server] }
    }

    /// The server and tool a name the client called means when it is a new tool held back from the
    /// list (so the refusal can say so instead of "unknown tool").
    func heldNewTool(named name: String, naming: ToolNaming) -> (server: String, tool: String)? {
        guard enabled else { return nil }
        for report in reports.values {
            for tool in report.tools where tool.verdict == .newHeld {
                let spellings = [
                    naming.join(server: report.server, tool: tool.name), report.server + "." + tool.name,
                    report.server + "__" + tool.name,
                ]
                if spellings.contains(name) { return (report.server, tool.name) }
            }
        }
        return nil
    }

    /// Servers something is held for, whose store is worth reading again now (a person may have run
    /// `pins accept`); at most once per `lookAgainInterval` per server.
    func worthLookingAgain(now: Double) -> [String] {
        guard enabled, store != nil else { return [] }
        let held = Set(reports.values.filter(\.holdsAnything).map(\.server)).union(unreadable.keys)
        return held.sorted().filter { now - (lastLook[$0] ?? -.infinity) >= Self.lookAgainInterval }
    }

    /// Some tool is held (cheap: asked on every call).
    var holdsTools: Bool { !unreadable.isEmpty || !held.isEmpty }

    var holdsAnything: Bool { !unreadable.isEmpty || reports.values.contains { $0.holdsAnything } }

    private static func note(for event: AuditPinEvent) -> Note {
        let subject = event.tool.map { "\(event.server).\($0)" } ?? "the instructions of \(event.server)"
        let review = "mcp-firewall-hub pins diff \(event.tool.map { "\(event.server).\($0)" } ?? event.server)"
        switch event.kind {
        case .newAllowed: return .info("pins: \(subject) is new; pinned as listed (pins.new_tools is allow)")
        case .newHeld:
            return .warning("pins: \(subject) is new and held until a person accepts it (review: \(review))")
        case .changedHeld:
            return .warning(
                "pins: \(subject) changed since it was pinned (\(event.summary ?? "changed")); the pinned definition "
                    + "is shown and calls are refused until a person accepts it (review: \(review))")
        case .removed: return .info("pins: \(subject) is no longer listed; its pin is kept")
        case .firstSight, .accepted, .forgotten: return .info("pins: \(subject) \(event.kind.rawValue)")
        }
    }
}
