import Foundation

/// Locates the executables SwiftPM built next to the test bundle.
public enum Binaries {
    /// Environment variable that overrides the bin directory.
    public static let directoryEnvironmentKey = "MCP_HUB_BIN_DIR"

    /// The build's bin directory (e.g. `.build/x86_64-unknown-linux-gnu/debug`).
    ///
    /// `MCP_HUB_BIN_DIR` wins when set. On Linux `Bundle.main.bundleURL` is the bin directory under both
    /// XCTest and Swift Testing; on macOS it is the parent of the loaded `.xctest` bundle.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment[directoryEnvironmentKey], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        #if os(macOS)
            if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
                return bundle.bundleURL.deletingLastPathComponent()
            }
        #endif
        return Bundle.main.bundleURL
    }

    /// The URL of the built executable `name` (e.g. "mcp-firewall-hub", "demo-payments", "fixture-server").
    /// It may not exist; use `require(_:)` to check.
    public static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// Whether the executable `name` exists and is executable.
    public static func isAvailable(_ name: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: url(name).path)
    }

    /// The URL of `name`, or `TestSupportError.binaryMissing` naming the directory searched.
    public static func require(_ name: String) throws -> URL {
        let url = url(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestSupportError.binaryMissing(name: name, directory: directory.path)
        }
        return url
    }
}
