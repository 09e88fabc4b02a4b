import MCPWire

/// Owns: a modern client's open `subscriptions/listen` streams (what each asked for, how many targets
/// still have to confirm it, whether it was acknowledged) and the notifications each is owed. Never:
/// subscribes a target (the router does, through TargetListen) or outlives the hub without an answer.
struct ClientStreams {
    /// Open streams a client may hold at once.
    static let maxStreams = 64
    /// URIs one listen request may name, and their bytes together (a message that names more is
    /// refused before any of them is routed).
    static let maxSubscriptionsPerStream = 1024
    static let maxSubscriptionBytesPerStream = 256 << 10

    private var streams: [CallTable.Ticket: ClientStream] = [:]

    var count: Int { streams.count }

    /// Whether an open stream was asked for under `id` (a second one under the same id is refused:
    /// a cancel names a stream by its id).
    func isOpen(id: RequestID) -> Bool {
        streams.values.contains { $0.id == id }
    }

    mutating func open(_ ticket: CallTable.Ticket, _ stream: ClientStream) {
        streams[ticket] = stream
    }

    /// One target confirmed (or could not confirm) the stream's subscriptions: its acknowledgement once
    /// every target has, or nil.
    mutating func confirmed(_ ticket: CallTable.Ticket) -> JSONRPCMessage.Notification? {
        guard var stream = streams[ticket], !stream.acknowledged else { return nil }
        stream.unconfirmed -= 1
        streams[ticket] = stream
        return stream.unconfirmed <= 0 ? acknowledge(ticket) : nil
    }

    /// `notifications/subscriptions/acknowledged` for the stream, which from now on gets notifications.
    mutating func acknowledge(_ ticket: CallTable.Ticket) -> JSONRPCMessage.Notification? {
        guard var stream = streams[ticket] else { return nil }
        stream.acknowledged = true
        streams[ticket] = stream
        return .init(
            method: "notifications/subscriptions/acknowledged",
            params: ["notifications": .object(stream.honored), "_meta": stream.meta])
    }

    /// The stream ends (cancelled); nil when it was not open.
    mutating func close(_ ticket: CallTable.Ticket) -> ClientStream? {
        streams.removeValue(forKey: ticket)
    }

    /// Shutdown: every stream ends, each answered with its result (`_meta` naming it).
    mutating func closeAll() -> [(ticket: CallTable.Ticket, result: JSONObject)] {
        defer { streams = [:] }
        return streams.sorted { $0.key < $1.key }.map { ($0.key, ["_meta": $0.value.meta]) }
    }

    /// A merged list changed: one notification per stream that asked for it.
    func listChanged(_ kind: ListKind) -> [JSONRPCMessage.Notification] {
        streams.sorted { $0.key < $1.key }.compactMap { _, stream in
            guard stream.acknowledged, stream.wants(kind) else { return nil }
            return .init(method: kind.listChangedMethod, params: ["_meta": stream.meta])
        }
    }

    /// A resource changed (`uri` as the client knows it): one notification per stream subscribed to it.
    func resourceUpdated(_ uri: String, params: JSONObject) -> [JSONRPCMessage.Notification] {
        streams.sorted { $0.key < $1.key }.compactMap { _, stream in
            guard stream.acknowledged, stream.resourceSubscriptions.contains(uri) else { return nil }
            var params = params
            params["_meta"] = stream.meta
            return .init(method: "notifications/resources/updated", params: params)
        }
    }
}

/// A modern client's `subscriptions/listen` stream on the hub.
struct ClientStream {
    /// The listen request's id, named in each message's `_meta`.
    var id: RequestID = .int(0)
    var toolsListChanged: Bool
    var promptsListChanged: Bool
    var resourcesListChanged: Bool
    /// The URIs as the client named them (the hub's exposed URIs) that the hub honours.
    var resourceSubscriptions: [String]
    /// Targets that have still to confirm this stream's resource subscriptions.
    var unconfirmed: Int = 0
    var acknowledged = false

    var meta: JSONValue { .object([ModernEnvelope.subscriptionIdKey: id.json]) }

    /// Whether this stream asked for `kind`'s list changes.
    func wants(_ kind: ListKind) -> Bool {
        switch kind {
        case .tools: return toolsListChanged
        case .prompts: return promptsListChanged
        case .resources, .resourceTemplates: return resourcesListChanged
        }
    }

    /// Reads `params.notifications` of a listen request (a `SubscriptionFilter`); `-32602` when malformed.
    static func parse(_ params: JSONObject?) throws(JSONRPCError) -> ClientStream {
        guard let filter = params?["notifications"]?.objectValue else {
            throw .invalidParams("subscriptions/listen needs params.notifications (an object)")
        }
        func flag(_ key: String) throws(JSONRPCError) -> Bool {
            switch filter[key] {
            case nil, .null?: return false
            case .bool(let value)?: return value
            case let other?: throw .invalidParams("notifications.\(key) must be a boolean, not \(other.typeName)")
            }
        }
        var uris: [String] = []
        switch filter["resourceSubscriptions"] {
        case nil, .null?: break
        case .array(let items)?:
            if items.count > ClientStreams.maxSubscriptionsPerStream {
                throw .invalidParams(
                    "notifications.resourceSubscriptions names \(items.count) URIs; a stream may name up to "
                        + "\(ClientStreams.maxSubscriptionsPerStream)")
            }
            var bytes = 0
            for item in items {
                bytes += item.stringValue?.utf8.count ?? 0
                if bytes > ClientStreams.maxSubscriptionBytesPerStream {
                    throw .invalidParams(
                        "notifications.resourceSubscriptions holds over \(ClientStreams.maxSubscriptionBytesPerStream) "
                            + "bytes of URIs; name fewer")
                }
                guard let uri = item.stringValue else {
                    throw .invalidParams("notifications.resourceSubscriptions must hold URI strings")
                }
                if !uris.contains(uri) { uris.append(uri) }
            }
        case let other?:
            throw .invalidParams("notifications.resourceSubscriptions must be an array, not \(other.typeName)")
        }
        return ClientStream(
            toolsListChanged: try flag("toolsListChanged"), promptsListChanged: try flag("promptsListChanged"),
            resourcesListChanged: try flag("resourcesListChanged"), resourceSubscriptions: uris)
    }

    /// The `SubscriptionFilter` the hub acknowledges: what it will deliver (no false flags, as the SDKs).
    var honored: JSONObject {
        var filter = JSONObject()
        if toolsListChanged { filter["toolsListChanged"] = true }
        if promptsListChanged { filter["promptsListChanged"] = true }
        if resourcesListChanged { filter["resourcesListChanged"] = true }
        if !resourceSubscriptions.isEmpty {
            filter["resourceSubscriptions"] = .array(resourceSubscriptions.map(JSONValue.string))
        }
        return filter
    }
}
