import MCPWire

/// The MCP Action Firewall's policy for single-target mode: `global` rules, extended by the
/// `servers.<--name>` block (its lists are appended; its `default_action` replaces the global one).
///
/// Matching is on the target's own tool name, case-insensitive: allow prefixes with starts-with, block
/// keywords as substrings. For each call:
///
/// 1. a block keyword matches → held for approval (`approve`);
/// 2. else an allow prefix matches → `allow`;
/// 3. else `default_action`: `block` → `approve`, `allow` → `allow`.
///
/// The one intended difference from 0.3.0: a block keyword wins over an allow prefix, so
/// `get_and_delete_everything` is held (0.3.0 let the allow prefix win). Nothing is ever `deny`: a
/// blocked call in this mode is always one the user can approve.
struct SeedPolicy: ToolPolicy {
    /// One prefix or keyword, lower-cased for matching, with its provenance text.
    struct Rule: Sendable, Equatable {
        var match: String
        var provenance: String
    }

    let allowPrefixes: [Rule]
    let blockKeywords: [Rule]
    let defaultAction: SeedConfig.DefaultAction
    let defaultProvenance: String
    /// The `--name` whose `servers` block was merged in; nil when none was given or the config has none.
    let mergedServer: String?

    /// `config`'s global rules, merged with `servers.<serverName>` when that block exists.
    init(config: SeedConfig, serverName: String?) {
        let origin = config.file == nil ? "built-in defaults: " : ""
        func rule(_ entry: SeedConfig.Entry<String>) -> Rule {
            Rule(match: entry.value.lowercased(), provenance: origin + Self.quoted(entry.path, entry.value))
        }
        let server = serverName.flatMap { config.rules(forServer: $0) }
        mergedServer = server == nil ? nil : serverName
        allowPrefixes = (config.global.allowPrefixes + (server?.allowPrefixes ?? [])).map(rule)
        blockKeywords = (config.global.blockKeywords + (server?.blockKeywords ?? [])).map(rule)
        if let action = server?.defaultAction ?? config.global.defaultAction {
            defaultAction = action.value
            defaultProvenance = origin + Self.quoted(action.path, action.value.rawValue)
        } else {
            defaultAction = .block
            defaultProvenance = origin + "no default_action set, so \"block\""
        }
    }

    func decide(tool: String, annotations: JSONObject?, arguments: JSONObject?) -> PolicyDecision {
        let name = tool.lowercased()
        if let keyword = blockKeywords.first(where: { name.contains($0.match) }) {
            return PolicyDecision(action: .approve, rule: keyword.provenance)
        }
        if let prefix = allowPrefixes.first(where: { name.hasPrefix($0.match) }) {
            return PolicyDecision(action: .allow, rule: prefix.provenance)
        }
        switch defaultAction {
        case .allow: return PolicyDecision(action: .allow, rule: defaultProvenance)
        case .block: return PolicyDecision(action: .approve, rule: defaultProvenance)
        }
    }

    /// The seed's rules look at the name only, so a listing decides exactly what a call would.
    func decideForListing(tool: String, annotations: JSONObject?) -> (decision: PolicyDecision, argumentRules: [String])
    {
        (decide(tool: tool, annotations: annotations, arguments: nil), [])
    }

    /// `global.block_keywords[0] "delete"`.
    private static func quoted(_ path: String, _ value: String) -> String {
        "\(path) \(JSONValue.string(value).serialized())"
    }
}
