/// Owns: delivering events to the router one at a time, under the only lock above Transport.
/// Never: runs the router on two threads at once, or nests one event's handling inside another's.
///
/// Delivers events to the router on the thread that produced them (a pipe's reader thread, the timer
/// thread, a signal handler), one at a time under one lock: the router stays single-threaded without a
/// hop to another thread per message. The benchmark measured that hop (reader → AsyncStream → router
/// task) as two of the six thread wake-ups of a forwarded call.
final class HubEventSink: @unchecked Sendable {
    // @unchecked: `router`, `queue`, `delivering`, `ended` and `waiter` are read and written only while
    // `lock` is held, and the router is only ever run while it is held, so no two threads run it at once.
    private let lock = RecursiveLock()
    private weak var router: HubRouter?
    /// Events yielded while one is being handled on the same thread (the lock is recursive); they are
    /// handled right after it, in order, never nested inside it.
    private var queue: [HubEvent] = []
    private var delivering = false
    private var ended = false
    private var waiter: CheckedContinuation<Void, Never>?

    func attach(_ router: HubRouter) {
        lock.lock()
        self.router = router
        lock.unlock()
    }

    func yield(_ event: HubEvent) {
        lock.lock()
        defer { lock.unlock() }
        guard !ended, let router else { return }
        queue.append(event)
        guard !delivering else { return }
        delivering = true
        while !ended, !queue.isEmpty {
            let event = queue.removeFirst()
            if event.carriesSeveralLines {
                WriteBatch.run { router.handle(event) }
            } else {
                router.handle(event)
            }
            if router.finished { end() }
        }
        delivering = false
    }

    /// Runs `body` on the router under the lock (set-up that spawns targets, whose events may already
    /// be arriving on other threads).
    func withRouter(_ body: (HubRouter) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        guard !ended, let router else { return }
        delivering = true
        body(router)
        if router.finished { end() }
        while !ended, !queue.isEmpty {
            router.handle(queue.removeFirst())
            if router.finished { end() }
        }
        delivering = false
    }

    /// Returns once the router has finished; later events are dropped.
    func waitUntilEnded() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if ended {
                lock.unlock()
                continuation.resume()
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }

    private func end() {
        ended = true
        queue.removeAll()
        waiter?.resume()
        waiter = nil
    }
}
