#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lines typed at `call`'s terminal (or piped to its stdin), read without ever blocking for long: the
/// caller is asked between reads whether to give up (the hub withdrew its prompt). One reader, one
/// thread; it owns its buffer.
final class TerminalInput {
    enum Read: Equatable {
        case line(String)
        case endOfInput
        /// `interrupted` said to stop.
        case interrupted
        case timedOut
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var ended = false

    init(fd: Int32 = 0) {
        self.fd = fd
    }

    /// Whether stdin is a terminal (then `call` declares form elicitation and asks there).
    static var isInteractive: Bool { isatty(0) != 0 }

    /// The next line (without its line break), waiting at most `timeout` seconds (nil: no limit).
    func readLine(timeout: Double?, interrupted: () -> Bool = { false }) -> Read {
        let start = ContinuousClock.now
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == 0x0D { line.removeLast() }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if ended {
                if buffer.isEmpty { return .endOfInput }
                defer { buffer = [] }
                return .line(String(decoding: buffer, as: UTF8.self))
            }
            if interrupted() { return .interrupted }
            if let timeout, ContinuousClock.now - start >= .milliseconds(Int(timeout * 1000)) { return .timedOut }
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ready < 0 {
                if errno == EINTR { continue }
                ended = true
                continue
            }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(fd, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                ended = true
            } else if count == 0 {
                ended = true
            } else {
                buffer += chunk[..<count]
            }
        }
    }
}
