import MCPWire

/// Owns: the flow of resource subscriptions toward targets — the listen stream on each modern target
/// (`TargetListen` keeps its state), `resources/subscribe` on legacy ones, re-subscribing restarted
/// targets, and telling whoever waits when a target confirmed. Never: unsubscribes a URI someone
/// still holds, or leaves a waiter waiting on a process that is gone.
extension HubRouter {
    /// Opens (or re-opens, with the current subscriptions) the listen stream of a modern target. The
    /// new stream is asked for before the old one is cancelled, so no change falls between them. While
    /// one is being opened, changes wait for its acknowledgement and then share one more stream: the
    /// hub never has two openings in flight on a target, however fast the client changes its streams.
    func openListen(_ target: TargetSession, waiters: [SubscriptionWaiter] = []) {
        guard target.era == .modern, target.process != nil else {
            confirm(waiters, error: nil)
            return
        }
        if target.listen.refused {
            confirm(waiters, error: listenRefusedError(target))
            return
        }
        if target.listen.isOpening {
            target.listen.deferReopen(waiters: waiters)
            return
        }
        let id = request(
            target, ModernMethods.subscriptionsListen, params: ["notifications": .object(target.listen.filter)],
            purpose: .listen)
        if let old = target.listen.opened(id: id, waiters: waiters),
            calls.answered(target: target.index, id: old) != nil
        {
            target.notify(method: "notifications/cancelled", params: ["requestId": .int(old)])
        }
    }

    /// `notifications/subscriptions/acknowledged` from a target.
    func listenAcknowledged(_ target: TargetSession, _ params: JSONObject?) {
        // nil: an older stream's.
        let subscription = params?["_meta"]?[ModernEnvelope.subscriptionIdKey]
        guard let waiters = target.listen.acknowledge(subscriptionID: subscription) else { return }
        log.debug(
            "[\(target.name)] acknowledged subscriptions/listen: \(params?["notifications"]?.serialized() ?? "{}")")
        confirm(waiters, error: nil)
        if let deferred = target.listen.takeDeferred() { openListen(target, waiters: deferred) }
    }

    /// A target answered a listen request: that stream ended. A graceful end (a result) of the current
    /// stream is followed by a new one (within a cap); an error means the target serves none.
    func listenEnded(_ target: TargetSession, id: Int, _ outcome: JSONRPCMessage.Response.Outcome) {
        switch target.listen.ended(id: id, outcome, now: now(), shuttingDown: lifecycle.shuttingDown) {
        case .notCurrent:
            return
        case .refused(let waiters):
            if case .error(let error) = outcome {
                log.server(
                    target.name,
                    "subscriptions/listen failed: \(error.message) (code \(error.code)); only the list changes and "
                        + "resource updates it sends unasked can reach the client")
            }
            confirm(waiters, error: listenRefusedError(target))
        case .stop:
            log.server(target.name, "ended its subscriptions/listen stream; not opening another one")
            confirm(target.listen.takeDeferred() ?? [], error: nil)
        case .reopen:
            log.debug("[\(target.name)] ended its subscriptions/listen stream; opening a new one")
            openListen(target)
            relist(target, ListKind.allCases)  // what changed meanwhile was not announced
        }
    }

    private func listenRefusedError(_ target: TargetSession) -> JSONRPCError {
        JSONRPCError(
            code: JSONRPCError.methodNotFoundCode,
            message:
                "server \"\(target.name)\" does not serve subscriptions/listen, so it cannot report resource updates")
    }

    /// The error refusing a message that would hold more of `target`'s URIs than `TargetListen` bounds.
    func tooManySubscriptions(_ target: TargetSession) -> JSONRPCError {
        .invalidParams(
            "too many resource subscriptions on server \"\(target.name)\": the hub holds up to "
                + "\(TargetListen.maxHeldURIs) URIs (\(TargetListen.maxHeldBytes) bytes) per server; unsubscribe some first"
        )
    }

    /// Adds `holder` to the subscriptions of `uris` (the target's own) and subscribes the target where
    /// that is new; each waiter hears when the target has confirmed (at once when nothing was new).
    /// The caller checked `target.listen.canHold(uris)`.
    func subscribe(_ target: TargetSession, uris: [String], holder: SubscriptionHolder, waiter: SubscriptionWaiter?) {
        let added = target.listen.hold(uris, by: holder)
        let waiters = waiter.map { [$0] } ?? []
        guard !added.isEmpty, target.process != nil else {
            confirm(waiters, error: nil)
            return
        }
        switch target.era {
        case .modern:
            openListen(target, waiters: waiters)
        case .legacy:
            for (i, uri) in added.enumerated() {
                request(
                    target, "resources/subscribe", params: ["uri": .string(uri)],
                    purpose: .subscription(i == added.count - 1 ? waiters : []))
            }
        }
    }

    /// Removes `holder` from the subscriptions of `uris` and unsubscribes the target from those nobody
    /// holds any more. A modern target's stream is not re-opened for a release: the next stream (opened
    /// for a new subscription, or after a restart) leaves those URIs out, and meanwhile their updates
    /// stop at the hub (nobody holds them). So a release never costs a resend of every held URI.
    func unsubscribe(_ target: TargetSession, uris: [String], holder: SubscriptionHolder) {
        let dropped = target.listen.release(uris, by: holder)
        guard !dropped.isEmpty, target.state == .ready else { return }
        switch target.era {
        case .modern:
            return
        case .legacy:
            for uri in dropped {
                request(target, "resources/unsubscribe", params: ["uri": .string(uri)], purpose: .subscription([]))
            }
        }
    }

    /// A started (or restarted) legacy target is subscribed again to what is held.
    func resubscribe(_ target: TargetSession) {
        guard target.era == .legacy else { return }
        for uri in target.listen.heldURIs {
            request(target, "resources/subscribe", params: ["uri": .string(uri)], purpose: .subscription([]))
        }
    }

    /// The answer to the hub's own `resources/subscribe` or `unsubscribe`.
    func subscriptionAnswered(
        _ target: TargetSession, _ waiters: [SubscriptionWaiter], _ outcome: JSONRPCMessage.Response.Outcome
    ) {
        var failure: JSONRPCError?
        if case .error(let error) = outcome {
            log.server(target.name, "a resource subscription failed: \(error.message) (code \(error.code))")
            failure = error
        }
        confirm(waiters, error: failure)
    }

    /// Every waiter of a target whose process is gone (exit, failure, shutdown) hears of it now.
    func failSubscriptionWaiters(_ target: TargetSession, pending: [TargetRequest], because reason: String) {
        var waiters = target.listen.processGone()
        for case .subscription(let more) in pending { waiters += more }
        confirm(waiters, error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: reason))
    }

    /// Tells each waiter that its target confirmed (or, with `error`, could not).
    func confirm(_ waiters: [SubscriptionWaiter], error: JSONRPCError?) {
        for waiter in waiters {
            switch waiter {
            case .clientRequest(let ticket):
                if let error { answer(ticket, error: error) } else { answer(ticket, result: .object(JSONObject())) }
            case .stream(let ticket):
                if let acknowledgement = client.streams.confirmed(ticket) { notifyClient(acknowledgement) }
            }
        }
    }

    /// A legacy client's `resources/subscribe` or `unsubscribe` of `uri` (the target's own), routed to
    /// the ready `target`: a legacy target gets the request itself (its answer is the client's) unless
    /// a listen stream of a modern client already holds the URI; a modern target gets a new listen stream.
    func handleSubscriptionRequest(
        _ request: ClientRequest, target: TargetSession, uri: String, params: JSONObject, label: String
    ) {
        let subscribing = request.method == "resources/subscribe"
        if subscribing, !target.listen.canHold([uri]) {
            answer(request.ticket, error: tooManySubscriptions(target))
            return
        }
        if target.era == .legacy, !target.listen.isHeld(uri, byOthersThan: .legacyClient) {
            if subscribing {
                _ = target.listen.hold([uri], by: .legacyClient)
            } else {
                _ = target.listen.release([uri], by: .legacyClient)
            }
            forward(request, method: request.method, params: params, to: target, label: label)
            return
        }
        if subscribing {
            calls.park(request.ticket, .awaitingSubscription)
            subscribe(target, uris: [uri], holder: .legacyClient, waiter: .clientRequest(request.ticket))
        } else {
            unsubscribe(target, uris: [uri], holder: .legacyClient)
            answer(request.ticket, result: .object(JSONObject()))
        }
    }
}
