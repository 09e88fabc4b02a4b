import MCPWire

/// The merged resources and resource templates, and which server owns a URI.
///
/// URIs are not namespaced (they are addresses, and results link to them). When two servers list the
/// same URI, the first in config order keeps it and a later one's copy is listed as
/// `mcp-firewall-hub://<server>/<original URI>`, which routes to that server with the original URI.
/// A URI no list names is routed by the first template (config order) that matches it.
struct ResourceMap: Sendable {
    static let disambiguationScheme = "mcp-firewall-hub://"

    private(set) var resources: [JSONObject] = []
    private(set) var templates: [JSONObject] = []
    private var owners: [String: (server: String, uri: String)] = [:]
    private var templateOwners: [(template: URITemplate, server: String)] = []
    private var serverNames: Set<String> = []

    init() {}

    init(
        servers: [(name: String, resources: [JSONObject], templates: [JSONObject])],
        policies: [String: ResourcePolicy] = [:]
    ) {
        for server in servers {
            serverNames.insert(server.name)
            let policy = policies[server.name]
            for resource in server.resources {
                guard case .string(let uri)? = resource["uri"] else { continue }
                if let policy, !policy.decide(uri: uri).allowed { continue }  // denied resources are not offered
                var listed = resource
                if owners[uri] != nil {
                    let alias = Self.disambiguationScheme + server.name + "/" + uri
                    listed["uri"] = .string(alias)
                    owners[alias] = (server.name, uri)
                } else {
                    owners[uri] = (server.name, uri)
                }
                resources.append(listed)
            }
            for template in server.templates {
                guard case .string(let pattern)? = template["uriTemplate"] else { continue }
                templates.append(template)
                templateOwners.append((URITemplate(pattern), server.name))
            }
        }
    }

    /// The server and its own URI for a URI the client names, or nil when no server offers it.
    func route(_ uri: String) -> (server: String, uri: String)? {
        if let owner = owners[uri] { return owner }
        if uri.hasPrefix(Self.disambiguationScheme) {
            let rest = uri.dropFirst(Self.disambiguationScheme.count)
            if let slash = rest.firstIndex(of: "/"), serverNames.contains(String(rest[..<slash])) {
                return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
            }
        }
        for (template, server) in templateOwners where template.template == uri || template.matches(uri) {
            return (server, uri)
        }
        return nil
    }

    /// The URI the client knows for a server's own URI (for `notifications/resources/updated`).
    func exposedURI(server: String, uri: String) -> String {
        if let owner = owners[uri], owner.server != server {
            return Self.disambiguationScheme + server + "/" + uri
        }
        return uri
    }
}

/// A server's `policy.resources`: URI globs to allow or deny reads and subscriptions. Default allow.
struct ResourcePolicy: Sendable, Equatable {
    var allow: [ToolGlob] = []
    var deny: [ToolGlob] = []
    var defaultAction: PolicyAction = .allow
    /// Where it sits in hub.json, for provenance (`servers.docs.policy.resources`).
    var path: String = "policy.resources"

    /// Deny globs win over allow globs; with no match, `default` decides.
    func decide(uri: String) -> (allowed: Bool, rule: String) {
        if let i = deny.firstIndex(where: { $0.matches(uri) }) {
            return (false, "\(path).deny[\(i)] \"\(deny[i].pattern)\"")
        }
        if let i = allow.firstIndex(where: { $0.matches(uri) }) {
            return (true, "\(path).allow[\(i)] \"\(allow[i].pattern)\"")
        }
        return (defaultAction != .deny, "\(path).default")
    }
}
