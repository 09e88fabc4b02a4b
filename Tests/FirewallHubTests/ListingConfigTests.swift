import MCPWire
import Testing

@testable import FirewallHub

/// `listing` (hub-wide and per server) and `policy.hide`.
@Suite struct ListingConfigTests {
    private func parse(_ text: String) throws -> HubConfig {
        try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: [:])
    }

    private func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as ConfigError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func listingDefaultsToAllAndServersOverride() throws {
        let plain = try parse(#"{"servers": {"a": {"command": "x"}}}"#)
        #expect(plain.listing == .all)
        #expect(plain.listingMode(for: plain.servers[0]) == .all)
        #expect(!plain.discoveryEnabled)

        let mixed = try parse(
            #"{"listing": {"mode": "discover"}, "servers": {"a": {"command": "x"}, "b": {"command": "x", "listing": {"mode": "all"}}}}"#
        )
        #expect(mixed.listing == .discover)
        #expect(mixed.servers.map { mixed.listingMode(for: $0) } == [.discover, .all])
        #expect(mixed.discoveryEnabled)

        let one = try parse(
            #"{"servers": {"a": {"command": "x", "listing": {"mode": "discover"}}, "b": {"command": "x"}}}"#)
        #expect(one.servers.map { one.listingMode(for: $0) } == [.discover, .all])
        #expect(one.discoveryEnabled)
    }

    @Test(arguments: [
        (
            #"{"listing": {"mode": "discovery"}, "servers": {"a": {"command": "x"}}}"#,
            #"/hub.json: listing.mode: unknown listing mode "discovery" (did you mean "discover"?); allowed: all, discover"#
        ),
        (
            #"{"listing": "discover", "servers": {"a": {"command": "x"}}}"#,
            "/hub.json: listing: expected an object, found string"
        ),
        (
            #"{"listing": {}, "servers": {"a": {"command": "x"}}}"#,
            #"/hub.json: listing: missing "mode"; allowed: all, discover"#
        ),
        (
            #"{"servers": {"a": {"command": "x", "listing": {"mode": "all", "max": 3}}}}"#,
            #"/hub.json: servers.a.listing.max: unknown key "max"; allowed: mode"#
        ),
        (
            #"{"servers": {"a": {"command": "x", "policy": {"hide": "admin_*"}}}}"#,
            "/hub.json: servers.a.policy.hide: expected an array of tool-name globs, found string"
        ),
        (
            #"{"servers": {"a": {"command": "x", "policy": {"hide": [""]}}}}"#,
            "/hub.json: servers.a.policy.hide[0]: must not be empty"
        ),
    ])
    func badListingAndHideAreRefusedWithThePath(text: String, message: String) {
        #expect(error(text) == message)
    }

    @Test func hideGlobsAreParsedAndDecideWithProvenance() throws {
        let config = try parse(#"{"servers": {"pay": {"command": "x", "policy": {"hide": ["admin_*", "debug"]}}}}"#)
        let server = config.servers[0]
        #expect(server.policy.hide.map(\.pattern) == ["admin_*", "debug"])
        let hiding = ToolHiding(server: server)
        #expect(hiding.rule(for: "admin_reset") == #"servers.pay.policy.hide[0] "admin_*""#)
        #expect(hiding.rule(for: "debug") == #"servers.pay.policy.hide[1] "debug""#)
        #expect(hiding.rule(for: "refund") == nil)
    }

    @Test func hidingPolicyDeniesHiddenToolsBeforeAnyOtherRule() throws {
        let config = try parse(
            #"{"servers": {"pay": {"command": "x", "policy": {"allow": ["*"], "hide": ["admin_*"], "rules": [{"tool": "admin_x", "action": "allow"}]}}}}"#
        )
        let server = config.servers[0]
        let policy = HidingPolicy.wrapping(PolicyEngine(server: server, defaults: nil), server: server)
        #expect(policy.decide(tool: "admin_x", annotations: nil, arguments: nil).action == .deny)
        #expect(
            policy.decide(tool: "admin_x", annotations: nil, arguments: nil).rule.hasPrefix(
                "servers.pay.policy.hide[0]"))
        #expect(policy.decideForListing(tool: "admin_x", annotations: nil).decision.action == .deny)
        #expect(policy.decide(tool: "refund", annotations: nil, arguments: nil).action == .allow)
        #expect(
            DiscoverableTool.make(
                name: "pay.admin_x", server: "pay", tool: "admin_x", definition: [:], policy: policy,
                hiding: ToolHiding(server: server)) == nil)
        // No hide list: the engine is used as it is.
        let plain = try parse(#"{"servers": {"pay": {"command": "x"}}}"#).servers[0]
        #expect(HidingPolicy.wrapping(PolicyEngine(server: plain, defaults: nil), server: plain) is PolicyEngine)
    }
}
