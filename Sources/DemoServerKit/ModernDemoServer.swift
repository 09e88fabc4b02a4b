import Foundation
import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A tiny stdio MCP server that speaks ONLY protocol 2026-07-28 ("modern"): no `initialize`
/// handshake, every request carries its own `_meta` envelope, and a tool that needs the user's input
/// answers an `InputRequiredResult` (multi-round-trip requests) instead of sending requests.
///
/// - `server/discover` → `DiscoverResult` (`supportedVersions: ["2026-07-28"]`, `capabilities: {tools: {}}`).
/// - `tools/list`, `tools/call` as usual, plus `resultType`; list results carry `ttlMs: 0` and
///   `cacheScope: "private"`; every result carries `_meta["io.modelcontextprotocol/serverInfo"]`.
/// - A request to those three methods without `params._meta` `protocolVersion` (string) and
///   `clientCapabilities` (object) → -32602; an unsupported version → -32022 with
///   `data {supported, requested}`.
/// - `initialize` → -32022 naming the supported versions (legacy clients cannot use this server).
/// - Every other method (`ping`, `logging/setLevel`, `resources/*`, …) → -32601.
///
/// Tool handlers see the envelope's capabilities and any `inputResponses` / `requestState` in
/// their `ToolContext`, and may return `DemoToolResult.inputRequired`. Calls run one at a time on
/// the reading thread. The `DEMO_*` environment variables work as for `DemoServer`; a retried call
/// journals its `inputResponses` too.
public struct ModernDemoServer: Sendable {
    /// The protocol versions this server accepts in the envelope.
    public static let supportedVersions = ["2026-07-28"]

    public let name: String
    public let version: String
    public let instructions: String?
    public let tools: [DemoTool]

    public init(name: String, version: String, instructions: String? = nil, tools: [DemoTool]) {
        self.name = name
        self.version = version
        self.instructions = instructions
        self.tools = tools
    }

    /// Serves stdin/stdout until stdin reaches EOF, then exits 0. Bad environment values exit 2.
    public func run() -> Never {
        let settings = DemoEnvironment.start()
        let journal = settings.journalPath.map { ToolJournal(path: $0) }
        let session = ModernDemoSession(server: self, pageSize: settings.pageSize, journal: journal)
        DemoEnvironment.readStdinLines { session.handle(line: $0) }
        exit(0)
    }
}

/// The `_meta` keys of protocol 2026-07-28.
enum ModernMetaKey {
    static let protocolVersion = "io.modelcontextprotocol/protocolVersion"
    static let clientCapabilities = "io.modelcontextprotocol/clientCapabilities"
    static let serverInfo = "io.modelcontextprotocol/serverInfo"
}

/// What a valid 2026-07-28 request told us about its sender.
struct ModernEnvelope {
    var protocolVersion: String
    var clientCapabilities: JSONObject
    var meta: JSONObject

    /// Reads `params._meta`, or the error that rejects the request.
    static func read(_ request: JSONRPCMessage.Request) -> Result<ModernEnvelope, JSONRPCError> {
        let pv = ModernMetaKey.protocolVersion
        let cc = ModernMetaKey.clientCapabilities
        guard let meta = request.params?["_meta"]?.objectValue else {
            return .failure(
                .invalidParams(
                    "\(request.method) needs params._meta with \"\(pv)\" and \"\(cc)\" (protocol 2026-07-28 "
                        + "has no initialize; every request carries its envelope)"))
        }
        guard let rawVersion = meta[pv] else { return .failure(.invalidParams("params._meta lacks \"\(pv)\"")) }
        guard let version = rawVersion.stringValue else {
            return .failure(.invalidParams("params._meta \"\(pv)\" must be a string, not \(rawVersion.typeName)"))
        }
        guard ModernDemoServer.supportedVersions.contains(version) else {
            return .failure(unsupported(requested: .string(version)))
        }
        guard let rawCapabilities = meta[cc] else { return .failure(.invalidParams("params._meta lacks \"\(cc)\"")) }
        guard let capabilities = rawCapabilities.objectValue else {
            return .failure(
                .invalidParams("params._meta \"\(cc)\" must be an object, not \(rawCapabilities.typeName)"))
        }
        return .success(ModernEnvelope(protocolVersion: version, clientCapabilities: capabilities, meta: meta))
    }

    /// -32022 UnsupportedProtocolVersion with `data {supported, requested}`.
    static func unsupported(requested: JSONValue) -> JSONRPCError {
        let supported = ModernDemoServer.supportedVersions
        let shown = requested.stringValue ?? requested.serialized()
        return JSONRPCError(
            code: JSONRPCError.unsupportedProtocolVersionCode,
            message: "Unsupported protocol version \(shown): this server speaks only "
                + supported.joined(separator: ", "),
            data: ["supported": .array(supported.map { .string($0) }), "requested": requested])
    }
}
