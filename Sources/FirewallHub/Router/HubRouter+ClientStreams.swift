import MCPWire

/// Owns: the flow of a modern client's `subscriptions/listen` streams — opening one (only URIs a
/// server offers and its policy allows), acknowledging it once every target confirmed, closing it on
/// cancel (unsubscribing what only it held) and at shutdown (with its result). Never: keeps a stream
/// itself (`ClientStreams` does) or subscribes a URI the resource policy denies.
extension HubRouter {
    func handleClientListen(_ request: ClientRequest) {
        guard request.isModern else {
            answer(
                request.ticket,
                error: .methodNotFound(
                    "subscriptions/listen (a 2026-07-28 method: send it with the _meta envelope; "
                        + "an initialized session uses resources/subscribe)"))
            return
        }
        var stream: ClientStream
        do {
            stream = try ClientStream.parse(request.params)
        } catch {
            answer(request.ticket, error: error)
            return
        }
        guard client.streams.count < ClientStreams.maxStreams else {
            answer(
                request.ticket,
                error: .internalError(
                    "too many subscriptions/listen streams (\(ClientStreams.maxStreams)); cancel one first"))
            return
        }
        guard !client.streams.isOpen(id: request.id) else {
            answer(
                request.ticket,
                error: .invalidRequest(
                    "subscriptions/listen: a stream with id \(request.id) is still open; cancel it or use a new id"))
            return
        }
        // Only URIs a server behind the hub offers, and its resource policy allows, are honoured. One
        // template-matching budget for the whole message; a URI the hub refuses refuses the message.
        var perTarget: [(target: TargetSession, uris: [String])] = []
        var honored: [String] = []
        var budget = ResourceMap.templateStepBudget
        for uri in stream.resourceSubscriptions {
            let routed: (server: String, uri: String)?
            do {
                routed = try catalog.route(uri: uri, budget: &budget)
            } catch {
                answer(
                    request.ticket,
                    error: .invalidParams(
                        "subscriptions/listen: resourceSubscriptions \(HubLog.excerpt(Array(uri.utf8), limit: 80)): \(error)"
                    ))
                return
            }
            guard let owner = routed, let target = pool.named(owner.server) else { continue }
            if !catalog.resourceDecision(server: owner.server, uri: owner.uri).allowed {
                log.info("subscriptions/listen \(uri) → deny (resource policy)")
                continue
            }
            honored.append(uri)
            if let i = perTarget.firstIndex(where: { $0.target === target }) {
                perTarget[i].uris.append(owner.uri)
            } else {
                perTarget.append((target, [owner.uri]))
            }
        }
        if let full = perTarget.first(where: { !$0.target.listen.canHold($0.uris) }) {
            answer(request.ticket, error: tooManySubscriptions(full.target))
            return
        }
        stream.id = request.id
        stream.resourceSubscriptions = honored
        stream.unconfirmed = perTarget.count
        calls.park(request.ticket, .stream)
        client.streams.open(request.ticket, stream)
        if perTarget.isEmpty {
            if let acknowledgement = client.streams.acknowledge(request.ticket) { notifyClient(acknowledgement) }
            return
        }
        for (target, uris) in perTarget {
            subscribe(target, uris: uris, holder: .stream(request.ticket), waiter: .stream(request.ticket))
        }
    }

    /// The client cancelled a stream: it ends without an answer, and what only it held is unsubscribed.
    func closeClientStream(_ ticket: CallTable.Ticket) {
        guard client.streams.close(ticket) != nil else { return }
        for target in pool.sessions {
            let held = target.listen.uris(heldBy: .stream(ticket))
            if !held.isEmpty { unsubscribe(target, uris: held, holder: .stream(ticket)) }
        }
    }

    /// Shutdown: every stream ends gracefully with its result.
    func closeClientStreams() {
        for (ticket, result) in client.streams.closeAll() { answer(ticket, result: .object(result)) }
    }
}
