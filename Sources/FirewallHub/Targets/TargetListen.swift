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
    /// How many of the target's URIs, and how many bytes of them, may be held at once: every new
    /// stream names them all, so this bounds what one small message can make the hub send a target.
    static let maxHeldURIs = 1024
    static let maxHeldBytes = 256 << 10

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
    /// Changes made while a stream was being opened: one more stream, after its acknowledgement, takes
    /// them all (nil: none pending). At most one stream is being opened at a time.
    private var deferred: [SubscriptionWaiter]?
    private var reopenTimes: [Double] = []
    /// The target's own resource URIs someone subscribed to, with who. It outlives the process: a
    /// restarted target is subscribed again.
    private var holders: [String: Set<SubscriptionHolder>] = [:]
    private var heldBytes = 0

    /// The `SubscriptionFilter` of a new stream: every list's changes and the held resources.
    var filter: JSONObject {
        var filter: JSONObject = ["toolsListChanged": true, "promptsListChanged": true, "resourcesListChanged": true]
        let uris = heldURIs
        if !uris.isEmpty { filter["resourceSubscriptions"] = .array(uris.map(JSONValue.string)) }
        return filter
    }

    /// Whether a stream was asked for and not yet acknowledged (a new one must wait for it).
    var isOpening: Bool { id != nil && !acknowledged }

    /// A change while a stream is being opened: `more` wait for the next stream, opened after this one
    /// is acknowledged (however many changes come meanwhile, one stream carries them).
    mutating func deferReopen(waiters more: [SubscriptionWaiter]) {
        deferred = (deferred ?? []) + more
    }

    /// The waiters of a deferred re-open, which the caller now performs; nil when none is pending.
    mutating func takeDeferred() -> [SubscriptionWaiter]? {
        defer { deferred = nil }
        return deferred
    }

    /// A new stream was asked for under `id`; returns the one it replaces (to cancel), if any. Waiters
    /// of a deferred re-open wait for this stream.
    mutating func opened(id: Int, waiters more: [SubscriptionWaiter]) -> Int? {
        let old = self.id
        self.id = id
        acknowledged = false
        waiters += (deferred ?? []) + more
        deferred = nil
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
            defer {
                waiters = []
                deferred = nil
            }
            return .refused(waiters + (deferred ?? []))
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
        defer {
            waiters = []
            deferred = nil
        }
        return waiters + (deferred ?? [])
    }

    // MARK: - Who holds which subscription

    var heldURIs: [String] { holders.keys.sorted() }

    /// Whether holding `uris` too would keep the held URIs within `maxHeldURIs` and `maxHeldBytes`.
    func canHold(_ uris: [String]) -> Bool {
        var count = holders.count
        var bytes = heldBytes
        var seen = Set<String>()
        for uri in uris where holders[uri] == nil && seen.insert(uri).inserted {
            count += 1
            bytes += uri.utf8.count
        }
        return count <= Self.maxHeldURIs && bytes <= Self.maxHeldBytes
    }

    /// Adds `holder` to `uris`; returns the URIs nobody held before (the target must subscribe them).
    /// The caller checked `canHold` first.
    mutating func hold(_ uris: [String], by holder: SubscriptionHolder) -> [String] {
        var added: [String] = []
        for uri in uris where holders[uri, default: []].insert(holder).inserted {
            if holders[uri]!.count == 1 {
                added.append(uri)
                heldBytes += uri.utf8.count
            }
        }
        return added
    }

    /// Removes `holder` from `uris`; returns the URIs nobody holds any more (to unsubscribe).
    mutating func release(_ uris: [String], by holder: SubscriptionHolder) -> [String] {
        var dropped: [String] = []
        for uri in uris where holders[uri]?.remove(holder) != nil {
            if holders[uri]!.isEmpty {
                holders[uri] = nil
                heldBytes -= uri.utf8.count
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
