/// The one owner of a session's flow state: which rules earlier calls have triggered, and the limit
/// counters. Pure transitions on an injected clock (monotonic seconds); it never sends, holds or
/// refuses a call itself — the router asks `decide` and reports `forwarded` and `record`.
///
/// Session = one hub process (one client connection). Memory is bounded whatever the calls: per flow
/// rule at most two triggers, two for the guard, and per limit at most `maxCountersPerLimit`
/// counters of 60 buckets each (about 1 KB); calls of further tools or servers share one overflow
/// counter, so the limit only gets stricter.
struct SessionFlow: Sendable {
    static let maxCountersPerLimit = 1_024
    static let overflowKey = "\u{0}other"

    let config: SessionPolicyConfig
    /// Per flow rule: the first call matching `after`, and the first matching `and_after`.
    private var flowTriggers: [(after: FlowTrigger?, andAfter: FlowTrigger?)]
    private var guardUntrusted: FlowTrigger?
    private var guardPrivate: FlowTrigger?
    /// Per limit: counter key → window.
    private var counters: [[String: RateWindow]]
    private var callsForwarded = 0

    init(config: SessionPolicyConfig) {
        self.config = config
        flowTriggers = Array(repeating: (nil, nil), count: config.flows.count)
        counters = Array(repeating: [:], count: config.limits.count)
    }

    /// Calls sent to servers so far in this session.
    var forwardedCount: Int { callsForwarded }

    /// What session policy says about `call` now, or nil when it has nothing to say (the per-call
    /// policy alone decides). Call it after resolving the tool and before forwarding or holding.
    func decide(_ call: FlowCall, at now: Double) -> FlowDecision? {
        var reasons: [FlowDecision.Reason] = []
        for (index, rule) in config.flows.enumerated()
        where rule.tool.contains(where: { $0.matches(server: call.server, tool: call.tool) }) {
            let (after, andAfter) = flowTriggers[index]
            guard let after else { continue }
            if rule.andAfter.isEmpty {
                reasons.append(.flow(label: rule.label, action: rule.action, triggers: [after]))
            } else if let andAfter {
                let ordered = after.sequence <= andAfter.sequence ? [after, andAfter] : [andAfter, after]
                reasons.append(.flow(label: rule.label, action: rule.action, triggers: ordered))
            }
        }
        if let guardConfig = config.exfiltrationGuard, let untrusted = guardUntrusted, let privateData = guardPrivate,
            !guardConfig.isExemptOnceTripped(call)
        {
            reasons.append(
                .exfiltrationGuard(action: guardConfig.action, untrusted: untrusted, privateData: privateData))
        }
        for (index, limit) in config.limits.enumerated() where limit.matches(server: call.server, tool: call.tool) {
            let key = counterKey(limit: index, call: call)
            let window = counters[index][key] ?? RateWindow()
            let counter = Self.counterName(limit, call: call, key: key)
            if let perSession = limit.perSession, window.sessionCount >= perSession {
                let hit = FlowDecision.LimitHit(
                    counter: counter, window: .session, count: window.sessionCount, limit: perSession, resetsAt: nil)
                reasons.append(.limit(label: limit.label, action: limit.action, hit: hit))
            } else if let perMinute = limit.perMinute, let resetsAt = window.nextAllowed(limit: perMinute, at: now) {
                let hit = FlowDecision.LimitHit(
                    counter: counter, window: .minute, count: window.count(at: now), limit: perMinute,
                    resetsAt: resetsAt)
                reasons.append(.limit(label: limit.label, action: limit.action, hit: hit))
            }
        }
        return FlowDecision(reasons: reasons)
    }

    /// `call` was sent to its server (directly, or after approval): it counts toward every limit it
    /// matches from now. The ticket goes back to `record` with the outcome.
    mutating func forwarded(_ call: FlowCall, at now: Double) -> FlowTicket {
        callsForwarded += 1
        for (index, limit) in config.limits.enumerated() where limit.matches(server: call.server, tool: call.tool) {
            let key = counterKey(limit: index, call: call)
            counters[index][key, default: RateWindow()].add(at: now)
        }
        return FlowTicket(call: call, sequence: callsForwarded, forwardedAt: now)
    }

    /// The forwarded call behind `ticket` came back (or never will: `.noAnswer`). Flow rules and the
    /// guard take note; limits were counted when it was forwarded.
    mutating func record(_ ticket: FlowTicket, outcome: FlowOutcome, at now: Double) {
        let call = ticket.call
        let trigger = FlowTrigger(
            sequence: ticket.sequence, exposedName: call.exposedName, qualifiedName: call.qualifiedName, at: now)
        for (index, rule) in config.flows.enumerated() {
            guard rule.afterOutcome == .any || outcome.isSuccess else { continue }
            if flowTriggers[index].after == nil,
                rule.after.contains(where: { $0.matches(server: call.server, tool: call.tool) })
            {
                flowTriggers[index].after = trigger
            }
            if flowTriggers[index].andAfter == nil,
                rule.andAfter.contains(where: { $0.matches(server: call.server, tool: call.tool) })
            {
                flowTriggers[index].andAfter = trigger
            }
        }
        if let guardConfig = config.exfiltrationGuard, outcome.returnedContent {
            if guardUntrusted == nil, guardConfig.isUntrustedSource(call) { guardUntrusted = trigger }
            if guardPrivate == nil, guardConfig.isPrivateSource(call) { guardPrivate = trigger }
        }
    }

    /// The counter `call` uses for limit `index`: its own key while there is room, else the shared overflow.
    private func counterKey(limit index: Int, call: FlowCall) -> String {
        let key = config.limits[index].counterKey(server: call.server, tool: call.tool)
        if counters[index][key] != nil || counters[index].count < Self.maxCountersPerLimit - 1 { return key }
        return Self.overflowKey
    }

    private static func counterName(_ limit: RateLimitRule, call: FlowCall, key: String) -> String {
        if key == overflowKey { return "tools beyond the first \(maxCountersPerLimit - 1) counted separately" }
        switch limit.each {
        case .all: return limit.tool.map(\.pattern).joined(separator: ", ")
        case .server: return "server \(call.server)"
        case .tool: return call.qualifiedName
        }
    }
}
