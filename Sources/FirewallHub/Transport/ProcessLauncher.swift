import CShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The raw posix_spawn call: three O_CLOEXEC pipes dup2'ed onto 0/1/2, every other fd closed in the
/// child, its own process group (pgid == pid), an empty signal mask and default dispositions for
/// every catchable signal, and the working directory set by a chdir file action.
///
/// Parent death (Linux): when `/usr/bin/setpriv` supports `--pdeathsig`, the child is started as
/// `setpriv --pdeathsig KILL -- <resolved path> args…`. setpriv sets PR_SET_PDEATHSIG and execs in
/// place, so the pid, the process group and argv[1…] are those of the real command, and the kernel
/// SIGKILLs it when the spawning thread (our lifelong `SpawnerThread`) dies — including when the hub
/// is SIGKILLed. What is NOT covered by that: grandchildren. On a hub SIGKILL they survive unless they
/// exit on stdin EOF or die with their parent. A supervisor mode of our own binary (PDEATHSIG +
/// CHILD_SUBREAPER + tree cleanup) would cover them; that is left for later. While the hub is alive,
/// grandchildren in the group are handled by `ChildProcess` group kills.
enum ProcessLauncher {
    struct Launched: Sendable {
        var pid: Int32
        var stdinFD: Int32  // parent's write end
        var stdoutFD: Int32  // parent's read end
        var stderrFD: Int32  // parent's read end
    }

    #if canImport(Darwin)
        private typealias FileActions = posix_spawn_file_actions_t?
        private typealias Attributes = posix_spawnattr_t?
    #else
        private typealias FileActions = posix_spawn_file_actions_t
        private typealias Attributes = posix_spawnattr_t
    #endif

    /// An errno value from pipe/posix_spawn.
    struct Failure: Error, Equatable {
        var code: Int32
    }

    /// Path of a setpriv that supports --pdeathsig, probed once; nil when unavailable.
    static let parentDeathWrapper: String? = probeSetpriv()

    /// Spawns `path` (already resolved). Returns the errno on failure. Must run on `SpawnerThread`.
    static func launch(
        path: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        killWithParent: Bool
    ) -> Result<Launched, Failure> {
        var argv = [path] + arguments
        var executable = path
        if killWithParent, let wrapper = parentDeathWrapper {
            argv = [wrapper, "--pdeathsig", "KILL", "--"] + argv
            executable = wrapper
        }
        let envp = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }

        var pipes: [[Int32]] = []
        for _ in 0..<3 {
            var fds: [Int32] = [-1, -1]
            let error = cshim_pipe_cloexec(&fds)
            if error != 0 {
                for fd in pipes.joined() { _ = close(fd) }
                return .failure(Failure(code: error))
            }
            pipes.append(fds)
        }
        // Child ends must not sit on 0...2 (possible when the hub's own stdio is closed), or the
        // dup2 actions would clobber each other.
        let childStdin = liftAboveStdio(pipes[0][0])
        let childStdout = liftAboveStdio(pipes[1][1])
        let childStderr = liftAboveStdio(pipes[2][1])
        let parentEnds = Launched(pid: -1, stdinFD: pipes[0][1], stdoutFD: pipes[1][0], stderrFD: pipes[2][0])
        let childEnds = [childStdin, childStdout, childStderr]

        let result = spawn(
            executable: executable, argv: argv, envp: envp, workingDirectory: workingDirectory,
            stdio: childEnds)
        for fd in childEnds { _ = close(fd) }
        switch result {
        case .success(let pid):
            var launched = parentEnds
            launched.pid = pid
            return .success(launched)
        case .failure(let failure):
            _ = close(parentEnds.stdinFD)
            _ = close(parentEnds.stdoutFD)
            _ = close(parentEnds.stderrFD)
            return .failure(failure)
        }
    }

    private static func liftAboveStdio(_ fd: Int32) -> Int32 {
        guard fd >= 0, fd < 3 else { return fd }
        let lifted = fcntl(fd, F_DUPFD_CLOEXEC, 3)
        guard lifted >= 0 else { return fd }
        _ = close(fd)
        return lifted
    }

    /// posix_spawn with our attributes. `stdio` are the fds to dup2 onto 0, 1, 2; a nil entry in it is
    /// replaced by /dev/null (only used by the probe).
    private static func spawn(
        executable: String, argv: [String], envp: [String], workingDirectory: String?,
        stdio: [Int32?]
    ) -> Result<Int32, Failure> {
        var actions = FileActions()
        var attributes = Attributes()
        guard posix_spawn_file_actions_init(&actions) == 0 else { return .failure(Failure(code: errno)) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { return .failure(Failure(code: errno)) }
        defer { posix_spawnattr_destroy(&attributes) }

        for (target, source) in stdio.enumerated() {
            let error: Int32
            if let source {
                error = posix_spawn_file_actions_adddup2(&actions, source, Int32(target))
            } else {
                let flags = target == 0 ? O_RDONLY : O_WRONLY
                error = posix_spawn_file_actions_addopen(&actions, Int32(target), "/dev/null", flags, 0)
            }
            if error != 0 { return .failure(Failure(code: error)) }
        }
        var flags = Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        var error = cshim_spawn_close_fds_from(&actions, 3, &flags)
        if error != 0 && error != ENOSYS { return .failure(Failure(code: error)) }
        if let workingDirectory {
            error = cshim_spawn_addchdir(&actions, workingDirectory)
            if error != 0 { return .failure(Failure(code: error)) }
        }

        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        for step in [
            posix_spawnattr_setflags(&attributes, flags),
            posix_spawnattr_setpgroup(&attributes, 0),
            posix_spawnattr_setsigmask(&attributes, &emptyMask),
            posix_spawnattr_setsigdefault(&attributes, &defaults),
        ] where step != 0 {
            return .failure(Failure(code: step))
        }

        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnvp = envp.map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv + cEnvp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, cArgv, cEnvp)
        return status == 0 ? .success(pid) : .failure(Failure(code: status))
    }

    /// Runs `setpriv --pdeathsig KILL -- setpriv --version` once to make sure this setpriv knows the
    /// option (util-linux >= 2.33). Any failure disables the wrapper.
    private static func probeSetpriv() -> String? {
        #if os(Linux)
            let candidate = "/usr/bin/setpriv"
            guard access(candidate, X_OK) == 0 else { return nil }
            let result = spawn(
                executable: candidate, argv: [candidate, "--pdeathsig", "KILL", "--", candidate, "--version"],
                envp: ["PATH=/usr/bin:/bin"], workingDirectory: nil, stdio: [Int32?](repeating: nil, count: 3))
            guard case .success(let pid) = result else { return nil }
            var signaled: Int32 = 0
            var value: Int32 = 0
            guard cshim_wait_exit(pid, 0, &signaled, &value) == 0 else { return nil }
            return signaled == 0 && value == 0 ? candidate : nil
        #else
            return nil
        #endif
    }
}
