import MCPWire
import Testing

@testable import FirewallHub

@Suite struct ResourceMapTests {
    @Test func templatesMatchLikeRFC6570() {
        #expect(URITemplate("notes://note/{title}")!.matches("notes://note/groceries"))
        #expect(!URITemplate("notes://note/{title}")!.matches("notes://note/a/b"))
        #expect(!URITemplate("notes://note/{title}")!.matches("notes://note/"))
        #expect(URITemplate("file:///{+path}")!.matches("file:///etc/hosts"))
        #expect(URITemplate("db://{schema}/{table}")!.matches("db://public/users"))
        #expect(!URITemplate("db://{schema}/{table}")!.matches("db://public"))
        #expect(URITemplate("plain://x")!.matches("plain://x"))
        #expect(!URITemplate("plain://x")!.matches("plain://xy"))
    }

    private func resource(_ uri: String) -> JSONObject { ["uri": .string(uri), "name": "r"] }

    @Test func firstServerKeepsASharedURIAndTheOtherIsDisambiguated() throws {
        let map = ResourceMap(servers: [
            ("a", [resource("mem://x"), resource("mem://only-a")], []),
            ("b", [resource("mem://x")], [["uriTemplate": "mem://item/{id}", "name": "item"]]),
        ])
        let uris = map.resources.compactMap { $0["uri"]?.stringValue }
        #expect(uris == ["mem://x", "mem://only-a", "mcp-firewall-hub://b/mem://x"])
        #expect(try map.route("mem://x")?.server == "a")
        #expect(try map.route("mcp-firewall-hub://b/mem://x")?.server == "b")
        #expect(try map.route("mcp-firewall-hub://b/mem://x")?.uri == "mem://x")
        #expect(try map.route("mem://item/42")?.server == "b")
        #expect(try map.route("mem://nothing") == nil)
        #expect(try map.route("mcp-firewall-hub://nobody/mem://x") == nil)
        #expect(map.exposedURI(server: "b", uri: "mem://x") == "mcp-firewall-hub://b/mem://x")
        #expect(map.exposedURI(server: "a", uri: "mem://x") == "mem://x")
    }

    @Test func deniedResourcesAreNotListedAndDenyBeatsAllow() {
        let policy = ResourcePolicy(
            allow: [ToolGlob("secret://public/*")], deny: [ToolGlob("secret://*")], defaultAction: .allow,
            path: "servers.a.policy.resources")
        let map = ResourceMap(
            servers: [("a", [resource("secret://key"), resource("notes://x")], [])], policies: ["a": policy])
        #expect(map.resources.compactMap { $0["uri"]?.stringValue } == ["notes://x"])
        #expect(policy.decide(uri: "secret://public/readme").allowed == false)
        #expect(policy.decide(uri: "secret://key").rule == "servers.a.policy.resources.deny[0] \"secret://*\"")
        #expect(policy.decide(uri: "notes://x").allowed)
        let closed = ResourcePolicy(allow: [ToolGlob("notes://*")], defaultAction: .deny)
        #expect(closed.decide(uri: "notes://a").allowed)
        #expect(!closed.decide(uri: "other://a").allowed)
    }
}
