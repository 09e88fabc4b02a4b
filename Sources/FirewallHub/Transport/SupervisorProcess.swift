import CShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The body of the supervisor mode (see `TargetSupervisor`), running in its own process between the
/// hub and one target. Single-threaded, no Foundation, no Swift concurrency.
///
/// 1. Blocks TERM/INT/HUP/CHLD (taken with sigtimedwait) and ignores SIGPIPE.
/// 2. PR_SET_PDEATHSIG(SIGTERM), then checks that the hub is still its parent (closing the race with
///    a hub that died before the prctl).
/// 3. PR_SET_CHILD_SUBREAPER: orphans of the tree (also those that left the group with `setsid`) are
///    reparented to it instead of init, so its /proc descendants are the whole tree.
/// 4. Spawns the target in ITS OWN process group (the group the hub created with the supervisor as
///    leader, so the hub's group signals reach the target and its group directly), with fds 0/1/2
///    inherited, an empty signal mask and default dispositions.
/// 5. Puts /dev/null over its own fds 0 and 1: the target's stdin/stdout pipe ends are then held by
///    the target alone, so EOF semantics between hub and target are unchanged. It keeps fd 2 for its
///    own diagnostics (it exits after the tree anyway).
/// 6. Waits (sigtimedwait, 200 ms) and reaps with waitpid(-1, WNOHANG) until the target exits, SIGTERM
///    arrives (the hub died → PDEATHSIG, or the hub's shutdown signalled the group), or the parent is
///    no longer the hub.
/// 7. Sweeps: SIGTERM to the group and to every live descendant, up to `grace` for them to exit,
///    SIGKILL to the rest (one by one: a group SIGKILL would hit the supervisor itself), reap.
/// 8. Exits the way the target did: the same exit code, or killed by the same signal.
enum SupervisorProcess {
    private struct Ending {
        var signaled: Bool
        var value: Int32
    }

    /// Writes `message` and a newline to fd 2 (no buffering, no Foundation).
    static func report(_ message: String) {
        var bytes = Array((message + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    #if os(Linux)
        static func run(_ invocation: TargetSupervisor.Invocation) -> Never {
            let blocked = cshim_block_supervisor_signals()
            if blocked != 0 {
                report("mcp-firewall-hub supervisor: cannot block signals (errno \(blocked))")
                exit(126)
            }
            _ = cshim_set_parent_death_signal(SIGTERM)
            // The hub died before the prctl: nothing has been started, end as if SIGTERMed.
            if getppid() != invocation.hubPID { cshim_exit_like(1, SIGTERM) }
            _ = cshim_set_child_subreaper(1)

            let server: Int32
            switch ProcessLauncher.spawnInheritingStdio(path: invocation.path, arguments: invocation.arguments) {
            case .success(let pid):
                server = pid
            case .failure(let failure):
                // Arguments are not shown: they may carry secrets (approval codes of notify commands).
                let text = strerror(failure.code).map { String(cString: $0) } ?? "unknown error"
                report("mcp-firewall-hub: could not start '\(invocation.path)': \(text) (errno \(failure.code))")
                exit(failure.code == ENOENT ? 127 : 126)
            }
            for fd: Int32 in [0, 1] {
                let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
                if null >= 0 && null != fd {
                    _ = dup2(null, fd)
                    _ = close(null)
                } else if null < 0 {
                    _ = close(fd)  // at least do not hold the pipe end
                }
            }

            var loop = Loop(server: server, hubPID: invocation.hubPID, grace: invocation.grace)
            loop.watch()
            loop.sweep()
            let ending = loop.ending ?? Ending(signaled: true, value: SIGKILL)
            cshim_exit_like(ending.signaled ? 1 : 0, ending.value)
        }

        private struct Loop {
            let server: Int32
            let hubPID: Int32
            let grace: Duration
            var ending: Ending?
            private let me = getpid()
            private var terminated: Set<Int32> = []

            init(server: Int32, hubPID: Int32, grace: Duration) {
                self.server = server
                self.hubPID = hubPID
                self.grace = grace
            }

            /// Returns when the target has exited, SIGTERM arrived, or the hub is gone.
            mutating func watch() {
                while true {
                    let signal = cshim_wait_supervisor_signal(200)
                    reapChildren()
                    if ending != nil || signal == SIGTERM || getppid() != hubPID { return }
                }
            }

            /// SIGTERM, grace, SIGKILL for the whole tree; returns when nothing of it runs any more
            /// (or, for processes that do not die even of SIGKILL, after a bounded wait).
            mutating func sweep() {
                _ = kill(0, SIGTERM)  // our group (we block SIGTERM ourselves)
                terminateNewDescendants()
                let deadline = ContinuousClock.now + grace
                while true {
                    reapChildren()
                    let live = liveDescendants()
                    if live.isEmpty && ending != nil { return }
                    if ContinuousClock.now >= deadline { break }
                    terminateNewDescendants(live)
                    _ = cshim_wait_supervisor_signal(20)
                }
                let killDeadline = ContinuousClock.now + .seconds(5)
                while ContinuousClock.now < killDeadline {
                    reapChildren()
                    let live = liveDescendants()
                    if live.isEmpty && ending != nil { return }
                    for pid in live { _ = kill(pid, SIGKILL) }
                    _ = cshim_wait_supervisor_signal(10)
                }
            }

            private mutating func terminateNewDescendants(_ known: [Int32]? = nil) {
                for pid in known ?? liveDescendants() where terminated.insert(pid).inserted {
                    _ = kill(pid, SIGTERM)
                }
            }

            /// Live descendants via /proc; without /proc, just the target while it is not reaped.
            private func liveDescendants() -> [Int32] {
                if let tree = ProcessTree.current() { return tree.liveDescendants(of: me) }
                return ending == nil ? [server] : []
            }

            /// Reaps every exited child (the target and adopted orphans), recording the target's end.
            private mutating func reapChildren() {
                while true {
                    var status: Int32 = 0
                    let pid = waitpid(-1, &status, WNOHANG)
                    if pid < 0 && errno == EINTR { continue }
                    guard pid > 0 else { return }
                    guard pid == server else { continue }
                    // Linux wait status: low 7 bits = terminating signal (0 when exited), bits 8-15 = code.
                    let signal = status & 0x7f
                    ending =
                        signal == 0
                        ? Ending(signaled: false, value: (status >> 8) & 0xff) : Ending(signaled: true, value: signal)
                }
            }
        }
    #endif
}
