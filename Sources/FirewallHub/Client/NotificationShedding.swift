/// Owns: when notifications toward a client that does not read are dropped, and the count of those
/// dropped in the current burst. Never: drops a response or a request (only log messages and progress,
/// which nobody answers and a later one supersedes).
///
/// Whatever a target floods, what the hub holds for a slow client stays bounded: beyond
/// `highWaterBytes` queued toward the client, log and progress notifications are dropped (counted);
/// once the queue is back under `lowWaterBytes`, the next one goes out and the burst is reported once.
struct NotificationShedding {
    static let highWaterBytes = 8 << 20
    static let lowWaterBytes = 2 << 20

    enum Decision: Equatable {
        case send
        /// The first drop of a burst (the caller logs that dropping started).
        case dropFirst
        case drop
        /// Sent, after a burst of `dropped` notifications ended (the caller logs the count).
        case sendAfterDropping(dropped: Int)
    }

    private var dropped = 0

    /// Whether `method` is one the hub may drop toward a client that does not read.
    static func isDroppable(_ method: String) -> Bool {
        method == "notifications/message" || method == "notifications/progress"
    }

    /// A notification is about to be sent while `queuedBytes` wait toward the client.
    mutating func decide(method: String, queuedBytes: Int) -> Decision {
        guard Self.isDroppable(method) else { return .send }
        if dropped > 0 {
            guard queuedBytes <= Self.lowWaterBytes else {
                dropped += 1
                return .drop
            }
            defer { dropped = 0 }
            return .sendAfterDropping(dropped: dropped)
        }
        guard queuedBytes > Self.highWaterBytes else { return .send }
        dropped = 1
        return .dropFirst
    }
}
