import MCPWire

/// Owns: one target server — its process and generation, and the owners of its state: start-up
/// (`TargetStartup`), lists (`TargetLists`), listen stream and subscriptions (`TargetListen`), restarts
/// (`RestartPolicy`). Never: decides routing or policy, or writes a byte that skipped `OutboundLine`.
final class TargetSession {
    typealias State = TargetStartup.State

    let index: Int
    /// Its settings; a reload may change those that do not need a new process (`reconfigure`).
    private(set) var config: ServerConfig
    /// Removed from hub.json by a reload: no longer listed or called; its process stops once its calls
    /// in flight are answered. A server added again under the same name gets a new session.
    private(set) var isRemoved = false
    /// Added by a reload: the client hears that its lists changed once it is ready.
    var announceWhenReady = false
    var process: ChildProcess?
    /// Tells events of a restarted target apart from its previous process's.
    private(set) var generation = 0
    var startup: TargetStartup
    var lists = TargetLists()
    var listen = TargetListen()
    var restarts = RestartPolicy()
    /// What the target said about itself when it last opened.
    var opened: TargetStartup.Opened?
    var startupTimer: Int?
    /// The last lines the target wrote on stderr, to explain a failed start.
    private(set) var stderrTail: [String] = []

    init(index: Int, config: ServerConfig) {
        self.index = index
        self.config = config
        startup = TargetStartup(mode: config.protocolMode)
    }

    var name: String { config.name }

    /// A reload's new settings for the same process (`ConfigChange.sameProcess`).
    func reconfigure(_ config: ServerConfig) {
        precondition(ConfigChange.sameProcess(self.config, config) && config.name == name)
        self.config = config
    }

    func markRemoved() { isRemoved = true }
    var state: State { startup.state }
    var era: ProtocolEra { startup.era }
    var hasSettled: Bool { startup.hasSettled }
    var capabilities: JSONObject? { opened?.capabilities }
    var instructions: String? { opened?.instructions }
    /// The tool objects of the last complete `tools/list`.
    var tools: [JSONObject] { lists[.tools] }

    /// Whether the target declared the capability behind `kind` (`tools` is always listed).
    func offers(_ kind: ListKind) -> Bool {
        kind == .tools || capabilities?[kind.capability] != nil
    }

    var isExited: Bool {
        if case .exited = state { return true }
        return false
    }

    /// Exited and waiting for its restart's backoff, or restarted and not ready yet.
    var isRestarting: Bool {
        restarts.timer != nil || (hasSettled && !state.isSettled)
    }

    /// A new process is being started: a new generation, and the reads of the old one forgotten.
    func beginGeneration() {
        generation += 1
        lists.reset()
    }

    // MARK: - Output (every message leaves through the framing seam, `OutboundLine`)

    /// Bytes queued toward a target that does not read, beyond which the client's requests to it are
    /// refused instead of piling up in the hub.
    static let maxInputBacklog = 8 << 20

    /// Bytes written to the target's stdin that it has not read yet.
    var inputBacklog: Int { process?.protocolInput.queuedBytes ?? 0 }

    /// Request `id` (the call table's). To a modern target it carries the hub's envelope (2026-07-28
    /// has no handshake): `clientCapabilities` is what the hub can pass on for this request (never an
    /// input request type the client did not declare); `logLevel` asks for its log messages.
    func sendRequest(
        id: Int, method: String, params: JSONObject?, clientCapabilities: JSONObject = [:], logLevel: String? = nil
    ) {
        var params = params
        if era == .modern {
            let meta = ModernEnvelope.meta(
                protocolVersion: ModernEnvelope.modernVersions[0], clientCapabilities: clientCapabilities,
                clientInfo: HubVersion.serverInfo, logLevel: logLevel)
            params = ModernEnvelope.stamped(params, with: meta)
        }
        process?.protocolInput.send(.request(.init(id: .int(id), method: method, params: params)))
    }

    /// A request's own bytes, re-addressed (`FastPath`): only for a legacy target.
    func send(_ line: OutboundLine) {
        precondition(era == .legacy, "a modern target's requests carry the hub's envelope")
        process?.protocolInput.send(line)
    }

    func notify(method: String, params: JSONObject? = nil) {
        process?.protocolInput.send(.notification(.init(method: method, params: params)))
    }

    func respond(_ response: JSONRPCMessage.Response) {
        process?.protocolInput.send(.response(response))
    }

    // MARK: - stderr

    func recordStderr(_ line: [UInt8]) {
        stderrTail.append(HubLog.excerpt(line, limit: 300))
        if stderrTail.count > 5 { stderrTail.removeFirst(stderrTail.count - 5) }
    }

    /// " (last stderr: …)" for failure messages, or "".
    var stderrHint: String {
        stderrTail.isEmpty ? "" : "; last stderr: " + stderrTail.joined(separator: " | ")
    }
}
