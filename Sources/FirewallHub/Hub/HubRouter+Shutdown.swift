import MCPWire

/// Graceful shutdown (end of the client's stdin, SIGTERM, SIGINT, SIGHUP):
///
/// 1. stop accepting: new client requests are answered with an error at once;
/// 2. grace: calls already in flight (forwarded, or waiting for a start-up or restart) may finish for up
///    to `shutdownGraceSeconds`; the grace ends as soon as none is left, or at a second signal;
/// 3. every call still in flight is answered with an error (and cancelled at its target), so every
///    request gets exactly one answer;
/// 4. each target is stopped the MCP stdio way: stdin closed, SIGTERM to its process group after
///    `targetStopGrace`, SIGKILL after as much again; the loop keeps running (forwarding stderr) until
///    every target has been reaped, then ends.
extension HubRouter {
    /// How long in-flight calls may take to finish once shutdown has begun.
    static let shutdownGraceSeconds = 1.0
    /// The wait after closing a target's stdin before SIGTERM, and after SIGTERM before SIGKILL: 2 s, or
    /// `MCP_FIREWALL_HUB_STOP_GRACE_MS` (tests make it long, so that a stop which needed the signals shows
    /// as a wait no loaded machine could explain).
    var targetStopGrace: Duration {
        environment["MCP_FIREWALL_HUB_STOP_GRACE_MS"].flatMap { Int($0) }.map { .milliseconds(max(0, $0)) }
            ?? .seconds(2)
    }

    /// Client requests that still owe an answer: forwarded calls and requests waiting for a target.
    var inFlightClientRequests: Int {
        deferred.count + inputBridges.count + targets.reduce(0) { $0 + $1.pendingClientCallCount }
    }

    /// Step 2: starts the grace period (serve mode; `listTools` just stops).
    func startShutdownGrace() {
        guard mode == .serve else {
            finished = true
            return
        }
        shutdownGraceTimer = startTimer(after: Self.shutdownGraceSeconds, .shutdownGrace)
        advanceShutdown()
    }

    /// Called after every event: ends the grace early once nothing is in flight.
    func advanceShutdown() {
        guard shuttingDown, !stoppingTargets, mode == .serve, inFlightClientRequests == 0 else { return }
        endShutdownGrace()
    }

    /// Steps 3 and 4.
    func endShutdownGrace() {
        guard shuttingDown, !stoppingTargets else { return }
        stoppingTargets = true
        cancelTimer(shutdownGraceTimer)
        shutdownGraceTimer = nil
        let unfinished = inFlightClientRequests
        if unfinished > 0 {
            log.info("shutting down: \(unfinished) request(s) still in flight are answered with an error")
        }
        failInputBridges(reason: "the hub is shutting down; the call was not finished")
        let waiting = deferred
        deferred = []
        for request in waiting {
            respond(
                request.id,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "the hub is shutting down; the request was not run"))
        }
        closeClientStreams()
        for target in targets {
            let drained = target.drainPending()
            failSubscriptionWaiters(
                target, pending: Array(drained.values), because: "the hub is shutting down; the request was not run")
            for (hubID, purpose) in drained {
                if case .listen = purpose {  // the hub ends its own stream, as a client does
                    target.notify(method: "notifications/cancelled", params: ["requestId": .int(hubID)])
                }
                guard case .clientCall(let clientID, let exposedName, let timer) = purpose else { continue }
                cancelTimer(timer)
                target.notify(
                    method: "notifications/cancelled",
                    params: ["requestId": .int(hubID), "reason": .string("mcp-firewall-hub is shutting down")])
                respond(
                    clientID,
                    error: JSONRPCError(
                        code: JSONRPCError.targetUnavailableCode,
                        message: "\(exposedName): the hub is shutting down; the call was cancelled before "
                            + "\"\(target.name)\" answered, so its outcome is unknown"))
            }
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

    /// Closes every target's stdin, then escalates to SIGTERM and SIGKILL of its process group
    /// (`tools`, and a safety net after the serve loop; a no-op once `endShutdownGrace` stopped them).
    func stopAllTargets() async {
        let processes = pool.takeAllProcesses()
        await withTaskGroup(of: Void.self) { group in
            for process in processes {
                let grace = targetStopGrace
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
