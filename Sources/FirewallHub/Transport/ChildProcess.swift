import CShim
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a child reports. Events arrive on transport threads (one for stdout, one for stderr, one
/// waiter); per stream they are in order.
enum ChildEvent: Sendable {
    /// All complete lines of one read() chunk, without '\n' and without a trailing '\r'.
    case stdoutLines([[UInt8]])
    /// stdout reached EOF (not the same as exit: a grandchild may hold the pipe).
    case stdoutClosed
    /// A stdout line longer than the limit was dropped; the value is its length in bytes.
    case stdoutLineTooLong(Int)
    /// Complete stderr lines (a final partial line at EOF too), each truncated to 64 KiB.
    case stderrLines([[UInt8]])
    /// The process-group leader exited and has been reaped. Always the last event of the waiter; it
    /// comes after `stdoutClosed` unless stdout stayed open (held by a process outside the group,
    /// or one that survived SIGKILL) past the termination grace.
    case exited(ExitStatus)
}

/// A spawned MCP server: its own process group, stdin via an `FDWriter`, stdout/stderr via
/// `LineReader`s, and one waiter thread that reaps it (waitid on its pid only, never -1).
///
/// Lifecycle when the leader exits (by itself or after a signal): while the leader is still an
/// unreaped zombie (so its pid/pgid cannot be reused), the group gets SIGTERM; once stdout and stderr
/// are at EOF and no live member is left in the group (checked via /proc on Linux) — or, failing that,
/// after the termination grace — the group gets SIGKILL; then the leader is reaped and `.exited`
/// delivered.
final class ChildProcess: Sendable {
    static let stderrLineLimit = 64 << 10
    static let stdoutLineLimit = 64 << 20

    /// The process-group leader: the target itself, or the supervisor in front of it (see
    /// `ProcessLauncher`), which exits with the target's status.
    let pid: Int32
    /// The command as given in the spec (for messages).
    let command: String
    /// The supervisor's sweep grace when `pid` is a supervisor; nil otherwise.
    let supervisorGrace: Duration?

    private struct Lifecycle {
        var grace: Duration
        var status: ExitStatus?
        var reaped = false
    }

    private let stdin: FDWriter
    private let lifecycle: Mutex<Lifecycle>
    private let leaderExited = OneShotGate()
    private let reaped = OneShotGate()

    private init(pid: Int32, command: String, stdinFD: Int32, grace: Duration, supervisorGrace: Duration?) {
        self.pid = pid
        self.command = command
        self.supervisorGrace = supervisorGrace
        self.stdin = FDWriter(
            fd: stdinFD, closeOnFinish: true, name: "stdin of \(pid)", batchable: true, growsPipe: true)
        self.lifecycle = Mutex(Lifecycle(grace: grace))
    }

    /// Resolves the command against the child's PATH, checks the working directory, and spawns it
    /// from the dedicated spawner thread. `onEvent` may be called before this returns.
    static func spawn(
        _ spec: SpawnSpec, maxLineBytes: Int = stdoutLineLimit,
        onEvent: @escaping @Sendable (ChildEvent) -> Void
    ) throws(SpawnError) -> ChildProcess {
        UnixSignals.installNoOpSIGPIPEHandlerIfDefault()
        if let directory = spec.workingDirectory, !isDirectory(directory) {
            throw .workingDirectoryMissing(directory)
        }
        let path = try ExecutableLookup.resolve(
            command: spec.command, environment: spec.environment, workingDirectory: spec.workingDirectory)
        let result = SpawnerThread.shared.perform {
            ProcessLauncher.launch(
                path: path, arguments: spec.arguments, environment: spec.environment,
                workingDirectory: spec.workingDirectory, killWithParent: spec.killWithParent,
                terminationGrace: spec.terminationGrace)
        }
        let launched: ProcessLauncher.Launched
        switch result {
        case .success(let value):
            launched = value
        case .failure(let failure):
            let code = failure.code
            if let directory = spec.workingDirectory, !isDirectory(directory) {
                throw .workingDirectoryMissing(directory)
            }
            if code == EACCES || code == ENOEXEC { throw .notExecutable(path) }
            throw .spawnFailed(command: spec.command, errno: code)
        }
        let child = ChildProcess(
            pid: launched.pid, command: spec.command, stdinFD: launched.stdinFD, grace: spec.terminationGrace,
            supervisorGrace: launched.supervisorGrace)
        child.startMonitoring(launched, maxLineBytes: maxLineBytes, onEvent: onEvent)
        return child
    }

    /// Enqueues bytes for the child's stdin. Never blocks; dropped after `closeStdin()`, exit or EPIPE.
    /// Protocol messages go through `protocolInput` instead (framed by `OutboundLine`).
    func write(_ bytes: [UInt8]) {
        stdin.write(bytes)
    }

    /// The child's stdin as a protocol peer: takes only framed lines.
    var protocolInput: PeerOutput { PeerOutput(stdin) }

    /// Closes the child's stdin once everything already written has been delivered.
    func closeStdin() {
        stdin.finish()
    }

    /// kill(-pgid, signal). Does nothing once the leader has been reaped (its pgid could be reused).
    func signalGroup(_ signal: Int32) {
        lifecycle.withLock { state in
            if !state.reaped { _ = kill(-pid, signal) }
        }
    }

    /// MCP stdio shutdown: close stdin; if the leader has not exited within `grace`, SIGTERM the
    /// group; if still alive after another `grace`, SIGKILL the group. The rest of the group gets
    /// the same treatment after the leader exits (see the type comment, with `grace` as the grace).
    /// A supervisor leader sweeps the tree itself after the SIGTERM, so the SIGKILL waits for at least
    /// its sweep grace (+0.5 s): a group SIGKILL would kill it before it reached `setsid` escapees.
    /// Returns when the leader has been reaped and `.exited` delivered.
    func shutdown(grace: Duration) async {
        lifecycle.withLock { $0.grace = grace }
        closeStdin()
        if await !leaderExited.wait(timeout: grace) {
            signalGroup(SIGTERM)
            let killAfter = supervisorGrace.map { max(grace, $0 + .milliseconds(500)) } ?? grace
            if await !leaderExited.wait(timeout: killAfter) {
                signalGroup(SIGKILL)
            }
        }
        await waitForExit()
    }

    /// Waits until the leader has been reaped (and `.exited` delivered); returns its status.
    @discardableResult
    func waitForExit() async -> ExitStatus {
        while true {
            await reaped.wait()
            if let status = exitStatus { return status }
            // Only reachable if the waiting task was cancelled: poll gently.
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// True once the leader has been reaped.
    var hasExited: Bool { lifecycle.withLock { $0.reaped } }

    /// The leader's status once reaped.
    var exitStatus: ExitStatus? { lifecycle.withLock { $0.status } }

    /// Bytes queued for stdin and not yet written (a child that does not read makes this grow).
    var pendingStdinBytes: Int { stdin.queuedBytes }

    // MARK: - Monitoring

    private func startMonitoring(
        _ launched: ProcessLauncher.Launched, maxLineBytes: Int, onEvent: @escaping @Sendable (ChildEvent) -> Void
    ) {
        let outputClosed = DispatchSemaphore(value: 0)
        LineReader(
            fd: launched.stdoutFD, maxLineBytes: maxLineBytes, overlongPolicy: .drop, closeOnEOF: true,
            name: "stdout of \(pid)", growsPipe: true,
            onLines: { onEvent(.stdoutLines($0)) },
            onTooLong: { onEvent(.stdoutLineTooLong($0)) },
            onEOF: {
                onEvent(.stdoutClosed)
                outputClosed.signal()
            }
        ).start()
        LineReader(
            fd: launched.stderrFD, maxLineBytes: Self.stderrLineLimit, overlongPolicy: .truncate,
            closeOnEOF: true, name: "stderr of \(pid)",
            onLines: { onEvent(.stderrLines($0)) },
            onEOF: { outputClosed.signal() }
        ).start()
        DetachedThread.start(name: "waiter of \(pid)") { [self] in
            superviseExit(outputClosed: outputClosed, onEvent: onEvent)
        }
    }

    /// Runs on the waiter thread.
    private func superviseExit(outputClosed: DispatchSemaphore, onEvent: @Sendable (ChildEvent) -> Void) {
        var signaled: Int32 = 0
        var value: Int32 = 0
        // Detect the exit but leave the zombie in place: its pid keeps the pgid reserved.
        let waitError = cshim_wait_exit(pid, 1, &signaled, &value)
        let status: ExitStatus
        if waitError == 0 {
            status = signaled != 0 ? .signaled(value) : .exited(value)
            leaderExited.open()
            cleanUpGroup(outputClosed: outputClosed)
            lifecycle.withLock { state in
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                state.reaped = true
                state.status = status
            }
        } else {
            // ECHILD: someone else reaped it (e.g. SIGCHLD set to SIG_IGN); the status is unknown.
            status = .exited(-1)
            leaderExited.open()
            lifecycle.withLock { state in
                state.reaped = true
                state.status = status
            }
        }
        onEvent(.exited(status))
        stdin.finish()
        reaped.open()
    }

    /// SIGTERM the group, wait for stdout/stderr EOF and an empty group up to the grace, then SIGKILL.
    private func cleanUpGroup(outputClosed: DispatchSemaphore) {
        _ = kill(-pid, SIGTERM)
        let start = ContinuousClock.now
        var closedStreams = 0
        var clean = false
        while true {
            let deadline = start + lifecycle.withLock { $0.grace }
            let now = ContinuousClock.now
            if closedStreams < 2 {
                if now >= deadline { break }
                let slice = min(deadline - now, .milliseconds(50))
                if outputClosed.wait(timeout: .now() + Self.dispatchInterval(slice)) == .success {
                    closedStreams += 1
                }
                continue
            }
            if cshim_group_has_live_members(pid, pid) != 1 {
                clean = true
                break
            }
            if now >= deadline { break }
            usleep(20_000)
        }
        guard !clean else { return }
        _ = kill(-pid, SIGKILL)
        // Give the readers a moment to see EOF so `.stdoutClosed` still precedes `.exited`.
        let limit = ContinuousClock.now + .milliseconds(250)
        while closedStreams < 2 {
            let now = ContinuousClock.now
            if now >= limit { break }
            if outputClosed.wait(timeout: .now() + Self.dispatchInterval(limit - now)) == .success {
                closedStreams += 1
            }
        }
        // SIGKILL is delivered asynchronously: wait (briefly) until every member is really gone, so
        // that when `.exited` is delivered no process of the group is left running.
        let killDeadline = ContinuousClock.now + .seconds(1)
        while cshim_group_has_live_members(pid, pid) == 1 && ContinuousClock.now < killDeadline {
            usleep(5_000)
        }
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
