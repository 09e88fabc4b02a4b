#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Holds what one thread writes to batchable `FDWriter`s until the batch ends, then hands each writer
/// its messages together: one `write(2)` (and one wake-up of the reader on the other end) per fd
/// instead of one per message.
///
/// The hub opens a batch around the messages of one `read()` of a pipe (`HubEventSink`): with many
/// calls in flight, one read brings dozens of requests or answers, and the benchmark measured the
/// per-message writes and wake-ups as most of the hub's time under load. A lone message is not batched.
///
/// The batch is the calling thread's own (a thread-local), so writes of other threads are untouched;
/// each writer keeps its messages in order, and a writer that is finished flushes what it holds first.
final class WriteBatch {
    private var writers: [FDWriter] = []

    private init() {}

    /// Runs `body` with a batch open on this thread (nested calls join the open one), then flushes
    /// every writer written to, in the order they were first written to.
    static func run(_ body: () -> Void) {
        if current != nil {
            body()
            return
        }
        let batch = WriteBatch()
        let pointer = Unmanaged.passRetained(batch).toOpaque()
        pthread_setspecific(key, pointer)
        body()
        pthread_setspecific(key, nil)
        Unmanaged<WriteBatch>.fromOpaque(pointer).release()
        for writer in batch.writers { writer.flushHeld() }
    }

    /// The batch open on this thread, if any.
    static var current: WriteBatch? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<WriteBatch>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// Called by a writer the first time it holds a message of this batch.
    func enlist(_ writer: FDWriter) {
        writers.append(writer)
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let result = pthread_key_create(&key, nil)
        precondition(result == 0, "pthread_key_create failed: \(result)")
        return key
    }()
}
