import MCPWire

/// Prompts, resources and completion: `prompts/get`, `resources/read`, `resources/subscribe`,
/// `resources/unsubscribe`, `completion/complete`. (The list methods are plain pages, answered in
/// `DemoSession.handle(request:)`.)
extension DemoSession {
    /// MCP's resource-not-found code (2024-11-05 … 2025-11-25).
    static let resourceNotFoundCode = -32002

    func getPrompt(_ request: JSONRPCMessage.Request) -> JSONRPCMessage.Response {
        guard let name = request.params?["name"]?.stringValue else {
            return .error(request.id, .invalidParams("prompts/get needs a string \"name\""))
        }
        guard let prompt = server.prompts.first(where: { $0.name == name }) else {
            return .error(request.id, .invalidParams("Unknown prompt: \(name)"))
        }
        var arguments: [String: String] = [:]
        if let raw = request.params?["arguments"], !raw.isNull {
            guard let object = raw.objectValue else {
                return .error(request.id, .invalidParams("\"arguments\" must be an object, not \(raw.typeName)"))
            }
            for member in object {
                guard let text = member.value.stringValue else {
                    return .error(
                        request.id,
                        .invalidParams(
                            "prompt argument \"\(member.key)\" must be a string, not \(member.value.typeName)"))
                }
                arguments[member.key] = text
            }
        }
        for argument in prompt.arguments where argument.required && arguments[argument.name] == nil {
            return .error(
                request.id, .invalidParams("Missing required argument \"\(argument.name)\" for prompt \(name)"))
        }
        let messages: [JSONValue]
        do {
            messages = try prompt.render(arguments)
        } catch {
            return .error(request.id, .invalidParams("prompt \(name): \(error)"))
        }
        var result = JSONObject()
        result["description"] = .string(prompt.description)
        result["messages"] = .array(messages)
        return .result(request.id, .object(result))
    }

    func readResource(_ request: JSONRPCMessage.Request) -> JSONRPCMessage.Response {
        guard let uri = request.params?["uri"]?.stringValue else {
            return .error(request.id, .invalidParams("resources/read needs a string \"uri\""))
        }
        if let resource = server.resources.all().first(where: { $0.uri == uri }) {
            return contents(request.id, uri: uri, mimeType: resource.mimeType, text: resource.read())
        }
        for template in server.resources.templates {
            guard let variables = template.match(uri) else { continue }
            do {
                if let text = try template.read(variables) {
                    return contents(request.id, uri: uri, mimeType: template.mimeType, text: text)
                }
            } catch {
                return .error(request.id, .internalError("reading \(uri) failed: \(error)"))
            }
        }
        let notFound = JSONRPCError(
            code: Self.resourceNotFoundCode, message: "Resource not found", data: ["uri": .string(uri)])
        return .error(request.id, notFound)
    }

    private func contents(_ id: RequestID, uri: String, mimeType: String?, text: String) -> JSONRPCMessage.Response {
        var entry = JSONObject()
        entry["uri"] = .string(uri)
        if let mimeType { entry["mimeType"] = .string(mimeType) }
        entry["text"] = .string(text)
        return .result(id, ["contents": [.object(entry)]])
    }

    /// Remembers (or forgets) a subscription. Any URI is accepted, even one that does not exist yet.
    func subscribe(_ request: JSONRPCMessage.Request, on: Bool) -> JSONRPCMessage.Response {
        guard let uri = request.params?["uri"]?.stringValue else {
            return .error(request.id, .invalidParams("\(request.method) needs a string \"uri\""))
        }
        state.withLock { s in
            if on { s.subscriptions.insert(uri) } else { s.subscriptions.remove(uri) }
        }
        return .result(request.id, .object(JSONObject()))
    }

    /// `completion/complete` for a prompt argument (`ref/prompt`) or a template variable
    /// (`ref/resource` naming the template's `uriTemplate`). At most 100 values.
    func complete(_ request: JSONRPCMessage.Request) -> JSONRPCMessage.Response {
        let params = request.params
        guard let ref = params?["ref"]?.objectValue, let type = ref["type"]?.stringValue else {
            return .error(request.id, .invalidParams("completion/complete needs \"ref\" with a \"type\""))
        }
        guard let argument = params?["argument"]?.objectValue, let name = argument["name"]?.stringValue,
            let value = argument["value"]?.stringValue
        else {
            return .error(request.id, .invalidParams("completion/complete needs \"argument\" {name, value} strings"))
        }
        let hook: DemoPrompt.Complete?
        switch type {
        case "ref/prompt":
            guard let promptName = ref["name"]?.stringValue,
                let prompt = server.prompts.first(where: { $0.name == promptName })
            else {
                return .error(
                    request.id, .invalidParams("Unknown prompt in ref: \(ref["name"]?.serialized() ?? "none")"))
            }
            guard prompt.arguments.contains(where: { $0.name == name }) else {
                return .error(request.id, .invalidParams("Prompt \(prompt.name) has no argument \"\(name)\""))
            }
            hook = prompt.complete
        case "ref/resource":
            guard let uri = ref["uri"]?.stringValue,
                let template = server.resources.templates.first(where: { $0.uriTemplate == uri })
            else {
                return .error(
                    request.id,
                    .invalidParams("Unknown resource template in ref: \(ref["uri"]?.serialized() ?? "none")"))
            }
            hook = template.complete
        default:
            return .error(request.id, .invalidParams("Unknown ref type \"\(type)\""))
        }
        let values = hook?(name, value) ?? []
        var completion = JSONObject()
        completion["values"] = .array(values.prefix(100).map { .string($0) })
        completion["total"] = .int(values.count)
        completion["hasMore"] = .bool(values.count > 100)
        return .result(request.id, ["completion": .object(completion)])
    }
}
