import CShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A detached POSIX thread running one closure (what `Foundation.Thread` was used for: the hub's
/// reader, writer, waiter, timer and spawner threads). Nothing joins it; it ends when the closure
/// returns.
enum DetachedThread {
    /// Starts `body` on a new thread named `name` (cut to the 15 bytes Linux keeps). When the process or
    /// the user is out of threads for a moment (EAGAIN), it tries again for up to a second; a thread that
    /// still cannot be created is a fatal error with that reason, as every caller relies on its thread
    /// running (a silent failure would leave a pipe unread and its requests unanswered).
    static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        var result: Int32 = 0
        for attempt in 0..<50 {
            if attempt > 0 { usleep(20_000) }
            result = create(&thread, &attributes, context)
            if result != EAGAIN { break }
        }
        if result != 0 {
            Unmanaged<Start>.fromOpaque(context).release()
            preconditionFailure("cannot start the thread \"\(name)\": \(String(cString: strerror(result)))")
        }
    }

    #if canImport(Darwin)
        private typealias Handle = pthread_t?
    #else
        private typealias Handle = pthread_t
    #endif

    private static func create(
        _ thread: inout Handle, _ attributes: inout pthread_attr_t, _ context: UnsafeMutableRawPointer
    ) -> Int32 {
        pthread_create(
            &thread, &attributes,
            { raw in
                #if canImport(Darwin)
                    let start = Unmanaged<Start>.fromOpaque(raw).takeRetainedValue()
                #else
                    let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
                #endif
                start.run()
                return nil
            }, context)
    }

    /// What the new thread runs; handed over retained through pthread_create's context pointer.
    private final class Start: Sendable {
        let name: String
        let body: @Sendable () -> Void

        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }

        func run() {
            _ = cshim_set_thread_name(name)
            body()
        }
    }
}
