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
