import MCPWire

/// Owns: the hub's progress tokens of forwarded requests and the client tokens they stand for. Never:
/// lets a target report progress on a request the hub did not send that very target.
struct ProgressRoutes {
    private struct Route {
        var clientToken: JSONValue
        var target: Int
        var id: Int
    }

    private var routes: [String: Route] = [:]
    private var next = 0

    /// A fresh hub-side token (the client's token never reaches a target).
    mutating func newToken() -> String {
        next += 1
        return "mcp-firewall-hub/progress/\(next)"
    }

    mutating func add(_ token: String, clientToken: JSONValue, target: Int, id: Int) {
        routes[token] = Route(clientToken: clientToken, target: target, id: id)
    }

    /// The request was answered or cancelled: its token reports nothing any more.
    mutating func forget(_ token: String?) {
        if let token { routes[token] = nil }
    }

    func clientToken(_ token: String, target: Int) -> JSONValue? {
        guard let route = routes[token], route.target == target else { return nil }
        return route.clientToken
    }
}
