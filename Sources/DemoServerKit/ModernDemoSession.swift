import MCPWire

/// Answers the messages of one stdio connection for a `ModernDemoServer`, statelessly: each
/// request is judged by its own envelope. Everything runs on the reading thread.
final class ModernDemoSession: Sendable {
    private let server: ModernDemoServer
    private let pager: DemoPager
    private let journal: ToolJournal?
    private let stdout = DemoStdout(noiseBeforeEachLine: nil)

    init(server: ModernDemoServer, pageSize: Int?, journal: ToolJournal?) {
        self.server = server
        self.pager = DemoPager(pageSize: pageSize)
        self.journal = journal
    }

    func handle(line: [UInt8]) {
        switch JSONRPCMessage.decode(line: line) {
        case .invalid(let id, let error, let respond):
            log("rejected a line: \(error.message)")
            if respond { send(.error(id, error)) }
        case .message(.notification), .message(.response):
            break  // notifications/cancelled has nothing to stop (calls finish before the next read)
        case .message(.request(let request)):
            send(answer(request))
        }
    }

    private func answer(_ request: JSONRPCMessage.Request) -> JSONRPCMessage.Response {
        switch request.method {
        case "initialize":
            let requested = request.params?["protocolVersion"] ?? .null
            log("refusing initialize: 2026-07-28 only")
            return .error(request.id, ModernEnvelope.unsupported(requested: requested))
        case "server/discover", "tools/list", "tools/call":
            switch ModernEnvelope.read(request) {
            case .failure(let error):
                return .error(request.id, error)
            case .success(let envelope):
                return serve(request, envelope)
            }
        default:
            return .error(request.id, .methodNotFound(request.method))
        }
    }

    private func serve(_ request: JSONRPCMessage.Request, _ envelope: ModernEnvelope) -> JSONRPCMessage.Response {
        switch request.method {
        case "server/discover":
            var result = JSONObject()
            result["resultType"] = "complete"
            result["supportedVersions"] = .array(ModernDemoServer.supportedVersions.map { .string($0) })
            result["capabilities"] = ["tools": .object(JSONObject())]
            if let instructions = server.instructions { result["instructions"] = .string(instructions) }
            result["_meta"] = serverInfoMeta
            result["ttlMs"] = 0
            result["cacheScope"] = "private"
            return .result(request.id, .object(result))
        case "tools/list":
            let listed = pager.listResult(
                request, key: "tools", entries: server.tools.map(\.listEntry), prefix: "modern-page-")
            guard case .result(let value) = listed.outcome, var result = value.objectValue else { return listed }
            var complete = JSONObject([("resultType", "complete")])
            for member in result { complete[member.key] = member.value }
            result = complete
            result["ttlMs"] = 0
            result["cacheScope"] = "private"
            result["_meta"] = serverInfoMeta
            return .result(request.id, .object(result))
        default:
            return callTool(request, envelope)
        }
    }

    private func callTool(_ request: JSONRPCMessage.Request, _ envelope: ModernEnvelope) -> JSONRPCMessage.Response {
        let params = request.params
        guard let name = params?["name"]?.stringValue else {
            return .error(request.id, .invalidParams("tools/call needs a string \"name\""))
        }
        guard let tool = server.tools.first(where: { $0.name == name }) else {
            return .error(
                request.id, JSONRPCError(code: JSONRPCError.invalidParamsCode, message: "Unknown tool: \(name)"))
        }
        var arguments = JSONObject()
        if let raw = params?["arguments"], !raw.isNull {
            guard let object = raw.objectValue else {
                return .error(request.id, .invalidParams("\"arguments\" must be an object, not \(raw.typeName)"))
            }
            arguments = object
        }
        let inputResponses = params?["inputResponses"]
        if let inputResponses, inputResponses.objectValue == nil {
            return .error(request.id, .invalidParams("\"inputResponses\" must be an object"))
        }
        let requestState = params?["requestState"]
        if let requestState, requestState.stringValue == nil {
            return .error(request.id, .invalidParams("\"requestState\" must be a string"))
        }
        journal?.record(
            server: server.name, tool: name, arguments: arguments, meta: envelope.meta,
            inputResponses: inputResponses?.objectValue)
        let context = ToolContext(
            serverName: server.name, toolName: name, requestID: request.id, protocolVersion: envelope.protocolVersion,
            clientCapabilities: envelope.clientCapabilities, inputResponses: inputResponses?.objectValue,
            requestState: requestState?.stringValue)
        let outcome: DemoToolResult
        do {
            outcome = try tool.handler(arguments, context)
        } catch {
            outcome = .error(String(describing: error))
        }
        var result = JSONObject()
        if let needed = outcome.inputRequired {
            result["resultType"] = "input_required"
            result["inputRequests"] = .object(needed.inputRequests)
            result["requestState"] = .string(needed.requestState)
        } else {
            result["resultType"] = "complete"
            for member in outcome.json(includeStructured: tool.outputSchema != nil).objectValue ?? JSONObject() {
                result[member.key] = member.value
            }
        }
        result["_meta"] = serverInfoMeta
        return .result(request.id, .object(result))
    }

    private var serverInfoMeta: JSONValue {
        [ModernMetaKey.serverInfo: ["name": .string(server.name), "version": .string(server.version)]]
    }

    private func send(_ response: JSONRPCMessage.Response) {
        stdout.send(JSONRPCMessage.response(response).line())
    }

    private func log(_ message: String) {
        DemoStderr.log("\(server.name): \(message)")
    }
}
