import MCPWire

/// Everything the router reacts to. Producers (reader threads, waitpid threads, timers, signal
/// handlers) only yield events; the single consumer loop owns all state.
enum HubEvent: Sendable {
    case clientLines([[UInt8]])
    case clientLineTooLong(Int)
    case clientClosed
    /// `generation` tells events of a restarted target apart from its previous process's.
    case target(index: Int, generation: Int, ChildEvent)
    case timer(Int)
    case signal(Int32)
}

/// Why a timer was set.
enum TimerPurpose: Sendable {
    case startup(target: Int, generation: Int)
    case call(target: Int, hubID: Int)
    case shutdownGrace
}
