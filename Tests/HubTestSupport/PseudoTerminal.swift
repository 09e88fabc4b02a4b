import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A process run on a pseudo-terminal, as a person would run it in a terminal window: its stdin, stdout
/// and stderr are the terminal's slave side (so `isatty` is true and lines are edited by the line
/// discipline), and the test types on the master side and reads everything shown. For `call`'s approval
/// prompt. The child leads its own process group; `terminate()` (and `deinit`) SIGKILL it.
public final class PseudoTerminal: Sendable {
    private struct State {
        var transcript: [UInt8] = []
        var closed = false
        var exitStatus: Int32?
    }

    public let pid: Int32
    private let master: Int32
    private let state = Mutex(State())

    private init(pid: Int32, master: Int32) {
        self.pid = pid
        self.master = master
    }

    deinit { terminate() }

    /// Starts `executable` with `arguments` on a new pseudo-terminal; `environment` is merged over this
    /// process's environment.
    public static func launch(
        _ executable: URL, arguments: [String], environment: [String: String] = [:]
    ) throws -> PseudoTerminal {
        let master = PTYCalls.openMaster(O_RDWR | O_NOCTTY)
        guard master >= 0, PTYCalls.grant(master) == 0, PTYCalls.unlock(master) == 0,
            let name = PTYCalls.slaveName(master)
        else {
            throw TestSupportError.launchFailed(path: executable.path, errno: errno, detail: "no pseudo-terminal")
        }
        let slave = open(name, O_RDWR | O_NOCTTY)
        guard slave >= 0 else {
            close(master)
            throw TestSupportError.launchFailed(path: executable.path, errno: errno, detail: "cannot open \(name)")
        }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        defer { close(slave) }
        let merged = TempFiles.childEnvironment(environment)
        let pid = try spawn(executable.path, arguments, merged, slave)
        let terminal = PseudoTerminal(pid: pid, master: master)
        let reader = Thread { [terminal] in terminal.readUntilClosed() }
        reader.name = "pty master of \(pid)"
        reader.start()
        let reaper = Thread { [terminal] in terminal.reap() }
        reaper.name = "pty waitpid \(pid)"
        reaper.start()
        return terminal
    }

    /// Everything the program wrote to the terminal so far (and the terminal's echo of what was typed).
    public var transcript: String {
        state.withLock { String(decoding: $0.transcript, as: UTF8.self) }
    }

    /// Types `text` (add `\n` to end the line).
    public func type(_ text: String) {
        var bytes = Array(text.utf8)
        while !bytes.isEmpty {
            let count = write(master, bytes, bytes.count)
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            bytes.removeFirst(count)
        }
    }

    /// Returns once the transcript contains `text`.
    public func waitFor(_ text: String, timeout: Duration = .seconds(30)) async throws {
        try await waitUntil("\"\(text)\" on the terminal", timeout: timeout) { self.transcript.contains(text) }
    }

    /// Waits for the program to exit; returns its status (128+signal when killed by a signal).
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        try await waitUntil("the program to exit", timeout: timeout) { self.state.withLock { $0.exitStatus } != nil }
        // The last output may still be on its way from the master.
        try? await waitUntil("the terminal to close", timeout: .seconds(2)) { self.state.withLock { $0.closed } }
        return state.withLock { $0.exitStatus! }
    }

    /// SIGKILLs the program's process group if it still runs.
    public func terminate() {
        if state.withLock({ $0.exitStatus == nil }) { kill(-pid, SIGKILL) }
    }

    private func waitUntil(_ what: String, timeout: Duration, _ condition: @escaping @Sendable () -> Bool) async throws
    {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now >= deadline {
                throw TestSupportError.timeout(
                    awaiting: what, timeout: timeout, process: "pid \(pid) on a pseudo-terminal",
                    stderrTail: String(transcript.suffix(2000)))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func readUntilClosed() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(master, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            // EIO once every slave fd is closed (the program and its children exited).
            guard count > 0 else { break }
            state.withLock { $0.transcript += buffer[..<count] }
        }
        state.withLock { $0.closed = true }
    }

    private func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else {
                state.withLock { $0.exitStatus = -1 }
                return
            }
        }
        let low = status & 0x7F
        let code = low == 0 ? (status >> 8) & 0xFF : 128 + low
        state.withLock { $0.exitStatus = code }
    }

    private static func spawn(
        _ path: String, _ arguments: [String], _ environment: [String: String], _ slave: Int32
    ) throws -> Int32 {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t?
            var attributes: posix_spawnattr_t?
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        for target: Int32 in 0...2 { posix_spawn_file_actions_adddup2(&actions, slave, target) }
        #if canImport(Darwin)
            let closeOthers = Int16(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
            // No fd of another test's child may leak into this one (it would hold their pipes open).
            let closeOthers: Int16 = 0
            typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            if let address = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
                _ = unsafeBitCast(address, to: AddCloseFrom.self)(&actions, 3)
            }
        #endif
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK) | closeOthers)
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw TestSupportError.launchFailed(path: path, errno: rc, detail: "posix_spawn failed")
        }
        return pid
    }
}

/// posix_openpt, grantpt, unlockpt and ptsname_r: in libc everywhere, but not imported by Swift's Glibc
/// module (they need _XOPEN_SOURCE), so they are looked up by name.
private enum PTYCalls {
    #if canImport(Darwin)
        static func openMaster(_ flags: Int32) -> Int32 { posix_openpt(flags) }
        static func grant(_ fd: Int32) -> Int32 { grantpt(fd) }
        static func unlock(_ fd: Int32) -> Int32 { unlockpt(fd) }
        static func slaveName(_ fd: Int32) -> String? { ptsname(fd).map { String(cString: $0) } }
    #else
        private typealias IntOfInt = @convention(c) (Int32) -> Int32
        private typealias NameInto = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32

        private static func function<F>(_ name: String, as type: F.Type) -> F {
            guard let address = dlsym(nil, name) else { preconditionFailure("libc has no \(name)") }
            return unsafeBitCast(address, to: type)
        }

        static func openMaster(_ flags: Int32) -> Int32 { function("posix_openpt", as: IntOfInt.self)(flags) }
        static func grant(_ fd: Int32) -> Int32 { function("grantpt", as: IntOfInt.self)(fd) }
        static func unlock(_ fd: Int32) -> Int32 { function("unlockpt", as: IntOfInt.self)(fd) }
        static func slaveName(_ fd: Int32) -> String? {
            var buffer = [CChar](repeating: 0, count: 128)
            guard function("ptsname_r", as: NameInto.self)(fd, &buffer, buffer.count) == 0 else { return nil }
            return String(cString: buffer)
        }
    #endif
}
