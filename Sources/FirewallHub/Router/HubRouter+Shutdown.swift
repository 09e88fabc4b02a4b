import MCPWire

/// Owns: the flow of a graceful shutdown (see `HubLifecycle` for its steps): refusing new requests,
/// the grace, answering what is still in flight, and stopping every target process. Never: leaves a
/// request unanswered, or a process unreaped.
extension HubRouter {
    /// The wait after closing a target's stdin before SIGTERM, and after SIGTERM before SIGKILL: 2 s, or
    /// `MCP_FIREWALL_HUB_STOP_GRACE_MS` (tests make it long, so that a stop which needed the signals shows
    /// as a wait no loaded machine could explain).
    var targetStopGrace: Duration {
        environment["MCP_FIREWALL_HUB_STOP_GRACE_MS"].flatMap { Int($0) }.map { .milliseconds(max(0, $0)) }
            ?? .seconds(2)
    }

    func beginShutdown() {
        guard lifecycle.beginShutdown() else { return }
        failApprovalWaits(reason: "the hub shut down before the user answered")
        guard mode == .serve else {
            lifecycle.finished = true
            return
        }
        lifecycle.graceTimer = timers.start(after: HubLifecycle.graceSeconds, .shutdownGrace)
        advanceShutdown()
    }

    /// Called after every event: ends the grace early once nothing is in flight.
    func advanceShutdown() {
        guard lifecycle.shuttingDown, !lifecycle.stoppingTargets, mode == .serve, calls.inFlightCount == 0 else {
            return
        }
        endShutdownGrace()
    }

    /// Steps 3 and 4: every request still open is answered, then the targets are stopped.
    func endShutdownGrace() {
        guard lifecycle.beginStopping() else { return }
        timers.cancel(lifecycle.graceTimer)
        lifecycle.graceTimer = nil
        let unfinished = calls.inFlightCount
        if unfinished > 0 {
            log.info("shutting down: \(unfinished) request(s) still in flight are answered with an error")
        }
        failInputBridges(reason: "the hub is shutting down; the call was not finished")
        failApprovalWaits(reason: "the hub shut down before the user answered")
        for entry in calls.takeDeferred() {
            answer(
                entry.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "the hub is shutting down; the request was not run"))
        }
        closeClientStreams()
        for target in pool.sessions { cancelAll(at: target) }
        for ticket in calls.openTickets {  // nothing should be left: a request the owners lost track of
            log.error("a \(calls[ticket]?.method ?? "request") was still open at shutdown; answering it")
            answer(ticket, error: .internalError("the hub is shutting down; the request was not finished"))
        }
        let processes = pool.takeAllProcesses()
        let sink = self.sink
        let grace = targetStopGrace
        Task.detached {
            await withTaskGroup(of: Void.self) { group in
                for process in processes {
                    group.addTask { await process.shutdown(grace: grace) }
                }
            }
            sink.yield(.targetsStopped)
        }
    }

    /// Everything still sent to `target` is cancelled there, and each call answered with an error.
    private func cancelAll(at target: TargetSession) {
        let reason = "the hub is shutting down; the request was not run"
        let drained = calls.drain(target: target.index)
        failSubscriptionWaiters(target, pending: drained.map(\.purpose), because: reason)
        for (hubID, purpose) in drained {
            if case .listen = purpose {  // the hub ends its own stream, as a client does
                target.notify(method: "notifications/cancelled", params: ["requestId": .int(hubID)])
            }
            guard case .call(let call) = purpose else { continue }
            timers.cancel(call.timer)
            target.notify(
                method: "notifications/cancelled",
                params: ["requestId": .int(hubID), "reason": .string("mcp-firewall-hub is shutting down")])
            answer(
                call.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(call.label): the hub is shutting down; the call was cancelled before "
                        + "\"\(target.name)\" answered, so its outcome is unknown"))
        }
    }

    /// Closes every target's stdin, then escalates to SIGTERM and SIGKILL of its process group
    /// (`tools`, and a safety net after the serve loop; a no-op once `endShutdownGrace` stopped them).
    func stopAllTargets() async {
        let processes = pool.takeAllProcesses()
        let grace = targetStopGrace
        await withTaskGroup(of: Void.self) { group in
            for process in processes {
                group.addTask { await process.shutdown(grace: grace) }
            }
        }
    }

    /// A process the router no longer talks to but that may still be exiting (a target that failed
    /// or is being replaced): shut it down now, and wait for it at exit.
    func retire(_ process: ChildProcess) {
        pool.retire(process)
        let grace = targetStopGrace
        Task.detached { await process.shutdown(grace: grace) }
    }
}
