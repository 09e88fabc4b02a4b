import MCPWire

/// Target life cycle: spawn, `initialize`, `tools/list` (all pages), answers, exits.
extension HubRouter {
    func startAllTargets() {
        for target in targets { startTarget(target) }
        switch mode {
        case .serve: _ = startTimer(after: Self.startupGraceSeconds, .startupGrace)
        case .listTools: _ = startTimer(after: Self.startupNoticeSeconds, .startupNotice)
        }
        releaseDeferredIfSettled()
    }

    /// `tools`: after this long, name the servers still starting (a first `uvx` run can take 30 s).
    static let startupNoticeSeconds = 2.0

    func announceSlowStarts() {
        let waiting = targets.filter { !$0.state.isSettled }
        guard !waiting.isEmpty else { return }
        let names = waiting.map { "\($0.name) (up to \($0.config.timeouts.startupSeconds) s)" }
        log.info("waiting for " + names.joined(separator: ", ") + " to start (timeouts.startup_seconds)")
    }

    func startTarget(_ target: TargetSession) {
        target.generation += 1
        target.pendingPages = [:]
        target.seenCursors = [:]
        target.listsReading = []
        target.relistAfter = []
        target.listsInFlight = []
        target.startTimes.append(now())
        let index = target.index
        let generation = target.generation
        let sink = self.sink
        var childEnvironment = environment
        for (key, value) in target.config.env { childEnvironment[key] = value }
        let spec = SpawnSpec(
            command: resolvedCommand(target.config.command), arguments: target.config.args,
            environment: childEnvironment,
            workingDirectory: target.config.cwd)
        do {
            target.process = try ChildProcess.spawn(spec) { event in
                sink.yield(.target(index: index, generation: generation, event))
            }
        } catch {
            failTarget(target, reason: "could not start: \(error)")
            return
        }
        target.state = .initializing
        target.startupTimer = startTimer(
            after: Double(target.config.timeouts.startupSeconds), .startup(target: index, generation: generation))
        target.era = .legacy
        target.openingRefusal = nil
        if target.config.protocolMode == .modern {
            sendDiscover(target)
        } else {
            sendInitialize(target)
        }
    }

    // MARK: - Opening a session: which era
    //
    // `auto` sends `initialize` first. Legacy and dual-era servers then get the full legacy session
    // (their own requests to the client, logging, list_changed), which keeps every feature a dual-era
    // server has: the official Python SDK commits a process to the era of its first request, and in
    // 2026-07-28 its `ctx.elicit` has no way to reach the client. A server that refuses `initialize`
    // with an error (a modern-only server answers -32022) is then opened with `server/discover` on the
    // same process. No timer decides the era: a slow server has until `timeouts.startup_seconds` to
    // answer, so an answer can never arrive after the hub has moved on to the other opening.

    /// `server/discover` with the hub's envelope (the target is not modern until it answers).
    func sendDiscover(_ target: TargetSession) {
        let meta = ModernEnvelope.meta(
            protocolVersion: ModernEnvelope.modernVersions[0], clientCapabilities: [:],
            clientInfo: Self.hubServerInfo)
        target.send(method: ModernMethods.discover, params: ["_meta": .object(meta)], purpose: .discover)
    }

    /// The answer to `server/discover`: a `DiscoverResult` naming 2026-07-28 (or a -32022 that lists
    /// it) opens a modern session; anything else refuses this opening.
    private func handleDiscoverAnswer(_ target: TargetSession, _ outcome: JSONRPCMessage.Response.Outcome) {
        let modern = ModernEnvelope.modernVersions[0]
        switch outcome {
        case .result(let result):
            guard result["supportedVersions"]?.arrayValue?.contains(.string(modern)) == true,
                let discover = result.objectValue
            else {
                openingRefused(target, method: ModernMethods.discover, "its DiscoverResult does not list \(modern)")
                return
            }
            becomeModern(target, discover: discover)
        case .error(let error):
            if error.code == JSONRPCError.unsupportedProtocolVersionCode,
                error.data?["supported"]?.arrayValue?.contains(.string(modern)) == true
            {
                becomeModern(target, discover: ["capabilities": ["tools": [:]]])
                return
            }
            openingRefused(target, method: ModernMethods.discover, "\(error.message) (code \(error.code))")
        }
    }

    private func becomeModern(_ target: TargetSession, discover: JSONObject) {
        target.era = .modern
        target.capabilities = discover["capabilities"]?.objectValue ?? ["tools": [:]]
        target.instructions = discover["instructions"]?.stringValue
        target.serverInfo = discover["_meta"]?[ModernEnvelope.serverInfoKey]
        log.debug("[\(target.name)] speaks 2026-07-28")
        openListen(target)
        startListing(target)
    }

    /// The target refused an opening request. `auto` then tries `server/discover` after a refused
    /// `initialize`, `modern` tries `initialize` after a refused `server/discover`; a second refusal,
    /// or the first under `legacy`, fails the start-up with both reasons.
    private func openingRefused(_ target: TargetSession, method: String, _ reason: String) {
        let text = "\(method) failed: \(reason)"
        if let first = target.openingRefusal {
            failTarget(target, reason: first + "; then " + text)
            return
        }
        target.openingRefusal = text
        switch (target.config.protocolMode, method) {
        case (.auto, "initialize"):
            log.debug("[\(target.name)] refused initialize (\(reason)); opening it with server/discover")
            sendDiscover(target)
        case (.modern, ModernMethods.discover):
            log.debug("[\(target.name)] refused server/discover (\(reason)); opening it with initialize")
            sendInitialize(target)
        default:
            failTarget(target, reason: text)
        }
    }

    /// The opening request still unanswered, for the start-up time-out message.
    func openingRequestInFlight(_ target: TargetSession) -> String? {
        for purpose in target.pending.values {
            switch purpose {
            case .initialize: return "initialize"
            case .discover: return ModernMethods.discover
            default: continue
            }
        }
        return nil
    }

    func sendInitialize(_ target: TargetSession) {
        var params = JSONObject()
        params["protocolVersion"] = .string(ProtocolVersion.latestLegacy)
        params["capabilities"] = .object(targetFacingCapabilities())
        params["clientInfo"] = .object(Self.hubServerInfo)
        target.send(method: "initialize", params: params, purpose: .initialize)
    }

    /// A relative command path (`.build/release/demo-payments`) is taken relative to the directory of
    /// hub.json, made absolute so a server's `cwd` does not change its meaning. A bare name (`uvx`) is
    /// looked up on the server's PATH; an absolute path is used as is.
    func resolvedCommand(_ command: String) -> String {
        guard command.contains("/"), !command.hasPrefix("/") else { return command }
        var directory = LocalPath.deletingLastComponent(config.filePath)
        if !directory.hasPrefix("/") {
            let cwd = LocalPath.currentDirectory()
            directory = directory.isEmpty ? cwd : cwd + "/" + directory
        }
        return directory + "/" + command
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
        if deliverPlainAnswer(target, line) { return }
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
        case .discover:
            handleDiscoverAnswer(target, response.outcome)
        case .bridged(let nonce):
            stashBridgedAnswer(nonce, response.outcome)
        case .initialize:
            switch response.outcome {
            case .error(let error):
                openingRefused(target, method: "initialize", "\(error.message) (code \(error.code))")
            case .result(let result):
                target.serverInfo = result["serverInfo"]
                target.instructions = result["instructions"]?.stringValue
                target.capabilities = result["capabilities"]?.objectValue
                target.notify(method: "notifications/initialized")
                if let level = clientLogLevel, target.capabilities?["logging"] != nil {
                    target.send(
                        method: "logging/setLevel", params: ["level": .string(level)], purpose: .internalRequest)
                }
                startListing(target)
                resubscribe(target)
            }
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
            target.state = .exited(message)
        } else {
            target.state = .failed(reason + target.stderrHint)
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
        target.state = .exited(reason)
        failPendingCalls(target, because: reason)
    }

    /// Restarts an exited target for a call, after the restart backoff, unless it has started too
    /// often in the last minute or the hub is shutting down. Returns why it will not restart, or nil
    /// when the restart is under way (the caller then defers the call until the target is ready).
    func restartForCall(_ target: TargetSession) -> String? {
        if shuttingDown {
            return "server \"\(target.name)\" exited, and the hub is shutting down, so it is not restarted"
        }
        if target.restartTimer != nil { return nil }
        let window = 60.0
        let cutoff = now() - window
        target.startTimes.removeAll { $0 < cutoff }
        if target.startTimes.count >= TargetSession.maxStartsPerMinute {
            return
                "server \"\(target.name)\" exited and was started \(target.startTimes.count) times in the last minute; "
                + "not restarting it again yet"
        }
        let backoff = TargetSession.restartBackoff(recentStarts: target.startTimes.count)
        let wait = max(0, (target.startTimes.last ?? -.infinity) + backoff - now())
        if wait < 0.01 {
            log.server(target.name, "restarting")
            startTarget(target)
            // A spawn failure fails the restart at once; the caller must then answer, not defer.
            if case .exited(let reason) = target.state { return reason }
        } else {
            log.server(target.name, "restarting in \(Int((wait * 1000).rounded())) ms (restart backoff)")
            target.restartTimer = startTimer(after: wait, .restart(target: target.index))
        }
        return nil
    }

    /// The backoff of `restartForCall` has passed.
    func restartAfterBackoff(_ target: TargetSession) {
        target.restartTimer = nil
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
