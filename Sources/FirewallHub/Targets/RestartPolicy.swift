/// Owns: when an exited target may start again — the start times of the last minute, the backoff
/// between starts and the cap. Never: spawns, or reads a clock (every decision takes `now`).
struct RestartPolicy {
    static let maxStartsPerMinute = 5

    /// The window the cap counts starts in: a minute (`MCP_FIREWALL_HUB_RESTART_WINDOW_S` widens it for
    /// tests, so that five crash-and-restart rounds on a loaded machine still fall in one window).
    var window: Double = 60

    /// The least time between consecutive starts, by the number of starts in the last minute:
    /// 0.5 s after one, then 1 s, 2 s, 4 s (the cap then refuses a sixth).
    static func backoff(recentStarts: Int) -> Double {
        recentStarts <= 0 ? 0 : 0.5 * Double(1 << min(recentStarts - 1, 6))
    }

    enum Decision: Equatable {
        case startNow
        case startAfter(seconds: Double)
        /// Started this many times in the last `window`: not again yet.
        case refuse(startsInLastMinute: Int)
    }

    /// "the last minute", or the window in seconds when it is not one.
    var windowText: String { window == 60 ? "the last minute" : "the last \(Int(window)) s" }

    /// Monotonic times of recent starts.
    private(set) var startTimes: [Double] = []
    /// The timer of a restart waiting out its backoff.
    var timer: Int?

    mutating func recordStart(now: Double) {
        startTimes.append(now)
    }

    /// Whether a start may happen now, later, or not at all (after `maxStartsPerMinute` in `window`).
    mutating func decide(now: Double) -> Decision {
        startTimes.removeAll { $0 < now - window }
        if startTimes.count >= Self.maxStartsPerMinute { return .refuse(startsInLastMinute: startTimes.count) }
        let wait = max(0, (startTimes.last ?? -.infinity) + Self.backoff(recentStarts: startTimes.count) - now)
        return wait < 0.01 ? .startNow : .startAfter(seconds: wait)
    }
}
