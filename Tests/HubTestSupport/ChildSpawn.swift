import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child started by `ChildSpawn.spawn`: its pid (also its process-group id) and our ends of its pipes.
struct SpawnedChild: Sendable {
    let pid: Int32
    let stdinWrite: Int32
    let stdoutRead: Int32
    let stderrRead: Int32
}

/// Starts a child with `posix_spawn` rather than `Foundation.Process`, so that:
/// - exit is seen by our own `waitpid` (Process misses it while grandchildren hold its socket);
/// - the child leads its own process group (so `terminate` can kill the whole tree);
/// - signal dispositions are reset (Process lets the child inherit our ignored signals);
/// - no fd but 0/1/2 leaks into the child.
enum ChildSpawn {
    /// Signals the child gets back at their default disposition.
    private static let resetSignals: [Int32] = [
        SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM,
    ]

    static func spawn(
        path: String, arguments: [String], environment: [String: String], currentDirectory: String?
    ) throws -> SpawnedChild {
        let stdinPipe = try makePipe(path: path)
        let stdoutPipe: (read: Int32, write: Int32)
        let stderrPipe: (read: Int32, write: Int32)
        do {
            stdoutPipe = try makePipe(path: path)
        } catch {
            closeAll([stdinPipe.read, stdinPipe.write])
            throw error
        }
        do {
            stderrPipe = try makePipe(path: path)
        } catch {
            closeAll([stdinPipe.read, stdinPipe.write, stdoutPipe.read, stdoutPipe.write])
            throw error
        }
        let childEnds = [stdinPipe.read, stdoutPipe.write, stderrPipe.write]
        let ourEnds = [stdinPipe.write, stdoutPipe.read, stderrPipe.read]
        defer { closeAll(childEnds) }
        do {
            let pid = try posixSpawn(
                path: path, arguments: arguments, environment: environment,
                currentDirectory: currentDirectory, stdio: childEnds)
            return SpawnedChild(
                pid: pid, stdinWrite: stdinPipe.write, stdoutRead: stdoutPipe.read, stderrRead: stderrPipe.read)
        } catch {
            closeAll(ourEnds)
            throw error
        }
    }

    private static func posixSpawn(
        path: String, arguments: [String], environment: [String: String], currentDirectory: String?,
        stdio: [Int32]
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

        for (target, fd) in stdio.enumerated() {
            try check(posix_spawn_file_actions_adddup2(&actions, fd, Int32(target)), path, "adddup2")
        }
        var flags = Int32(POSIX_SPAWN_SETPGROUP) | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        #if canImport(Darwin)
            flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
            if let currentDirectory {
                try check(posix_spawn_file_actions_addchdir_np(&actions, currentDirectory), path, "addchdir")
            }
        #else
            // Neither symbol is exported by the Glibc module map; both exist in glibc >= 2.34.
            guard let closeFrom = lookUp("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self) else {
                throw TestSupportError.launchFailed(path: path, errno: ENOSYS, detail: "no addclosefrom_np in libc")
            }
            try check(closeFrom(&actions, 3), path, "addclosefrom_np")
            if let currentDirectory {
                guard let chdir = lookUp("posix_spawn_file_actions_addchdir_np", as: AddChdir.self) else {
                    throw TestSupportError.launchFailed(path: path, errno: ENOSYS, detail: "no addchdir_np in libc")
                }
                try check(chdir(&actions, currentDirectory), path, "addchdir_np")
            }
        #endif
        try check(posix_spawnattr_setflags(&attributes, Int16(flags)), path, "setflags")
        try check(posix_spawnattr_setpgroup(&attributes, 0), path, "setpgroup")
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        try check(posix_spawnattr_setsigmask(&attributes, &emptyMask), path, "setsigmask")
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in resetSignals { sigaddset(&defaults, signal) }
        try check(posix_spawnattr_setsigdefault(&attributes, &defaults), path, "setsigdefault")

        let argv = CStringList([path] + arguments)
        let envp = CStringList(environment.map { "\($0.key)=\($0.value)" })
        defer {
            argv.release()
            envp.release()
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers)
        guard rc == 0 else {
            let detail = currentDirectory.map { "posix_spawn failed (cwd \($0)): " } ?? "posix_spawn failed: "
            throw TestSupportError.launchFailed(path: path, errno: rc, detail: detail + String(cString: strerror(rc)))
        }
        return pid
    }

    /// A pipe whose both ends are >= 3 (so dup2 onto 0/1/2 never clobbers a sibling) and close-on-exec.
    private static func makePipe(path: String) throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            let code = errno
            throw TestSupportError.launchFailed(path: path, errno: code, detail: "pipe() failed")
        }
        let moved = fds.map { fd -> Int32 in
            let high = fcntl(fd, F_DUPFD_CLOEXEC, 3)
            close(fd)
            return high
        }
        guard moved.allSatisfy({ $0 >= 0 }) else {
            closeAll(moved.filter { $0 >= 0 })
            throw TestSupportError.launchFailed(path: path, errno: EMFILE, detail: "fcntl(F_DUPFD_CLOEXEC) failed")
        }
        return (moved[0], moved[1])
    }

    private static func check(_ rc: Int32, _ path: String, _ step: String) throws {
        guard rc == 0 else {
            throw TestSupportError.launchFailed(path: path, errno: rc, detail: "posix_spawn \(step) failed")
        }
    }

    private static func closeAll(_ fds: [Int32]) {
        for fd in fds { close(fd) }
    }

    #if !canImport(Darwin)
        private typealias AddCloseFrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        private typealias AddChdir =
            @convention(c) (
                UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
            ) -> Int32

        private static func lookUp<F>(_ symbol: String, as type: F.Type) -> F? {
            guard let address = dlsym(nil, symbol) else { return nil }
            return unsafeBitCast(address, to: type)
        }
    #endif
}

/// A NULL-terminated array of C strings for argv/envp; `release()` frees it.
private struct CStringList {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func release() {
        for pointer in pointers { free(pointer) }
    }
}
