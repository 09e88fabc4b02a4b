import Dispatch
import Synchronization

/// One lifelong thread that performs every spawn, synchronously for the caller.
///
/// Why: PR_SET_PDEATHSIG (used via setpriv, see `ProcessLauncher`) fires when the *thread* that
/// spawned the child exits, not the process. Dispatch and Swift-concurrency worker threads come and
/// go, so spawning from them would SIGKILL children at random. This thread never exits.
final class SpawnerThread: Sendable {
    static let shared = SpawnerThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let wake = DispatchSemaphore(value: 0)

    private init() {
        DetachedThread.start(name: "ChildProcess spawner") { [self] in self.runLoop() }
    }

    private func runLoop() -> Never {
        while true {
            wake.wait()
            let batch = jobs.withLock { queue -> [@Sendable () -> Void] in
                var taken: [@Sendable () -> Void] = []
                swap(&taken, &queue)
                return taken
            }
            for job in batch { job() }
        }
    }

    /// Runs `body` on the spawner thread and returns its result (blocks the caller briefly).
    func perform<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        jobs.withLock { queue in
            queue.append {
                box.value.withLock { $0 = body() }
                done.signal()
            }
        }
        wake.signal()
        done.wait()
        guard let result = box.value.withLock({ $0 }) else { preconditionFailure("spawner job did not run") }
        return result
    }
}

private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
}
