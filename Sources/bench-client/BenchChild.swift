import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum BenchError: Error, CustomStringConvertible {
    case usage(String)
    case spawn(command: String, errno: Int32)
    case pipe(errno: Int32)
    case protocolFailure(String)
    case timedOut(String)

    var description: String {
        switch self {
        case .usage(let text): return text
        case .spawn(let command, let code):
            return "cannot start \(command): \(String(cString: strerror(code)))"
        case .pipe(let code): return "pipe() failed: \(String(cString: strerror(code)))"
        case .protocolFailure(let text): return "protocol: \(text)"
        case .timedOut(let text): return "timed out: \(text)"
        }
    }
}

/// Monotonic nanoseconds.
enum BenchClock {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}

/// The process under test, spawned with `posix_spawnp` in its own process group, with pipes on its
/// stdin and stdout (stderr is inherited). Writes to its stdin are serialized by a mutex, so the
/// reader thread and the main thread may both send.
final class BenchChild: Sendable {
    let pid: pid_t
    let stdoutFD: Int32
    /// Monotonic time just before `posix_spawnp`.
    let spawnedAt: UInt64
    /// The stdin fd, or -1 once closed. The lock also serializes whole messages.
    private let stdinFD: Mutex<Int32>
    private let exitStatus = Mutex<Int32?>(nil)
    private let exited = DispatchSemaphore(value: 0)

    init(argv: [String], extraEnvironment: [String: String] = [:]) throws(BenchError) {
        guard let command = argv.first else { throw .usage("no command after --") }
        var toChild: [Int32] = [0, 0]
        var fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { throw .pipe(errno: errno) }
        guard pipe(&fromChild) == 0 else { throw .pipe(errno: errno) }
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)

        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extraEnvironment { environment[key] = value }
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        spawnedAt = BenchClock.now()
        let rc = posix_spawnp(&pid, command, &actions, &attributes, cArgs, cEnv)
        close(toChild[0])
        close(fromChild[1])
        guard rc == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw .spawn(command: command, errno: rc)
        }
        self.pid = pid
        self.stdinFD = Mutex(toChild[1])
        self.stdoutFD = fromChild[0]
        let waiter = Thread { [self] in self.reap() }
        waiter.name = "bench-waitpid"
        waiter.start()
    }

    private func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        exitStatus.withLock { $0 = status }
        exited.signal()
    }

    /// Writes the concatenation of `parts` as one message (one `writev` in the common case).
    /// Returns false when the child's stdin is closed or broken.
    @discardableResult
    func send(_ parts: [[UInt8]]) -> Bool {
        stdinFD.withLock { fd -> Bool in
            guard fd >= 0 else { return false }
            return Self.writeAll(fd, parts)
        }
    }

    func closeStdin() {
        stdinFD.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    /// Waits for the exit; returns the raw wait status, or nil on timeout.
    func waitForExit(seconds: Double) -> Int32? {
        if let status = exitStatus.withLock({ $0 }) { return status }
        guard exited.wait(timeout: .now() + seconds) == .success else { return nil }
        exited.signal()
        return exitStatus.withLock { $0 }
    }

    var hasExited: Bool { exitStatus.withLock { $0 } != nil }

    /// Closes stdin and waits up to `grace` seconds; then SIGKILLs the child's process group.
    func terminate(grace: Double = 5) {
        closeStdin()
        if waitForExit(seconds: grace) == nil {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            _ = waitForExit(seconds: 5)
        }
    }

    private static func writeAll(_ fd: Int32, _ parts: [[UInt8]]) -> Bool {
        let total = parts.reduce(0) { $0 + $1.count }
        // Pin every part for the duration of the writev.
        let written: Int = withPinned(parts[...]) { iovecs in
            var done = 0
            var vecs = iovecs
            var index = 0
            while done < total {
                let n = vecs.withUnsafeMutableBufferPointer { buf in
                    writev(fd, buf.baseAddress! + index, Int32(buf.count - index))
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    return done
                }
                done += n
                // Advance past fully written vectors and trim a partly written one.
                var left = n
                while index < vecs.count, left >= vecs[index].iov_len {
                    left -= vecs[index].iov_len
                    index += 1
                }
                if left > 0 {
                    vecs[index].iov_base = vecs[index].iov_base! + left
                    vecs[index].iov_len -= left
                }
            }
            return done
        }
        return written == total
    }

    private static func withPinned<R>(_ parts: ArraySlice<[UInt8]>, _ body: ([iovec]) -> R) -> R {
        guard let first = parts.first else { return body([]) }
        return first.withUnsafeBytes { raw in
            withPinned(parts.dropFirst()) { rest in
                body([iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count)] + rest)
            }
        }
    }
}
