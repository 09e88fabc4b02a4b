/// Owns: the names of the four lists (method, result key, capability, change notification).
/// Never: holds state.
///
/// The lists a target offers and the hub merges.
enum ListKind: String, CaseIterable, Sendable {
    case tools
    case prompts
    case resources
    case resourceTemplates

    /// The request that lists them.
    var method: String {
        switch self {
        case .tools: return "tools/list"
        case .prompts: return "prompts/list"
        case .resources: return "resources/list"
        case .resourceTemplates: return "resources/templates/list"
        }
    }

    /// The key of the array in the list result.
    var resultKey: String { rawValue }

    /// The target capability that says it offers this list (`tools` is always asked for).
    var capability: String {
        switch self {
        case .tools: return "tools"
        case .prompts: return "prompts"
        case .resources, .resourceTemplates: return "resources"
        }
    }

    /// The notification a target sends, and the hub sends the client, when this list changes.
    var listChangedMethod: String {
        switch self {
        case .tools: return "notifications/tools/list_changed"
        case .prompts: return "notifications/prompts/list_changed"
        case .resources, .resourceTemplates: return "notifications/resources/list_changed"
        }
    }

    init?(method: String) {
        guard let kind = Self.allCases.first(where: { $0.method == method }) else { return nil }
        self = kind
    }
}
