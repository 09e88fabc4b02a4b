import Foundation
import MCPWire
import Testing

@testable import FirewallHub

/// The `audit` and `pins` blocks of hub.json.
@Suite struct EvidenceConfigTests {
    private func parse(_ top: String, environment: [String: String] = ["HOME": "/home/u"]) throws -> HubConfig {
        let json = try JSONParser.parse(#"{"servers": {"a": {"command": "x"}}, \#(top)}"#)
        return try ConfigLoader.parse(json, filePath: "/etc/hub/hub.json", environment: environment)
    }

    private func error(_ top: String) -> ConfigError? {
        do {
            _ = try parse(top)
        } catch let error as ConfigError {
            return error
        } catch {}
        Issue.record("expected a ConfigError for \(top)")
        return nil
    }

    @Test func auditIsOffUnlessConfigured() throws {
        #expect(try parse(#""naming": {}"#).audit == nil)
    }

    @Test func aFullAuditBlockParses() throws {
        let config = try parse(
            #""audit": {"path": "logs/audit.jsonl", "redact": {"keys": ["card_*"], "values": ["\\d{16}"]}, "#
                + #""max_bytes": 1048576, "keep": 3, "on_failure": "fail_open"}"#)
        let audit = try #require(config.audit)
        #expect(audit.path == "/etc/hub/logs/audit.jsonl")
        #expect(audit.redactKeys == ["card_*"])
        #expect(audit.redactValues.map(\.source) == [#"\d{16}"#])
        #expect(audit.maxBytes == 1_048_576)
        #expect(audit.keep == 3)
        #expect(audit.onFailure == .failOpen)
        let defaults = try #require(
            try parse(
                #""audit": {"path": "/var/log/hub/${WHO}.jsonl"}"#,
                environment: ["WHO": "ci"]
            ).audit)
        #expect(defaults.path == "/var/log/hub/ci.jsonl")
        #expect(defaults.onFailure == .failClosed)
        #expect(defaults.keep == 10)
    }

    @Test func auditMistakesNameTheirJSONPath() {
        #expect(error(#""audit": {}"#)?.jsonPath == "audit")
        #expect(error(#""audit": {"path": "a", "rotate": 1}"#)?.jsonPath == "audit.rotate")
        #expect(error(#""audit": {"path": "a", "redact": {"kez": []}}"#)?.jsonPath == "audit.redact.kez")
        let regex = error(#""audit": {"path": "a", "redact": {"values": ["ok", "(unclosed"]}}"#)
        #expect(regex?.jsonPath == "audit.redact.values[1]")
        #expect(regex?.message.contains("invalid regular expression") == true)
        let failure = error(#""audit": {"path": "a", "on_failure": "open"}"#)
        #expect(failure?.jsonPath == "audit.on_failure")
        #expect(failure?.message.contains("fail_closed, fail_open") == true)
        #expect(error(#""audit": {"path": "a", "max_bytes": 10}"#)?.jsonPath == "audit.max_bytes")
        #expect(error(#""audit": {"path": "a", "keep": 0}"#)?.jsonPath == "audit.keep")
        #expect(error(#""audit": {"path": "logs/"}"#)?.jsonPath == "audit.path")
        #expect(error(#""audit": {"path": "${NOPE}"}"#)?.kind == .missingVariable)
    }

    @Test func theProductionExampleAuditsAndRedactsCardNumbers() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let environment = ["STRIPE_SECRET_KEY": "sk_live_x1234567", "DATABASE_URL": "postgres://x", "HOME": "/h"]
        let config = try ConfigLoader.load(
            path: root.appendingPathComponent("examples/hub.production.json").path, environment: environment)
        let audit = try #require(config.audit)
        #expect(audit.path == "/h/.local/state/mcp-firewall-hub/audit.jsonl")
        let redacted = AuditRedactor(config: config).redact(
            JSONObject([
                ("note", "card 4242424242424242 declined"), ("cardNumber", "x"), ("amount", 5),
                ("key", "sk_live_x1234567"),
            ]))
        #expect(redacted["note"] == .string(AuditRedactor.marker))
        #expect(redacted["cardNumber"] == .string(AuditRedactor.marker))
        #expect(redacted["amount"] == 5)
        #expect(redacted["key"] == .string(AuditRedactor.marker))
        #expect(config.pins.newTools == .hold)
    }

    @Test func pinsDefaultToAStoreOfThisHubJSONInTheStateFolderAndAllowNewTools() throws {
        let config = try parse(#""naming": {}"#, environment: ["XDG_STATE_HOME": "/state"])
        #expect(config.pins.enabled)
        let path = try #require(config.pins.path)
        #expect(path.hasPrefix("/state/mcp-firewall-hub/pins/hub-") && path.hasSuffix(".json"), "\(path)")
        #expect(config.pins.newTools == .allow)
        // Another hub.json, even with the same server names, has its own store.
        #expect(PinsConfig.defaultPath(stateFolder: "/s", configPath: "/a/hub.json") != path)
        #expect(
            PinsConfig.defaultPath(stateFolder: "/s", configPath: "/a/hub.json")
                != PinsConfig.defaultPath(stateFolder: "/s", configPath: "/b/hub.json"))
        #expect(PinsConfig.defaultPath(stateFolder: "/s", configPath: "/x y/hub.json").hasPrefix("/s/pins/x_y-"))
        #expect(try parse(#""naming": {}"#, environment: [:]).pins.path == nil)
    }

    @Test func aPinsBlockParses() throws {
        let pins = try parse(#""pins": {"path": "pins.json", "new_tools": "allow", "enabled": false}"#).pins
        #expect(pins.path == "/etc/hub/pins.json")
        #expect(pins.newTools == .allow)
        #expect(!pins.enabled)
        let wrong = error(#""pins": {"new_tools": "ask"}"#)
        #expect(wrong?.jsonPath == "pins.new_tools")
        #expect(wrong?.message.contains("allow, hold") == true)
        #expect(error(#""pins": {"paths": "x"}"#)?.message.contains("did you mean \"path\"") == true)
    }
}
