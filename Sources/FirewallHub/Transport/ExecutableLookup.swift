#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves a command the way execvp would, but against the CHILD's PATH (posix_spawnp would use
/// the hub's own PATH) and relative to the child's working directory.
enum ExecutableLookup {
    /// PATH used when the child environment has none (glibc's execvp default).
    static let defaultSearchPath = "/bin:/usr/bin"

    /// Returns the path to pass to posix_spawn.
    /// - A command containing '/' is used as is (relative to `workingDirectory` when relative), after
    ///   checking that it exists and is executable.
    /// - Otherwise each PATH entry is tried in order; an empty entry means the working directory.
    static func resolve(
        command: String,
        environment: [String: String],
        workingDirectory: String?
    ) throws(SpawnError) -> String {
        if command.isEmpty {
            throw .executableNotFound(command: command, searchedPath: environment["PATH"] ?? defaultSearchPath)
        }
        if command.contains("/") {
            let local = anchored(command, in: workingDirectory)
            switch check(path: local) {
            case .executable:
                try checkInterpreter(of: local, reportedAs: command)
                return command
            case .notExecutable: throw .notExecutable(command)
            case .missing: throw .executableNotFound(command: command, searchedPath: "")
            }
        }
        let searchPath = environment["PATH"] ?? defaultSearchPath
        var firstNonExecutable: String?
        for entry in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let directory = entry.isEmpty ? "." : String(entry)
            let candidate = directory.hasSuffix("/") ? directory + command : directory + "/" + command
            let local = anchored(candidate, in: workingDirectory)
            switch check(path: local) {
            case .executable:
                try checkInterpreter(of: local, reportedAs: candidate)
                // Keep relative candidates relative: posix_spawn resolves them after the chdir action.
                return candidate
            case .notExecutable:
                if firstNonExecutable == nil { firstNonExecutable = candidate }
            case .missing:
                continue
            }
        }
        if let firstNonExecutable { throw .notExecutable(firstNonExecutable) }
        throw .executableNotFound(command: command, searchedPath: searchPath)
    }

    private enum FileCheck { case executable, notExecutable, missing }

    /// The path as seen from the hub's own cwd, given that the child runs in `workingDirectory`.
    private static func anchored(_ path: String, in workingDirectory: String?) -> String {
        guard !path.hasPrefix("/"), let workingDirectory, !workingDirectory.isEmpty else { return path }
        return workingDirectory.hasSuffix("/") ? workingDirectory + path : workingDirectory + "/" + path
    }

    /// A script whose '#!' interpreter is missing would only fail inside the child (as exit 127 when
    /// started through setpriv or the target supervisor), so check the interpreter up front.
    /// Unreadable files are not checked.
    private static func checkInterpreter(of path: String, reportedAs shown: String) throws(SpawnError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { _ = close(fd) }
        var head = [UInt8](repeating: 0, count: 256)
        let count = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 2, head[0] == UInt8(ascii: "#"), head[1] == UInt8(ascii: "!") else { return }
        let line = head[2..<count].prefix { $0 != 0x0A && $0 != 0x0D }
        let interpreter = line.drop { $0 == 0x20 || $0 == 0x09 }.prefix { $0 != 0x20 && $0 != 0x09 }
        let interpreterPath = String(decoding: interpreter, as: UTF8.self)
        guard interpreterPath.hasPrefix("/") else { return }
        if check(path: interpreterPath) != .executable {
            throw .interpreterNotFound(script: shown, interpreter: interpreterPath)
        }
    }

    private static func check(path: String) -> FileCheck {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .notExecutable }
        return access(path, X_OK) == 0 ? .executable : .notExecutable
    }
}
