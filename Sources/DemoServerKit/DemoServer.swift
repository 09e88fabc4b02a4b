import CShim
import Dispatch
import Foundation
import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny blocking stdio MCP server (handshake era: protocol versions 2024-11-05 … 2025-11-25)
/// that offers tools and, optionally, prompts, resources (with subscriptions), completions and
/// logging. Tools may report progress, be cancelled, ask the client (elicitation, roots, sampling)
/// and change the tool list at run time (see `ToolContext`).
///
/// Capabilities declared in `initialize`: `tools` always (`listChanged` per
/// `Features.toolListChanged`); `prompts {listChanged: true}` when there are prompts;
/// `resources {subscribe: true, listChanged: true}` when the catalog is not empty; `completions`
/// when a prompt or template has a completion hook; `logging` per `Features.logging`. Methods of an
/// undeclared capability answer -32601.
///
/// Environment:
/// - `DEMO_JOURNAL=path`: append one JSON line per tool execution (see `ToolJournal`).
/// - `DEMO_PAGE_SIZE=N`: `tools/list`, `prompts/list`, `resources/list` and `resources/templates/list`
///   return pages of N entries with an opaque `nextCursor`.
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
        /// Rewrites each line before it is written, newline excluded (fixture `--answer-style`: valid
        /// but unusual spellings of a message, or broken ones on purpose). Nil for well-behaved servers.
        public var rewriteEachLine: (@Sendable ([UInt8]) -> [UInt8])?

        public init(
            initialize: InitializeBehavior = .answer, stdoutNoiseLine: String? = nil,
            concurrentToolCalls: Bool = false, logEachMessage: Bool = false,
            rewriteEachLine: (@Sendable ([UInt8]) -> [UInt8])? = nil
        ) {
            self.initialize = initialize
            self.stdoutNoiseLine = stdoutNoiseLine
            self.concurrentToolCalls = concurrentToolCalls
            self.logEachMessage = logEachMessage
            self.rewriteEachLine = rewriteEachLine
        }
    }

    /// Optional protocol features a server declares.
    public struct Features: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Declare `tools.listChanged: true` and send `notifications/tools/list_changed` when a tool
        /// changes the list (`ToolContext.addTool` / `removeTool`).
        public static let toolListChanged = Features(rawValue: 1 << 0)
        /// Declare `logging` and accept `logging/setLevel` (tools log with `ToolContext.logToClient`).
        public static let logging = Features(rawValue: 1 << 1)
    }

    public let name: String
    public let version: String
    public let instructions: String?
    /// The tools at start-up; tools may add or remove tools later.
    public let tools: [DemoTool]
    public let prompts: [DemoPrompt]
    public let resources: DemoResourceCatalog
    public let features: Features
    public let options: Options

    public init(
        name: String, version: String, instructions: String? = nil, tools: [DemoTool],
        prompts: [DemoPrompt] = [], resources: DemoResourceCatalog = DemoResourceCatalog(),
        features: Features = [], options: Options = Options()
    ) {
        self.name = name
        self.version = version
        self.instructions = instructions
        self.tools = tools
        self.prompts = prompts
        self.resources = resources
        self.features = features
        self.options = options
    }

    /// Serves stdin/stdout until stdin reaches EOF, then exits 0. Bad environment values exit 2.
    public func run() -> Never {
        let settings = DemoEnvironment.start()
        let journal = settings.journalPath.map { ToolJournal(path: $0) }
        let session = DemoSession(server: self, pageSize: settings.pageSize, journal: journal)
        DemoEnvironment.readStdinLines { session.handle(line: $0) }
        session.inputClosed()
        session.waitForRunningCalls()
        exit(0)
    }
}

/// The `DEMO_*` environment variables, validated.
struct DemoEnvironment {
    var journalPath: String?
    var pageSize: Int?
    var startupDelayMilliseconds: Int?

    /// Process start-up shared by the demo servers: ignore SIGPIPE, read the environment, and
    /// sleep `DEMO_STARTUP_DELAY_MS`.
    static func start() -> DemoEnvironment {
        signal(SIGPIPE, SIG_IGN)
        cshim_keep_large_blocks()  // as the hub does: a fair baseline for the benchmark's large calls
        let settings = read()
        if let delay = settings.startupDelayMilliseconds, delay > 0 {
            var request = timespec(tv_sec: delay / 1000, tv_nsec: (delay % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
        }
        return settings
    }

    /// Hands every non-blank stdin line to `body` until EOF. With `DEMO_UNIVERSAL_NEWLINES=1` a bare
    /// `\r` ends a line too, as in every official Python SDK server (universal newlines): the
    /// adversarial tests use it to see what such a target would make of the hub's bytes.
    static func readStdinLines(_ body: ([UInt8]) -> Void) {
        let universal = ProcessInfo.processInfo.environment["DEMO_UNIVERSAL_NEWLINES"] == "1"
        var reader = FDLineReader(fd: 0)
        while let line = reader.nextLine() {
            let pieces =
                universal ? line.split(separator: 0x0D, omittingEmptySubsequences: false).map(Array.init) : [line]
            for piece in pieces {
                if piece.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                body(piece)
            }
        }
    }

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
