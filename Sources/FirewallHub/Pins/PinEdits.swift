/// The changes made to a server's pins: recording a sighting (`ServerPinReport.record`), a person
/// accepting a pending definition, forgetting a pin. Pure edits of `ServerPins`; `PinStore.update`
/// makes them durable.
extension ServerPinReport {
    /// What this sighting changes in the store: first-sight and allowed new tools are pinned, held ones
    /// are recorded as pending (keeping when they were first seen while they stay the same), and pending
    /// entries that no longer differ are dropped.
    func record(into pins: inout ServerPins?) {
        var updated = pins ?? ServerPins()
        for tool in tools {
            switch tool.verdict {
            case .firstSight, .newAllowed:
                updated.tools[tool.name] = tool.current
                updated.pendingTools[tool.name] = nil
            case .unchanged:
                updated.pendingTools[tool.name] = nil
            case .newHeld, .changed:
                if updated.pendingTools[tool.name]?.hash != tool.current.hash {
                    updated.pendingTools[tool.name] = tool.current
                }
            }
        }
        for name in removed { updated.pendingTools[name] = nil }
        switch instructions {
        case .firstSight:
            updated.instructions = currentInstructions
            updated.pendingInstructions = nil
        case .unchanged:
            updated.pendingInstructions = nil
        case .changed:
            if updated.pendingInstructions?.hash != currentInstructions.hash {
                updated.pendingInstructions = currentInstructions
            }
        }
        pins = updated
    }

    /// One audit event per tool (and for the instructions) that is not unchanged, and per removed tool.
    var auditEvents: [AuditPinEvent] {
        var events: [AuditPinEvent] = []
        for tool in tools {
            let kind: AuditPinEvent.Kind
            var summary: String?
            switch tool.verdict {
            case .unchanged: continue
            case .firstSight: kind = .firstSight
            case .newAllowed: kind = .newAllowed
            case .newHeld: kind = .newHeld
            case .changed(let change):
                kind = .changedHeld
                summary = change.summary
            }
            events.append(
                AuditPinEvent(
                    kind: kind, server: server, tool: tool.name, hash: tool.current.hash, pinnedHash: tool.pinned?.hash,
                    summary: summary))
        }
        for name in removed { events.append(AuditPinEvent(kind: .removed, server: server, tool: name)) }
        switch instructions {
        case .unchanged: break
        case .firstSight:
            events.append(AuditPinEvent(kind: .firstSight, server: server, hash: currentInstructions.hash))
        case .changed:
            events.append(
                AuditPinEvent(
                    kind: .changedHeld, server: server, hash: currentInstructions.hash,
                    pinnedHash: pinnedInstructions?.hash, summary: "instructions changed"))
        }
        return events
    }
}

extension ServerPins {
    /// Pins the pending definition of `tool` when its hash is `expectedHash` (what the person was shown;
    /// nil accepts whatever is pending). Returns what was pinned, or nil when nothing matching is pending.
    mutating func accept(tool: String, expectedHash: String?) -> PinnedTool? {
        guard let pending = pendingTools[tool], expectedHash == nil || pending.hash == expectedHash else { return nil }
        tools[tool] = pending
        pendingTools[tool] = nil
        return pending
    }

    mutating func acceptInstructions(expectedHash: String?) -> PinnedInstructions? {
        guard let pending = pendingInstructions, expectedHash == nil || pending.hash == expectedHash else {
            return nil
        }
        instructions = pending
        pendingInstructions = nil
        return pending
    }

    /// Drops the pin and any pending definition of `tool`; whether there was either.
    mutating func forget(tool: String) -> Bool {
        let had = tools[tool] != nil || pendingTools[tool] != nil
        tools[tool] = nil
        pendingTools[tool] = nil
        return had
    }
}
