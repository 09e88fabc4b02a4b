import MCPWire

/// `exfiltration_guard`, the opt-in preset: once a tool that reads untrusted content returned some
/// AND a tool that reads private data returned some (in either order), every call that could send
/// data out needs approval (or is denied). Owns the classification of tools; keeps no state.
///
/// - Untrusted source: a tool matching `untrusted`, or (with `annotations`) annotated
///   `openWorldHint: true` — web pages, issues, e-mail: text anyone can write.
/// - Private-data source: a tool matching `private`, or (with `annotations`) annotated
///   `openWorldHint: false` — a closed domain: your database, files, notes.
/// - Exempt once tripped: tools annotated `readOnlyHint: true`, not `destructiveHint: true`, whose
///   name holds no destructive word (the policy's list) and that are not untrusted sources (an
///   open-world read such as a fetch sends its arguments out).
struct ExfiltrationGuardConfig: Sendable, Equatable {
    var privateTools: [QualifiedToolGlob] = []
    var untrustedTools: [QualifiedToolGlob] = []
    /// Whether `openWorldHint` classifies sources besides the globs (default true).
    var annotations = true
    var action: FlowAction = .approve

    static let keys = ["private", "untrusted", "annotations", "action"]
    static let label = "exfiltration_guard"

    init(
        privateTools: [QualifiedToolGlob] = [], untrustedTools: [QualifiedToolGlob] = [], annotations: Bool = true,
        action: FlowAction = .approve
    ) {
        self.privateTools = privateTools
        self.untrustedTools = untrustedTools
        self.annotations = annotations
        self.action = action
    }

    init(node: ConfigNode, serverNames: [String]) throws(ConfigError) {
        try node.object(allowedKeys: Self.keys)
        if let n = node.child("private") { privateTools = try QualifiedToolGlob.list(n, serverNames: serverNames) }
        if let n = node.child("untrusted") { untrustedTools = try QualifiedToolGlob.list(n, serverNames: serverNames) }
        annotations = try node.child("annotations")?.bool() ?? true
        action = try node.child("action")?.oneOf(FlowAction.self, noun: "action") ?? .approve
        if !annotations && (privateTools.isEmpty || untrustedTools.isEmpty) {
            throw node.error(
                .invalidValue,
                "with \"annotations\": false the guard needs both \"private\" and \"untrusted\" globs, "
                    + "or it can never trip")
        }
    }

    func isUntrustedSource(_ call: FlowCall) -> Bool {
        if untrustedTools.contains(where: { $0.matches(server: call.server, tool: call.tool) }) { return true }
        return annotations && call.annotations?["openWorldHint"] == .bool(true)
    }

    func isPrivateSource(_ call: FlowCall) -> Bool {
        if privateTools.contains(where: { $0.matches(server: call.server, tool: call.tool) }) { return true }
        return annotations && call.annotations?["openWorldHint"] == .bool(false)
    }

    /// Whether `call` still runs without approval once the guard has tripped.
    func isExemptOnceTripped(_ call: FlowCall) -> Bool {
        let hints = call.annotations
        guard hints?["readOnlyHint"] == .bool(true), hints?["destructiveHint"] != .bool(true),
            hints?["openWorldHint"] != .bool(true), PolicyEngine.destructiveWord(in: call.tool) == nil
        else { return false }
        return !isUntrustedSource(call)
    }
}
