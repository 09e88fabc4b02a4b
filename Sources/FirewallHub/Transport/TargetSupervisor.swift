import CShim
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hub's hidden supervisor mode (Linux): `mcp-firewall-hub --supervise <hub-pid> --grace-ms <n> --
/// <path> <args…>` sits between the hub and one target so that no process of the target's tree
/// outlives the hub, even a SIGKILLed one. See `ProcessLauncher` for the design and
/// `SupervisorProcess` for what the mode does.
///
/// The executable's `main` must call `runIfRequested` first thing: that both runs the mode when asked
/// and tells the library that this executable understands `--supervise` (a library user such as a test
/// runner does not, so it gets the setpriv fallback).
public enum TargetSupervisor {
    static let modeFlag = "--supervise"
    /// Set to a non-empty value other than "0" in the hub's environment to spawn targets without a
    /// supervisor (setpriv, then plain, as before).
    static let optOutVariable = "MCP_FIREWALL_HUB_NO_SUPERVISOR"

    /// What the hub asks a supervisor to do.
    struct Invocation: Sendable, Equatable {
        var hubPID: Int32
        /// How long the tree gets after SIGTERM before the survivors are SIGKILLed.
        var grace: Duration
        /// The target's executable, already resolved by the hub (contains a '/').
        var path: String
        var arguments: [String]
    }

    private static let hostHandlesMode = Atomic<Bool>(false)

    /// Call first thing in `main`, before any other work (no threads may exist yet: the mode relies on
    /// a per-thread signal mask). When `arguments` (the full argv) ask for the supervisor mode it runs
    /// it and never returns; otherwise it returns at once.
    public static func runIfRequested(_ arguments: [String]) {
        guard arguments.count > 1, arguments[1] == modeFlag else {
            hostHandlesMode.store(true, ordering: .releasing)
            return
        }
        #if os(Linux)
            guard let invocation = parse(Array(arguments.dropFirst())) else {
                SupervisorProcess.report("mcp-firewall-hub: --supervise is internal; usage: " + usage)
                exit(2)
            }
            SupervisorProcess.run(invocation)
        #else
            SupervisorProcess.report("mcp-firewall-hub: --supervise is only supported on Linux")
            exit(2)
        #endif
    }

    static let usage = "--supervise <hub-pid> --grace-ms <milliseconds> -- <absolute-or-relative-path> [args…]"

    /// Parses the arguments after argv[0]; nil when they do not have the `usage` shape.
    static func parse(_ arguments: [String]) -> Invocation? {
        guard arguments.count >= 6, arguments[0] == modeFlag, let hubPID = Int32(arguments[1]), hubPID > 0,
            arguments[2] == "--grace-ms", let milliseconds = Int(arguments[3]), milliseconds >= 0,
            arguments[4] == "--", arguments[5].contains("/")
        else { return nil }
        return Invocation(
            hubPID: hubPID, grace: .milliseconds(milliseconds), path: arguments[5],
            arguments: Array(arguments.dropFirst(6)))
    }

    /// The argv (without the executable path itself) that starts a supervisor for `invocation`.
    static func arguments(for invocation: Invocation) -> [String] {
        let (seconds, attoseconds) = invocation.grace.components
        let milliseconds = max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return [modeFlag, String(invocation.hubPID), "--grace-ms", String(milliseconds), "--", invocation.path]
            + invocation.arguments
    }

    /// What to exec to start a supervisor: `/proc/self/exe` (the hub's own binary, even if the file
    /// was replaced since) with a readable argv[0]; nil when supervision is unavailable (not Linux,
    /// the host executable does not handle the mode, /proc missing, or opted out).
    static func executable() -> (path: String, argv0: String)? {
        #if os(Linux)
            guard hostHandlesMode.load(ordering: .acquiring), !optedOut(),
                let argv0 = ownExecutablePath
            else { return nil }
            return ("/proc/self/exe", argv0)
        #else
            return nil
        #endif
    }

    private static func optedOut() -> Bool {
        guard let value = getenv(optOutVariable) else { return false }
        let text = String(cString: value)
        return !text.isEmpty && text != "0"
    }

    /// readlink(/proc/self/exe), once; nil when it cannot be read.
    private static let ownExecutablePath: String? = {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let bytes = buffer[..<count].map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }()
}
