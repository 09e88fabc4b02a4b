import MCPWire

/// Warnings about one server's tool policy: no policy at all, allowing by default or by `*`, regex
/// allow rules over SQL or shell text, patterns that match more than they seem to, rules that can
/// never apply.
extension ConfigReview {
    static func policyWarnings(_ server: ServerConfig, document: JSONValue, into review: inout Collector) {
        let path = server.jsonPath + ".policy"
        let policy = server.policy
        if rawEntry(server, in: document)?["policy"] == nil {
            review.add(
                .noPolicy, at: server.jsonPath,
                "server \"\(server.name)\" has no policy: defaults.default or the built-in step decides each of its "
                    + "calls (read-only annotated tools allowed on the server's word, everything else approved)",
                fix: "add a \"policy\": allow the tools you trust by name, deny the ones it must never run, and "
                    + "try it with mcp-firewall-hub explain \(server.name).TOOL")
        }
        if policy.defaultAction == .allow {
            review.add(
                .allowByDefault, at: path + ".default",
                "every tool no rule or list names is allowed, including tools the server adds later",
                fix: "use \"approve\" and list the tools to allow")
        }
        for (index, glob) in policy.allow.enumerated() where matchesEverything(glob.pattern) {
            review.add(
                .allowByDefault, at: "\(path).allow[\(index)]",
                "\"\(glob.pattern)\" allows every tool of the server no rule or deny/approve glob names, including "
                    + "tools it adds later",
                fix: "list the tools to allow by name or by a narrow glob such as \"get_*\"")
        }
        for (index, rule) in policy.rules.enumerated() {
            let rulePath = "\(path).rules[\(index)]"
            ruleWarnings(rule, at: rulePath, into: &review)
            if let earlier = policy.rules[..<index].firstIndex(where: { shadows($0, rule) }) {
                review.add(
                    .shadowedRule, at: rulePath,
                    "this rule never applies: rules[\(earlier)] matches every call it would match and comes first",
                    fix: "move it above rules[\(earlier)] or remove it")
            }
        }
    }

    private static func ruleWarnings(_ rule: PolicyRule, at rulePath: String, into review: inout Collector) {
        if rule.action == .allow, rule.arguments.isEmpty, matchesEverything(rule.tool.pattern) {
            review.add(
                .allowByDefault, at: rulePath,
                "this rule allows every call of every tool of the server; later rules and the lists never apply",
                fix: "name the tools it should allow")
        }
        for condition in rule.arguments {
            let conditionPath =
                "\(rulePath).arguments"
                + ConfigNode(value: .null, path: "", file: "").childPath(
                    condition.argument
                ).withLeadingDotForPlainKey
            let codeKind = codeLike(tool: rule.tool.pattern, argument: condition.argument)
            if rule.action == .allow, let codeKind {
                review.add(
                    .regexAllowOnCode, at: conditionPath,
                    "an allow rule judges \(codeKind) text with a regex, which cannot tell what a statement does "
                        + (codeKind == "SQL"
                            ? "(a SELECT can call functions that write; comments and quoting hide words)"
                            : "(quoting, variables and substitutions hide what runs)"),
                    fix: codeKind == "SQL"
                        ? "give the server a read-only database role (the real boundary) and keep the rule as a "
                            + "convenience, or approve these calls instead"
                        : "approve these calls instead of allowing them by pattern")
            }
            if rule.action == .allow, !isAnchoredAtStart(condition.pattern.source) {
                review.add(
                    .unanchoredAllow, at: conditionPath,
                    "the allow pattern \(JSONValue.string(condition.pattern.source).serialized()) is not anchored: it "
                        + "holds when it matches anywhere in a text, so a text that merely contains it is allowed",
                    fix: "anchor it: start it with ^ (and end it with $ to match the whole value)")
            }
            if rule.action != .allow, codeKind == "SQL", isCaseSensitive(condition.pattern.source) {
                review.add(
                    .caseSensitiveDeny, at: conditionPath,
                    "SQL keywords are case-insensitive, but this pattern is not: \"DROP\" slips past a rule on "
                        + "\"drop\"",
                    fix: "start the pattern with (?i)")
            }
        }
    }

    /// A glob made only of `*` (it matches every name).
    static func matchesEverything(_ pattern: String) -> Bool {
        !pattern.isEmpty && pattern.allSatisfy { $0 == "*" }
    }

    /// Rule `earlier` decides every call `later` could match: no argument conditions, and a tool glob
    /// that matches everything or is the same glob.
    static func shadows(_ earlier: PolicyRule, _ later: PolicyRule) -> Bool {
        earlier.arguments.isEmpty
            && (matchesEverything(earlier.tool.pattern) || earlier.tool.pattern == later.tool.pattern)
    }

    /// "SQL" or "shell" when the tool or argument name says it carries code.
    static func codeLike(tool: String, argument: String) -> String? {
        let words = (tool + " " + argument).lowercased()
        if ["sql", "query", "statement", "stmt"].contains(where: words.contains) { return "SQL" }
        if ["command", "cmd", "shell", "script", "exec", "bash"].contains(where: words.contains) { return "shell" }
        return nil
    }

    /// Starts with `^` or `\A` after any leading `(?flags)` groups.
    static func isAnchoredAtStart(_ pattern: String) -> Bool {
        var rest = Substring(pattern)
        while rest.hasPrefix("(?"), let close = rest.firstIndex(of: ")"),
            rest[rest.index(rest.startIndex, offsetBy: 2)..<close].allSatisfy({ $0.isLetter || $0 == "-" })
        {
            rest = rest[rest.index(after: close)...]
        }
        return rest.hasPrefix("^") || rest.hasPrefix("\\A")
    }

    /// Has ASCII letters of its own (not the letter of an escape such as `\d`) and no `(?i…)` flag group.
    static func isCaseSensitive(_ pattern: String) -> Bool {
        var escaped = false
        var hasLetter = false
        for character in pattern {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character.isASCII && character.isLetter {
                hasLetter = true
            }
        }
        guard hasLetter else { return false }
        var rest = Substring(pattern)
        while let open = rest.firstRange(of: "(?") {
            let flags = rest[open.upperBound...].prefix(while: { $0.isLetter })
            if flags.contains("i") { return false }
            rest = rest[open.upperBound...]
        }
        return true
    }
}

extension String {
    /// `.name` for a plain child path, `["odd key"]` as it is (to append to a parent path).
    fileprivate var withLeadingDotForPlainKey: String { hasPrefix("[") ? self : "." + self }
}
