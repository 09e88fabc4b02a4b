import MCPWire

/// `subscriptions/listen` toward a modern (2026-07-28) client: the hub's own streams of list changes
/// and resource updates, in place of the unsolicited notifications a legacy client gets. A stream is
/// acknowledged once every target behind its resource subscriptions has confirmed them, carries the
/// listen request's id in each message's `_meta`, ends when the client cancels it, and is closed
/// gracefully (its result) when the hub shuts down.
extension HubRouter {
    /// Open streams a client may hold at once.
    static let maxClientStreams = 64

    func handleClientListen(_ request: JSONRPCMessage.Request) {
        guard isModern(request.id) else {
            respond(
                request.id,
                error: .methodNotFound(
                    "subscriptions/listen (a 2026-07-28 method: send it with the _meta envelope; "
                        + "an initialized session uses resources/subscribe)"))
            return
        }
        var stream: ClientStream
        do {
            stream = try ClientStream.parse(request.params)
        } catch {
            respond(request.id, error: error)
            return
        }
        guard clientStreams.count < Self.maxClientStreams else {
            respond(
                request.id,
                error: .internalError(
                    "too many subscriptions/listen streams (\(Self.maxClientStreams)); cancel one first"))
            return
        }
        // Only URIs a server behind the hub offers, and its resource policy allows, are honoured.
        var perTarget: [(target: TargetSession, uris: [String])] = []
        var honored: [String] = []
        for uri in stream.resourceSubscriptions {
            guard let owner = try? catalog.route(uri: uri),
                let target = targets.first(where: { $0.name == owner.server })
            else { continue }
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
        stream.resourceSubscriptions = honored
        stream.unconfirmed = perTarget.count
        clientStreams[request.id] = stream
        if perTarget.isEmpty {
            acknowledgeStream(request.id)
            return
        }
        for (target, uris) in perTarget {
            subscribe(target, uris: uris, holder: .stream(request.id), waiter: .stream(request.id))
        }
    }

    /// One target confirmed a stream's resource subscriptions (or could not: the stream is still
    /// acknowledged, and that target's updates simply never come).
    func streamConfirmed(_ id: RequestID) {
        guard var stream = clientStreams[id], !stream.acknowledged else { return }
        stream.unconfirmed -= 1
        clientStreams[id] = stream
        if stream.unconfirmed <= 0 { acknowledgeStream(id) }
    }

    private func acknowledgeStream(_ id: RequestID) {
        guard var stream = clientStreams[id] else { return }
        stream.acknowledged = true
        clientStreams[id] = stream
        sendToClient(
            .notification(
                .init(
                    method: "notifications/subscriptions/acknowledged",
                    params: ["notifications": .object(stream.honored), "_meta": streamMeta(id)])))
    }

    private func streamMeta(_ id: RequestID) -> JSONValue {
        .object([ModernEnvelope.subscriptionIdKey: id.json])
    }

    /// The client cancelled a stream: it ends without an answer, and what only it held is unsubscribed.
    func closeClientStream(_ id: RequestID) {
        guard clientStreams.removeValue(forKey: id) != nil else { return }
        for target in targets {
            let held = target.listen.uris(heldBy: .stream(id))
            if !held.isEmpty { unsubscribe(target, uris: held, holder: .stream(id)) }
        }
    }

    /// Shutdown: every stream ends gracefully with its result.
    func closeClientStreams() {
        let ids = clientStreams.keys
        clientStreams = [:]
        for id in ids { respond(id, result: ["_meta": streamMeta(id)]) }
    }

    /// A merged list changed: streams that asked for it hear of it.
    func notifyStreams(_ kind: ListKind) {
        for (id, stream) in clientStreams where stream.acknowledged && stream.wants(kind) {
            sendToClient(.notification(.init(method: kind.listChangedMethod, params: ["_meta": streamMeta(id)])))
        }
    }

    /// A resource changed (`uri` as the client knows it): streams subscribed to it hear of it.
    func notifyStreams(resourceUpdated uri: String, params: JSONObject) {
        for (id, stream) in clientStreams where stream.acknowledged && stream.resourceSubscriptions.contains(uri) {
            var params = params
            params["_meta"] = streamMeta(id)
            sendToClient(.notification(.init(method: "notifications/resources/updated", params: params)))
        }
    }
}
