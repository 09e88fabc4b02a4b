import Foundation
import MCPWire
import Synchronization
import Testing

@testable import FirewallHub

private func tool(_ name: String, _ description: String = "d") -> JSONObject {
    ["name": .string(name), "description": .string(description), "inputSchema": ["type": "object"]]
}

private final class ReaderFlags: Sendable {
    let failures = Mutex(0)
    let done = Mutex(false)
}

@Suite struct PinStoreTests {
    @Test func anAbsentStoreIsEmptyAndAnUpdateCreatesIt() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = PinStore(path: folder + "/state/pins.json")
        #expect(try store.load().get() == PinFile())
        try store.update { file -> Result<Void, PinStore.Failure> in
            file.servers["a"] = ServerPins(tools: ["t": PinnedTool(definition: tool("t"), at: "now")])
            return .success(())
        }.get()
        let loaded = try store.load().get()
        #expect(loaded.servers["a"]?.tools["t"]?.hash == ToolFingerprint.hash(of: tool("t")))
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// A definition nested as deep as any message may be (a hostile server's schema) is stored and read
    /// back: one server cannot make the shared store unreadable for every other.
    @Test func aDefinitionAsDeepAsAnyMessageIsStoredAndReadBack() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let depth = JSONParser.defaultMaxDepth - 4
        let nested = try JSONParser.parse(
            String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth))
        var deep = tool("deep")
        deep["inputSchema"] = nested
        let store = PinStore(path: folder + "/pins.json")
        try store.update { file -> Result<Void, PinStore.Failure> in
            file.servers["evil"] = ServerPins(tools: ["deep": PinnedTool(definition: deep, at: "now")])
            file.servers["good"] = ServerPins(tools: ["t": PinnedTool(definition: tool("t"), at: "now")])
            return .success(())
        }.get()
        let loaded = try store.load().get()
        #expect(loaded.servers["good"]?.tools["t"] != nil)
        #expect(loaded.servers["evil"]?.tools["deep"]?.hash == ToolFingerprint.hash(of: deep))
    }

    @Test func anAbandonedUpdateLeavesTheStoreAsItWas() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = PinStore(path: folder + "/pins.json")
        let result = store.update { file -> Result<Void, PinStore.Failure> in
            file.servers["a"] = ServerPins(tools: ["t": PinnedTool(definition: tool("t"), at: "now")])
            return .failure(.abandoned("no"))
        }
        guard case .failure(.abandoned("no")) = result else {
            Issue.record("expected the update to be abandoned")
            return
        }
        #expect(!FileManager.default.fileExists(atPath: store.path))
    }

    @Test func aHandEditedOrBrokenStoreIsRefusedNamingTheFile() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = PinStore(path: folder + "/pins.json")
        try store.update { file -> Result<Void, PinStore.Failure> in
            file.servers["a"] = ServerPins(tools: ["t": PinnedTool(definition: tool("t", "honest"), at: "now")])
            return .success(())
        }.get()
        let text = try String(contentsOfFile: store.path, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "honest", with: "sneaky").utf8).write(
            to: URL(fileURLWithPath: store.path))
        guard case .failure(.corrupt(let path, let reason)) = store.load() else {
            Issue.record("expected corrupt")
            return
        }
        #expect(path == store.path)
        #expect(reason.contains("servers.a.tools.t"))
        try Data("{\"version\": 1, \"servers\": {".utf8).write(to: URL(fileURLWithPath: store.path))
        guard case .failure(.corrupt) = store.load() else {
            Issue.record("expected corrupt")
            return
        }
    }

    @Test func concurrentWritersNeverLoseEachOthersPinsAndReadersNeverSeeAPartialFile() async throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/pins.json"
        let writers = 4
        let perWriter = 10
        let flags = ReaderFlags()
        // One reader reads all the time while the writers run: every read is the old file or the new one.
        let reader = Task {
            await onThreads(1) { _ in
                while !flags.done.withLock({ $0 }) {
                    if case .failure = PinStore(path: path).load() { flags.failures.withLock { $0 += 1 } }
                }
            }
        }
        await onThreads(writers) { writer in
            // A separate store value per writer, as separate processes have.
            let store = PinStore(path: path)
            for n in 0..<perWriter {
                _ = store.update { file -> Result<Void, PinStore.Failure> in
                    var pins = file.servers["s\(writer)"] ?? ServerPins()
                    pins.tools["t\(n)"] = PinnedTool(definition: tool("t\(n)"), at: "now")
                    file.servers["s\(writer)"] = pins
                    return .success(())
                }
            }
        }
        flags.done.withLock { $0 = true }
        await reader.value
        let file = try PinStore(path: path).load().get()
        #expect(file.servers.count == writers)
        for writer in 0..<writers { #expect(file.servers["s\(writer)"]?.tools.count == perWriter) }
        #expect(flags.failures.withLock { $0 } == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }
}
