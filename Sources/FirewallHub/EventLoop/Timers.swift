/// Owns: the router's timers — the purpose of each pending one — and their scheduling on the timer
/// thread (`DeadlineTimer`). Never: fires anywhere but into the event stream, or keeps the purpose of
/// a timer that fired or was cancelled.
struct Timers {
    private let deadlines: DeadlineTimer
    private var purposes: [Int: TimerPurpose] = [:]
    private var next = 1

    /// `fire` yields the timer's id as an event (it runs on the timer thread).
    init(fire: @escaping @Sendable (Int) -> Void) {
        deadlines = DeadlineTimer(fire: fire)
    }

    /// Starts a timer; its id comes back as `.timer(id)` after `seconds`.
    mutating func start(after seconds: Double, _ purpose: TimerPurpose) -> Int {
        let id = next
        next += 1
        purposes[id] = purpose
        deadlines.schedule(id: id, after: seconds)
        return id
    }

    mutating func cancel(_ id: Int?) {
        guard let id, purposes.removeValue(forKey: id) != nil else { return }
        deadlines.cancel(id: id)
    }

    /// The timer `id` fired: its purpose, once (nil when it was cancelled meanwhile).
    mutating func fired(_ id: Int) -> TimerPurpose? {
        purposes.removeValue(forKey: id)
    }

    /// The ids of pending timers whose purpose `body` picks (for tests that fire them by hand).
    func pending(where body: (TimerPurpose) -> Bool) -> [Int] {
        purposes.filter { body($0.value) }.keys.sorted()
    }

    /// Ends the timer thread.
    func stop() {
        deadlines.stop()
    }
}
