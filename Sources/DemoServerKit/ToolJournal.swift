import MCPWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `DEMO_JOURNAL` file: one JSON line per tool execution, appended before the handler runs,
/// and one per cancellation of a call in flight.
///
/// Tests read it to prove that a call the hub denied never reached the target. The file is opened
/// with `O_APPEND` and each line goes out in a single `write`, so several server processes can share
/// one journal. Failing to record is fatal: a journal that silently misses calls would make such
/// tests pass for the wrong reason.
final class ToolJournal: Sendable {
    let path: String
    private let fd: Int32
    /// Serializes writes from concurrent tool calls in this process.
    private let lock = Mutex<Void>(())

    /// Opens (creating if needed) the journal, or exits with a message on stderr.
    init(path: String) {
        self.path = path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            DemoStderr.log("DEMO_JOURNAL: cannot open \(path) for appending: \(reason)")
            exit(1)
        }
        self.fd = fd
    }

    /// Appends `{"server":…,"tool":…,"arguments":{…}}` and a newline; `"_meta":{…}` too when the call
    /// carried `params._meta` (so tests can check that progress tokens survive an approved replay).
    /// A 2026-07-28 retry also records its `"inputResponses":{…}`.
    func record(
        server: String, tool: String, arguments: JSONObject, meta: JSONObject? = nil,
        inputResponses: JSONObject? = nil
    ) {
        var entry = JSONObject()
        entry["server"] = .string(server)
        entry["tool"] = .string(tool)
        entry["arguments"] = .object(arguments)
        if let meta { entry["_meta"] = .object(meta) }
        if let inputResponses { entry["inputResponses"] = .object(inputResponses) }
        append(entry)
    }

    /// Appends `{"server":…,"cancelled":<requestId>}` when a cancellation reaches a call in flight
    /// (tests use it to prove a client's cancel travelled all the way to the target).
    func recordCancellation(server: String, requestID: RequestID) {
        append(JSONObject([("server", .string(server)), ("cancelled", requestID.json)]))
    }

    private func append(_ entry: JSONObject) {
        var line = JSONValue.object(entry).serializedBytes()
        line.append(0x0A)
        lock.withLock { _ in
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written != line.count {
                let reason = written < 0 ? String(cString: strerror(errno)) : "short write (\(written) bytes)"
                DemoStderr.log("DEMO_JOURNAL: cannot append to \(path): \(reason)")
                exit(1)
            }
        }
    }
}
