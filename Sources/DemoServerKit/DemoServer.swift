import Dispatch
import Foundation
import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny blocking stdio MCP server (handshake era: protocol versions 2024-11-05 … 2025-11-25)
/// that offers a fixed list of tools.
///
/// Environment:
/// - `DEMO_JOURNAL=path`: append one JSON line per tool execution (see `ToolJournal`).
/// - `DEMO_PAGE_SIZE=N`: `tools/list` returns pages of N tools with an opaque `nextCursor`.
/// - `DEMO_STARTUP_DELAY_MS=N`: sleep that long before reading stdin.
public struct DemoServer: Sendable {
    /// Knobs for deliberately odd behaviour; the defaults make a well-behaved server.
    public struct Options: Sendable {
        public enum InitializeBehavior: Sendable {
            /// The normal handshake.
            case answer
            /// Answer `initialize` with this JSON-RPC error.
            case fail(JSONRPCError)
            /// Never answer `initialize` (other requests are still served).
            case ignore
        }

        public var initialize: InitializeBehavior
        /// A non-JSON line written to stdout before every response (a protocol violation on purpose).
        public var stdoutNoiseLine: String?
        /// Run each `tools/call` on its own thread; responses may then come out of order.
        public var concurrentToolCalls: Bool
        /// Log every incoming message to stderr.
        public var logEachMessage: Bool

        public init(
            initialize: InitializeBehavior = .answer, stdoutNoiseLine: String? = nil,
            concurrentToolCalls: Bool = false, logEachMessage: Bool = false
        ) {
            self.initialize = initialize
            self.stdoutNoiseLine = stdoutNoiseLine
            self.concurrentToolCalls = concurrentToolCalls
            self.logEachMessage = logEachMessage
        }
    }

    public let name: String
    public let version: String
    public let instructions: String?
    public let tools: [DemoTool]
    public let options: Options

    public init(
        name: String, version: String, instructions: String? = nil, tools: [DemoTool], options: Options = Options()
    ) {
        self.name = name
        self.version = version
        self.instructions = instructions
        self.tools = tools
        self.options = options
    }

    /// Serves stdin/stdout until stdin reaches EOF, then exits 0. Bad environment values exit 2.
    public func run() -> Never {
        signal(SIGPIPE, SIG_IGN)
        let settings = DemoEnvironment.read()
        if let delay = settings.startupDelayMilliseconds, delay > 0 {
            var request = timespec(tv_sec: delay / 1000, tv_nsec: (delay % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
        }
        let journal = settings.journalPath.map { ToolJournal(path: $0) }
        let session = DemoSession(server: self, pageSize: settings.pageSize, journal: journal)
        var reader = FDLineReader(fd: 0)
        while let line = reader.nextLine() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            session.handle(line: line)
        }
        session.waitForRunningCalls()
        exit(0)
    }
}

/// The `DEMO_*` environment variables, validated.
struct DemoEnvironment {
    var journalPath: String?
    var pageSize: Int?
    var startupDelayMilliseconds: Int?

    static func read() -> DemoEnvironment {
        let env = ProcessInfo.processInfo.environment
        var settings = DemoEnvironment()
        if let path = env["DEMO_JOURNAL"], !path.isEmpty { settings.journalPath = path }
        settings.pageSize = positiveInt(env, "DEMO_PAGE_SIZE", allowZero: false)
        settings.startupDelayMilliseconds = positiveInt(env, "DEMO_STARTUP_DELAY_MS", allowZero: true)
        return settings
    }

    private static func positiveInt(_ env: [String: String], _ key: String, allowZero: Bool) -> Int? {
        guard let raw = env[key], !raw.isEmpty else { return nil }
        guard let n = Int(raw), n > 0 || (allowZero && n == 0) else {
            let expected = allowZero ? "a whole number of milliseconds (0 or more)" : "a positive whole number"
            DemoStderr.log("\(key)=\(raw) is not valid: expected \(expected)")
            exit(2)
        }
        return n
    }
}
