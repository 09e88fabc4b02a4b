import MCPWire

/// Owns: the flow of lists — reading every list a target offers (`TargetLists` keeps the pages),
/// re-reading on `list_changed`, telling the client when a merged list changed, and answering the
/// client's list requests from the catalog. Never: merges lists itself (the catalog does).
extension HubRouter {
    func startListing(_ target: TargetSession) {
        for kind in target.lists.beginStartup(ListKind.allCases.filter { target.offers($0) }) {
            requestList(target, kind, cursor: nil)
        }
    }

    private func requestList(_ target: TargetSession, _ kind: ListKind, cursor: String?) {
        request(target, kind.method, params: cursor.map { ["cursor": .string($0)] }, purpose: .list(kind))
    }

    func handleListPage(_ target: TargetSession, kind: ListKind, _ response: JSONRPCMessage.Response) {
        var items: [JSONObject] = []
        var nextCursor: String?
        var ttlMs: Int?
        switch response.outcome {
        case .error(let error):
            // A target may answer -32601 for a list it does not have; it is still usable without it.
            let text = "\(kind.method) failed: \(error.message) (code \(error.code)); listing none"
            if target.offers(kind) { log.server(target.name, text) } else { log.debug("[\(target.name)] " + text) }
        case .result(let result):
            items = (result[kind.resultKey]?.arrayValue ?? []).compactMap(\.objectValue)
            nextCursor = result["nextCursor"]?.stringValue
            ttlMs = result[ModernResult.ttlKey]?.intValue
        }
        let duringStartup = target.state == .listing
        switch target.lists.page(
            kind, items: items, nextCursor: nextCursor, ttlMs: ttlMs, duringStartup: duringStartup)
        {
        case .next(let cursor):
            requestList(target, kind, cursor: cursor)
        case .complete(let complete):
            if !duringStartup {
                if complete.changed {
                    if kind == .tools { pinSighting(target) }
                    // The client hears of it only when what it is shown changed (not for hidden tools, nor
                    // for a server in `discover` mode, whose tools are re-indexed for search_tools).
                    let before = kind == .tools ? catalog.items(.tools) : nil
                    rebuildCatalog()
                    if before == nil || before != catalog.items(.tools) { notifyListChanged(kind) }
                }
            } else if complete.startupComplete {
                targetReady(target)
            }
            if complete.readAgain { requestList(target, kind, cursor: nil) }
        }
    }

    /// Every list of a start-up has been read: the target serves calls.
    private func targetReady(_ target: TargetSession) {
        target.startup.listed()
        timers.cancel(target.startupTimer)
        let counts = ListKind.allCases.compactMap { kind in
            target.offers(kind) ? "\(target.lists[kind].count) \(kind.rawValue)" : nil
        }
        log.server(target.name, "ready with " + counts.joined(separator: ", "))
        let toolsBefore = catalog.items(.tools)
        pinSighting(target)
        rebuildCatalog()
        // The tool list the client is shown may not move (hidden tools, a server in `discover` mode).
        let toolsShownChanged = toolsBefore != catalog.items(.tools)
        if target.generation > 1 {
            for kind in ListKind.allCases where target.lists.changedDuringStartup.contains(kind) {
                if kind != .tools || toolsShownChanged { notifyListChanged(kind) }
            }
        } else if pool.graceOver || target.announceWhenReady {
            // A slow target the client's lists did not include yet.
            for kind in ListKind.allCases where target.offers(kind) {
                if kind != .tools || toolsShownChanged { notifyListChanged(kind) }
            }
        }
        releaseDeferredIfSettled()
    }

    /// A target said one of its lists changed: read it again (the client hears of it once the new
    /// list differs from the old). Whether or not the target declared `listChanged`, or the list's
    /// capability at all: servers send these without declaring them.
    func relist(_ target: TargetSession, _ kinds: [ListKind]) {
        guard target.state == .ready else { return }
        for kind in kinds where target.lists.startRead(kind) { requestList(target, kind, cursor: nil) }
    }

    /// Tells the client a merged list changed: an initialized client if the hub declared `listChanged`
    /// for it, and a modern client's listen streams that asked for it.
    func notifyListChanged(_ kind: ListKind) {
        for notification in client.streams.listChanged(kind) { notifyClient(notification) }
        guard client.initialized, client.declared[kind.capability]?["listChanged"] == .bool(true) else { return }
        notifyClient(.init(method: kind.listChangedMethod))
    }

    func handleListRequest(_ kind: ListKind, _ request: ClientRequest) {
        // A person may have accepted a held definition (`pins accept`) since the list was built.
        if kind == .tools, pins.holdsAnything { lookAgainAtPins() }
        switch ListPage.result(kind, items: catalog.items(kind), cursor: request.params?["cursor"]) {
        case .success(var result):
            if kind == .tools, request.isModern {
                // How long the list holds, and whether it was shaped for this client (`ToolListShaping`).
                result[ModernResult.ttlKey] = .int(catalog.listing.toolList.ttlMs)
                result[ModernResult.cacheScopeKey] = .string(catalog.listing.toolList.cacheScope)
            }
            answer(request.ticket, result: .object(result))
        case .failure(let error): answer(request.ticket, error: error)
        }
    }
}
