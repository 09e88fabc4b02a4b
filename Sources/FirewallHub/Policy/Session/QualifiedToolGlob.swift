/// A tool glob across servers, `server.tool` (`db.*`, `notes.read_*`, `*.delete_*`, `*`), matched
/// against the server name and the target's own tool name joined by `.` — whatever separator the
/// client sees. Parsing and matching only.
struct QualifiedToolGlob: Sendable, Equatable, CustomStringConvertible {
    let glob: ToolGlob

    var pattern: String { glob.pattern }
    var description: String { glob.pattern }

    init(_ pattern: String) { glob = ToolGlob(pattern) }

    func matches(server: String, tool: String) -> Bool { glob.matches(server + "." + tool) }

    /// One glob or an array of globs at `node`, each checked against the configured servers: a
    /// pattern whose server part has no wildcard must name a configured server (a typo in a
    /// security rule must not silently match nothing).
    static func list(_ node: ConfigNode, serverNames: [String]) throws(ConfigError) -> [QualifiedToolGlob] {
        let items: [ConfigNode]
        if node.value.stringValue != nil {
            items = [node]
        } else if node.value.arrayValue != nil {
            items = try node.elements()
            if items.isEmpty { throw node.error(.invalidValue, "must name at least one \"server.tool\" glob") }
        } else {
            throw node.typeError(expected: "a \"server.tool\" glob or an array of them")
        }
        var result: [QualifiedToolGlob] = []
        for item in items {
            let pattern = try item.string(nonEmpty: true)
            try check(pattern, at: item, serverNames: serverNames)
            result.append(QualifiedToolGlob(pattern))
        }
        return result
    }

    private static func check(_ pattern: String, at node: ConfigNode, serverNames: [String]) throws(ConfigError) {
        let serverPart = pattern.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard !serverPart.contains("*"), !serverPart.contains("?") else { return }
        guard pattern.contains(".") else {
            throw node.error(
                .invalidValue,
                "\"\(pattern)\" names no server: write \"server.tool\" (e.g. \"payments.refund\", \"db.*\"), "
                    + "or \"*\" for every tool")
        }
        guard serverNames.contains(String(serverPart)) else {
            throw node.error(
                .invalidValue,
                "\"\(pattern)\": no server is named \"\(serverPart)\""
                    + ConfigNode.suggestion(for: String(serverPart), among: serverNames) + "; servers: "
                    + serverNames.joined(separator: ", "))
        }
    }
}

/// What a flow rule, a limit or the exfiltration guard does to a call: hold it for a human, or refuse it.
enum FlowAction: String, Sendable, CaseIterable {
    case approve
    case deny
}
