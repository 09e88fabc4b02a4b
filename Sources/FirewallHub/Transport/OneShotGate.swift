import Synchronization

/// A latch that opens once. Async waiters (cancellable, optionally with a timeout) resume when it opens.
final class OneShotGate: Sendable {
    private struct State {
        var isOpen = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waiters cancelled before their continuation was registered.
        var cancelledEarly: Set<UInt64> = []
    }

    private let state = Mutex(State())

    init() {}

    var isOpen: Bool { state.withLock { $0.isOpen } }

    /// Opens the gate and resumes every waiter. Idempotent.
    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.isOpen else { return [] }
            state.isOpen = true
            let all = Array(state.waiters.values)
            state.waiters = [:]
            state.cancelledEarly = []
            return all
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when the gate opens, or early when the task is cancelled.
    func wait() async {
        let id = state.withLock { state -> UInt64? in
            guard !state.isOpen else { return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.isOpen || state.cancelledEarly.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let registered = state.waiters.removeValue(forKey: id) { return registered }
                if !state.isOpen { state.cancelledEarly.insert(id) }
                return nil
            }
            continuation?.resume()
        }
    }

    /// True if the gate opened within `timeout`.
    func wait(timeout: Duration) async -> Bool {
        if isOpen { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.wait()
                return self.isOpen
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return self.isOpen
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || isOpen
        }
    }
}
