/// Owns: the session policy of this hub process — its `SessionFlow` (triggers, limit counters) and
/// the calls it counted that have not come back yet (by call-table ticket), so each outcome reaches
/// the flow once. Never: sends, holds or refuses a call (the router acts on `decide`), or reads a
/// clock (every operation takes `now`). With no session rule configured it keeps nothing.
final class SessionPolicy {
    private var flow: SessionFlow
    /// Forwarded calls awaiting their outcome; bounded by the calls in flight.
    private var inFlight: [CallTable.Ticket: FlowTicket] = [:]
    /// Whether outcomes matter (flow rules or the guard); limits count on forwarding alone.
    private let needsOutcomes: Bool

    init(config: SessionPolicyConfig) {
        flow = SessionFlow(config: config)
        needsOutcomes = !config.flows.isEmpty || config.exfiltrationGuard != nil
    }

    /// No session rule is configured: every operation is a no-op.
    var isEmpty: Bool { flow.config.isEmpty }

    /// What session policy says about `call` now (nil: the per-call policy alone decides).
    func decide(_ call: FlowCall, now: Double) -> FlowDecision? {
        isEmpty ? nil : flow.decide(call, at: now)
    }

    /// `call` was sent to its server for the client request `ticket`: it counts from now.
    func forwarded(_ call: FlowCall, ticket: CallTable.Ticket, now: Double) {
        guard !isEmpty else { return }
        let counted = flow.forwarded(call, at: now)
        if needsOutcomes { inFlight[ticket] = counted }
    }

    /// Whether the answer to `ticket` should be read for its outcome (a counted call not yet back).
    func awaitsOutcome(_ ticket: CallTable.Ticket) -> Bool {
        needsOutcomes && inFlight[ticket] != nil
    }

    /// The target answered the call behind `ticket` with `outcome`.
    func answered(_ ticket: CallTable.Ticket, outcome: FlowOutcome, now: Double) {
        guard let counted = inFlight.removeValue(forKey: ticket) else { return }
        flow.record(counted, outcome: outcome, at: now)
    }

    /// The request `ticket` ended (answered by the hub, cancelled, timed out): a counted call whose
    /// answer never came counts as `.noAnswer`.
    func ended(_ ticket: CallTable.Ticket, now: Double) {
        guard !inFlight.isEmpty else { return }
        answered(ticket, outcome: .noAnswer, now: now)
    }
}
