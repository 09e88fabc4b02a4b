#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process-wide signal set-up and signal names for messages.
enum UnixSignals {
    /// Installs a no-op SIGPIPE handler (not SIG_IGN): writes to a closed pipe then fail with EPIPE
    /// instead of killing the hub, and — unlike SIG_IGN — the disposition is not inherited by
    /// children, because exec resets caught signals to the default.
    static func installNoOpSIGPIPEHandler() {
        _ = signal(SIGPIPE, { _ in })
    }

    /// Installs the no-op SIGPIPE handler only if SIGPIPE still has its default disposition
    /// (used before the first spawn, so a library user — e.g. a test runner — is not killed by a
    /// write to a child that already exited; an explicit choice by the host is left alone).
    static func installNoOpSIGPIPEHandlerIfDefault() {
        var current = sigaction()
        guard sigaction(SIGPIPE, nil, &current) == 0 else { return }
        #if canImport(Glibc)
            let isDefault = current.__sigaction_handler.sa_handler == nil  // SIG_DFL is 0
        #else
            let isDefault = current.__sigaction_u.__sa_handler == nil
        #endif
        if isDefault {
            installNoOpSIGPIPEHandler()
        }
    }

    /// "SIGKILL" for 9, or nil for numbers without a well-known name.
    static func name(of signal: Int32) -> String? {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGUSR1: "SIGUSR1"
        case SIGSEGV: "SIGSEGV"
        case SIGUSR2: "SIGUSR2"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        case SIGCHLD: "SIGCHLD"
        case SIGCONT: "SIGCONT"
        case SIGSTOP: "SIGSTOP"
        case SIGTSTP: "SIGTSTP"
        case SIGTTIN: "SIGTTIN"
        case SIGTTOU: "SIGTTOU"
        case SIGURG: "SIGURG"
        case SIGXCPU: "SIGXCPU"
        case SIGXFSZ: "SIGXFSZ"
        case SIGVTALRM: "SIGVTALRM"
        case SIGPROF: "SIGPROF"
        case SIGWINCH: "SIGWINCH"
        case SIGSYS: "SIGSYS"
        default: nil
        }
    }
}
