import MCPWire

/// Owns: the events producers yield and the purposes of timers.
/// Never: carries anything but values (no callbacks, no references to router state).
///
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
    /// Every target process has been stopped after a shutdown (the loop may end).
    case targetsStopped

    /// Several messages from one `read()`: their answers are written together (`WriteBatch`).
    var carriesSeveralLines: Bool {
        switch self {
        case .clientLines(let lines): lines.count > 1
        case .target(_, _, .stdoutLines(let lines)): lines.count > 1
        default: false
        }
    }
}

/// Why a timer was set.
enum TimerPurpose: Sendable {
    case startup(target: Int, generation: Int)
    /// The client has waited long enough for slow targets: answer with the ones that are ready.
    case startupGrace
    /// `tools`: some target has been starting for a while; say which.
    case startupNotice
    case call(target: Int, hubID: Int)
    case shutdownGrace
    /// An exited target's restart, delayed by the restart backoff.
    case restart(target: Int)
    /// An approval prompt on the client went unanswered.
    case elicitation(String)
    /// Time to look whether hub.json changed (`serve`).
    case configWatch
}
