/// One limit counter: the calls of the last 60 seconds in per-second buckets, and the calls of the
/// session. Fixed size (60 buckets) whatever the limit; pure arithmetic on an injected clock.
///
/// A call made in second `s` (the clock's whole seconds) leaves the window at `s + 60`, so the
/// window is 60 seconds to within one second.
struct RateWindow: Sendable, Equatable {
    static let seconds = 60

    private var bucketSecond = [Int](repeating: Int.min, count: seconds)
    private var bucketCount = [Int](repeating: 0, count: seconds)
    private(set) var sessionCount = 0

    init() {}

    static func second(_ time: Double) -> Int {
        guard time.isFinite else { return 0 }
        return Int(max(min(time, 1e15), -1e15).rounded(.down))
    }

    mutating func add(at now: Double) {
        let s = Self.second(now)
        let slot = ((s % Self.seconds) + Self.seconds) % Self.seconds
        if bucketSecond[slot] != s {
            bucketSecond[slot] = s
            bucketCount[slot] = 0
        }
        bucketCount[slot] += 1
        sessionCount += 1
    }

    /// Calls in the 60 seconds up to `now`.
    func count(at now: Double) -> Int {
        let s = Self.second(now)
        var total = 0
        for slot in 0..<Self.seconds where isLive(slot, now: s) { total += bucketCount[slot] }
        return total
    }

    /// The earliest time at which fewer than `limit` calls are in the window (if no call is added
    /// meanwhile), or nil when that is already so.
    func nextAllowed(limit: Int, at now: Double) -> Double? {
        let s = Self.second(now)
        let live = (0..<Self.seconds).filter { isLive($0, now: s) }.sorted { bucketSecond[$0] < bucketSecond[$1] }
        var remaining = live.reduce(0) { $0 + bucketCount[$1] }
        guard remaining >= limit else { return nil }
        for slot in live {
            remaining -= bucketCount[slot]
            if remaining < limit { return Double(bucketSecond[slot] + Self.seconds) }
        }
        return Double(s + 1)
    }

    private func isLive(_ slot: Int, now s: Int) -> Bool {
        bucketSecond[slot] != Int.min && bucketSecond[slot] <= s && bucketSecond[slot] > s - Self.seconds
    }
}
