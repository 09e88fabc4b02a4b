import MCPWire

/// Owns: every request in flight through the hub — each client request that still owes an answer (by
/// ticket), each request the hub sent a target (by target and hub id), progress tokens, requests
/// deferred for a start-up, and requests targets sent the client. Never: sends a message, or gives out
/// whom to answer twice: `close` is the only way to learn a client request's id, and it forgets it.
///
/// A client request is admitted (a ticket) when it arrives; from then on it is in exactly one stage
/// (`Stage`) until it is closed (answered) or cancelled (never answered). Each transition that ends a
/// stage returns what the caller must answer or tell, so "every request is answered exactly once" is
/// this table's property: the router checks after every event that no ticket was left unhandled, and at
/// shutdown closes every ticket still open.
final class CallTable {
    typealias Ticket = Int

    /// Where an admitted client request is.
    enum Stage: Equatable {
        /// Its handler runs in the current event (it must end the event answered or in another stage).
        case handling
        /// Waiting for the start-up, or for its target's restart (`deferred`, in arrival order).
        case deferred
        /// Forwarded: the target's answer is the client's.
        case atTarget(target: Int, id: Int)
        /// An approval prompt is open on the client (`ApprovalDesk`).
        case awaitingApproval
        /// The client is answering a target's questions (`EraBridge`).
        case awaitingInput
        /// A target is confirming a resource subscription.
        case awaitingSubscription
        /// An open `subscriptions/listen` stream, answered when it ends (`ClientStreams`).
        case stream
    }

    /// A client request admitted and not yet answered.
    struct Open {
        let id: RequestID
        let method: String
        /// It carried the 2026-07-28 envelope (`ClientSession.admit` decided its era; `envelope(of:)`).
        let isModern: Bool
        fileprivate(set) var stage: Stage
    }

    private var open: [Ticket: Open] = [:]
    /// The envelopes of the modern requests among `open` (kept apart: most requests have none).
    private var envelopes: [Ticket: ModernEnvelope] = [:]
    private var nextTicket = 1
    /// Tickets moved to `.handling` in the current event (checked by `unhandled`).
    private var handling: [Ticket] = []
    private var deferred: [(ticket: Ticket, request: JSONRPCMessage.Request)] = []
    /// What the hub sent each target and awaits, by target index, then hub id.
    private var sent: [[Int: TargetRequest]]
    /// Hub ids per target: never reused, across restarts too.
    private var nextID: [Int]
    private var progress = ProgressRoutes()
    private var asks = TargetAsks()

    init(targets: Int) {
        sent = Array(repeating: [:], count: targets)
        nextID = Array(repeating: 1, count: targets)
    }

    /// Room for a target a reload added (its index is the next one).
    func addTarget() {
        sent.append([:])
        nextID.append(1)
    }

    // MARK: - Client requests

    /// Admits a client request: its ticket, in stage `.handling`.
    func admit(_ request: JSONRPCMessage.Request, modern: ModernEnvelope?) -> Ticket {
        let ticket = nextTicket
        nextTicket += 1
        open[ticket] = Open(id: request.id, method: request.method, isModern: modern != nil, stage: .handling)
        if let modern { envelopes[ticket] = modern }
        handling.append(ticket)
        return ticket
    }

    subscript(ticket: Ticket) -> Open? { open[ticket] }

    /// The 2026-07-28 envelope an open request carried; nil for a legacy (or closed) one.
    func envelope(of ticket: Ticket) -> ModernEnvelope? { envelopes[ticket] }

    /// Answered: the request's id and era, once; nil when it was answered or cancelled before.
    func close(_ ticket: Ticket) -> Open? {
        guard let request = open.removeValue(forKey: ticket) else { return nil }
        if request.isModern { envelopes[ticket] = nil }
        return request
    }

    /// Moves an admitted request to a waiting stage (not `.atTarget` or `.deferred`: see `forward`, `defer`).
    func park(_ ticket: Ticket, _ stage: Stage) {
        if let index = open.index(forKey: ticket) { open.values[index].stage = stage }
    }

    /// Tickets left in `.handling` by the event that just ended (a handler that neither answered nor
    /// parked its request), now forgotten here: the caller answers them.
    func unhandled() -> [Ticket] {
        guard !handling.isEmpty else { return [] }
        var left: [Ticket] = []
        for ticket in handling where open[ticket]?.stage == .handling { left.append(ticket) }
        handling.removeAll(keepingCapacity: true)
        return left
    }

    /// Requests that still owe an answer the hub is working on: deferred, at a target, or between a
    /// target's questions and the client's answers (what shutdown's grace waits for).
    var inFlightCount: Int {
        open.values.reduce(0) { count, request in
            switch request.stage {
            case .deferred, .atTarget, .awaitingInput: return count + 1
            default: return count
            }
        }
    }

    /// Every ticket still open (shutdown's last step closes them).
    var openTickets: [Ticket] { open.keys.sorted() }

    /// The client cancelled request `id`: every open request with that id leaves the table unanswered.
    /// Returns each with the stage it was in, for the caller to undo (tell its target, close a prompt…).
    func cancel(clientID id: RequestID) -> [(ticket: Ticket, stage: Stage, call: ForwardedCall?)] {
        var cancelled: [(ticket: Ticket, stage: Stage, call: ForwardedCall?)] = []
        for (ticket, request) in open where request.id == id && request.stage != .handling {
            _ = close(ticket)
            var call: ForwardedCall?
            switch request.stage {
            case .deferred:
                deferred.removeAll { $0.ticket == ticket }
            case .atTarget(let target, let hubID):
                if case .call(let forwarded)? = sent[target].removeValue(forKey: hubID) {
                    progress.forget(forwarded.progressToken)
                    call = forwarded
                }
            default:
                break
            }
            cancelled.append((ticket, request.stage, call))
        }
        return cancelled.sorted { $0.ticket < $1.ticket }
    }

    // MARK: - Deferred requests

    /// Keeps a request until `releaseDeferred` (start-up) or its target's restart.
    func deferRequest(_ ticket: Ticket, _ request: JSONRPCMessage.Request) {
        park(ticket, .deferred)
        deferred.append((ticket, request))
    }

    /// Takes the deferred requests `body` picks, in arrival order, back to `.handling`.
    func takeDeferred(where body: (JSONRPCMessage.Request) -> Bool = { _ in true })
        -> [(ticket: Ticket, request: JSONRPCMessage.Request)]
    {
        var taken: [(ticket: Ticket, request: JSONRPCMessage.Request)] = []
        var kept: [(ticket: Ticket, request: JSONRPCMessage.Request)] = []
        for entry in deferred {
            if body(entry.request), markHandling(entry.ticket) {
                taken.append(entry)
            } else if open[entry.ticket] != nil {
                kept.append(entry)
            }
        }
        deferred = kept
        return taken
    }

    // MARK: - Requests to targets

    /// Records a request the hub sends `target` on its own behalf; returns its hub id.
    func send(to target: Int, _ purpose: TargetRequest) -> Int {
        let id = newID(target: target)
        sent[target][id] = purpose
        return id
    }

    /// A fresh hub id for a request to `target` (to name in its time-out before `forward` records it).
    func newID(target: Int) -> Int {
        defer { nextID[target] += 1 }
        return nextID[target]
    }

    /// Records a client request forwarded to `target` under `id` (from `newID`); its ticket is then
    /// `.atTarget`. `clientToken` is the client's progress token that `call.progressToken` stands for.
    func forward(_ call: ForwardedCall, to target: Int, id: Int, clientToken: JSONValue?) {
        sent[target][id] = .call(call)
        if let index = open.index(forKey: call.ticket) {
            open.values[index].stage = .atTarget(target: target, id: id)
        }
        if let token = call.progressToken, let clientToken {
            progress.add(token, clientToken: clientToken, target: target, id: id)
        }
    }

    /// A fresh hub-side progress token for a forwarded request.
    func newProgressToken() -> String { progress.newToken() }

    func hasRequests(at target: Int) -> Bool { !sent[target].isEmpty }

    func purpose(target: Int, id: Int) -> TargetRequest? { sent[target][id] }

    /// The era of the client whose call waits at `target` under `id`; nil when no call does.
    func clientEra(target: Int, id: Int) -> ProtocolEra? {
        guard case .call(let call)? = sent[target][id] else { return nil }
        return call.clientEra
    }

    /// The target answered hub id `id`: why it was sent, removed; nil for ids not pending (a confused or
    /// hostile target answering something it was not asked). A call's ticket goes back to `.handling`.
    func answered(target: Int, id: RequestID) -> TargetRequest? {
        guard case .number(let lexeme) = id, let n = Int(lexeme) else { return nil }
        return answered(target: target, id: n)
    }

    func answered(target: Int, id: Int) -> TargetRequest? {
        guard let purpose = sent[target].removeValue(forKey: id) else { return nil }
        ended(purpose)
        return purpose
    }

    /// A call's time-out: the call, removed (its ticket back to `.handling`); nil when it is not pending.
    func timedOut(target: Int, id: Int) -> ForwardedCall? {
        guard case .call(let call)? = sent[target][id] else { return nil }
        sent[target][id] = nil
        release(call)
        return call
    }

    /// Replaces what a pending request waits for (a call whose client got an `InputRequiredResult`
    /// becomes `.bridged`, and a retry's ticket takes it back, with the same progress token); returns
    /// what it was.
    @discardableResult
    func rebind(target: Int, id: Int, to purpose: TargetRequest) -> TargetRequest? {
        guard let old = sent[target][id] else { return nil }
        sent[target][id] = purpose
        if case .call(let call) = purpose, let index = open.index(forKey: call.ticket) {
            open.values[index].stage = .atTarget(target: target, id: id)
        }
        return old
    }

    /// The process of `target` is gone: every request sent to it, removed (calls' tickets back to
    /// `.handling`), and the requests it sent the client withdrawn.
    func drain(target: Int) -> [(id: Int, purpose: TargetRequest)] {
        let drained = sent[target].sorted { $0.key < $1.key }.map { (id: $0.key, purpose: $0.value) }
        sent[target] = [:]
        for entry in drained { ended(entry.purpose) }
        asks.withdrawAll(target: target)
        return drained
    }

    /// The calls waiting at `target`, by hub id.
    func calls(at target: Int) -> [(id: Int, call: ForwardedCall)] {
        sent[target].compactMap { entry in
            if case .call(let call) = entry.value { return (entry.key, call) }
            return nil
        }
    }

    /// A request left the table: its progress token reports nothing any more, and a call's ticket is
    /// the caller's to answer (or park again) in this event.
    private func ended(_ purpose: TargetRequest) {
        switch purpose {
        case .call(let call): release(call)
        case .bridged(_, let token): progress.forget(token)
        default: break
        }
    }

    private func release(_ call: ForwardedCall) {
        progress.forget(call.progressToken)
        markHandling(call.ticket)
    }

    /// Puts an open request back with the caller (`.handling`); false when it is no longer open.
    @discardableResult
    private func markHandling(_ ticket: Ticket) -> Bool {
        guard let index = open.index(forKey: ticket) else { return false }
        open.values[index].stage = .handling
        handling.append(ticket)
        return true
    }

    /// The client's progress token for a hub token `target` reports on; nil for tokens it was not given.
    func clientProgressToken(_ token: String, target: Int) -> JSONValue? {
        progress.clientToken(token, target: target)
    }

    // MARK: - Requests targets send the client

    /// A target's request is going to the client: the hub's id for it.
    func ask(target: Int, generation: Int, id: RequestID) -> String {
        asks.add(target: target, generation: generation, id: id)
    }

    /// The target withdrew its request `id`: the hub's id for it, forgotten; nil when unknown.
    func withdrawAsk(target: Int, id: RequestID) -> String? {
        asks.withdraw(target: target, id: id)
    }

    /// The client answered the hub's id `hubID`: whom to pass it to (see `TargetAsks.Answer`).
    func askAnswered(_ hubID: String) -> TargetAsks.Answer {
        asks.answered(hubID)
    }
}
