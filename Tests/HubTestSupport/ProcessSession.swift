import Dispatch
import Foundation
import MCPWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shared core of one spawned process: its mutex-protected `SessionState`, the waiting machinery,
/// and the reader / writer / reaper threads. Threads hold this object, never the `MCPProcess`, so the
/// `MCPProcess` can be deinitialized (and kill the child) while the threads are still running.
final class ProcessSession: Sendable {
    /// How long the reaper waits for both pipes to reach EOF after the exit, and how long a reader
    /// waits for the exit after its EOF, before declaring the stream / process over anyway.
    static let streamGrace: DispatchTimeInterval = .seconds(2)

    let pid: Int32
    let label: String
    let writer: PipeWriter
    private let state = Mutex(SessionState())
    /// Entered once at launch, left when the child has been reaped.
    private let reaped = DispatchGroup()
    /// Entered twice at launch, left at the EOF of stdout and of stderr.
    private let streamsClosed = DispatchGroup()

    init(child: SpawnedChild, label: String, echoStderr: Bool) {
        pid = child.pid
        self.label = label
        writer = PipeWriter(fd: child.stdinWrite, name: "\(label) stdin")
        reaped.enter()
        streamsClosed.enter()
        streamsClosed.enter()
        PipeReader.startLines(
            fd: child.stdoutRead, name: "\(label) stdout",
            onLine: { [self] line in receiveStdout(line) },
            onEnd: { [self] in streamEnded(isStdout: true) })
        PipeReader.start(
            fd: child.stderrRead, name: "\(label) stderr",
            onChunk: { [self] chunk in
                if echoStderr { _ = write(2, chunk.baseAddress, chunk.count) }
                resume(state.withLock { $0.receive(stderr: chunk) })
            },
            onEnd: { [self] in streamEnded(isStdout: false) })
        let reaper = Thread { [self] in reap() }
        reaper.name = "\(label) waitpid"
        reaper.start()
    }

    // MARK: Reading state

    func read<T>(_ body: (inout SessionState) -> T) -> T {
        state.withLock { body(&$0) }
    }

    // MARK: Waiting

    /// Suspends until `kind` is satisfied, the stream it depends on ends, `timeout` passes, or the calling
    /// task is cancelled. Exactly one of those resumes the continuation.
    func wait(for kind: WaitKind, awaiting: String, timeout: Duration) async throws -> WaitOutcome {
        let token = state.withLock { $0.issueToken() }
        let label = label
        let timer = Task { [self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            let tail = state.withLock { $0.stderrTail() }
            fail(
                token: token,
                error: TestSupportError.timeout(awaiting: awaiting, timeout: timeout, process: label, stderrTail: tail))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let waiter = SessionState.Waiter(
                    token: token, kind: kind, awaiting: awaiting, continuation: continuation)
                state.withLock { $0.register(waiter, endError: endError) }?.run()
            }
        } onCancel: {
            fail(token: token, error: CancellationError())
        }
    }

    private func fail(token: UInt64, error: any Error) {
        state.withLock { $0.fail(token: token, error: error) }?.run()
    }

    // MARK: Lifecycle

    /// SIGKILLs the child's process group (and the child), closes its stdin, and waits briefly for the reap.
    func terminate() {
        let stillRunning = state.withLock { $0.exitStatus == nil }
        // The child leads its own group (pgid == pid); the group id stays reserved while any member lives.
        kill(-pid, SIGKILL)
        if stillRunning { kill(pid, SIGKILL) }
        writer.close()
        _ = reaped.wait(timeout: .now() + .seconds(5))
    }

    func sendSignal(_ signal: Int32) {
        if state.withLock({ $0.exitStatus == nil }) { kill(pid, signal) }
    }

    // MARK: Threads

    private func receiveStdout(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        var message: JSONRPCMessage?
        if case .message(let decoded) = JSONRPCMessage.decode(line: line) { message = decoded }
        state.withLock { $0.receive(line: text, message: message) }?.run()
    }

    private func streamEnded(isStdout: Bool) {
        streamsClosed.leave()
        // Normally the exit follows at once and `reap` ends everything with the status. If the child
        // keeps running with the stream closed, nothing more can come on it: end it here.
        guard reaped.wait(timeout: .now() + Self.streamGrace) == .timedOut else { return }
        resume(
            state.withLock {
                isStdout ? $0.endMessages(.closed, endError: endError) : $0.endStderr(.closed, endError: endError)
            })
    }

    private func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                status = 0x7F00  // not our child any more (someone else reaped it): report 127
                break
            }
        }
        let code = Self.exitCode(fromWaitStatus: status)
        state.withLock { $0.exitStatus = code }
        reaped.leave()
        writer.close()
        // Let the readers deliver what the child wrote before exiting (EOF normally follows at once;
        // a grandchild holding a pipe open delays it, hence the grace period).
        _ = streamsClosed.wait(timeout: .now() + Self.streamGrace)
        resume(state.withLock { $0.finishProcess(status: code, endError: endError) })
    }

    private func resume(_ resumptions: [Resumption]) {
        for resumption in resumptions { resumption.run() }
    }

    private var endError: SessionState.EndError {
        let label = label
        return { stream, end, awaiting, tail in
            switch end {
            case .exited(let status):
                return TestSupportError.processExited(
                    status: status, awaiting: awaiting, process: label, stderrTail: tail)
            case .closed:
                return TestSupportError.streamClosed(
                    stream: stream, awaiting: awaiting, process: label, stderrTail: tail)
            }
        }
    }

    /// The exit status, or 128+signal for a child killed by a signal (as shells report it).
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
