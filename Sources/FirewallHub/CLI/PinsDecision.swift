#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One pending definition in the store, as `pins accept` and `pins diff --offline` show it.
struct PendingItem {
    var server: String
    /// nil: the server's instructions.
    var tool: String?
    var hash: String
    var text: String

    static func all(in file: PinFile, selection: PinSelection?) -> [PendingItem] {
        var items: [PendingItem] = []
        for server in file.servers.keys.sorted() where selection?.includes(server: server) ?? true {
            let pins = file.servers[server]!
            if selection?.includesInstructions ?? true, let pending = pins.pendingInstructions {
                let text = PinsText.instructionsChange(
                    server: server, pinned: pins.instructions, current: pending,
                    heading: pins.instructions == nil ? "not pinned yet" : "changed since they were pinned")
                items.append(PendingItem(server: server, hash: pending.hash, text: text))
            }
            for tool in pins.pendingTools.keys.sorted() where selection?.includes(server: server, tool: tool) ?? true {
                let pending = pins.pendingTools[tool]!
                let pinned = pins.tools[tool]
                let text = PinsText.toolChange(
                    server: server, tool: tool, pinned: pinned, current: pending,
                    heading: pinned == nil ? "new, not pinned yet" : "changed since it was pinned")
                items.append(PendingItem(server: server, tool: tool, hash: pending.hash, text: text))
            }
        }
        return items
    }
}

/// `pins accept` and `pins forget`: show what will change, ask (unless `--yes`), then change the store
/// under its lock, recording each change in the audit trail first when one is configured (a change
/// that cannot be recorded is not made, unless `audit.on_failure` is `fail_open`).
enum PinsDecision {
    static func run(_ request: PinsRequest, store: PinStore, config: HubConfig, log: HubLog) -> Int32 {
        guard let selection = request.selection else { return HubCommandLine.ExitCode.usage }
        let file: PinFile
        switch store.load() {
        case .success(let loaded): file = loaded
        case .failure(let failure):
            log.error("\(failure)")
            return HubCommandLine.ExitCode.ioError
        }
        let trail = config.audit.map { AuditTrail(config: $0, redactor: AuditRedactor(config: config)) }
        let accepting = request.action == .accept
        let items: [PendingItem]
        if accepting {
            items = PendingItem.all(in: file, selection: selection)
            if items.isEmpty {
                log.error(
                    "nothing pending for \(selection): run `mcp-firewall-hub pins diff \(selection)` to look for changes"
                )
                return 1
            }
        } else {
            items = forgettable(file, selection)
            if items.isEmpty {
                log.error("nothing is pinned for \(selection)")
                return 1
            }
        }
        PinsCommand.write(items.map(\.text).joined())
        let question = accepting ? "Pin these \(items.count) definition(s)?" : "Forget these \(items.count) pin(s)?"
        guard request.yes || confirm(question, log: log) else { return HubCommandLine.ExitCode.usage }

        let result = store.update { file -> Result<Void, PinStore.Failure> in
            for item in items {
                var pins = file.servers[item.server] ?? ServerPins()
                if accepting {
                    let done =
                        item.tool.map { pins.accept(tool: $0, expectedHash: item.hash) != nil }
                        ?? (pins.acceptInstructions(expectedHash: item.hash) != nil)
                    guard done else {
                        return .failure(
                            .abandoned(
                                "\(label(item)) changed again while it was shown; nothing was pinned: run the command again"
                            ))
                    }
                } else if let tool = item.tool {
                    _ = pins.forget(tool: tool)
                } else {
                    pins.instructions = nil
                    pins.pendingInstructions = nil
                }
                let event = AuditPinEvent(
                    kind: accepting ? .accepted : .forgotten, server: item.server, tool: item.tool, hash: item.hash,
                    channel: .commandLine)
                switch trail?.admit(.pin(event)) {
                case .refused(let failure)?:
                    return .failure(
                        .abandoned("audit: \(failure); nothing was changed (audit.on_failure is fail_closed)"))
                case .unrecorded(let failure)?:
                    log.warning("audit: \(failure); going on without a record (audit.on_failure is fail_open)")
                case .recorded?, nil:
                    break
                }
                file.servers[item.server] = pins.isEmpty ? nil : pins
            }
            return .success(())
        }
        if case .failure(let failure) = result {
            log.error("\(failure)")
            return 1
        }
        let verb = accepting ? "pinned" : "forgot"
        PinsCommand.write(items.map { "\(verb) \(label($0)) (\(PinsText.short($0.hash)))\n" }.joined())
        return HubCommandLine.ExitCode.success
    }

    private static func label(_ item: PendingItem) -> String {
        item.tool.map { "\(item.server).\($0)" } ?? "\(item.server) (instructions)"
    }

    /// Pins (and pending definitions) `pins forget` would drop.
    private static func forgettable(_ file: PinFile, _ selection: PinSelection) -> [PendingItem] {
        guard let pins = file.servers[selection.server] else { return [] }
        var items: [PendingItem] = []
        if selection.includesInstructions, let pinned = pins.instructions ?? pins.pendingInstructions {
            items.append(
                PendingItem(server: selection.server, hash: pinned.hash, text: "\(selection.server) (instructions)\n"))
        }
        let names = Set(pins.tools.keys).union(pins.pendingTools.keys).sorted()
        for tool in names where selection.includes(server: selection.server, tool: tool) {
            let hash = (pins.tools[tool] ?? pins.pendingTools[tool])!.hash
            items.append(
                PendingItem(server: selection.server, tool: tool, hash: hash, text: "\(selection.server).\(tool)\n"))
        }
        return items
    }

    /// Asks on the terminal; without one, explains `--yes` and declines.
    private static func confirm(_ question: String, log: HubLog) -> Bool {
        guard isatty(0) == 1 else {
            log.error("not a terminal: nothing was changed; pass --yes to confirm without a question")
            return false
        }
        let prompt = Array("\(question) [y/N] ".utf8)
        _ = prompt.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        let answer = readLine()?.lowercased() ?? ""
        if answer == "y" || answer == "yes" { return true }
        log.info("nothing was changed")
        return false
    }
}
