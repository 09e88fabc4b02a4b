import MCPWire
import Testing

@testable import FirewallHub

/// The call table alone, without a router or a process: every admitted request comes out of it at most
/// once (closed: answered) or never (cancelled), whatever happens meanwhile; a request left unhandled
/// is reported; progress tokens only route to the target that was asked; stages are undone on cancel.
@Suite struct CallTableTests {
    private func request(_ id: RequestID, _ method: String = "tools/call") -> JSONRPCMessage.Request {
        .init(id: id, method: method, params: ["name": "t.echo"])
    }

    private func call(_ ticket: CallTable.Ticket, token: String? = nil) -> ForwardedCall {
        ForwardedCall(
            ticket: ticket, clientEra: .legacy, label: "t.echo", method: "tools/call", params: [:], progressToken: token
        )
    }

    /// A random life for many requests across three targets, against a model of which must still be
    /// answered: answers, time-outs, cancels, process exits, deferral and release, approvals, bridges.
    @Test(arguments: [11, 12, 13] as [UInt64]) func everyRequestComesOutAtMostOnce(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let table = CallTable(targets: 3)
        enum Fate { case open, answered, cancelled }
        var fate: [CallTable.Ticket: Fate] = [:]
        var idOf: [CallTable.Ticket: RequestID] = [:]
        var atTarget: [CallTable.Ticket: (target: Int, id: Int)] = [:]
        var answers = 0
        func forward(_ call: ForwardedCall, to target: Int) -> Int {
            let id = table.newID(target: target)
            table.forward(call, to: target, id: id, clientToken: nil)
            return id
        }
        func close(_ ticket: CallTable.Ticket) {
            let closed = table.close(ticket)
            if fate[ticket] == .open {
                #expect(closed?.id == idOf[ticket], "ticket \(ticket) should have been open")
                fate[ticket] = .answered
                answers += 1
            } else {
                #expect(closed == nil, "ticket \(ticket) came out twice")
            }
            atTarget[ticket] = nil
        }
        for step in 0..<20_000 {
            let target = Int.random(in: 0..<3, using: &rng)
            switch Int.random(in: 0..<100, using: &rng) {
            case 0..<30:  // a new request: forwarded, deferred, parked, or answered at once
                let id: RequestID = Bool.random(using: &rng) ? .int(step % 50) : .string("s\(step)")
                let ticket = table.admit(request(id), modern: nil)
                fate[ticket] = .open
                idOf[ticket] = id
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: close(ticket)
                case 1: table.deferRequest(ticket, request(id))
                case 2: table.park(ticket, [.awaitingApproval, .awaitingInput, .stream].randomElement(using: &rng)!)
                default:
                    atTarget[ticket] = (target, forward(call(ticket), to: target))
                }
                #expect(table.unhandled().isEmpty)
            case 30..<50:  // the target answers one of its calls (or a stray id)
                guard let (ticket, where_) = atTarget.filter({ $0.value.target == target }).randomElement(using: &rng)
                else {
                    #expect(
                        table.answered(target: target, id: .int(Int.random(in: 10_000..<20_000, using: &rng))) == nil)
                    continue
                }
                guard case .call(let forwarded)? = table.answered(target: target, id: .int(where_.id)) else {
                    Issue.record("a pending call was not returned")
                    continue
                }
                #expect(forwarded.ticket == ticket)
                #expect(table.answered(target: target, id: where_.id) == nil)
                #expect(table.unhandled() == [ticket])  // back with the caller, who must answer it
                close(ticket)
            case 50..<60:  // a time-out
                guard let (ticket, where_) = atTarget.randomElement(using: &rng) else { continue }
                #expect(table.timedOut(target: where_.target, id: where_.id)?.ticket == ticket)
                #expect(table.timedOut(target: where_.target, id: where_.id) == nil)
                close(ticket)
            case 60..<70:  // the client cancels an id (maybe several requests share it)
                guard let (_, id) = idOf.filter({ fate[$0.key] == .open }).randomElement(using: &rng) else { continue }
                let cancelled = table.cancel(clientID: id)
                let expected = fate.filter { $0.value == .open && idOf[$0.key] == id }.keys
                #expect(Set(cancelled.map(\.ticket)) == Set(expected))
                for entry in cancelled {
                    fate[entry.ticket] = .cancelled
                    if let where_ = atTarget.removeValue(forKey: entry.ticket) {
                        #expect(entry.stage == .atTarget(target: where_.target, id: where_.id))
                        #expect(entry.call?.ticket == entry.ticket)
                        #expect(table.purpose(target: where_.target, id: where_.id) == nil)
                    }
                    #expect(table.close(entry.ticket) == nil)
                }
            case 70..<75:  // the target's process exits: every call there is answered
                for entry in table.drain(target: target) {
                    guard case .call(let forwarded) = entry.purpose else { continue }
                    close(forwarded.ticket)
                }
                #expect(table.calls(at: target).isEmpty)
            case 75..<82:  // start-up settles: deferred requests run (forwarded or answered)
                for entry in table.takeDeferred() {
                    if Bool.random(using: &rng) {
                        close(entry.ticket)
                    } else {
                        atTarget[entry.ticket] = (target, forward(call(entry.ticket), to: target))
                    }
                }
                #expect(table.unhandled().isEmpty)
            case 82..<90:  // a parked request is answered (approval, bridge, stream end)
                let parked = fate.filter {
                    $0.value == .open && [.awaitingApproval, .awaitingInput, .stream].contains(table[$0.key]?.stage)
                }
                if let (ticket, _) = parked.randomElement(using: &rng) { close(ticket) }
            default:  // a late or duplicate answer for something already answered or cancelled
                if let (ticket, _) = fate.filter({ $0.value != .open }).randomElement(using: &rng) { close(ticket) }
            }
            guard step % 100 == 0 else { continue }
            let inFlight = fate.filter { entry in
                guard entry.value == .open else { return false }
                switch table[entry.key]?.stage {
                case .deferred?, .atTarget?, .awaitingInput?: return true
                default: return false
                }
            }
            #expect(table.inFlightCount == inFlight.count)
        }
        // Shutdown: whatever is open is closed once, and nothing is left.
        for target in 0..<3 {
            for entry in table.drain(target: target) {
                if case .call(let forwarded) = entry.purpose { close(forwarded.ticket) }
            }
        }
        for entry in table.takeDeferred() { close(entry.ticket) }
        for ticket in table.openTickets { close(ticket) }
        #expect(table.openTickets.isEmpty)
        #expect(fate.values.allSatisfy { $0 != .open })
        #expect(answers == fate.values.filter { $0 == .answered }.count)
    }

    @Test func aRequestItsHandlerLeftIsReportedOnce() {
        let table = CallTable(targets: 1)
        let forgotten = table.admit(request(.int(1)), modern: nil)
        let parked = table.admit(request(.int(2)), modern: nil)
        table.park(parked, .awaitingApproval)
        let answered = table.admit(request(.int(3)), modern: nil)
        _ = table.close(answered)
        #expect(table.unhandled() == [forgotten])
        #expect(table.unhandled().isEmpty)
        #expect(table[forgotten]?.stage == .handling)
    }

    @Test func progressTokensRouteOnlyToTheTargetAskedAndDieWithTheCall() {
        let table = CallTable(targets: 2)
        let ticket = table.admit(request(.int(1)), modern: nil)
        let token = table.newProgressToken()
        #expect(token != table.newProgressToken())
        let hubID = table.newID(target: 0)
        table.forward(call(ticket, token: token), to: 0, id: hubID, clientToken: "client-token")
        #expect(table.clientProgressToken(token, target: 0) == "client-token")
        #expect(table.clientProgressToken(token, target: 1) == nil)  // another target cannot use it
        // While the client answers the target's question (a reverse bridge), progress still reports.
        table.rebind(target: 0, id: hubID, to: .bridged("nonce", progressToken: token))
        #expect(table.clientProgressToken(token, target: 0) == "client-token")
        _ = table.answered(target: 0, id: hubID)
        #expect(table.clientProgressToken(token, target: 0) == nil)
    }

    @Test func deferredRequestsComeBackInArrivalOrderAndOnlyThoseAsked() {
        let table = CallTable(targets: 1)
        var tickets: [CallTable.Ticket] = []
        for n in 0..<5 {
            let ticket = table.admit(request(.int(n), n % 2 == 0 ? "tools/call" : "prompts/get"), modern: nil)
            table.deferRequest(ticket, request(.int(n), n % 2 == 0 ? "tools/call" : "prompts/get"))
            tickets.append(ticket)
        }
        #expect(table.inFlightCount == 5)
        let calls = table.takeDeferred { $0.method == "tools/call" }
        #expect(calls.map(\.ticket) == [tickets[0], tickets[2], tickets[4]])
        #expect(calls.allSatisfy { table[$0.ticket]?.stage == .handling })
        #expect(Set(table.unhandled()) == Set(calls.map(\.ticket)))
        _ = table.cancel(clientID: .int(1))
        #expect(table.takeDeferred().map(\.ticket) == [tickets[3]])
    }

    @Test func hubIDsArePerTargetAndNeverReused() {
        let table = CallTable(targets: 2)
        let first = table.send(to: 0, .internalRequest)
        let other = table.send(to: 1, .internalRequest)
        _ = table.drain(target: 0)
        let second = table.send(to: 0, .internalRequest)
        #expect(first == 1 && other == 1 && second == 2)
        #expect(table.hasRequests(at: 0) && table.hasRequests(at: 1))
    }

    @Test func requestsTargetsSentTheClientReachOnlyTheLiveAsker() {
        let table = CallTable(targets: 2)
        let asked = table.ask(target: 0, generation: 1, id: .int(7))
        let withdrawn = table.ask(target: 1, generation: 1, id: .int(7))
        #expect(table.withdrawAsk(target: 1, id: .int(7)) == withdrawn)
        #expect(table.askAnswered(withdrawn) == .notMine)
        let orphaned = table.ask(target: 1, generation: 1, id: .int(8))
        _ = table.drain(target: 1)  // its process went away
        #expect(table.askAnswered(orphaned) == .gone)
        #expect(table.askAnswered(asked) == .target(index: 0, generation: 1, id: .int(7)))
        #expect(table.askAnswered(asked) == .notMine)
    }
}
