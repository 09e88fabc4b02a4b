import MCPWire

/// Owns: the hub's `subscriptions/listen` stream on one modern target (its id, acknowledgement,
/// refusal, who waits for it, re-opens) and which of the target's resource URIs someone holds a
/// subscription to. Never: sends (it says what to send), or forgets a holder when a process restarts.
///
/// A legacy target sends `list_changed` and `resources/updated` on its own and takes
/// `resources/subscribe`; a modern (2026-07-28) target sends them only on a listen stream, so the hub
/// keeps one open on each modern target, asking for every list's changes and the held resources.
struct TargetListen {
    /// Graceful ends of a target's stream after which the hub opens it again, per minute.
    static let maxReopensPerMinute = 5

    /// How a stream the target answered ended.
    enum End: Equatable {
        /// Not the current stream (an older one): nothing to do.
        case notCurrent
        /// The target refused to serve one; its waiters hear the error.
        case refused([SubscriptionWaiter])
        /// Ended gracefully: open a new one (and re-read the lists, whose changes went unannounced).
        case reopen
        /// Ended gracefully too often in the last minute, or the hub is shutting down.
        case stop
    }

    /// The hub's current listen request on this process.
    private(set) var id: Int?
    private(set) var acknowledged = false
    /// The target answered a listen request with an error: it serves none.
    private(set) var refused = false
    private var waiters: [SubscriptionWaiter] = []
    private var reopenTimes: [Double] = []
    /// The target's own resource URIs someone subscribed to, with who. It outlives the process: a
    /// restarted target is subscribed again.
    private var holders: [String: Set<SubscriptionHolder>] = [:]

    /// The `SubscriptionFilter` of a new stream: every list's changes and the held resources.
    var filter: JSONObject {
        var filter: JSONObject = ["toolsListChanged": true, "promptsListChanged": true, "resourcesListChanged": true]
        let uris = heldURIs
        if !uris.isEmpty { filter["resourceSubscriptions"] = .array(uris.map(JSONValue.string)) }
        return filter
    }

    /// A new stream was asked for under `id`; returns the one it replaces (to cancel), if any.
    mutating func opened(id: Int, waiters more: [SubscriptionWaiter]) -> Int? {
        let old = self.id
        self.id = id
        acknowledged = false
        waiters += more
        return old
    }

    /// `notifications/subscriptions/acknowledged` naming `subscriptionID`: the waiters of the current
    /// stream, or nil when it names an older stream.
    mutating func acknowledge(subscriptionID: JSONValue?) -> [SubscriptionWaiter]? {
        guard let id, subscriptionID == .number(String(id)) else { return nil }
        acknowledged = true
        defer { waiters = [] }
        return waiters
    }

    /// The target answered listen request `id`: that stream ended.
    mutating func ended(
        id: Int, _ outcome: JSONRPCMessage.Response.Outcome, now: Double, shuttingDown: Bool
    ) -> End {
        guard id == self.id else { return .notCurrent }
        self.id = nil
        if case .error = outcome {
            refused = true
            defer { waiters = [] }
            return .refused(waiters)
        }
        reopenTimes.removeAll { $0 < now - 60 }
        guard !shuttingDown, reopenTimes.count < Self.maxReopensPerMinute else { return .stop }
        reopenTimes.append(now)
        return .reopen
    }

    /// The process is gone: the stream with it; returns who waited for it.
    mutating func processGone() -> [SubscriptionWaiter] {
        id = nil
        acknowledged = false
        defer { waiters = [] }
        return waiters
    }

    // MARK: - Who holds which subscription

    var heldURIs: [String] { holders.keys.sorted() }

    /// Adds `holder` to `uris`; returns the URIs nobody held before (the target must subscribe them).
    mutating func hold(_ uris: [String], by holder: SubscriptionHolder) -> [String] {
        var added: [String] = []
        for uri in uris where holders[uri, default: []].insert(holder).inserted {
            if holders[uri]!.count == 1 { added.append(uri) }
        }
        return added
    }

    /// Removes `holder` from `uris`; returns the URIs nobody holds any more (to unsubscribe).
    mutating func release(_ uris: [String], by holder: SubscriptionHolder) -> [String] {
        var dropped: [String] = []
        for uri in uris where holders[uri]?.remove(holder) != nil {
            if holders[uri]!.isEmpty {
                holders[uri] = nil
                dropped.append(uri)
            }
        }
        return dropped
    }

    func isHeld(_ uri: String) -> Bool { holders[uri] != nil }

    /// Whether someone other than `holder` holds `uri`.
    func isHeld(_ uri: String, byOthersThan holder: SubscriptionHolder) -> Bool {
        holders[uri].map { !$0.subtracting([holder]).isEmpty } ?? false
    }

    func uris(heldBy holder: SubscriptionHolder) -> [String] {
        holders.compactMap { $0.value.contains(holder) ? $0.key : nil }
    }
}
