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
/// Parent death (`killWithParent`), in order of preference:
///
/// 1. Supervisor (Linux, when the host executable handles `--supervise`, see `TargetSupervisor`, and
///    `MCP_FIREWALL_HUB_NO_SUPERVISOR` is not set): the child is `/proc/self/exe --supervise <hub-pid>
///    --grace-ms <terminationGrace> -- <resolved path> args…`. Design: the supervisor is the leader of
///    the process group the hub creates, and it spawns the target INTO THAT SAME GROUP. So the hub's
///    view does not change: the pid it tracks and reaps is the supervisor's, `kill(-pid, …)` reaches
///    the supervisor, the target and its in-group descendants directly (no forwarding), the target's
///    stdin/stdout/stderr are the hub's pipes (the supervisor keeps only stderr), and the supervisor
///    exits with the target's exit code or dies of the target's signal, so `ExitStatus` is the
///    target's. On top of that the supervisor has PDEATHSIG=SIGTERM and is a child subreaper: when the
///    target exits, on SIGTERM, or when the hub dies (even SIGKILLed), it SIGTERMs the group and every
///    /proc descendant (including `setsid` escapees), SIGKILLs what is left after the grace, and exits.
///    A grandchild that ignores stdin EOF and SIGTERM therefore cannot outlive the hub. The supervisor
///    is spawned from `SpawnerThread` (the PDEATHSIG "parent" is that lifelong thread), with the
///    target's environment and working directory, which the target inherits from it. Costs: one
///    small extra process per target; a target whose exec fails in the supervisor (rare: the hub
///    resolves and checks the path first) is reported as an early exit with code 126/127 and a
///    message on its stderr, as with setpriv. `ChildProcess.shutdown` lets the supervisor finish its
///    sweep before it SIGKILLs the group (a group SIGKILL would kill the supervisor mid-sweep).
/// 2. setpriv: when `/usr/bin/setpriv` supports `--pdeathsig`, the child is started as
///    `setpriv --pdeathsig KILL -- <resolved path> args…`. setpriv sets PR_SET_PDEATHSIG and execs in
///    place, so the pid, the process group and argv[1…] are those of the real command, and the kernel
///    SIGKILLs it when the spawning thread (our lifelong `SpawnerThread`) dies — including when the
///    hub is SIGKILLed. Grandchildren are not covered: on a hub SIGKILL they survive unless they exit
///    on stdin EOF or die with their parent.
/// 3. Plain: nothing but stdin EOF ends the tree when the hub is SIGKILLed (macOS, no setpriv).
///
/// While the hub is alive, grandchildren in the group are handled by `ChildProcess` group kills in
/// every mode.
enum ProcessLauncher {
    struct Launched: Sendable {
        var pid: Int32
        var stdinFD: Int32  // parent's write end
        var stdoutFD: Int32  // parent's read end
        var stderrFD: Int32  // parent's read end
        /// The sweep grace of the supervisor in front of the target; nil when not supervised.
        var supervisorGrace: Duration?
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
        killWithParent: Bool, terminationGrace: Duration
    ) -> Result<Launched, Failure> {
        var argv = [path] + arguments
        var executable = path
        var supervisorGrace: Duration?
        if killWithParent, let supervisor = TargetSupervisor.executable() {
            let invocation = TargetSupervisor.Invocation(
                hubPID: getpid(), grace: terminationGrace, path: path, arguments: arguments)
            argv = [supervisor.argv0] + TargetSupervisor.arguments(for: invocation)
            executable = supervisor.path
            supervisorGrace = terminationGrace
        } else if killWithParent, let wrapper = parentDeathWrapper {
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
        let parentEnds = Launched(
            pid: -1, stdinFD: pipes[0][1], stdoutFD: pipes[1][0], stderrFD: pipes[2][0],
            supervisorGrace: supervisorGrace)
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

    #if os(Linux)
        /// The supervisor's spawn of its target (see `SupervisorProcess`): `path` (contains a '/', so no
        /// PATH search is needed: posix_spawn, not posix_spawnp), fds 0/1/2, the working directory and
        /// the environment inherited, other fds closed, the caller's process group, an empty signal mask
        /// and default dispositions.
        static func spawnInheritingStdio(path: String, arguments: [String]) -> Result<Int32, Failure> {
            spawn(
                executable: path, argv: [path] + arguments, envp: nil, workingDirectory: nil, stdio: nil,
                newProcessGroup: false)
        }
    #endif

    /// posix_spawn with our attributes. `stdio` are the fds to dup2 onto 0, 1, 2; a nil entry in it is
    /// replaced by /dev/null (only used by the probe); nil keeps the caller's 0/1/2. A nil `envp` passes
    /// the caller's environment.
    private static func spawn(
        executable: String, argv: [String], envp: [String]?, workingDirectory: String?,
        stdio: [Int32?]?, newProcessGroup: Bool = true
    ) -> Result<Int32, Failure> {
        var actions = FileActions()
        var attributes = Attributes()
        guard posix_spawn_file_actions_init(&actions) == 0 else { return .failure(Failure(code: errno)) }
        defer { posix_spawn_file_actions_destroy(&actions) }
        guard posix_spawnattr_init(&attributes) == 0 else { return .failure(Failure(code: errno)) }
        defer { posix_spawnattr_destroy(&attributes) }

        for (target, source) in (stdio ?? []).enumerated() {
            let error: Int32
            if let source {
                error = posix_spawn_file_actions_adddup2(&actions, source, Int32(target))
            } else {
                let flags = target == 0 ? O_RDONLY : O_WRONLY
                error = posix_spawn_file_actions_addopen(&actions, Int32(target), "/dev/null", flags, 0)
            }
            if error != 0 { return .failure(Failure(code: error)) }
        }
        var flags = Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup { flags |= Int16(POSIX_SPAWN_SETPGROUP) }
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
        let cEnvp = (envp ?? []).map { strdup($0) } + [nil]
        defer {
            for pointer in cArgv + cEnvp { free(pointer) }
        }
        #if os(Linux)
            if envp == nil {
                var pid: pid_t = 0
                let status = posix_spawn(&pid, executable, &actions, &attributes, cArgv, environ)
                return status == 0 ? .success(pid) : .failure(Failure(code: status))
            }
        #endif
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
