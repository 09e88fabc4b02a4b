import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns: the hub's event loop — one event at a time in, the owners' transitions, their results out
/// (messages through `PeerOutput`, timers, spawns, log lines). Never: keeps routing state of its own
/// (every table belongs to one owner below), or knows a lock exists (the event sink holds the only one).
///
/// Producers (reader threads, waitpid threads, timers, signal handlers) only yield `HubEvent`s to the
/// sink, which runs `handle` on their thread under one lock: the router is single-threaded. The flows
/// live in the `HubRouter+…` files, each named for what it dispatches; see ARCHITECTURE.md.
final class HubRouter {
    enum Mode {
        /// The MCP server: a client on stdin/stdout.
        case serve
        /// Start every target, wait until each is ready or has failed, then stop.
        case listTools
    }

    /// The running config (a reload replaces it: `HubRouter+Reload`).
    var config: HubConfig
    let environment: [String: String]
    let log: HubLog
    let mode: Mode
    /// Monotonic seconds, injected so tests can drive expiry.
    let now: @Sendable () -> Double
    /// Where producers deliver events; it runs `handle` on their thread, one event at a time.
    let sink = HubEventSink()
    var timers: Timers
    var lifecycle = HubLifecycle()
    var clientOut: PeerOutput?
    /// The audit trail (`serve` with `audit`), and the forwarded calls it owes an outcome record.
    var audit: AuditTrail?
    let auditCalls = AuditCalls()
    /// Whether hub.json changed on disk (`serve` reloads it).
    var configWatch = ConfigWatch(loaded: nil)
    /// `serve` on a hub.json watches and reloads it; single-target mode (a firewall_config.json) does not.
    var reloadsConfig = false
    /// `serve --watch`: a saved hub.json is reloaded without a signal (off by default: see README).
    var watchesConfig = false

    // The owners of the hub's state (see ARCHITECTURE.md). Classes, so that asking one a question
    // never copies its tables.
    let client: ClientSession
    let pool: TargetPool
    let calls: CallTable
    let catalog: Catalog
    let desk: ApprovalDesk
    let bridge = EraBridge()
    /// Flow rules, limits and the exfiltration guard over this session's calls (HubRouter+SessionPolicy).
    let sessionPolicy: SessionPolicy
    /// Tool definitions and instructions held until a person accepts a change (HubRouter+Pins).
    let pins: PinGuard

    init(
        config: HubConfig, environment: [String: String], log: HubLog, mode: Mode,
        policies: [String: any ToolPolicy]? = nil,
        now: @escaping @Sendable () -> Double = HubRouter.monotonicSeconds
    ) {
        self.config = config
        self.environment = environment
        self.log = log
        self.mode = mode
        self.now = now
        let sink = self.sink
        timers = Timers { id in sink.yield(.timer(id)) }
        client = ClientSession(namingConfig: config.naming)
        pool = TargetPool(config: config)
        if let window = environment["MCP_FIREWALL_HUB_RESTART_WINDOW_S"].flatMap({ Double($0) }), window >= 60 {
            for target in pool.sessions { target.restarts.window = window }
        }
        calls = CallTable(targets: config.servers.count)
        catalog = Catalog(config: config, policies: policies)
        desk = ApprovalDesk(settings: config.approval)
        sessionPolicy = SessionPolicy(config: config.session)
        pins = PinGuard(config: config.pins, active: mode == .serve)
        sink.attach(self)
    }

    deinit {
        timers.stop()
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    // MARK: - Running

    /// Serves one client on the given fds until its input ends or a signal arrives.
    func serve(input: Int32, output: FDWriter) async {
        clientOut = PeerOutput(output)
        let sink = self.sink
        let reader = LineReader(
            fd: input,
            onLines: { sink.yield(.clientLines($0)) },
            onTooLong: { sink.yield(.clientLineTooLong($0)) },
            onEOF: { sink.yield(.clientClosed) })
        sink.withRouter { router in
            router.startAllTargets()
            router.startConfigWatch()
        }
        reader.start()
        await sink.waitUntilEnded()
        await stopAllTargets()
    }

    /// Starts every target and returns once each is ready or has failed.
    func startAndSettle() async {
        sink.withRouter { router in
            router.startAllTargets()
            if router.pool.allSettled { router.lifecycle.finished = true }
        }
        await sink.waitUntilEnded()
    }

    /// The event sink ends the loop once this is true.
    var finished: Bool { lifecycle.finished }

    func handle(_ event: HubEvent) {
        switch event {
        case .clientLines(let lines):
            for line in lines { handleClientLine(line) }
        case .clientLineTooLong(let size):
            log.warning("a client message of \(size) bytes exceeds the line limit and was dropped")
            sendToClient(.response(.error(nil, .invalidRequest("message of \(size) bytes is too long"))))
        case .clientClosed:
            log.debug("client input closed; shutting down")
            beginShutdown()
        case .target(let index, let generation, let childEvent):
            guard let target = pool.session(index, generation: generation) else { return }
            handleTargetEvent(target, childEvent)
        case .timer(let id):
            guard let purpose = timers.fired(id) else { return }
            handleTimer(purpose)
        case .signal(let signo) where signo == SIGHUP && reloadsConfig && !lifecycle.shuttingDown:
            reloadConfig(because: "SIGHUP")
        case .signal(let signo):
            if lifecycle.shuttingDown {
                log.info("received signal \(signo) again; not waiting for calls in flight")
                endShutdownGrace()
            } else {
                log.info("received signal \(signo); shutting down")
                beginShutdown()
            }
        case .targetsStopped:
            lifecycle.finished = true
        }
        settle()
    }

    /// After every event: a request its handler neither answered nor parked is answered (never left
    /// silent: a bug, logged), and a shutdown moves on once nothing is in flight.
    func settle() {
        for ticket in calls.unhandled() {
            log.error("a \(calls[ticket]?.method ?? "request") was left unanswered by the hub; answering with an error")
            answer(ticket, error: .internalError("the hub could not finish this request"))
        }
        stopDrainedTargets()
        advanceShutdown()
    }

    private func handleTimer(_ purpose: TimerPurpose) {
        switch purpose {
        case .startupGrace:
            pool.endGrace()
            if !pool.allSettled {
                let waiting = pool.stillStarting.map(\.name).joined(separator: ", ")
                log.warning(
                    "still starting after \(Int(TargetPool.startupGraceSeconds)) s: \(waiting); serving the others meanwhile"
                )
            }
            releaseDeferredIfSettled()
        case .startupNotice:
            announceSlowStarts()
        case .startup(let index, let generation):
            startupTimedOut(index, generation: generation)
        case .call(let index, let hubID):
            timeOutCall(pool[index], hubID: hubID)
        case .elicitation(let id):
            promptTimedOut(id)
        case .shutdownGrace:
            endShutdownGrace()
        case .restart(let index):
            restartAfterBackoff(pool[index])
        case .configWatch:
            watchConfigFile()
        }
    }

    // MARK: - What the CLI reads (`tools`, pin snapshots)

    /// The target sessions, in config order.
    var targets: [TargetSession] { pool.sessions }

    /// Each server's tool policy.
    var policies: [String: any ToolPolicy] { catalog.policies }

    /// The tool naming (the CLI's `tools` sets the one of the client it shows names for).
    var naming: ToolNaming {
        get { catalog.naming }
        set { catalog.useNaming(newValue) }
    }
}
