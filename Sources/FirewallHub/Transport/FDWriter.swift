import CShim
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The single writer of one file descriptor. `write` only enqueues (never blocks the caller); a
/// dedicated thread drains the queue in batches (one concatenated write-all per wake-up), retrying
/// EINTR and short writes. On EPIPE (or any other write error) the writer becomes `isBroken`, drops
/// everything queued and later writes, and stops.
///
/// Use exactly one FDWriter per fd (e.g. one for the hub's stdout): that is what keeps lines whole.
final class FDWriter: Sendable {
    private struct State {
        var queue: [[UInt8]] = []
        var queuedBytes = 0
        var enqueued = 0  // items accepted so far
        var written = 0  // items fully written (or dropped after a failure) so far
        var finishing = false
        var stopped = false  // thread gone: broken or finished and closed
        var broken = false
        var writerSleeping = false
        /// Messages of the caller's open `WriteBatch`, not yet enqueued (see `flushHeld`).
        var held: [[UInt8]] = []
        var flushWaiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let fd: Int32
    private let closeOnFinish: Bool
    /// Whether writes made inside a `WriteBatch` are held until it ends (protocol streams; not logs).
    private let batchable: Bool
    /// Whether the fd is a pipe of the hub's own to grow once a large message goes through it.
    private let growsPipe: Bool
    private let pipeGrown = Atomic(false)
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let stoppedSignal = DispatchSemaphore(value: 0)

    /// Starts the writer thread immediately.
    /// `growsPipe`: the fd is a pipe the hub made (a target's stdin): the first message over 64 KiB asks
    /// for a 1 MiB pipe buffer, so large messages cross in a few wake-ups (see `cshim_grow_pipe`).
    init(fd: Int32, closeOnFinish: Bool, name: String = "FDWriter", batchable: Bool = false, growsPipe: Bool = false) {
        self.fd = fd
        self.closeOnFinish = closeOnFinish
        self.batchable = batchable
        self.growsPipe = growsPipe
        DetachedThread.start(name: name) { [self] in self.run() }
    }

    /// Messages up to this size may be written on the caller's thread (see `write`).
    static let inlineWriteLimit = 4096

    /// Enqueues bytes. Never blocks; silently dropped after `finish()` or once the fd is broken.
    ///
    /// A small message (≤ PIPE_BUF) with nothing queued and the writer thread idle is written right
    /// here when `poll` says the fd is writable: a pipe then has room for PIPE_BUF bytes, so the write
    /// completes at once and whole. That saves two thread wake-ups per message on the hot path.
    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if batchable, let batch = WriteBatch.current {
            let first = state.withLock { state -> Bool in
                guard !state.finishing, !state.broken else { return false }
                state.held.append(bytes)
                return state.held.count == 1
            }
            if first { batch.enlist(self) }
            return
        }
        enqueue(bytes)
    }

    /// Writes what a batch held, joined into pieces of up to `inlineWriteLimit` bytes at message
    /// boundaries (so each piece can still go out on this thread when the pipe has room).
    func flushHeld() {
        // One lock for taking and enqueueing: a flush on another thread (finish, flushAndWait) cannot
        // slip its part in between and reorder the messages.
        let mustWake = state.withLock { state -> Bool in
            guard !state.held.isEmpty else { return false }
            var held: [[UInt8]] = []
            swap(&held, &state.held)
            var mustWake = false
            var piece: [UInt8] = []
            for message in held {
                if !piece.isEmpty, piece.count + message.count > Self.inlineWriteLimit {
                    mustWake = enqueueLocked(piece, &state) || mustWake
                    piece = []
                }
                if piece.isEmpty, message.count > Self.inlineWriteLimit {
                    mustWake = enqueueLocked(message, &state) || mustWake
                } else {
                    piece += message
                }
            }
            if !piece.isEmpty { mustWake = enqueueLocked(piece, &state) || mustWake }
            return mustWake
        }
        if mustWake { wake.signal() }
    }

    private func enqueue(_ bytes: [UInt8]) {
        let mustWake = state.withLock { state in enqueueLocked(bytes, &state) }
        if mustWake { wake.signal() }
    }

    /// With the state locked: writes `bytes` here when the pipe has room and nothing is queued, else
    /// queues them. True when the writer thread must be woken.
    private func enqueueLocked(_ bytes: [UInt8], _ state: inout State) -> Bool {
        if growsPipe, bytes.count > 64 << 10, !pipeGrown.exchange(true, ordering: .relaxed) { cshim_grow_pipe(fd) }
        guard !state.finishing, !state.broken else { return false }
        if state.queue.isEmpty, state.writerSleeping, bytes.count <= Self.inlineWriteLimit {
            switch writeInline(bytes) {
            case .done:
                state.enqueued += 1
                state.written += 1
                return false
            case .failed:
                state.broken = true
                return takeSleeper(&state)  // the writer thread stops, as after its own failed write
            case .notNow(let rest):
                state.queue.append(rest)
                state.queuedBytes += rest.count
                state.enqueued += 1
                return takeSleeper(&state)
            }
        }
        state.queue.append(bytes)
        state.queuedBytes += bytes.count
        state.enqueued += 1
        return takeSleeper(&state)
    }

    /// Closes the fd (if `closeOnFinish`) once everything already enqueued has been written, then
    /// ends the thread. Later writes are dropped.
    func finish() {
        flushHeld()  // a batch's messages precede the end
        let mustWake = state.withLock { state -> Bool in
            state.finishing = true
            return takeSleeper(&state)
        }
        if mustWake { wake.signal() }
    }

    /// Returns once everything enqueued before this call has been written, or the writer broke.
    func flushAndWait() async {
        flushHeld()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.stopped || state.written >= state.enqueued { return true }
                state.flushWaiters.append((state.enqueued, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Blocking: waits until the writer thread has stopped (after `finish()` drained the queue, or
    /// after a write error). Returns false on timeout. Meant for the hub's exit path.
    @discardableResult
    func waitUntilStopped(timeout: Duration) -> Bool {
        if state.withLock({ $0.stopped }) { return true }
        let (seconds, attoseconds) = timeout.components
        let nanos = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        guard stoppedSignal.wait(timeout: .now() + .nanoseconds(max(0, nanos))) == .success else { return false }
        stoppedSignal.signal()  // let other waiters through too
        return true
    }

    /// True once a write failed (EPIPE: the reader went away).
    var isBroken: Bool { state.withLock { $0.broken } }

    /// Bytes waiting to be written (excluding the batch being written right now).
    var queuedBytes: Int { state.withLock { $0.queuedBytes } }

    // MARK: - Writer thread

    private func takeSleeper(_ state: inout State) -> Bool {
        guard state.writerSleeping else { return false }
        state.writerSleeping = false
        return true
    }

    private enum Step {
        case write([[UInt8]])
        case sleep
        case finish
    }

    private func run() {
        var failed = false
        loop: while true {
            let step = state.withLock { state -> Step in
                if !state.queue.isEmpty {
                    var batch: [[UInt8]] = []
                    swap(&batch, &state.queue)
                    state.queuedBytes = 0
                    return .write(batch)
                }
                if state.finishing || state.broken { return .finish }
                state.writerSleeping = true
                return .sleep
            }
            switch step {
            case .sleep:
                wake.wait()
            case .finish:
                break loop
            case .write(let batch):
                let ok: Bool
                if batch.count == 1 {
                    ok = writeAll(batch[0])
                } else {
                    var joined: [UInt8] = []
                    joined.reserveCapacity(batch.reduce(0) { $0 + $1.count })
                    for item in batch { joined.append(contentsOf: item) }
                    ok = writeAll(joined)
                }
                let waiters = state.withLock { state in
                    state.written += batch.count
                    if !ok { state.broken = true }
                    return readyWaiters(&state)
                }
                for waiter in waiters { waiter.resume() }
                if !ok {
                    failed = true
                    break loop
                }
            }
        }
        if closeOnFinish { _ = close(fd) }
        let waiters = state.withLock { state in
            state.stopped = true
            if failed {
                state.written = state.enqueued
                state.queue = []
                state.queuedBytes = 0
            }
            let all = state.flushWaiters.map(\.continuation)
            state.flushWaiters = []
            return all
        }
        for waiter in waiters { waiter.resume() }
        stoppedSignal.signal()
    }

    private func readyWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard !state.flushWaiters.isEmpty else { return [] }
        var ready: [CheckedContinuation<Void, Never>] = []
        var waiting: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
        for waiter in state.flushWaiters {
            if state.written >= waiter.target || state.broken {
                ready.append(waiter.continuation)
            } else {
                waiting.append(waiter)
            }
        }
        state.flushWaiters = waiting
        return ready
    }

    private enum InlineWrite {
        case done
        case failed
        /// Not writable now (or a short write): these bytes go to the writer thread.
        case notNow([UInt8])
    }

    private func writeInline(_ bytes: [UInt8]) -> InlineWrite {
        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&entry, 1, 0) == 1, entry.revents & Int16(POLLOUT) != 0 else { return .notNow(bytes) }
        let count = bytes.withUnsafeBytes { buffer in systemWrite(fd, buffer.baseAddress!, buffer.count) }
        if count == bytes.count { return .done }
        if count > 0 { return .notNow(Array(bytes[count...])) }
        if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { return .notNow(bytes) }
        return .failed
    }

    /// Writes all bytes; false on any error other than EINTR (EPIPE included).
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let count = systemWrite(fd, base + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK {
                        // Someone made the fd non-blocking: wait until it is writable instead of spinning.
                        var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&entry, 1, -1)
                        continue
                    }
                    return false
                }
                offset += count
            }
            return true
        }
    }
}

private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
        Glibc.write(fd, buffer, count)
    #else
        Darwin.write(fd, buffer, count)
    #endif
}
