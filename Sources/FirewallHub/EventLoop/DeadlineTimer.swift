#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns: the timer thread and its deadline heap.
/// Never: calls back with its lock held, or fires a cancelled id.
///
/// The router's timers on one thread: a min-heap of deadlines. A forwarded call costs a heap insert and
/// a lazy cancel, not a task sleeping out the whole time-out (which the benchmark showed cost
/// ~15k instructions a call and kept memory until the time-out passed).
final class DeadlineTimer: @unchecked Sendable {
    // @unchecked: every stored var is read and written only while `condition` is locked; `fire` is
    // @Sendable and called with the lock released.
    private struct Entry {
        var deadline: Double
        var id: Int
    }

    private let condition = TimedCondition()
    private var heap: [Entry] = []
    private var cancelled: Set<Int> = []
    private var stopped = false
    private let fire: @Sendable (Int) -> Void

    init(fire: @escaping @Sendable (Int) -> Void) {
        self.fire = fire
        DetachedThread.start(name: "mcp-firewall-hub timers") { [self] in run() }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func schedule(id: Int, after seconds: Double) {
        condition.lock()
        push(Entry(deadline: Self.now() + seconds, id: id))
        if heap[0].id == id { condition.signal() }
        condition.unlock()
    }

    func cancel(id: Int) {
        condition.lock()
        cancelled.insert(id)
        // Cancelled entries leave the heap when their deadline comes; compact if they pile up.
        if cancelled.count > 1024 && cancelled.count > heap.count / 2 {
            heap.removeAll { cancelled.contains($0.id) }
            cancelled = []
            heapify()
        }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while !stopped {
            guard let first = heap.first else {
                condition.wait()
                continue
            }
            let wait = first.deadline - Self.now()
            if wait > 0 {
                condition.wait(seconds: wait)
                continue
            }
            let entry = popMin()
            if cancelled.remove(entry.id) != nil { continue }
            condition.unlock()
            fire(entry.id)
            condition.lock()
        }
        condition.unlock()
    }

    // MARK: - Binary heap

    private func push(_ entry: Entry) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].deadline < heap[parent].deadline else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private func popMin() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return top
    }

    private func siftDown(_ start: Int) {
        var i = start
        while true {
            let left = 2 * i + 1
            let right = left + 1
            var smallest = i
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == i { return }
            heap.swapAt(i, smallest)
            i = smallest
        }
    }

    private func heapify() {
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }
}
