import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hub's single event loop. It owns every piece of routing state: target sessions, the merged
/// catalog, pending requests and held calls. Producers only yield `HubEvent`s, so nothing here
/// needs a lock, and every client request is answered exactly once from this one place.
final class HubRouter {
    enum Mode {
        /// The MCP server: a client on stdin/stdout.
        case serve
        /// Start every target, wait until each is ready or has failed, then stop.
        case listTools
    }

    let config: HubConfig
    let environment: [String: String]
    let log: HubLog
    let mode: Mode
    /// Where producers deliver events; it runs `handle` on their thread, one event at a time.
    let sink = HubEventSink()
    /// Fires `timers` into the event stream.
    let deadlines: DeadlineTimer
    /// Monotonic seconds, injected so tests can drive expiry.
    let now: @Sendable () -> Double

    var clientOut: PeerOutput?
    var pool: TargetPool
    var approvals: ApprovalStore
    var grants = GrantStore()
    /// Approval prompts open on the client, by the hub's own request id.
    var pendingElicitations: [String: ElicitationWait] = [:]
    var nextHubRequest = 0
    var announcedAgentFallback = false
    /// The client's `initialize` capabilities.
    var clientCapabilities: JSONObject?
    /// What the hub declared in its `initialize` answer (the merged set of the targets').
    var declaredCapabilities = JSONObject()
    /// The level of the client's last `logging/setLevel`, re-sent to restarted targets.
    var clientLogLevel: String?
    var nextProgressToken = 0
    /// In-flight client requests that carried the 2026-07-28 envelope.
    var modernRequests: [RequestID: ModernClientRequest] = [:]
    /// A modern client's open `subscriptions/listen` streams, by the listen request's id.
    var clientStreams: [RequestID: ClientStream] = [:]
    /// Seals `requestState` tokens of MRTR approvals; keyed per hub process.
    let requestStateSeal = RequestStateSeal()
    var requestStateLedger = RequestStateLedger()
    /// Input bridges between protocol eras (see HubRouter+Bridge).
    var inputBridges: [Int: InputBridge] = [:]
    var nextBridge = 0
    var bridgeRequests: [String: (bridge: Int, key: String)] = [:]
    var inputRounds: [RequestID: Int] = [:]
    var reverseBridges: [String: ReverseBridge] = [:]
    /// Calls (by digest) whose retries carry a modern target's own `requestState`, until when.
    var mrtrAllowances: [String: Double] = [:]
    /// Requests targets sent the client, by the hub's id for them.
    var pendingTargetRequests: [String: (target: Int, generation: Int, id: RequestID)] = [:]
    var catalog: Catalog
    var clientName: String?
    var clientInitialized = false
    /// Tool requests that arrived before every target finished starting, in arrival order.
    var deferred: [JSONRPCMessage.Request] = []
    var timers: [Int: TimerPurpose] = [:]
    var nextTimer = 1
    var finished = false
    var shuttingDown = false
    /// Shutdown reached its last step: targets are being stopped (see HubRouter+Shutdown).
    var stoppingTargets = false
    var shutdownGraceTimer: Int?

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
        deadlines = DeadlineTimer { id in sink.yield(.timer(id)) }
        approvals = ApprovalStore(
            settings: ApprovalSettings(
                ttlSeconds: Double(config.approval.codeTTLSeconds), maxAttempts: config.approval.maxAttempts,
                digits: config.approval.codeDigits, maxPending: config.approval.maxPending,
                maxWrongCodes: config.approval.maxWrongCodes))
        catalog = Catalog(config: config, policies: policies)
        pool = TargetPool(config: config)
        sink.attach(self)
    }

    deinit {
        deadlines.stop()
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
        sink.withRouter { $0.startAllTargets() }
        reader.start()
        await sink.waitUntilEnded()
        await stopAllTargets()
    }

    /// Starts every target and returns once each is ready or has failed.
    func startAndSettle() async {
        sink.withRouter { router in
            router.startAllTargets()
            if router.allSettled { router.finished = true }
        }
        await sink.waitUntilEnded()
    }

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
            guard let purpose = timers.removeValue(forKey: id) else { return }
            handleTimer(purpose)
        case .signal(let signo):
            if shuttingDown {
                log.info("received signal \(signo) again; not waiting for calls in flight")
                endShutdownGrace()
            } else {
                log.info("received signal \(signo); shutting down")
                beginShutdown()
            }
        case .targetsStopped:
            finished = true
        }
        advanceShutdown()
    }

    func beginShutdown() {
        guard !shuttingDown else { return }
        shuttingDown = true
        failApprovalWaits(reason: "the hub shut down before the user answered")
        startShutdownGrace()
    }

    // MARK: - Timers

    func startTimer(after seconds: Double, _ purpose: TimerPurpose) -> Int {
        let id = nextTimer
        nextTimer += 1
        timers[id] = purpose
        deadlines.schedule(id: id, after: seconds)
        return id
    }

    func cancelTimer(_ id: Int?) {
        guard let id else { return }
        if timers.removeValue(forKey: id) != nil { deadlines.cancel(id: id) }
    }

    private func handleTimer(_ purpose: TimerPurpose) {
        switch purpose {
        case .startupGrace:
            pool.endGrace()
            if !allSettled {
                let waiting = pool.stillStarting.map(\.name).joined(separator: ", ")
                log.warning(
                    "still starting after \(Int(TargetPool.startupGraceSeconds)) s: \(waiting); serving the others meanwhile"
                )
            }
            releaseDeferredIfSettled()
        case .startupNotice:
            announceSlowStarts()
        case .startup(let index, let generation):
            guard let target = pool.session(index, generation: generation), !target.state.isSettled else { return }
            let seconds = target.config.timeouts.startupSeconds
            let unanswered = target.startup.awaiting.map { " (no answer to \($0.method))" } ?? ""
            failTarget(
                target, reason: "did not finish starting within \(seconds) s\(unanswered) (timeouts.startup_seconds)")
        case .call(let index, let hubID):
            timeOutCall(pool[index], hubID: hubID)
        case .elicitation(let id):
            elicitationTimedOut(id)
        case .shutdownGrace:
            endShutdownGrace()
        case .restart(let index):
            restartAfterBackoff(pool[index])
        }
    }

    // MARK: - Client output

    func sendToClient(_ message: JSONRPCMessage) {
        if case .response(let response) = message, !modernRequests.isEmpty {
            clientOut?.send(.response(modernized(response)))
            return
        }
        clientOut?.send(message)
    }

    func respond(_ id: RequestID, result: JSONValue) {
        sendToClient(.response(.result(id, result)))
    }

    func respond(_ id: RequestID?, error: JSONRPCError) {
        sendToClient(.response(.error(id, error)))
    }

    /// Each server's tool policy (the CLI's `tools` reads them).
    var policies: [String: any ToolPolicy] { catalog.policies }

    /// The tool naming (the CLI's `tools` sets the one of the client it shows names for).
    var naming: ToolNaming {
        get { catalog.naming }
        set { catalog.useNaming(newValue) }
    }

    /// The initial start-up is over: every target has been ready, failed or exited at least once.
    var allSettled: Bool { pool.allSettled }

    /// The target sessions (the CLI's `tools` reads their state).
    var targets: [TargetSession] { pool.sessions }
}
