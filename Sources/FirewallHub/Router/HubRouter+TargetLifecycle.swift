import MCPWire

/// Owns: the flow of each target's life — spawn, the opening requests (`TargetStartup` decides which),
/// failures and exits, restarts for a call (`RestartPolicy` decides when), and the calls that wait on a
/// process that went away. Never: picks an era or a restart time itself, or leaves a call waiting on a
/// process that is gone.
extension HubRouter {
    /// `tools`: after this long, name the servers still starting (a first `uvx` run can take 30 s).
    static let startupNoticeSeconds = 2.0

    func startAllTargets() {
        for target in pool.sessions { startTarget(target) }
        switch mode {
        case .serve: _ = timers.start(after: TargetPool.startupGraceSeconds, .startupGrace)
        case .listTools: _ = timers.start(after: Self.startupNoticeSeconds, .startupNotice)
        }
        releaseDeferredIfSettled()
    }

    func announceSlowStarts() {
        let waiting = pool.stillStarting
        guard !waiting.isEmpty else { return }
        let names = waiting.map { "\($0.name) (up to \($0.config.timeouts.startupSeconds) s)" }
        log.info("waiting for " + names.joined(separator: ", ") + " to start (timeouts.startup_seconds)")
    }

    func startTarget(_ target: TargetSession) {
        target.beginGeneration()
        target.restarts.recordStart(now: now())
        let index = target.index
        let generation = target.generation
        let sink = self.sink
        let spec = TargetLaunch.spec(for: target.config, environment: environment, hubConfigPath: config.filePath)
        do {
            target.process = try ChildProcess.spawn(spec) { event in
                sink.yield(.target(index: index, generation: generation, event))
            }
        } catch {
            failTarget(target, reason: "could not start: \(error)")
            return
        }
        let opening = target.startup.begin()
        target.startupTimer = timers.start(
            after: Double(target.config.timeouts.startupSeconds), .startup(target: index, generation: generation))
        sendOpening(opening, to: target)
    }

    /// `initialize`, or `server/discover` with the hub's envelope (the target is not modern until it
    /// answers).
    private func sendOpening(_ opening: TargetStartup.Opening, to target: TargetSession) {
        switch opening {
        case .initialize:
            var params = JSONObject()
            params["protocolVersion"] = .string(ProtocolVersion.latestLegacy)
            params["capabilities"] = .object(targetFacingCapabilities())
            params["clientInfo"] = .object(HubVersion.serverInfo)
            request(target, "initialize", params: params, purpose: .opening(.initialize))
        case .discover:
            let meta = ModernEnvelope.meta(
                protocolVersion: ModernEnvelope.modernVersions[0], clientCapabilities: [:],
                clientInfo: HubVersion.serverInfo)
            request(target, ModernMethods.discover, params: ["_meta": .object(meta)], purpose: .opening(.discover))
        }
    }

    /// The answer to an opening request: try the other one, fail, or read the opened target's lists.
    func openingAnswered(
        _ target: TargetSession, _ opening: TargetStartup.Opening, _ outcome: JSONRPCMessage.Response.Outcome
    ) {
        switch target.startup.answered(opening, outcome) {
        case .tryOther(let next, let reason):
            log.debug("[\(target.name)] refused \(opening.method) (\(reason)); opening it with \(next.method)")
            sendOpening(next, to: target)
        case .fail(let reason):
            failTarget(target, reason: reason)
        case .opened(let opened):
            target.opened = opened
            if opened.era == .modern {
                log.debug("[\(target.name)] speaks 2026-07-28")
                openListen(target)
                startListing(target)
            } else {
                target.notify(method: "notifications/initialized")
                if let level = client.logLevel, target.capabilities?["logging"] != nil {
                    request(target, "logging/setLevel", params: ["level": .string(level)], purpose: .internalRequest)
                }
                startListing(target)
                resubscribe(target)
            }
        }
    }

    func startupTimedOut(_ index: Int, generation: Int) {
        guard let target = pool.session(index, generation: generation), !target.state.isSettled else { return }
        let seconds = target.config.timeouts.startupSeconds
        let unanswered = target.startup.awaiting.map { " (no answer to \($0.method))" } ?? ""
        failTarget(
            target, reason: "did not finish starting within \(seconds) s\(unanswered) (timeouts.startup_seconds)")
    }

    /// Start-up failed. A first start-up marks the target failed for the session; a failed restart
    /// leaves it exited, so a later call may try again (within the backoff and the cap).
    func failTarget(_ target: TargetSession, reason: String) {
        let reason = target.config.redacted(reason)  // spawn errors name the expanded command and cwd
        let wasReady = target.state == .ready
        let isRestart = target.hasSettled
        timers.cancel(target.startupTimer)
        log.server(target.name, (isRestart ? "restart failed: " : "failed: ") + reason + target.stderrHint)
        let message = "server \"\(target.name)\" failed: \(reason)"
        if isRestart {
            target.startup.exited(message)
        } else {
            target.startup.failed(reason + target.stderrHint)
        }
        failPendingCalls(target, because: message)
        if isRestart { failDeferredCalls(for: target, because: message) }
        if let process = target.process {
            target.process = nil
            retire(process)
        }
        if wasReady { rebuildCatalog() }
        releaseDeferredIfSettled()
    }

    func handleTargetExit(_ target: TargetSession, status: ExitStatus) {
        target.process = nil
        if lifecycle.stoppingTargets { return }
        if target.isRemoved {
            log.server(target.name, "stopped (\(status))")
            failPendingCalls(
                target, because: "server \"\(target.name)\" was removed from hub.json and exited (\(status))")
            return
        }
        if !target.state.isSettled {
            failTarget(target, reason: "exited during start-up (\(status))")
            return
        }
        if case .failed = target.state { return }
        let reason = "server \"\(target.name)\" exited (\(status))"
        log.server(target.name, "exited (\(status)); the next call to it restarts it")
        target.startup.exited(reason)
        failPendingCalls(target, because: reason)
    }

    /// Restarts an exited target for a call, after the restart backoff, unless it has started too
    /// often in the last minute or the hub is shutting down. Returns why it will not restart, or nil
    /// when the restart is under way (the caller then defers the call until the target is ready).
    func restartForCall(_ target: TargetSession) -> String? {
        if lifecycle.shuttingDown {
            return "server \"\(target.name)\" exited, and the hub is shutting down, so it is not restarted"
        }
        if target.restarts.timer != nil { return nil }
        switch target.restarts.decide(now: now()) {
        case .refuse(let starts):
            return "server \"\(target.name)\" exited and was started \(starts) times in \(target.restarts.windowText); "
                + "not restarting it again yet"
        case .startNow:
            log.server(target.name, "restarting")
            auditRestart(target)
            startTarget(target)
            // A spawn failure fails the restart at once; the caller must then answer, not defer.
            if case .exited(let reason) = target.state { return reason }
        case .startAfter(let wait):
            log.server(target.name, "restarting in \(Int((wait * 1000).rounded())) ms (restart backoff)")
            target.restarts.timer = timers.start(after: wait, .restart(target: target.index))
        }
        return nil
    }

    /// The backoff of `restartForCall` has passed.
    func restartAfterBackoff(_ target: TargetSession) {
        target.restarts.timer = nil
        guard target.isExited, !target.isRemoved else { return }
        if lifecycle.shuttingDown {
            releaseDeferredIfSettled()  // its waiting calls are refused now
            return
        }
        log.server(target.name, "restarting")
        auditRestart(target)
        startTarget(target)
    }

    /// Answers every client call still waiting on `target` with an error, at once.
    func failPendingCalls(_ target: TargetSession, because reason: String) {
        let drained = calls.drain(target: target.index)
        failSubscriptionWaiters(target, pending: drained.map(\.purpose), because: reason)
        for entry in drained {
            guard case .call(let call) = entry.purpose else { continue }
            timers.cancel(call.timer)
            answer(
                call.ticket,
                error: JSONRPCError(code: JSONRPCError.targetUnavailableCode, message: "\(call.label): \(reason)"))
        }
    }

    func timeOutCall(_ target: TargetSession, hubID: Int) {
        guard let call = calls.timedOut(target: target.index, id: hubID) else { return }
        auditTimedOut(call.ticket)
        let seconds = target.config.timeouts.callSeconds
        target.notify(
            method: "notifications/cancelled",
            params: ["requestId": .int(hubID), "reason": .string("timed out in mcp-firewall-hub after \(seconds) s")])
        log.server(target.name, "\(call.label) timed out after \(seconds) s")
        answer(
            call.ticket,
            error: JSONRPCError(
                code: JSONRPCError.targetUnavailableCode,
                message:
                    "\(call.label): server \"\(target.name)\" did not answer within \(seconds) s (timeouts.call_seconds)"
            ))
    }
}
