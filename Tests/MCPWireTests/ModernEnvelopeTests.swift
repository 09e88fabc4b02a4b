import Testing

@testable import MCPWire

/// Request params parsed from JSON text, so the tests see real wire shapes.
private func params(_ json: String) throws -> JSONObject {
    try #require(try JSONParser.parse(json).objectValue)
}

private func parseError(_ json: String) throws -> JSONRPCError? {
    let p = try params(json)
    do {
        _ = try ModernEnvelope.parse(params: p)
        return nil
    } catch {
        return error
    }
}

private let pv = ModernEnvelope.protocolVersionKey
private let cc = ModernEnvelope.clientCapabilitiesKey

@Suite("ModernEnvelope.parse")
struct ModernEnvelopeParseTests {
    @Test func absentEnvelopeIsLegacy() throws {
        #expect(try ModernEnvelope.parse(params: nil) == nil)
        #expect(try ModernEnvelope.parse(params: JSONObject()) == nil)
        #expect(try ModernEnvelope.parse(params: params(#"{"name":"x","_meta":{"progressToken":3}}"#)) == nil)
        #expect(try ModernEnvelope.parse(params: params(#"{"_meta":"not an object"}"#)) == nil)
        // clientCapabilities alone does not make a request modern: the version key does.
        #expect(try ModernEnvelope.parse(params: params(#"{"_meta":{"\#(cc)":{}}}"#)) == nil)
    }

    @Test func validEnvelopeIsRead() throws {
        let p = try params(
            #"""
            {"name":"echo","arguments":{"x":"a"},"_meta":{"\#(pv)":"2026-07-28",
             "io.modelcontextprotocol/clientInfo":{"name":"mcp","version":"0.1.0"},
             "\#(cc)":{"elicitation":{"form":{}},"sampling":null},
             "io.modelcontextprotocol/logLevel":"warning","progressToken":7}}
            """#)
        let envelope = try #require(try ModernEnvelope.parse(params: p))
        #expect(envelope.protocolVersion == "2026-07-28")
        #expect(envelope.clientCapabilities["elicitation"] == ["form": [:]])
        #expect(envelope.clientInfo == ["name": "mcp", "version": "0.1.0"])
        #expect(envelope.logLevel == "warning")
        #expect(envelope.progressToken == .number("7"))
        #expect(envelope.supports(capability: "elicitation"))
        #expect(!envelope.supports(capability: "sampling"), "a null capability is not declared")
        #expect(!envelope.supports(capability: "roots"))
        #expect(ProtocolEra.of(params: p) == .modern)
    }

    @Test func emptyCapabilitiesAndNoOptionalFieldsAreFine() throws {
        let envelope = try #require(
            try ModernEnvelope.parse(params: params(#"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{}}}"#)))
        #expect(
            envelope == ModernEnvelope(protocolVersion: "2026-07-28", clientCapabilities: JSONObject()))
        #expect(!envelope.supports(capability: "elicitation"))
    }

    @Test func nullOptionalFieldsCountAsAbsent() throws {
        let json =
            #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{},"io.modelcontextprotocol/clientInfo":null,"#
            + #""io.modelcontextprotocol/logLevel":null,"progressToken":null}}"#
        let envelope = try #require(try ModernEnvelope.parse(params: params(json)))
        #expect(envelope.clientInfo == nil && envelope.logLevel == nil && envelope.progressToken == nil)
    }

    @Test func missingCapabilitiesIsInvalidParams() throws {
        let error = try #require(try parseError(#"{"_meta":{"\#(pv)":"2026-07-28"}}"#))
        #expect(error.code == -32602)
        #expect(error.message.contains(cc))
        #expect(error.data == nil)
    }

    @Test(arguments: [
        #"{"_meta":{"\#(pv)":20260728,"\#(cc)":{}}}"#,
        #"{"_meta":{"\#(pv)":null,"\#(cc)":{}}}"#,
        #"{"_meta":{"\#(pv)":["2026-07-28"],"\#(cc)":{}}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":[]}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":null}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":"elicitation"}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{},"io.modelcontextprotocol/clientInfo":"mcp"}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{},"io.modelcontextprotocol/logLevel":3}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{},"io.modelcontextprotocol/logLevel":"loud"}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{},"progressToken":{"a":1}}}"#,
        #"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{},"progressToken":true}}"#,
    ])
    func illTypedFieldsAreInvalidParams(_ json: String) throws {
        let error = try #require(try parseError(json))
        #expect(error.code == JSONRPCError.invalidParamsCode)
    }

    @Test(arguments: ["2025-11-25", "2099-01-01", "", "2026-07-28 "])
    func unknownVersionIsUnsupported(_ version: String) throws {
        // Even with capabilities missing, the version is judged first so the client learns what to retry with.
        for json in [#"{"_meta":{"\#(pv)":"\#(version)","\#(cc)":{}}}"#, #"{"_meta":{"\#(pv)":"\#(version)"}}"#] {
            let error = try #require(try parseError(json))
            #expect(error.code == -32022)
            #expect(error.data == ["supported": ["2026-07-28"], "requested": .string(version)])
            #expect(error.json["data"]?.serialized() == #"{"supported":["2026-07-28"],"requested":"\#(version)"}"#)
        }
    }

    @Test func requireRejectsAMissingEnvelope() throws {
        #expect(throws: JSONRPCError.self) { try ModernEnvelope.require(params: nil, method: "server/discover") }
        do {
            _ = try ModernEnvelope.require(params: ["_meta": ["progressToken": 1]], method: "server/discover")
            Issue.record("require accepted params without an envelope")
        } catch {
            #expect(error.code == -32602)
            #expect(error.message.contains("server/discover"))
        }
        let ok = try ModernEnvelope.require(
            params: params(#"{"_meta":{"\#(pv)":"2026-07-28","\#(cc)":{}}}"#), method: "tools/list")
        #expect(ok.protocolVersion == "2026-07-28")
    }

    @Test func eraOfParams() throws {
        #expect(ProtocolEra.of(params: nil) == .legacy)
        #expect(ProtocolEra.of(params: try params(#"{"_meta":{"progressToken":1}}"#)) == .legacy)
        #expect(ProtocolEra.of(params: try params(#"{"_meta":{"\#(pv)":42}}"#)) == .modern)
    }
}

@Suite("ModernEnvelope building")
struct ModernEnvelopeBuildTests {
    private let hubInfo: JSONObject = ["name": "mcp-firewall-hub", "version": "1.0.0"]

    @Test func metaHasTheHubsEnvelope() {
        let meta = ModernEnvelope.meta(
            protocolVersion: "2026-07-28", clientCapabilities: ["elicitation": [:]], clientInfo: hubInfo)
        #expect(meta.keys == [pv, cc, ModernEnvelope.clientInfoKey])
        #expect(meta[pv] == "2026-07-28")
        #expect(meta[cc] == ["elicitation": [:]])
        #expect(meta[ModernEnvelope.clientInfoKey] == .object(hubInfo))

        let full = ModernEnvelope.meta(
            protocolVersion: "2026-07-28", clientCapabilities: [:], clientInfo: hubInfo, progressToken: "p-1",
            logLevel: "debug")
        #expect(full["progressToken"] == "p-1")
        #expect(full[ModernEnvelope.logLevelKey] == "debug")
        // What the hub sends must itself parse as a valid envelope.
        let parsed = try? ModernEnvelope.parse(params: ["_meta": .object(full)])
        #expect(parsed?.progressToken == "p-1" && parsed?.logLevel == "debug" && parsed?.clientInfo == hubInfo)
    }

    @Test func stampedReplacesTheClientsEnvelopeAndKeepsTheRest() throws {
        let client = try params(
            #"""
            {"name":"t","_meta":{"\#(pv)":"2026-07-28","\#(cc)":{"sampling":{}},
             "io.modelcontextprotocol/clientInfo":{"name":"evil"},"io.modelcontextprotocol/logLevel":"debug",
             "progressToken":5,"com.example/trace":"abc"}}
            """#)
        let hub = ModernEnvelope.meta(protocolVersion: "2026-07-28", clientCapabilities: [:], clientInfo: hubInfo)
        let out = ModernEnvelope.stamped(client, with: hub)
        let meta = try #require(out["_meta"]?.objectValue)
        #expect(out["name"] == "t")
        #expect(meta[cc] == [:])
        #expect(meta[ModernEnvelope.clientInfoKey] == .object(hubInfo))
        #expect(meta[ModernEnvelope.logLevelKey] == nil, "the client's log level is not forwarded unless given")
        #expect(meta["progressToken"] == 5)
        #expect(meta["com.example/trace"] == "abc")

        let fromNothing = ModernEnvelope.stamped(nil, with: hub)
        #expect(fromNothing == ["_meta": .object(hub)])
    }

    @Test func strippedRemovesOnlyTheEnvelope() throws {
        let withToken = try params(#"{"uri":"a","_meta":{"\#(pv)":"2026-07-28","\#(cc)":{},"progressToken":"t"}}"#)
        #expect(ModernEnvelope.stripped(withToken) == ["uri": "a", "_meta": ["progressToken": "t"]])
        let onlyEnvelope = try params(#"{"uri":"a","_meta":{"\#(pv)":"2026-07-28","\#(cc)":{}}}"#)
        #expect(ModernEnvelope.stripped(onlyEnvelope) == ["uri": "a"])
        #expect(ModernEnvelope.stripped(nil) == nil)
        #expect(ModernEnvelope.stripped(["x": 1]) == ["x": 1])
    }

    @Test func unsupportedVersionErrorShape() {
        let error = ModernEnvelope.unsupportedVersionError(requested: "2025-06-18")
        #expect(error.code == JSONRPCError.unsupportedProtocolVersionCode)
        #expect(error.data == ["supported": ["2026-07-28"], "requested": "2025-06-18"])
        #expect(error.message.contains("2026-07-28"))
    }
}

@Suite("ModernMethods")
struct ModernMethodsTests {
    @Test func removedSet() {
        for method in [
            "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe", "initialize",
            "notifications/roots/list_changed", "notifications/elicitation/complete",
        ] {
            #expect(ModernMethods.isRemoved(method), "\(method)")
        }
        for method in ["tools/list", "tools/call", "server/discover", "resources/read", "notifications/cancelled"] {
            #expect(!ModernMethods.isRemoved(method), "\(method)")
        }
    }

    @Test func removedMethodIsMethodNotFound() {
        let error = ModernMethods.removedMethodError("logging/setLevel")
        #expect(error.code == -32601)
        #expect(error.message.contains("logging/setLevel"))
        #expect(error.message.contains(ModernEnvelope.logLevelKey))
        #expect(ModernMethods.removedMethodError("resources/subscribe").message.contains("subscriptions/listen"))
        #expect(ModernMethods.removedMethodError("ping").code == -32601)
    }

    @Test func inputRequiredOnlyOnThreeMethods() {
        #expect(ModernMethods.inputRequiredAllowed == ["tools/call", "prompts/get", "resources/read"])
    }
}

@Suite("ModernResult")
struct ModernResultTests {
    private let info: JSONObject = ["name": "mcp-firewall-hub", "version": "1.0.0"]
    private var infoKey: String { ModernEnvelope.serverInfoKey }

    @Test func completeAddsResultTypeAndServerInfo() {
        let out = ModernResult.complete(
            ["content": [["type": "text", "text": "hi"]]], serverInfo: info, cacheable: false)
        #expect(out["resultType"] == "complete")
        #expect(out["content"] == [["type": "text", "text": "hi"]])
        #expect(out["_meta"] == [ModernEnvelope.serverInfoKey: .object(info)])
        #expect(out["ttlMs"] == nil && out["cacheScope"] == nil)
    }

    @Test func completeKeepsAnExistingResultType() {
        let out = ModernResult.complete(["resultType": "input_required"], serverInfo: info, cacheable: false)
        #expect(out["resultType"] == "input_required")
    }

    @Test func cacheableFieldsOnlyForCacheableMethods() {
        for method in [
            "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read",
            "server/discover",
        ] {
            let out = ModernResult.complete([:], serverInfo: info, method: method)
            #expect(out["ttlMs"] == 0 && out["cacheScope"] == "private", "\(method)")
        }
        for method in ["tools/call", "prompts/get", "completion/complete", "subscriptions/listen"] {
            let out = ModernResult.complete([:], serverInfo: info, method: method)
            #expect(out["ttlMs"] == nil && out["cacheScope"] == nil, "\(method)")
            #expect(out["resultType"] == "complete")
        }
        let custom = ModernResult.complete(
            ["tools": []], serverInfo: info, cacheable: true, ttlMs: 60_000, cacheScope: "public")
        #expect(custom["ttlMs"] == 60000 && custom["cacheScope"] == "public")
        let clamped = ModernResult.complete([:], serverInfo: info, cacheable: true, ttlMs: -5, cacheScope: "world")
        #expect(clamped["ttlMs"] == 0 && clamped["cacheScope"] == "private")
    }

    @Test func validCacheHintsFromATargetPassThrough() {
        let target: JSONObject = ["contents": [], "ttlMs": 5000, "cacheScope": "public"]
        let out = ModernResult.complete(target, serverInfo: info, cacheable: true)
        #expect(out["ttlMs"] == 5000 && out["cacheScope"] == "public")
        let bad: JSONObject = ["contents": [], "ttlMs": -1, "cacheScope": 3]
        let fixed = ModernResult.complete(bad, serverInfo: info, cacheable: true)
        #expect(fixed["ttlMs"] == 0 && fixed["cacheScope"] == "private")
    }

    @Test func serverInfoMergesIntoExistingMeta() {
        let result: JSONObject = [
            "tools": [], "_meta": ["com.example/x": 1, ModernEnvelope.serverInfoKey: ["name": "target"]],
        ]
        let out = ModernResult.complete(result, serverInfo: info, cacheable: true)
        #expect(out["_meta"] == ["com.example/x": 1, ModernEnvelope.serverInfoKey: .object(info)])
        let notAnObject = ModernResult.complete(["_meta": "junk"], serverInfo: info, cacheable: false)
        #expect(notAnObject["_meta"] == [ModernEnvelope.serverInfoKey: .object(info)])
    }

    @Test func discoverResultShape() {
        let out = ModernResult.discoverResult(
            supportedVersions: ["2026-07-28"], capabilities: ["tools": [:]], instructions: "hi", serverInfo: info)
        #expect(out["resultType"] == "complete")
        #expect(out["supportedVersions"] == ["2026-07-28"])
        #expect(out["capabilities"] == ["tools": [:]])
        #expect(out["instructions"] == "hi")
        #expect(out["ttlMs"] == 0 && out["cacheScope"] == "private")
        #expect(out["_meta"]?[infoKey] == .object(info))
        let bare = ModernResult.discoverResult(
            supportedVersions: [], capabilities: [:], instructions: nil, serverInfo: info)
        #expect(bare["instructions"] == nil)
    }

    @Test func inputRequiredShape() {
        let requests: JSONObject = ["approval": ["method": "elicitation/create", "params": ["message": "ok?"]]]
        let out = ModernResult.inputRequired(inputRequests: requests, requestState: "s1")
        #expect(out == ["resultType": "input_required", "inputRequests": .object(requests), "requestState": "s1"])
        #expect(ModernResult.inputRequired(inputRequests: requests, requestState: nil)["requestState"] == nil)
        let stateOnly = ModernResult.inputRequired(inputRequests: [:], requestState: "s2")
        #expect(stateOnly == ["resultType": "input_required", "requestState": "s2"])
        let neither = ModernResult.inputRequired(inputRequests: [:], requestState: nil)
        #expect(neither["inputRequests"] == [:], "at least one of the two must be present")
        let withInfo = ModernResult.inputRequired(inputRequests: requests, requestState: "s", serverInfo: info)
        #expect(withInfo["_meta"]?[infoKey] == .object(info))
    }

    @Test func resultTypeReader() throws {
        #expect(ModernResult.resultType(of: ["content": []]) == "complete")
        #expect(ModernResult.resultType(of: ["resultType": "input_required"]) == "input_required")
        #expect(ModernResult.resultType(of: ["resultType": "task"]) == "task")
        #expect(ModernResult.resultType(of: ["resultType": 1]) == "")
        #expect(ModernResult.resultType(of: "not an object") == "")
    }

    @Test func strippedForLegacy() {
        let modern: JSONObject = [
            "resultType": "complete", "tools": [["name": "a"]], "nextCursor": "c", "ttlMs": 0,
            "cacheScope": "private", "_meta": [ModernEnvelope.serverInfoKey: .object(info), "com.example/x": true],
        ]
        #expect(
            ModernResult.strippedForLegacy(modern)
                == ["tools": [["name": "a"]], "nextCursor": "c", "_meta": ["com.example/x": true]])
        let onlyInfo: JSONObject = ["content": [], "_meta": [ModernEnvelope.serverInfoKey: .object(info)]]
        #expect(ModernResult.strippedForLegacy(onlyInfo) == ["content": []])
        let legacy: JSONObject = ["content": [], "isError": false, "_meta": [:]]
        #expect(ModernResult.strippedForLegacy(legacy) == legacy, "a legacy result passes unchanged")
        // The round trip returns the legacy result.
        let original: JSONObject = ["tools": [], "_meta": ["k": 1]]
        let roundTrip = ModernResult.strippedForLegacy(
            ModernResult.complete(original, serverInfo: info, method: "tools/list"))
        #expect(roundTrip == original)
    }

    @Test func readingAnInputRequiredResult() throws {
        let result: JSONValue = [
            "resultType": "input_required",
            "inputRequests": ["confirm": ["method": "elicitation/create", "params": ["message": "Proceed?"]]],
            "requestState": "opaque-123",
        ]
        let request = try #require(try ModernResult.inputRequest(from: result))
        #expect(request.requestState == "opaque-123")
        #expect(request.inputRequests.keys == ["confirm"])
        #expect(try ModernResult.inputRequest(from: ["resultType": "complete", "content": []]) == nil)
        #expect(try ModernResult.inputRequest(from: ["content": []]) == nil)
        let stateOnly = try ModernResult.inputRequest(from: ["resultType": "input_required", "requestState": "s"])
        #expect(stateOnly == ModernResult.InputRequest(inputRequests: [:], requestState: "s"))
    }

    @Test(arguments: [
        #"{"resultType":"input_required"}"#,
        #"{"resultType":"input_required","inputRequests":[]}"#,
        #"{"resultType":"input_required","inputRequests":{"a":"elicitation/create"}}"#,
        #"{"resultType":"input_required","inputRequests":{"a":{"params":{}}}}"#,
        #"{"resultType":"input_required","inputRequests":{"a":{"method":"roots/list","params":[]}}}"#,
        #"{"resultType":"input_required","requestState":42}"#,
    ])
    func malformedInputRequiredThrows(_ json: String) throws {
        let value = try JSONParser.parse(json)
        #expect(throws: JSONRPCError.self) { try ModernResult.inputRequest(from: value) }
    }

    @Test func retryFieldsRoundTrip() throws {
        let original: JSONObject = ["name": "x", "arguments": ["a": 1], "_meta": ["progressToken": 2]]
        let retry = ModernResult.retryParams(
            original, inputResponses: ["confirm": ["action": "accept"]], requestState: "opaque-123")
        #expect(retry["name"] == "x" && retry["arguments"] == ["a": 1])
        let fields = try ModernResult.retryFields(of: retry)
        #expect(fields.inputResponses == ["confirm": ["action": "accept"]])
        #expect(fields.requestState == "opaque-123")
        #expect(ModernResult.withoutRetryFields(retry) == original)
        // A second round replaces the earlier fields; nil leaves them out.
        let again = ModernResult.retryParams(retry, inputResponses: nil, requestState: nil)
        #expect(again == original)
        #expect(try ModernResult.retryFields(of: original) == .init(inputResponses: nil, requestState: nil))
        #expect(try ModernResult.retryFields(of: nil) == .init(inputResponses: nil, requestState: nil))
    }

    @Test func illTypedRetryFieldsAreInvalidParams() {
        for bad: JSONObject in [["inputResponses": "yes"], ["requestState": 5], ["requestState": ["x": 1]]] {
            do {
                _ = try ModernResult.retryFields(of: bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.code == -32602)
            }
        }
    }
}
