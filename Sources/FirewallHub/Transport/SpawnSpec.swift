#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What to start: a command (resolved against `environment["PATH"]` unless it contains '/'),
/// its arguments (without argv[0]), the complete child environment, and an optional working directory.
struct SpawnSpec: Sendable, Equatable {
    var command: String
    var arguments: [String]
    /// The full child environment; nothing is inherited from the hub implicitly.
    var environment: [String: String]
    var workingDirectory: String?
    /// How long the rest of the process group gets after SIGTERM once the leader has exited, before
    /// it is SIGKILLed. `ChildProcess.shutdown(grace:)` overrides it with its own grace.
    var terminationGrace: Duration = .seconds(2)
    /// Ask the kernel to SIGKILL the child when the hub dies (Linux: via `setpriv --pdeathsig KILL`
    /// when /usr/bin/setpriv supports it; silently skipped elsewhere).
    var killWithParent: Bool = true

    init(
        command: String,
        arguments: [String] = [],
        environment: [String: String],
        workingDirectory: String? = nil,
        terminationGrace: Duration = .seconds(2),
        killWithParent: Bool = true
    ) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.terminationGrace = terminationGrace
        self.killWithParent = killWithParent
    }
}

/// Why a child could not be started, with a message the user can act on.
enum SpawnError: Error, Equatable, CustomStringConvertible {
    /// `command` was not found in any directory of `searchedPath` (the child's PATH).
    case executableNotFound(command: String, searchedPath: String)
    /// The file exists but is not an executable regular file (the associated value is its path).
    case notExecutable(String)
    /// The working directory does not exist or is not a directory.
    case workingDirectoryMissing(String)
    /// `script` starts with a '#!' line naming an interpreter that does not exist or is not executable.
    case interpreterNotFound(script: String, interpreter: String)
    /// pipe/posix_spawn failed with `errno`.
    case spawnFailed(command: String, errno: Int32)

    var description: String {
        switch self {
        case .executableNotFound(let command, _) where command.contains("/"):
            return "command '\(command)' does not exist; check the path in the server's command"
        case .executableNotFound(let command, let searchedPath):
            let shown = searchedPath.isEmpty ? "(empty)" : searchedPath
            return "command '\(command)' was not found on the server's PATH \(shown); "
                + "install it, use an absolute path, or set PATH in the server's env"
        case .notExecutable(let path):
            return "'\(path)' is not an executable file; check that it is a regular file with the "
                + "execute permission (chmod +x) and, for scripts, a '#!' line"
        case .workingDirectoryMissing(let path):
            return "working directory '\(path)' does not exist or is not a directory; "
                + "create it or fix the server's cwd setting"
        case .interpreterNotFound(let script, let interpreter):
            return "'\(script)' starts with '#!\(interpreter)', but '\(interpreter)' does not exist or is not "
                + "executable; install it or fix the script's first line"
        case .spawnFailed(let command, let code):
            let hint =
                switch code {
                case ENOENT: "; if it is a script, check that the program on its '#!' line exists"
                case EMFILE, ENFILE: "; the hub ran out of file descriptors (raise the limit with ulimit -n)"
                case EAGAIN, ENOMEM: "; the system is short of processes or memory"
                default: ""
                }
            return "could not start '\(command)': \(Self.errnoText(code)) (errno \(code))" + hint
        }
    }

    private static func errnoText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "unknown error" }
        return String(cString: text)
    }
}

/// How the process-group leader ended.
enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    var description: String {
        switch self {
        case .exited(let code):
            return "exit code \(code)"
        case .signaled(let signal):
            if let name = UnixSignals.name(of: signal) {
                return "killed by signal \(signal) (\(name))"
            }
            return "killed by signal \(signal)"
        }
    }

    /// True for `exited(0)`.
    var isSuccess: Bool { self == .exited(0) }
}
