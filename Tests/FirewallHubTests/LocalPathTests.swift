import Foundation
import Testing

@testable import FirewallHub

/// The Foundation-free path, file and environment helpers, checked against the Foundation calls they
/// replaced (Foundation is the oracle here; the hub itself no longer links it).
@Suite struct LocalPathTests {
    static let paths = [
        "", ".", "..", "/", "//", "/.", "/..", "a", "a/b", "a//b/", "./a", "../a", "a/../../x", "a/./b/",
        "/a/b", "/a/b/", "/a//b", "//a", "///a/b", "/a/./b", "/a/../b", "/../a", "/a/b/..", "/a/b/.", "/a/.../b",
        "~", "~/", "~/x", "~//x", "~/../..", "~root/x", "~no-such-user-here/x", "x/~", "a%20b", "/a b/é", "/a?b#c",
    ]

    @Test(arguments: paths) func absoluteIsURLStandardizedPath(_ path: String) {
        #expect(LocalPath.absolute(path) == URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    @Test(arguments: paths) func appendingIsURLAppendingPathComponent(_ path: String) {
        #expect(
            LocalPath.appending("mcp-firewall-hub/hub.json", to: path)
                == URL(fileURLWithPath: path).appendingPathComponent("mcp-firewall-hub/hub.json").path)
        #expect(
            LocalPath.absolute(LocalPath.appending(path, to: "/base/dir"))
                == URL(fileURLWithPath: "/base/dir", isDirectory: true).appendingPathComponent(path)
                .standardizedFileURL.path)
    }

    @Test(arguments: paths) func parentDirectoryIsURLDeletingLastPathComponent(_ path: String) {
        let absolute = LocalPath.absolute(path)
        #expect(
            LocalPath.parentDirectory(absolute) == URL(fileURLWithPath: absolute).deletingLastPathComponent().path)
    }

    /// Only inputs NSString handles: it traps on some (`a`, `/a//`).
    @Test(arguments: ["/", "/a", "/a/b", "/a/b/", "/a/b/..", "/..", "/usr/bin/uvx", "/é/x"])
    func componentsAreNSStringPathComponents(_ path: String) {
        #expect(LocalPath.lastComponent(path) == (path as NSString).lastPathComponent)
        #expect(LocalPath.deletingLastComponent(path) == (path as NSString).deletingLastPathComponent)
    }

    @Test func relativeComponents() {
        #expect(LocalPath.lastComponent("uvx") == "uvx")
        #expect(LocalPath.lastComponent("./bin/server/") == "server")
        #expect(LocalPath.lastComponent("") == "")
        #expect(LocalPath.deletingLastComponent("hub.json") == "")
        #expect(LocalPath.deletingLastComponent("conf//hub.json") == "conf")
    }

    @Test func currentDirectoryIsFileManagers() {
        #expect(LocalPath.currentDirectory() == FileManager.default.currentDirectoryPath)
    }

    @Test func fileKindsAndContents() throws {
        let directory = NSTemporaryDirectory() + "localpath-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/hub.json"
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
        #expect(FileManager.default.createFile(atPath: file, contents: Data(bytes)))
        try FileManager.default.createSymbolicLink(atPath: directory + "/dangling", withDestinationPath: "/no/such")

        #expect(LocalFile.kind(at: directory) == .directory)
        #expect(LocalFile.kind(at: file) == .file)
        #expect(LocalFile.kind(at: directory + "/dangling") == nil)
        #expect(LocalFile.kind(at: directory + "/missing") == nil)
        #expect(LocalFile.isReadable(file))
        #expect(try LocalFile.contents(of: file, limit: 1 << 20).get() == bytes)
        // Over the limit: limit + 1 bytes or more come back, never the whole of a huge file.
        let capped = try LocalFile.contents(of: file, limit: 1000).get()
        #expect(capped.count > 1000 && capped.count < bytes.count)
        #expect(throws: LocalFile.ReadFailure(code: ENOENT)) {
            try LocalFile.contents(of: directory + "/missing", limit: 10).get()
        }
    }

    @Test func environmentIsProcessInfos() {
        #expect(ProcessEnvironment.current() == ProcessInfo.processInfo.environment)
    }
}
