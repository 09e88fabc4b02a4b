#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Owns: a mutex and condition variable on the monotonic clock, for the timer thread.
/// Never: is used above the event loop (the router never sees a lock).
///
/// A mutex with one condition variable whose timed wait runs on the monotonic clock (what `NSCondition`
/// was, without Foundation, and unaffected by changes to the wall clock). `wait` and `wait(seconds:)`
/// must be called with the lock held, and may return early (spuriously): callers re-check their state.
// @unchecked Sendable: the only state is the mutex and the condition, allocated once (their addresses
// never move) and only used through the pthread calls, which are safe to call from any thread.
final class TimedCondition: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        precondition(pthread_mutex_init(mutex, nil) == 0, "pthread_mutex_init failed")
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        let result = pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
        precondition(result == 0, "pthread_cond_init failed: \(result)")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() {
        let result = pthread_mutex_lock(mutex)
        precondition(result == 0, "pthread_mutex_lock failed: \(result)")
    }

    func unlock() {
        let result = pthread_mutex_unlock(mutex)
        precondition(result == 0, "pthread_mutex_unlock failed: \(result)")
    }

    /// Wakes one waiting thread.
    func signal() {
        pthread_cond_signal(condition)
    }

    /// Waits until signalled.
    func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Waits until signalled or until `seconds` (> 0) have passed.
    func wait(seconds: Double) {
        let whole = seconds.rounded(.down)
        #if canImport(Darwin)
            var relative = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1e9))
            _ = pthread_cond_timedwait_relative_np(condition, mutex, &relative)
        #else
            var deadline = timespec()
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            deadline.tv_sec += Int(whole)
            deadline.tv_nsec += Int((seconds - whole) * 1e9)
            if deadline.tv_nsec >= 1_000_000_000 {
                deadline.tv_sec += 1
                deadline.tv_nsec -= 1_000_000_000
            }
            _ = pthread_cond_timedwait(condition, mutex, &deadline)
        #endif
    }
}
