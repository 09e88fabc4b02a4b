import MCPWire

/// Warnings that need the servers' own tool lists (`check --start`): policy names that name no tool
/// (a typo in a deny rule means it never fires) and rule arguments no matching tool takes.
extension ConfigReview {
    static func toolWarnings(
        _ config: HubConfig, tools: [(server: String, tools: [JSONObject])], into review: inout Collector
    ) {
        for (name, list) in tools {
            guard let server = config.server(named: name) else { continue }
            let names = list.compactMap { $0["name"]?.stringValue }
            let path = server.jsonPath + ".policy"
            let lists: [(String, [ToolGlob])] = [
                ("deny", server.policy.deny), ("approve", server.policy.approve), ("allow", server.policy.allow),
            ]
            for (key, globs) in lists {
                for (index, glob) in globs.enumerated() where glob.isLiteral && !names.contains(glob.pattern) {
                    review.add(
                        .unknownTool, at: "\(path).\(key)[\(index)]",
                        "\"\(glob.pattern)\" names no tool of server \"\(name)\" (it lists "
                            + listed(names) + ")",
                        fix: "correct the name (names are case-sensitive), or use a glob")
                }
            }
            for (index, rule) in server.policy.rules.enumerated() {
                let rulePath = "\(path).rules[\(index)]"
                let matched = list.filter { rule.tool.matches($0["name"]?.stringValue ?? "") }
                if matched.isEmpty {
                    if rule.tool.isLiteral {
                        review.add(
                            .unknownTool, at: rulePath + ".tool",
                            "\"\(rule.tool.pattern)\" names no tool of server \"\(name)\" (it lists "
                                + listed(names) + "), so this rule never applies",
                            fix: "correct the name (names are case-sensitive), or use a glob")
                    }
                    continue
                }
                for condition in rule.arguments {
                    let known = matched.contains { tool in
                        guard let properties = tool["inputSchema"]?["properties"]?.objectValue else { return true }
                        return properties.contains(condition.argument)
                    }
                    if !known {
                        review.add(
                            .unknownArgument, at: rulePath + ".arguments",
                            "no tool this rule applies to takes an argument \"\(condition.argument)\" (per their "
                                + "inputSchema), so the rule never holds"
                                + (rule.action == .allow ? "" : ": calls it should \(rule.action.rawValue) pass"),
                            fix: "use the argument name from the tool's inputSchema (mcp-firewall-hub tools --json "
                                + "lists the tools)")
                    }
                }
            }
        }
    }

    private static func listed(_ names: [String]) -> String {
        if names.isEmpty { return "no tools" }
        let shown = names.prefix(8).joined(separator: ", ")
        return names.count > 8 ? shown + ", … \(names.count) in all" : shown
    }
}
