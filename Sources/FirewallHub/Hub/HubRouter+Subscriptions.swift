import MCPWire

/// Change notifications and resource subscriptions toward targets. A legacy target sends
/// `list_changed` and `resources/updated` on its own and takes `resources/subscribe`; a modern
/// (2026-07-28) target sends them only on a `subscriptions/listen` stream, so the hub keeps one open
/// on each modern target, asking for every list's changes and for the resources someone subscribed to.
extension HubRouter {
    /// Graceful ends of a target's listen stream after which the hub opens it again, per minute.
    static let maxListenReopensPerMinute = 5

    /// Opens (or re-opens, with the current subscriptions) the listen stream of a modern target. The
    /// new stream is asked for before the old one is cancelled, so no change falls between them.
    func openListen(_ target: TargetSession, waiters: [SubscriptionWaiter] = []) {
        guard target.era == .modern, target.process != nil else {
            confirm(waiters, error: nil)
            return
        }
        if target.listenRefused {
            confirm(waiters, error: listenRefusedError(target))
            return
        }
        var filter: JSONObject = ["toolsListChanged": true, "promptsListChanged": true, "resourcesListChanged": true]
        let uris = target.subscriptionHolders.keys.sorted()
        if !uris.isEmpty { filter["resourceSubscriptions"] = .array(uris.map(JSONValue.string)) }
        let old = target.listenID
        target.listenID = target.send(
            method: ModernMethods.subscriptionsListen, params: ["notifications": .object(filter)], purpose: .listen)
        target.listenAcknowledged = false
        target.listenWaiters += waiters
        if let old, target.removePending(old) != nil {
            target.notify(method: "notifications/cancelled", params: ["requestId": .int(old)])
        }
    }

    /// `notifications/subscriptions/acknowledged` from a target.
    func listenAcknowledged(_ target: TargetSession, _ params: JSONObject?) {
        guard let id = target.listenID, params?["_meta"]?[ModernEnvelope.subscriptionIdKey] == .number(String(id))
        else { return }  // an older stream's
        target.listenAcknowledged = true
        log.debug(
            "[\(target.name)] acknowledged subscriptions/listen: \(params?["notifications"]?.serialized() ?? "{}")")
        let waiters = target.listenWaiters
        target.listenWaiters = []
        confirm(waiters, error: nil)
    }

    /// A target answered a listen request: that stream ended. A graceful end (a result) of the current
    /// stream is followed by a new one (within a cap); an error means the target serves none.
    func listenEnded(_ target: TargetSession, id: Int, _ outcome: JSONRPCMessage.Response.Outcome) {
        guard id == target.listenID else { return }
        target.listenID = nil
        switch outcome {
        case .error(let error):
            target.listenRefused = true
            log.server(
                target.name,
                "subscriptions/listen failed: \(error.message) (code \(error.code)); only the list changes and "
                    + "resource updates it sends unasked can reach the client")
            let waiters = target.listenWaiters
            target.listenWaiters = []
            confirm(waiters, error: listenRefusedError(target))
        case .result:
            let cutoff = now() - 60
            target.listenReopenTimes.removeAll { $0 < cutoff }
            guard !shuttingDown, target.listenReopenTimes.count < Self.maxListenReopensPerMinute else {
                log.server(target.name, "ended its subscriptions/listen stream; not opening another one")
                return
            }
            target.listenReopenTimes.append(now())
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

    // MARK: - Who holds which subscription

    /// Adds `holder` to the subscriptions of `uris` (the target's own) and subscribes the target where
    /// that is new; each waiter hears when the target has confirmed (at once when nothing was new).
    func subscribe(
        _ target: TargetSession, uris: [String], holder: SubscriptionHolder, waiter: SubscriptionWaiter?
    ) {
        var added: [String] = []
        for uri in uris where target.subscriptionHolders[uri, default: []].insert(holder).inserted {
            if target.subscriptionHolders[uri]!.count == 1 { added.append(uri) }
        }
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
                target.send(
                    method: "resources/subscribe", params: ["uri": .string(uri)],
                    purpose: .subscription(i == added.count - 1 ? waiters : []))
            }
        }
    }

    /// Removes `holder` from the subscriptions of `uris` and unsubscribes the target from those nobody
    /// holds any more.
    func unsubscribe(_ target: TargetSession, uris: [String], holder: SubscriptionHolder) {
        var dropped: [String] = []
        for uri in uris where target.subscriptionHolders[uri]?.remove(holder) != nil {
            if target.subscriptionHolders[uri]!.isEmpty {
                target.subscriptionHolders[uri] = nil
                dropped.append(uri)
            }
        }
        guard !dropped.isEmpty, target.state == .ready else { return }
        switch target.era {
        case .modern:
            openListen(target)
        case .legacy:
            for uri in dropped {
                target.send(method: "resources/unsubscribe", params: ["uri": .string(uri)], purpose: .subscription([]))
            }
        }
    }

    /// A started (or restarted) legacy target is subscribed again to what is held.
    func resubscribe(_ target: TargetSession) {
        guard target.era == .legacy else { return }
        for uri in target.subscriptionHolders.keys.sorted() {
            target.send(method: "resources/subscribe", params: ["uri": .string(uri)], purpose: .subscription([]))
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
    func failSubscriptionWaiters(_ target: TargetSession, pending: [TargetSession.Pending], because reason: String) {
        var waiters = target.listenWaiters
        target.listenWaiters = []
        target.listenID = nil
        target.listenAcknowledged = false
        for case .subscription(let more) in pending { waiters += more }
        confirm(
            waiters, error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: reason))
    }

    /// Tells each waiter that its target confirmed (or, with `error`, could not).
    func confirm(_ waiters: [SubscriptionWaiter], error: JSONRPCError?) {
        for waiter in waiters {
            switch waiter {
            case .clientRequest(let id):
                if let error { respond(id, error: error) } else { respond(id, result: .object(JSONObject())) }
            case .stream(let id):
                streamConfirmed(id)
            }
        }
    }

    // MARK: - The client's resources/subscribe and unsubscribe

    /// A legacy client's `resources/subscribe` or `unsubscribe` of `uri` (the target's own), routed to
    /// the ready `target`: a legacy target gets the request itself (its answer is the client's) unless
    /// a listen stream of a modern client already holds the URI; a modern target gets a new listen stream.
    func handleSubscriptionRequest(
        _ request: JSONRPCMessage.Request, target: TargetSession, uri: String, params: JSONObject, label: String
    ) {
        let subscribing = request.method == "resources/subscribe"
        let heldByOthers = target.subscriptionHolders[uri].map { !$0.subtracting([.legacyClient]).isEmpty } ?? false
        if target.era == .legacy, !heldByOthers {
            if subscribing {
                target.subscriptionHolders[uri, default: []].insert(.legacyClient)
            } else {
                target.subscriptionHolders[uri]?.remove(.legacyClient)
                if target.subscriptionHolders[uri]?.isEmpty == true { target.subscriptionHolders[uri] = nil }
            }
            forwardRequest(request, method: request.method, params: params, to: target, label: label)
            return
        }
        if subscribing {
            subscribe(target, uris: [uri], holder: .legacyClient, waiter: .clientRequest(request.id))
        } else {
            unsubscribe(target, uris: [uri], holder: .legacyClient)
            respond(request.id, result: .object(JSONObject()))
        }
    }
}
