import MCPWire

/// Target life cycle: spawn, `initialize`, `tools/list` (all pages), answers, exits.
extension HubRouter {
    func startAllTargets() {
        for target in targets { startTarget(target) }
        switch mode {
        case .serve: _ = startTimer(after: TargetPool.startupGraceSeconds, .startupGrace)
        case .listTools: _ = startTimer(after: Self.startupNoticeSeconds, .startupNotice)
        }
        releaseDeferredIfSettled()
    }

    /// `tools`: after this long, name the servers still starting (a first `uvx` run can take 30 s).
    static let startupNoticeSeconds = 2.0

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
        target.startupTimer = startTimer(
            after: Double(target.config.timeouts.startupSeconds), .startup(target: index, generation: generation))
        sendOpening(opening, to: target)
    }

    /// `initialize`, or `server/discover` with the hub's envelope (the target is not modern until it
    /// answers); see TargetStartup for which goes first.
    private func sendOpening(_ opening: TargetStartup.Opening, to target: TargetSession) {
        switch opening {
        case .initialize:
            var params = JSONObject()
            params["protocolVersion"] = .string(ProtocolVersion.latestLegacy)
            params["capabilities"] = .object(targetFacingCapabilities())
            params["clientInfo"] = .object(HubVersion.serverInfo)
            target.send(method: "initialize", params: params, purpose: .opening(.initialize))
        case .discover:
            let meta = ModernEnvelope.meta(
                protocolVersion: ModernEnvelope.modernVersions[0], clientCapabilities: [:],
                clientInfo: HubVersion.serverInfo)
            target.send(method: ModernMethods.discover, params: ["_meta": .object(meta)], purpose: .opening(.discover))
        }
    }

    /// The answer to an opening request: try the other one, fail, or read the opened target's lists.
    private func openingAnswered(
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
                if let level = clientLogLevel, target.capabilities?["logging"] != nil {
                    target.send(
                        method: "logging/setLevel", params: ["level": .string(level)], purpose: .internalRequest)
                }
                startListing(target)
                resubscribe(target)
            }
        }
    }

    func handleTargetEvent(_ target: TargetSession, _ event: ChildEvent) {
        switch event {
        case .stdoutLines(let lines):
            for line in lines { handleTargetLine(target, line) }
        case .stdoutLineTooLong(let size):
            log.server(target.name, "dropped a stdout line of \(size) bytes (over the line limit)")
        case .stdoutClosed:
            log.debug("[\(target.name)] stdout closed")
        case .stderrLines(let lines):
            for line in lines {
                let line = target.config.secrets.redacted(line)  // a `${VAR}` value is shown as its reference
                target.recordStderr(line)
                log.targetStderr(server: target.name, line: line)
            }
        case .exited(let status):
            handleTargetExit(target, status: status)
        }
    }

    private func handleTargetLine(_ target: TargetSession, _ line: [UInt8]) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        if !target.pending.isEmpty,  // nothing pending: the line cannot be such an answer (no double validation)
            let splice = FastPath.answer(
                line, validated: false, targetEra: target.era,
                clientEra: { hubID in
                    guard case .clientCall(let clientID, _, _)? = target.pending[hubID] else { return nil }
                    return isModern(clientID) ? .modern : .legacy
                })
        {
            deliverSplicedAnswer(target, splice)
            return
        }
        switch JSONRPCMessage.decode(line: line) {
        case .invalid(_, let error, _):
            log.server(
                target.name,
                "ignored a stdout line that is not a JSON-RPC message (\(error.message)): "
                    + HubLog.excerpt(line))
        case .message(.response(let response)):
            handleTargetResponse(target, response, line: line)
        case .message(.request(let request)):
            handleTargetRequest(target, request)
        case .message(.notification(let notification)):
            handleTargetNotification(target, notification)
        }
    }

    /// A legacy target's plain result for a legacy client's call (`FastPath`): re-addressed as it is.
    private func deliverSplicedAnswer(_ target: TargetSession, _ splice: AnswerSplice) {
        guard case .clientCall(let clientID, _, let timer)? = target.removePending(splice.hubID) else { return }
        cancelTimer(timer)
        target.forgetProgress(hubID: splice.hubID)
        target.forwardedParams[splice.hubID] = nil
        clientOut?.send(splice.bytes(clientID: clientID))
    }

    /// `line` is the response as the target wrote it (already validated), for re-iding by splicing.
    private func handleTargetResponse(_ target: TargetSession, _ response: JSONRPCMessage.Response, line: [UInt8]) {
        guard let id = response.id, let purpose = target.takePending(id) else {
            log.server(
                target.name,
                "ignored an answer to id \(response.id?.description ?? "null"), which is not pending "
                    + "(timed out, cancelled, or never sent)")
            return
        }
        switch purpose {
        case .opening(let opening):
            openingAnswered(target, opening, response.outcome)
        case .bridged(let nonce):
            stashBridgedAnswer(nonce, response.outcome)
        case .list(let kind):
            handleListPage(target, kind: kind, response)
        case .clientCall(let clientID, let label, let timer):
            cancelTimer(timer)
            guard case .number(let lexeme) = id, let hubID = Int(lexeme) else { return }
            target.forgetProgress(hubID: hubID)
            let forwarded = target.forwardedParams.removeValue(forKey: hubID)
            deliverTargetAnswer(
                target, clientID: clientID, label: label, forwarded: forwarded, outcome: response.outcome, line: line)
        case .internalRequest:
            if case .error(let error) = response.outcome {
                log.debug("[\(target.name)] a hub request failed: \(error.message)")
            }
        case .listen:
            guard case .number(let lexeme) = id, let hubID = Int(lexeme) else { return }
            listenEnded(target, id: hubID, response.outcome)
        case .subscription(let waiters):
            subscriptionAnswered(target, waiters, response.outcome)
        }
    }

    /// Start-up failed. A first start-up marks the target failed for the session; a failed restart
    /// leaves it exited, so a later call may try again (within the backoff and the cap).
    func failTarget(_ target: TargetSession, reason: String) {
        let reason = target.config.redacted(reason)  // spawn errors name the expanded command and cwd
        let wasReady = target.state == .ready
        let isRestart = target.hasSettled
        cancelTimer(target.startupTimer)
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

    private func handleTargetExit(_ target: TargetSession, status: ExitStatus) {
        target.process = nil
        if stoppingTargets { return }
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
        if shuttingDown {
            return "server \"\(target.name)\" exited, and the hub is shutting down, so it is not restarted"
        }
        if target.restarts.timer != nil { return nil }
        switch target.restarts.decide(now: now()) {
        case .refuse(let starts):
            return "server \"\(target.name)\" exited and was started \(starts) times in the last minute; "
                + "not restarting it again yet"
        case .startNow:
            log.server(target.name, "restarting")
            startTarget(target)
            // A spawn failure fails the restart at once; the caller must then answer, not defer.
            if case .exited(let reason) = target.state { return reason }
        case .startAfter(let wait):
            log.server(target.name, "restarting in \(Int((wait * 1000).rounded())) ms (restart backoff)")
            target.restarts.timer = startTimer(after: wait, .restart(target: target.index))
        }
        return nil
    }

    /// The backoff of `restartForCall` has passed.
    func restartAfterBackoff(_ target: TargetSession) {
        target.restarts.timer = nil
        guard target.isExited else { return }
        if shuttingDown {
            releaseDeferredIfSettled()  // its waiting calls are refused now
            return
        }
        log.server(target.name, "restarting")
        startTarget(target)
    }

    /// Answers every client call still waiting on `target` with an error, at once.
    func failPendingCalls(_ target: TargetSession, because reason: String) {
        let drained = target.drainPending()
        failSubscriptionWaiters(target, pending: Array(drained.values), because: reason)
        for (_, purpose) in drained {
            if case .clientCall(let clientID, let exposedName, let timer) = purpose {
                cancelTimer(timer)
                respond(
                    clientID,
                    error: JSONRPCError(
                        code: JSONRPCError.targetUnavailableCode, message: "\(exposedName): \(reason)"))
            }
        }
    }

    func timeOutCall(_ target: TargetSession, hubID: Int) {
        guard case .clientCall(let clientID, let exposedName, _)? = target.removePending(hubID) else { return }
        let seconds = target.config.timeouts.callSeconds
        target.notify(
            method: "notifications/cancelled",
            params: ["requestId": .int(hubID), "reason": .string("timed out in mcp-firewall-hub after \(seconds) s")])
        log.server(target.name, "\(exposedName) timed out after \(seconds) s")
        respond(
            clientID,
            error: JSONRPCError(
                code: JSONRPCError.targetUnavailableCode,
                message:
                    "\(exposedName): server \"\(target.name)\" did not answer within \(seconds) s (timeouts.call_seconds)"
            ))
    }

    /// The client cancelled one of its requests: tell the target, and never answer it.
    func cancelClientRequest(_ clientID: RequestID) {
        closeClientStream(clientID)
        deferred.removeAll { $0.id == clientID }
        cancelApprovalWaits(for: clientID)
        for target in targets {
            for (hubID, purpose) in target.pending {
                guard case .clientCall(let id, _, let timer) = purpose, id == clientID else { continue }
                cancelTimer(timer)
                _ = target.removePending(hubID)
                target.notify(method: "notifications/cancelled", params: ["requestId": .int(hubID)])
            }
        }
    }
}
