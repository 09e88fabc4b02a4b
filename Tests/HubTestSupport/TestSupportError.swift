import MCPWire

/// Why a test-support call failed. Every case says what was being awaited (or done) and, where a child
/// process is involved, carries the tail of its stderr so a failing test shows the child's own complaint.
public enum TestSupportError: Error, Sendable, CustomStringConvertible {
    /// Nothing satisfying `awaiting` arrived within `timeout`.
    case timeout(awaiting: String, timeout: Duration, process: String, stderrTail: String)
    /// The process exited (status, or 128+signal) before `awaiting` could be satisfied.
    case processExited(status: Int32, awaiting: String, process: String, stderrTail: String)
    /// The process closed its stdout (or stderr, for stderr waits) but kept running.
    case streamClosed(stream: String, awaiting: String, process: String, stderrTail: String)
    /// `call` got a JSON-RPC error instead of a result.
    case errorResponse(method: String, error: JSONRPCError)
    /// `posix_spawn` (or its setup) failed: `errno` is the C error number.
    case launchFailed(path: String, errno: Int32, detail: String)
    /// A built executable the test needs is not in the bin directory.
    case binaryMissing(name: String, directory: String)
    /// A response arrived but its shape was not what the helper needed (e.g. `initialize` without a result).
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .timeout(let awaiting, let timeout, let process, let tail):
            return "timed out after \(timeout) waiting for \(awaiting) from \(process)" + Self.tailText(tail)
        case .processExited(let status, let awaiting, let process, let tail):
            return "\(process) exited with status \(status) while waiting for \(awaiting)" + Self.tailText(tail)
        case .streamClosed(let stream, let awaiting, let process, let tail):
            return "\(process) closed its \(stream) (still running) while waiting for \(awaiting)"
                + Self.tailText(tail)
        case .errorResponse(let method, let error):
            var text = "\"\(method)\" returned JSON-RPC error \(error.code): \(error.message)"
            if let data = error.data { text += " (data: \(data.serialized()))" }
            return text
        case .launchFailed(let path, let errno, let detail):
            return "could not launch \(path): \(detail) (errno \(errno))"
        case .binaryMissing(let name, let directory):
            return "executable \"\(name)\" not found in \(directory); run `swift build` first, "
                + "or set MCP_HUB_BIN_DIR to the directory holding it"
        case .unexpectedReply(let detail):
            return "unexpected reply: \(detail)"
        }
    }

    private static func tailText(_ tail: String) -> String {
        tail.isEmpty ? "; stderr was empty" : "; stderr tail:\n\(tail)"
    }
}
