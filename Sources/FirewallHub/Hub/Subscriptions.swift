import MCPWire

/// Who wants updates of a resource: the legacy client (`resources/subscribe`), or one of a modern
/// client's `subscriptions/listen` streams (by the id of its listen request).
enum SubscriptionHolder: Hashable {
    case legacyClient
    case stream(RequestID)
}

/// Someone waiting until a target confirms a subscription: a legacy client's `resources/subscribe`
/// (answered `{}`, or with the target's error), or a modern client's listen stream (acknowledged once
/// every target it involves has confirmed).
enum SubscriptionWaiter: Equatable {
    case clientRequest(RequestID)
    case stream(RequestID)
}

/// A modern client's `subscriptions/listen` stream on the hub.
struct ClientStream {
    var toolsListChanged: Bool
    var promptsListChanged: Bool
    var resourcesListChanged: Bool
    /// The URIs as the client named them (the hub's exposed URIs) that the hub honours.
    var resourceSubscriptions: [String]
    /// Targets that have still to confirm this stream's resource subscriptions.
    var unconfirmed: Int = 0
    var acknowledged = false

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
            for item in items {
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
