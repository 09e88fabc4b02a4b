import Dispatch
import Foundation
import MCPWire
import Synchronization

/// Everything a session changes while it runs; one owner (`DemoSession.state`).
struct DemoSessionState {
    /// The version agreed in `initialize`; read when a tool call starts.
    var protocolVersion = ProtocolVersion.latestLegacy
    /// The client's `initialize` capabilities.
    var clientCapabilities: JSONObject?
    /// The tools offered now (tools may add or remove tools).
    var tools: [DemoTool]
    /// Set by `logging/setLevel`; no `notifications/message` before that.
    var logLevel: DemoLogLevel?
    /// URIs the client subscribed to with `resources/subscribe`.
    var subscriptions: Set<String> = []
    /// Tool calls started and not yet answered (or dropped), by request id.
    var inFlight: [RequestID: DemoCall] = [:]
    /// Requests to the client awaiting an answer, by our id ("srv-N").
    var asks: [String: DemoAskSlot] = [:]
    var asksSent = 0
    /// stdin reached EOF: no answer to a request of ours can arrive any more.
    var inputClosed = false
}

/// Answers the messages of one stdio connection. `handle(line:)` is called from the reading thread
/// only; tool calls run there too unless the tool is `concurrent` or `Options.concurrentToolCalls`
/// is set, in which case each runs on its own thread (and may then block on the client).
final class DemoSession: Sendable {
    let server: DemoServer
    let pager: DemoPager
    let journal: ToolJournal?
    let stdout: DemoStdout
    let state: Mutex<DemoSessionState>
    /// Tool calls running on their own threads, awaited at EOF so their answers are not lost.
    let running = DispatchGroup()

    init(server: DemoServer, pageSize: Int?, journal: ToolJournal?) {
        self.server = server
        self.pager = DemoPager(pageSize: pageSize)
        self.journal = journal
        self.stdout = DemoStdout(
            noiseBeforeEachLine: server.options.stdoutNoiseLine, rewriteEachLine: server.options.rewriteEachLine)
        self.state = Mutex(DemoSessionState(tools: server.tools))
    }

    func handle(line: [UInt8]) {
        if server.options.logEachMessage {
            log("received \(line.count) bytes: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        switch JSONRPCMessage.decode(line: line) {
        case .invalid(let id, let error, let respond):
            log("rejected a line: \(error.message)")
            if respond { send(.error(id, error)) }
        case .message(.notification(let notification)):
            handle(notification: notification)  // never answered
        case .message(.response(let response)):
            deliver(response)
        case .message(.request(let request)):
            handle(request: request)
        }
    }

    /// stdin reached EOF: wake every tool still waiting for an answer from the client.
    func inputClosed() {
        let waiting = state.withLock { s -> [String: DemoAskSlot] in
            s.inputClosed = true
            defer { s.asks = [:] }
            return s.asks
        }
        for slot in waiting.values { slot.resolve(.failure(.connectionClosed(method: slot.method))) }
    }

    func waitForRunningCalls() {
        running.wait()
    }

    private func handle(notification: JSONRPCMessage.Notification) {
        switch notification.method {
        case "notifications/cancelled":
            cancel(notification.params)
        default:
            break  // notifications/initialized, roots/list_changed, progress, …: nothing to do
        }
    }

    private func handle(request: JSONRPCMessage.Request) {
        let offers = DemoOffers(server)
        switch request.method {
        case "initialize":
            initialize(request)
        case "ping":
            send(.result(request.id, .object(JSONObject())))
        case "tools/list":
            let entries = state.withLock { $0.tools.map(\.listEntry) }
            send(pager.listResult(request, key: "tools", entries: entries, prefix: "demo-page-"))
        case "tools/call":
            callTool(request)
        case "prompts/list" where offers.prompts:
            send(
                pager.listResult(
                    request, key: "prompts", entries: server.prompts.map(\.listEntry), prefix: "demo-prompts-"))
        case "prompts/get" where offers.prompts:
            send(getPrompt(request))
        case "resources/list" where offers.resources:
            let entries = server.resources.all().map(\.listEntry)
            send(pager.listResult(request, key: "resources", entries: entries, prefix: "demo-resources-"))
        case "resources/templates/list" where offers.resources:
            let entries = server.resources.templates.map(\.listEntry)
            send(pager.listResult(request, key: "resourceTemplates", entries: entries, prefix: "demo-templates-"))
        case "resources/read" where offers.resources:
            send(readResource(request))
        case "resources/subscribe" where offers.resources, "resources/unsubscribe" where offers.resources:
            send(subscribe(request, on: request.method == "resources/subscribe"))
        case "completion/complete" where offers.completions:
            send(complete(request))
        case "logging/setLevel" where offers.logging:
            send(setLogLevel(request))
        default:
            send(.error(request.id, .methodNotFound(request.method)))
        }
    }

    private func initialize(_ request: JSONRPCMessage.Request) {
        switch server.options.initialize {
        case .ignore:
            log("not answering initialize (configured)")
        case .fail(let error):
            send(.error(request.id, error))
        case .answer:
            let requested = request.params?["protocolVersion"]?.stringValue
            let version = ProtocolVersion.negotiate(clientRequested: requested)
            let capabilities = request.params?["capabilities"]?.objectValue
            state.withLock {
                $0.protocolVersion = version
                $0.clientCapabilities = capabilities
            }
            var result = JSONObject()
            result["protocolVersion"] = .string(version)
            result["capabilities"] = .object(DemoOffers(server).capabilities)
            result["serverInfo"] = ["name": .string(server.name), "version": .string(server.version)]
            if let instructions = server.instructions { result["instructions"] = .string(instructions) }
            send(.result(request.id, .object(result)))
        }
    }

    private func setLogLevel(_ request: JSONRPCMessage.Request) -> JSONRPCMessage.Response {
        let raw = request.params?["level"]
        guard let name = raw?.stringValue, let level = DemoLogLevel(rawValue: name) else {
            let levels = DemoLogLevel.allCases.map(\.rawValue).joined(separator: ", ")
            let got = raw?.serialized() ?? "nothing"
            return .error(request.id, .invalidParams("\"level\" must be one of \(levels); got \(got)"))
        }
        state.withLock { $0.logLevel = level }
        return .result(request.id, .object(JSONObject()))
    }

    func send(_ response: JSONRPCMessage.Response) {
        stdout.send(JSONRPCMessage.response(response).line())
    }

    func log(_ message: String) {
        DemoStderr.log("\(server.name): \(message)")
    }
}

/// Which optional capabilities a server declares, derived from what it offers.
struct DemoOffers {
    let server: DemoServer

    init(_ server: DemoServer) { self.server = server }

    var prompts: Bool { !server.prompts.isEmpty }
    var resources: Bool { !server.resources.isEmpty }
    var completions: Bool {
        server.prompts.contains { $0.complete != nil } || server.resources.templates.contains { $0.complete != nil }
    }
    var logging: Bool { server.features.contains(.logging) }

    /// The `capabilities` object of the `initialize` result.
    var capabilities: JSONObject {
        var c = JSONObject()
        c["tools"] = ["listChanged": .bool(server.features.contains(.toolListChanged))]
        if prompts { c["prompts"] = ["listChanged": true] }
        if resources { c["resources"] = ["subscribe": true, "listChanged": true] }
        if completions { c["completions"] = .object(JSONObject()) }
        if logging { c["logging"] = .object(JSONObject()) }
        return c
    }
}
