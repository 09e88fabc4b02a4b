import Dispatch
import MCPWire
import Synchronization

/// `call`'s link to the hub it runs: this binary's own `serve`, spawned as a child with pipes, spoken
/// to as an MCP client. It owns the child and a queue of what the child said; it decides nothing.
final class HubConnection: Sendable {
    enum Event: Sendable {
        case message(JSONRPCMessage)
        /// The child's stdout ended (it exited or is exiting).
        case closed
    }

    private struct State {
        var events: [Event] = []
        var stderrTail: [String] = []
    }

    /// Set once, right after the spawn (events may arrive before: they only touch `state`).
    private let child = Mutex<ChildProcess?>(nil)
    private let state = Mutex(State())
    private let arrived = DispatchSemaphore(value: 0)
    private let onStderr: @Sendable (String) -> Void

    private init(onStderr: @escaping @Sendable (String) -> Void) {
        self.onStderr = onStderr
    }

    /// Starts `serve --config configPath` with `environment`. `onStderr` hears each line of the hub's log.
    static func start(
        configPath: String, environment: [String: String], onStderr: @escaping @Sendable (String) -> Void
    ) throws(SpawnError) -> HubConnection {
        guard let executable = OwnExecutable.path else {
            throw .executableNotFound(command: "mcp-firewall-hub (its own binary)", searchedPath: "/proc/self/exe")
        }
        let connection = HubConnection(onStderr: onStderr)
        let spec = SpawnSpec(
            command: executable, arguments: ["serve", "--config", configPath], environment: environment)
        let child = try ChildProcess.spawn(spec) { event in connection.handle(event) }
        connection.child.withLock { $0 = child }
        return connection
    }

    private func handle(_ event: ChildEvent) {
        switch event {
        case .stdoutLines(let lines):
            for line in lines {
                guard case .message(let message) = JSONRPCMessage.decode(line: line) else { continue }
                post(.message(message))
            }
        case .stdoutClosed:
            post(.closed)
        case .stderrLines(let lines):
            for line in lines {
                let text = String(decoding: line, as: UTF8.self)
                state.withLock { state in
                    state.stderrTail.append(text)
                    if state.stderrTail.count > 20 { state.stderrTail.removeFirst() }
                }
                onStderr(text)
            }
        case .stdoutLineTooLong, .exited:
            break
        }
    }

    private func post(_ event: Event) {
        state.withLock { $0.events.append(event) }
        arrived.signal()
    }

    func send(_ message: JSONRPCMessage) {
        child.withLock { $0 }?.protocolInput.send(message)
    }

    /// The next event, or nil when none came within `timeout` seconds.
    func next(timeout: Double) -> Event? {
        let nanoseconds = Int(max(0, min(timeout, 86_400 * 7)) * 1e9)
        guard arrived.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return nil }
        let event = state.withLock { state -> Event? in
            guard !state.events.isEmpty else { return nil }
            let event = state.events.removeFirst()
            if case .closed = event { state.events.insert(event, at: 0) }  // stays: every later wait sees it
            return event
        }
        if case .closed? = event { arrived.signal() }
        return event
    }

    /// Without waiting: the first queued event `matches` accepts, removed from the queue.
    func take(where matches: (Event) -> Bool) -> Event? {
        let found = state.withLock { state -> Event? in
            guard let index = state.events.firstIndex(where: matches) else { return nil }
            return state.events.remove(at: index)
        }
        if found != nil { _ = arrived.wait(timeout: .now()) }
        return found
    }

    /// The hub's last stderr lines, to explain an unexpected end.
    var stderrTail: [String] { state.withLock { $0.stderrTail } }

    /// Closes the hub's stdin (the MCP stdio shutdown) and waits for it to exit.
    func close() async {
        await child.withLock { $0 }?.shutdown(grace: .seconds(5))
    }
}
