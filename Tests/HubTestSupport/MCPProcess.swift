import Foundation
import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One spawned process speaking newline-delimited JSON-RPC on stdin/stdout, driven as an MCP client would.
///
/// - stdout is read on its own thread and split into lines; every line is kept raw (`stdoutLines`), and
///   lines that decode as JSON-RPC messages are routed: a response whose id a `request` is waiting for
///   goes to that `request`; everything else queues for `nextMessage`, in arrival order.
/// - stderr is collected (`stderrText`). Set `MCP_HUB_TEST_ECHO_STDERR=1` to also copy it to our stderr.
/// - The child leads its own process group. `terminate()` SIGKILLs that group; `deinit` calls it, so a
///   failing test never leaks the process.
public final class MCPProcess: Sendable {
    let session: ProcessSession

    /// Environment variable: when "1", children's stderr is also copied to the test process's stderr.
    public static let echoStderrEnvironmentKey = "MCP_HUB_TEST_ECHO_STDERR"

    private init(session: ProcessSession) {
        self.session = session
    }

    deinit {
        session.terminate()
    }

    /// Spawns `executable` with `arguments`. `environment` is merged over this process's environment.
    /// Throws `TestSupportError.launchFailed` when the executable or the directory is unusable.
    public static func launch(
        _ executable: URL, arguments: [String] = [], environment: [String: String]? = nil,
        currentDirectory: URL? = nil
    ) throws -> MCPProcess {
        _ = installSIGPIPEHandler
        let merged = TempFiles.childEnvironment(environment)
        let child = try ChildSpawn.spawn(
            path: executable.path, arguments: arguments, environment: merged,
            currentDirectory: currentDirectory?.path)
        let echo = merged[echoStderrEnvironmentKey] == "1"
        let label = "\(executable.lastPathComponent) (pid \(child.pid))"
        return MCPProcess(session: ProcessSession(child: child, label: label, echoStderr: echo))
    }

    /// The child's pid, which is also its process-group id.
    public var pid: Int32 { session.pid }

    // MARK: Writing

    /// Writes `message` serialized compactly, plus `\n`.
    public func send(_ message: JSONValue) {
        var bytes = message.serializedBytes()
        bytes.append(0x0A)
        session.writer.enqueue(bytes)
    }

    /// Writes `message.line()`.
    public func send(_ message: JSONRPCMessage) {
        session.writer.enqueue(message.line())
    }

    /// Writes exactly `bytes` (for malformed-input tests; add the `\n` yourself).
    public func sendRaw(_ bytes: [UInt8]) {
        session.writer.enqueue(bytes)
    }

    /// Writes the UTF-8 of `text` exactly (add the `\n` yourself).
    public func sendRaw(_ text: String) {
        session.writer.enqueue(Array(text.utf8))
    }

    /// Closes the child's stdin once everything sent so far is written (the MCP stdio shutdown signal).
    public func closeStdin() {
        session.writer.close()
    }

    // MARK: Reading

    /// The next message not consumed by `request` (server notifications, server→client requests,
    /// responses nobody is waiting for), in arrival order.
    public func nextMessage(timeout: Duration = .seconds(10)) async throws -> JSONRPCMessage {
        let outcome = try await session.wait(for: .message, awaiting: "the next message", timeout: timeout)
        guard case .message(let message) = outcome else { preconditionFailure("message waiter got \(outcome)") }
        return message
    }

    /// Removes and returns every queued message without waiting (e.g. to assert that none arrived).
    public func takeQueuedMessages() -> [JSONRPCMessage] {
        session.read { $0.takeQueued() }
    }

    /// Every stdout line received so far, raw (without `\n`), including lines that are not JSON-RPC.
    public var stdoutLines: [String] {
        session.read { $0.stdoutLines }
    }

    /// Everything received on stderr so far (invalid UTF-8 replaced).
    public var stderrText: String {
        session.read { $0.stderrText }
    }

    /// Returns once stderr (all of it so far) contains `text`.
    public func waitForStderr(containing text: String, timeout: Duration = .seconds(10)) async throws {
        _ = try await session.wait(
            for: .stderr(text), awaiting: "stderr containing \"\(text)\"", timeout: timeout)
    }

    // MARK: Lifecycle

    /// The exit status (128+signal when killed by a signal), or nil while the child runs.
    public var exitStatus: Int32? {
        session.read { $0.exitStatus }
    }

    /// Waits for the child to exit and returns its status (128+signal when killed by a signal).
    /// By then stdout and stderr have been read to EOF (or given up on after a 2 s grace), so
    /// `stdoutLines` and `stderrText` are complete.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        let outcome = try await session.wait(for: .exit, awaiting: "the process to exit", timeout: timeout)
        guard case .exited(let status) = outcome else { preconditionFailure("exit waiter got \(outcome)") }
        return status
    }

    /// Sends `signal` (e.g. SIGTERM) to the child if it has not been reaped yet.
    public func sendSignal(_ signal: Int32) {
        session.sendSignal(signal)
    }

    /// SIGKILLs the child's process group, closes its stdin, and waits (up to 5 s) for it to be reaped.
    /// Idempotent; also run by `deinit`.
    public func terminate() {
        session.terminate()
    }
}

/// Writing to a dead child's stdin must fail with EPIPE rather than kill the test process. A no-op
/// handler (not SIG_IGN) is used because exec resets caught signals, while an ignored SIGPIPE would be
/// inherited by every child the tests spawn, including through Foundation.Process.
private let installSIGPIPEHandler: Void = {
    _ = signal(SIGPIPE) { _ in }
}()
