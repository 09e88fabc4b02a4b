import MCPWire

/// Reading every list a target offers (all pages), re-reading on `list_changed`, and answering the
/// client's list requests from the merged lists with the hub's own pages.
extension HubRouter {
    /// Items per page of a merged list the hub returns.
    static let listPageSize = 500

    func startListing(_ target: TargetSession) {
        target.state = .listing
        target.listsInFlight = Set(ListKind.allCases.filter { target.offers($0) })
        target.changedDuringStartup = []
        for kind in ListKind.allCases where target.listsInFlight.contains(kind) {
            requestList(target, kind, cursor: nil)
        }
    }

    /// Asks for a page of a list; a new read of a list being read waits for that read to end (two reads
    /// at once would mix their pages).
    func requestList(_ target: TargetSession, _ kind: ListKind, cursor: String?) {
        if cursor == nil {
            guard target.listsReading.insert(kind).inserted else {
                target.relistAfter.insert(kind)
                return
            }
        }
        target.send(method: kind.method, params: cursor.map { ["cursor": .string($0)] }, purpose: .list(kind))
    }

    func handleListPage(_ target: TargetSession, kind: ListKind, _ response: JSONRPCMessage.Response) {
        var nextCursor: String?
        switch response.outcome {
        case .error(let error):
            // A target may answer -32601 for a list it does not have; it is still usable without it.
            let text = "\(kind.method) failed: \(error.message) (code \(error.code)); listing none"
            if target.offers(kind) { log.server(target.name, text) } else { log.debug("[\(target.name)] " + text) }
        case .result(let result):
            for item in result[kind.resultKey]?.arrayValue ?? [] {
                if let object = item.objectValue { target.pendingPages[kind, default: []].append(object) }
            }
            nextCursor = result["nextCursor"]?.stringValue
        }
        if let cursor = nextCursor, target.seenCursors[kind, default: []].insert(cursor).inserted,
            target.seenCursors[kind, default: []].count < 1000
        {
            requestList(target, kind, cursor: cursor)
            return
        }
        let items = target.pendingPages.removeValue(forKey: kind) ?? []
        target.seenCursors[kind] = nil
        target.listsReading.remove(kind)
        defer {
            if target.relistAfter.remove(kind) != nil { requestList(target, kind, cursor: nil) }
        }
        let changed = (target.lists[kind] ?? []) != items
        target.lists[kind] = items
        guard target.state == .listing else {
            if changed {
                rebuildCatalog()
                notifyListChanged(kind)
            }
            return
        }
        if changed { target.changedDuringStartup.insert(kind) }
        target.listsInFlight.remove(kind)
        guard target.listsInFlight.isEmpty else { return }
        target.state = .ready
        cancelTimer(target.startupTimer)
        let counts = ListKind.allCases.compactMap { kind in
            target.offers(kind) ? "\(target.lists[kind]?.count ?? 0) \(kind.rawValue)" : nil
        }
        log.server(target.name, "ready with " + counts.joined(separator: ", "))
        rebuildCatalog()
        if target.generation > 1 {
            for kind in target.changedDuringStartup { notifyListChanged(kind) }
        } else if startupGraceOver {
            // A slow target the client's lists did not include yet.
            for kind in ListKind.allCases where target.offers(kind) { notifyListChanged(kind) }
        }
        releaseDeferredIfSettled()
    }

    /// A target said one of its lists changed: read it again (the client hears of it once the new
    /// list differs from the old). Whether or not the target declared `listChanged`, or the list's
    /// capability at all: servers send these without declaring them.
    func relist(_ target: TargetSession, _ kinds: [ListKind]) {
        guard target.state == .ready else { return }
        for kind in kinds { requestList(target, kind, cursor: nil) }
    }

    /// Tells the client a merged list changed: an initialized client if the hub declared `listChanged`
    /// for it, and a modern client's listen streams that asked for it.
    func notifyListChanged(_ kind: ListKind) {
        notifyStreams(kind)
        guard clientInitialized, declaredCapabilities[kind.capability]?["listChanged"] == .bool(true) else { return }
        sendToClient(.notification(.init(method: kind.listChangedMethod)))
    }

    // MARK: - The client's list requests

    func handleListRequest(_ kind: ListKind, _ request: JSONRPCMessage.Request) {
        let items: [JSONValue]
        switch kind {
        case .tools:
            items = catalog.entries.map { JSONValue.object($0.definition) } + [FirewallConfirmTool.definition]
        case .prompts:
            items = promptCatalog.entries.map { JSONValue.object($0.definition) }
        case .resources:
            items = resourceMap.resources.map(JSONValue.object)
        case .resourceTemplates:
            items = resourceMap.templates.map(JSONValue.object)
        }
        var offset = 0
        if let cursor = request.params?["cursor"], !cursor.isNull {
            guard let text = cursor.stringValue, let parsed = Self.parseCursor(text, kind: kind), parsed <= items.count
            else {
                respond(request.id, error: .invalidParams("invalid cursor for \(kind.method)"))
                return
            }
            offset = parsed
        }
        let end = min(items.count, offset + Self.listPageSize)
        var result = JSONObject()
        result[kind.resultKey] = .array(Array(items[offset..<end]))
        if end < items.count { result["nextCursor"] = .string(Self.cursor(kind: kind, offset: end)) }
        respond(request.id, result: .object(result))
    }

    /// The hub's cursors: opaque to clients, checked strictly when they come back.
    static func cursor(kind: ListKind, offset: Int) -> String {
        "mcp-firewall-hub:\(kind.rawValue):\(offset)"
    }

    static func parseCursor(_ text: String, kind: ListKind) -> Int? {
        let prefix = "mcp-firewall-hub:\(kind.rawValue):"
        guard text.hasPrefix(prefix), let offset = Int(text.dropFirst(prefix.count)), offset > 0 else { return nil }
        return offset
    }
}
