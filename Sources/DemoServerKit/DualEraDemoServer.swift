import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A server that speaks both eras the way the official Python SDK does on stdio: the first request
/// decides the era of the whole process, once. `initialize` (or any request without the 2026-07-28
/// envelope) opens a legacy session (`DemoServer`); an enveloped request such as `server/discover`
/// commits the process to 2026-07-28 (`ModernDemoSession`), which then refuses `initialize` with
/// -32022. With `DEMO_STARTUP_DELAY_MS` it models a slow start whose queued requests are read late.
public struct DualEraDemoServer: Sendable {
    public let legacy: DemoServer
    public let modern: ModernDemoServer

    public init(legacy: DemoServer, modern: ModernDemoServer) {
        self.legacy = legacy
        self.modern = modern
    }

    /// Serves stdin/stdout until EOF, then exits 0.
    public func run() -> Never {
        let settings = DemoEnvironment.start()
        let journal = settings.journalPath.map { ToolJournal(path: $0) }
        var handler: (([UInt8]) -> Void)?
        var legacySession: DemoSession?
        var lead: [[UInt8]] = []  // what came before the first request, replayed to the chosen era
        DemoEnvironment.readStdinLines { line in
            if handler == nil {
                guard let era = Self.era(decidedBy: line) else {
                    lead.append(line)
                    return
                }
                if era == .modern {
                    DemoStderr.log(
                        "\(modern.name): the first request carries the 2026-07-28 envelope; serving that era")
                    let session = ModernDemoSession(server: modern, pageSize: settings.pageSize, journal: journal)
                    handler = { session.handle(line: $0) }
                } else {
                    let session = DemoSession(server: legacy, pageSize: settings.pageSize, journal: journal)
                    legacySession = session
                    handler = { session.handle(line: $0) }
                }
                for earlier in lead { handler?(earlier) }
                lead = []
            }
            handler?(line)
        }
        legacySession?.inputClosed()
        legacySession?.waitForRunningCalls()
        exit(0)
    }

    /// The era a line decides: nil for anything but a request (notifications and answers decide nothing).
    static func era(decidedBy line: [UInt8]) -> ProtocolEra? {
        guard case .message(.request(let request)) = JSONRPCMessage.decode(line: line) else { return nil }
        if request.method == "initialize" { return .legacy }
        return ProtocolEra.of(params: request.params)
    }
}
