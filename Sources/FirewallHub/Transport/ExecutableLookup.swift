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
            switch check(path: anchored(command, in: workingDirectory)) {
            case .executable: return command
            case .notExecutable: throw .notExecutable(command)
            case .missing: throw .executableNotFound(command: command, searchedPath: "(not searched: path given)")
            }
        }
        let searchPath = environment["PATH"] ?? defaultSearchPath
        var firstNonExecutable: String?
        for entry in searchPath.split(separator: ":", omittingEmptySubsequences: false) {
            let directory = entry.isEmpty ? "." : String(entry)
            let candidate = directory.hasSuffix("/") ? directory + command : directory + "/" + command
            switch check(path: anchored(candidate, in: workingDirectory)) {
            case .executable:
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

    private static func check(path: String) -> FileCheck {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .notExecutable }
        return access(path, X_OK) == 0 ? .executable : .notExecutable
    }
}
