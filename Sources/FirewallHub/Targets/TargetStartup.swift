import MCPWire

/// Owns: one target's start-up state machine — which opening request goes first (`initialize` or
/// `server/discover`, by `protocol`), what each answer means for the era, and when start-up has ended.
/// Never: sends, spawns or starts a timer (it returns what to do), and never picks an era on a timer.
///
/// `auto` sends `initialize` first. Legacy and dual-era servers then get the full legacy session
/// (their own requests to the client, logging, list_changed), which keeps every feature a dual-era
/// server has: the official Python SDK commits a process to the era of its first request, and in
/// 2026-07-28 its `ctx.elicit` has no way to reach the client. A server that refuses `initialize` with
/// an error (a modern-only server answers -32022) is then opened with `server/discover` on the same
/// process; `modern` does the reverse. A slow server has until `timeouts.startup_seconds` to answer, so
/// an answer can never arrive after the hub has moved on to the other opening.
struct TargetStartup {
    enum State: Equatable {
        case notStarted
        case initializing
        /// Opened; its lists (tools, prompts, resources, templates) are being read.
        case listing
        case ready
        case failed(String)
        case exited(String)

        /// Start-up has ended one way or the other.
        var isSettled: Bool {
            switch self {
            case .ready, .failed, .exited: return true
            case .notStarted, .initializing, .listing: return false
            }
        }
    }

    /// The two opening requests.
    enum Opening: Equatable {
        case initialize
        case discover

        var method: String { self == .initialize ? "initialize" : ModernMethods.discover }
    }

    /// What an opened target said about itself.
    struct Opened: Equatable {
        var era: ProtocolEra
        var serverInfo: JSONValue?
        var instructions: String?
        var capabilities: JSONObject?
    }

    /// What the caller does after an answer to an opening request.
    enum Step: Equatable {
        /// Send the other opening request on the same process (the first was refused for `reason`).
        case tryOther(Opening, reason: String)
        /// The session is open: read its lists.
        case opened(Opened)
        /// Start-up failed.
        case fail(String)
    }

    let mode: ServerConfig.ProtocolMode
    private(set) var state: State = .notStarted {
        didSet { if state.isSettled { hasSettled = true } }
    }
    /// Start-up ended once (ready, failed or exited): later start-ups are restarts.
    private(set) var hasSettled = false
    /// The era of the current process (legacy until a discover answer says otherwise).
    private(set) var era: ProtocolEra = .legacy
    /// The opening request sent and not answered yet (named when start-up times out).
    private(set) var awaiting: Opening?
    /// Why the first opening request was refused, while the other one is tried.
    private var refusal: String?

    init(mode: ServerConfig.ProtocolMode) {
        self.mode = mode
    }

    /// A new process was spawned: the opening request to send first.
    mutating func begin() -> Opening {
        state = .initializing
        era = .legacy
        refusal = nil
        let first: Opening = mode == .modern ? .discover : .initialize
        awaiting = first
        return first
    }

    /// The answer to an opening request.
    mutating func answered(_ opening: Opening, _ outcome: JSONRPCMessage.Response.Outcome) -> Step {
        awaiting = nil
        switch (opening, outcome) {
        case (.initialize, .result(let result)):
            return open(
                Opened(
                    era: .legacy, serverInfo: result["serverInfo"], instructions: result["instructions"]?.stringValue,
                    capabilities: result["capabilities"]?.objectValue))
        case (.initialize, .error(let error)):
            return refused(.initialize, "\(error.message) (code \(error.code))")
        case (.discover, let outcome):
            return discoverAnswered(outcome)
        }
    }

    /// A `DiscoverResult` naming 2026-07-28 (or a -32022 that lists it) opens a modern session;
    /// anything else refuses this opening.
    private mutating func discoverAnswered(_ outcome: JSONRPCMessage.Response.Outcome) -> Step {
        let modern = ModernEnvelope.modernVersions[0]
        switch outcome {
        case .result(let result):
            guard result["supportedVersions"]?.arrayValue?.contains(.string(modern)) == true,
                let discover = result.objectValue
            else { return refused(.discover, "its DiscoverResult does not list \(modern)") }
            return open(
                Opened(
                    era: .modern, serverInfo: discover["_meta"]?[ModernEnvelope.serverInfoKey],
                    instructions: discover["instructions"]?.stringValue,
                    capabilities: discover["capabilities"]?.objectValue ?? ["tools": [:]]))
        case .error(let error):
            if error.code == JSONRPCError.unsupportedProtocolVersionCode,
                error.data?["supported"]?.arrayValue?.contains(.string(modern)) == true
            {
                return open(Opened(era: .modern, capabilities: ["tools": [:]]))
            }
            return refused(.discover, "\(error.message) (code \(error.code))")
        }
    }

    private mutating func open(_ opened: Opened) -> Step {
        era = opened.era
        state = .listing
        return .opened(opened)
    }

    /// `auto` tries `server/discover` after a refused `initialize`, `modern` tries `initialize` after a
    /// refused `server/discover`; a second refusal, or the first under `legacy`, fails with both reasons.
    private mutating func refused(_ opening: Opening, _ reason: String) -> Step {
        let text = "\(opening.method) failed: \(reason)"
        if let first = refusal { return .fail(first + "; then " + text) }
        refusal = text
        switch (mode, opening) {
        case (.auto, .initialize):
            awaiting = .discover
            return .tryOther(.discover, reason: reason)
        case (.modern, .discover):
            awaiting = .initialize
            return .tryOther(.initialize, reason: reason)
        default:
            return .fail(text)
        }
    }

    /// Every list of the start-up has been read.
    mutating func listed() {
        state = .ready
    }

    /// The first start-up failed: the target is unusable for the session.
    mutating func failed(_ reason: String) {
        awaiting = nil
        state = .failed(reason)
    }

    /// The process is gone (or a restart failed): the next call may start it again.
    mutating func exited(_ reason: String) {
        awaiting = nil
        state = .exited(reason)
    }
}
