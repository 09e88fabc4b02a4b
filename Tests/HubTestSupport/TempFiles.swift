import Foundation

/// Unique temporary directories and files for tests. Callers remove what they create
/// (`remove(_:)`, or use `withDirectory`, which always cleans up).
public enum TempFiles {
    /// Creates a fresh, empty directory under the system temporary directory.
    public static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hub-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` (UTF-8) to `dir/name`, replacing any existing file, and returns its URL.
    @discardableResult
    public static func write(_ text: String, name: String, in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// `XDG_STATE_HOME` for every process a test starts (unless the test gives its own): the hub's pin
    /// store and other state land in a folder of this test run, never in the user's home, and no run
    /// sees another's pins. Removed when the test process exits.
    public static let stateHome: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hub-tests-state-\(UUID().uuidString)", isDirectory: true
        ).path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TempFiles.stateHome) }
        return path
    }()

    /// `environment` merged over this process's, with `XDG_STATE_HOME` set to `stateHome` unless
    /// `environment` names one.
    public static func childEnvironment(_ environment: [String: String]?) -> [String: String] {
        var merged = ProcessInfo.processInfo.environment
        merged["XDG_STATE_HOME"] = stateHome
        if let environment { merged.merge(environment) { _, new in new } }
        return merged
    }

    /// Removes a file or directory tree; a missing path is not an error.
    public static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    /// Runs `body` with a fresh directory and removes the directory afterwards, even when `body` throws.
    public static func withDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let dir = try directory()
        defer { remove(dir) }
        return try await body(dir)
    }
}
