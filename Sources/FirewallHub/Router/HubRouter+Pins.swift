import MCPWire

/// Owns: the flow of tool-definition pins through the router — a sighting after each full read of a
/// target's tools, the catalog's sources as the pins let the client see them, a call to a held tool
/// refused before policy, and a fresh look at the store when a person may have accepted a change.
/// Never: accepts a change (a person does, with `pins accept`) or decides policy.
extension HubRouter {
    /// `target`'s tools were read in full (start-up, restart, `list_changed`): check them against the
    /// pins and record what was seen; the caller rebuilds the catalog.
    func pinSighting(_ target: TargetSession) {
        guard pins.enabled else { return }
        let (events, notes) = pins.sight(
            server: target.name, tools: target.lists[.tools], instructions: target.instructions,
            at: AuditInstant.now().rfc3339, now: now())
        for note in notes {
            switch note {
            case .info(let text): log.info(text)
            case .warning(let text): log.warning(text)
            case .error(let text): log.error(text)
            }
        }
        for event in events { auditRecord(.pin(event)) }
    }

    /// The lists the catalog merges: each server's tools as the pins let the client see them.
    var pinnedCatalogSources: [Catalog.ServerLists] {
        let sources = pool.catalogSources
        guard pins.enabled else { return sources }
        return sources.map { source in
            var shown = source
            shown.tools = pins.listed(
                server: source.name, tools: source.tools, instructions: pool.named(source.name)?.instructions)
            return shown
        }
    }

    /// The refusal for a call of `entry` while its definition is held, or nil. A person may have run
    /// `pins accept` since the hold: the store is read again first (at most once a second per server),
    /// and an accepted change is released at once.
    func pinRefusal(_ entry: CatalogEntry) -> String? {
        guard pins.enabled, pins.refusal(server: entry.server, tool: entry.tool, exposedName: entry.exposedName) != nil
        else { return nil }
        lookAgainAtPins()
        return pins.refusal(server: entry.server, tool: entry.tool, exposedName: entry.exposedName)
    }

    /// Refuses a call the pins hold: a tool result the model reads (not a protocol error), recorded.
    /// The person is first asked whether to accept the definition, in the client's form or with a code
    /// sent out of band (`HubRouter+PinPrompts`); the call itself is not run either way.
    func refuseHeldByPin(_ request: ClientRequest, entry: CatalogEntry, refusal: String, arguments: JSONObject?) {
        log.info(
            "call \(entry.exposedName) → held by its pin (\(pins.heldReason(server: entry.server, tool: entry.tool)))")
        if audit != nil {
            let call = auditCall(
                request.ticket, server: entry.server, tool: entry.tool, exposedName: entry.exposedName,
                arguments: arguments, meta: request.params?["_meta"]?.objectValue)
            auditRecord(.decision(call, .pinHeld(reason: pins.heldReason(server: entry.server, tool: entry.tool))))
        }
        if askToAcceptDefinition(request, entry: entry, arguments: arguments) { return }
        if !desk.asksAboutDefinition(server: entry.server, tool: entry.tool),
            holdDefinitionForCode(request, entry: entry, arguments: arguments, refusal: refusal)
        {
            return
        }
        answer(request.ticket, result: HeldCallText.toolError(refusal))
    }

    /// A call named a new tool held back from the list: refused with what to do, not "unknown tool".
    func refuseHeldNewTool(_ request: ClientRequest, name: String) -> Bool {
        guard pins.enabled, let held = pins.heldNewTool(named: name, naming: catalog.naming),
            !catalog.listing.hides(server: held.server, tool: held.tool)
        else { return false }
        lookAgainAtPins()
        if catalog.tool(named: name) != nil { return false }  // accepted just now: the caller goes on
        guard let held = pins.heldNewTool(named: name, naming: catalog.naming),
            let refusal = pins.refusal(server: held.server, tool: held.tool, exposedName: name)
        else { return false }
        let entry = CatalogEntry(exposedName: name, server: held.server, tool: held.tool, definition: JSONObject())
        refuseHeldByPin(request, entry: entry, refusal: refusal, arguments: request.params?["arguments"]?.objectValue)
        return true
    }

    /// Reads the store again for every server something is held for (rate-limited); when that
    /// releases anything, the catalog is rebuilt and the client told its tool list changed.
    func lookAgainAtPins() {
        let servers = pins.worthLookingAgain(now: now())
        guard !servers.isEmpty else { return }
        for name in servers {
            guard let target = pool.named(name), target.state == .ready else { continue }
            pinSighting(target)
        }
        let before = catalog.items(.tools)
        rebuildCatalog()
        if before != catalog.items(.tools) { notifyListChanged(.tools) }
    }
}
