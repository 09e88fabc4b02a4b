import MCPWire

/// Owns: the merged resources and templates and which server owns a URI.
/// Never: routes a URI to a server that did not offer it, or spends unbounded work on one.
///
/// The merged resources and resource templates, and which server owns a URI.
///
/// URIs are not namespaced (they are addresses, and results link to them). When two servers list the
/// same URI, the first in config order keeps it and a later one's copy is listed as
/// `mcp-firewall-hub://<server>/<original URI>`, which routes to that server with the original URI.
/// A URI no list names is routed by the first template (config order) that matches it; the
/// `mcp-firewall-hub://<server>/` prefix picks among one server's own URIs and templates only.
///
/// Routing is bounded whatever the targets list and the client asks: URIs over `maxURIBytes` are
/// neither offered nor routed (so a policy glob never runs over more), templates the hub cannot match
/// cheaply are dropped (`URITemplate`), and template matching for one URI stops after
/// `templateStepBudget` steps.
struct ResourceMap: Sendable {
    static let disambiguationScheme = "mcp-firewall-hub://"
    static let maxURIBytes = 64 << 10
    /// About 30 ms of matching in a release build (measured: 100 worst-case templates, a 60 kB URI);
    /// a real lookup takes a few thousand steps.
    static let templateStepBudget = 1 << 24

    /// Why the hub will not route a URI (answered -32602: the request, not the resource, is at fault).
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case uriTooLong(bytes: Int)
        case tooMuchMatching
        /// A C0 control (U+0000…U+001F), DEL or a space at this byte offset: RFC 3986 allows none in a
        /// URI, and readers disagree on them (WHATWG URL and Python's urlsplit drop tab, CR and LF, so
        /// `file:///et\tc/passwd` would reach `/etc/passwd` past a `file:///etc/*` deny).
        case forbiddenCharacter(byte: UInt8, offset: Int)

        var description: String {
            switch self {
            case .uriTooLong(let bytes):
                "the URI is \(bytes) bytes long; the hub routes URIs of up to \(ResourceMap.maxURIBytes) bytes"
            case .tooMuchMatching:
                "matching the URI against the servers' resource templates needs more work than the hub spends "
                    + "on one request; read a URI a server lists, or a shorter one"
            case .forbiddenCharacter(let byte, let offset):
                "the URI holds \(byte == 0x20 ? "a space" : "the control character 0x\(String(byte, radix: 16))") "
                    + "at byte \(offset); a URI may hold no space or control character (RFC 3986: percent-encode it)"
            }
        }
    }

    private(set) var resources: [JSONObject] = []
    private(set) var templates: [JSONObject] = []
    /// Resources and templates a target listed that the hub does not offer, for the log.
    private(set) var skipped: [(server: String, reason: String)] = []
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
                guard uri.utf8.count <= Self.maxURIBytes else {
                    skipped.append(
                        (
                            server.name,
                            "a resource with a \(uri.utf8.count)-byte URI was not offered: \(Refusal.uriTooLong(bytes: uri.utf8.count))"
                        ))
                    continue
                }
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
                switch URITemplate.parse(pattern) {
                case .success(let parsed):
                    templates.append(template)
                    templateOwners.append((parsed, server.name))
                case .failure(let refusal):
                    skipped.append(
                        (
                            server.name,
                            "resource template \(HubLog.excerpt(Array(pattern.utf8), limit: 80)) was not offered: \(refusal)"
                        ))
                }
            }
        }
    }

    /// The server and its own URI for a URI the client names, or nil when no server offers it.
    func route(_ uri: String) throws(Refusal) -> (server: String, uri: String)? {
        var budget = Self.templateStepBudget
        return try route(uri, budget: &budget)
    }

    /// `route(_:)` spending template-matching steps from `budget`, which a message naming many URIs
    /// shares between them all (one budget per message, never one per URI).
    func route(_ uri: String, budget: inout Int) throws(Refusal) -> (server: String, uri: String)? {
        let length = uri.utf8.count
        if length > Self.maxURIBytes { throw .uriTooLong(bytes: length) }
        try Self.checkCharacters(uri)
        if let owner = owners[uri] { return owner }
        if uri.hasPrefix(Self.disambiguationScheme) {
            let rest = uri.dropFirst(Self.disambiguationScheme.count)
            if let slash = rest.firstIndex(of: "/"), serverNames.contains(String(rest[..<slash])) {
                let server = String(rest[..<slash])
                let inner = String(rest[rest.index(after: slash)...])
                // Only what that server itself offers: the prefix never sends a server a URI it did not list.
                if owners[inner]?.server == server { return (server, inner) }
                return try firstTemplate(matching: inner, of: server, budget: &budget).map { _ in (server, inner) }
            }
        }
        return try firstTemplate(matching: uri, of: nil, budget: &budget).map { ($0, uri) }
    }

    /// Refuses a URI holding a space, DEL or a C0 control, before any lookup or policy sees it.
    static func checkCharacters(_ uri: String) throws(Refusal) {
        var offset = 0
        for byte in uri.utf8 {
            if byte <= 0x20 || byte == 0x7F { throw .forbiddenCharacter(byte: byte, offset: offset) }
            offset += 1
        }
    }

    /// The first server (in config order; only `server` when given) with a template matching `uri`.
    private func firstTemplate(matching uri: String, of server: String?, budget: inout Int) throws(Refusal) -> String? {
        for (template, owner) in templateOwners where server == nil || owner == server {
            if template.template == uri { return owner }
            guard let matched = template.matches(uri, budget: &budget) else { throw .tooMuchMatching }
            if matched { return owner }
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
