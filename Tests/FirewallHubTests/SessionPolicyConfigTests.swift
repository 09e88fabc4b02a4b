import MCPWire
import Testing

@testable import FirewallHub

@Suite struct SessionPolicyConfigTests {
    private func error(_ json: String) -> String? {
        do {
            _ = try SessionFlowTests.config(json)
            return nil
        } catch let error as ConfigError {
            return error.description
        } catch {
            return "\(error)"
        }
    }

    @Test func fullConfigParses() throws {
        let config = try SessionFlowTests.config(
            #"""
            "flows": [{"name": "n", "after": ["notes.read_*", "payments.*"], "and_after": "web.*",
                       "after_outcome": "success", "tool": ["slack.post_*"], "action": "deny"}],
            "limits": [{"name": "refunds", "tool": "payments.refund", "per_minute": 5, "per_session": 20,
                        "each": "tool", "action": "approve"}],
            "exfiltration_guard": {"private": "notes.*", "untrusted": ["web.*"], "action": "deny"}
            """#)
        #expect(
            config.flows == [
                FlowRule(
                    name: "n", after: [.init("notes.read_*"), .init("payments.*")], andAfter: [.init("web.*")],
                    afterOutcome: .success, tool: [.init("slack.post_*")], action: .deny, label: #"flows[0] "n""#)
            ])
        #expect(
            config.limits == [
                RateLimitRule(
                    name: "refunds", tool: [.init("payments.refund")], perMinute: 5, perSession: 20, each: .tool,
                    action: .approve, label: #"limits[0] "refunds""#)
            ])
        #expect(
            config.exfiltrationGuard
                == ExfiltrationGuardConfig(
                    privateTools: [.init("notes.*")], untrustedTools: [.init("web.*")], action: .deny))
        #expect(!config.isEmpty)
        #expect(try SessionFlowTests.config(#""flows": []"#).isEmpty)
    }

    @Test(arguments: [
        (#""flows": {}"#, "/hub.json: flows: expected an array of flow rules, found object"),
        (
            #""flows": [{"tool": "web.*", "action": "deny"}]"#,
            #"/hub.json: flows[0]: missing "after" (the earlier calls, e.g. ["db.*", "notes.read_*"])"#
        ),
        (
            #""flows": [{"after": "notes.*", "action": "deny"}]"#,
            #"/hub.json: flows[0]: missing "tool" (the calls it applies to, e.g. ["fetch.*", "git.push"])"#
        ),
        (
            #""flows": [{"after": "notes.*", "tool": "web.*"}]"#,
            #"/hub.json: flows[0]: missing "action"; allowed: approve, deny"#
        ),
        (
            #""flows": [{"after": "notes.*", "tool": "web.*", "action": "allow"}]"#,
            #"/hub.json: flows[0].action: unknown action "allow"; allowed: approve, deny"#
        ),
        (
            #""flows": [{"after": "note.*", "tool": "web.*", "action": "deny"}]"#,
            #"/hub.json: flows[0].after: "note.*": no server is named "note" (did you mean "notes"?); servers: notes, web, slack, payments, github"#
        ),
        (
            #""flows": [{"after": ["notes.*", "refund"], "tool": "web.*", "action": "deny"}]"#,
            #"/hub.json: flows[0].after[1]: "refund" names no server: write "server.tool" (e.g. "payments.refund", "db.*"), or "*" for every tool"#
        ),
        (
            #""flows": [{"after": [], "tool": "web.*", "action": "deny"}]"#,
            #"/hub.json: flows[0].after: must name at least one "server.tool" glob"#
        ),
        (
            #""flows": [{"after": "notes.*", "tool": "web.*", "action": "deny", "after_outcome": "ok"}]"#,
            #"/hub.json: flows[0].after_outcome: unknown outcome "ok"; allowed: any, success"#
        ),
        (
            #""flows": [{"after": "notes.*", "tool": "web.*", "action": "deny", "when": 1}]"#,
            #"/hub.json: flows[0].when: unknown key "when"; allowed: name, after, and_after, after_outcome, tool, action"#
        ),
        (
            #""limits": [{"tool": "payments.*"}]"#,
            #"/hub.json: limits[0]: a limit needs "per_minute", "per_session" or both"#
        ),
        (
            #""limits": [{"tool": "payments.*", "per_minute": 0}]"#,
            "/hub.json: limits[0].per_minute: 0 is out of range; allowed: integers from 1 to 100000"
        ),
        (
            #""limits": [{"tool": "payments.*", "per_minute": 5, "each": "call"}]"#,
            #"/hub.json: limits[0].each: unknown counter "call" (did you mean "all"?); allowed: all, server, tool"#
        ),
        (
            #""limits": [{"per_minute": 5}]"#,
            #"/hub.json: limits[0]: missing "tool" (e.g. "payments.refund", "payments.*" or "*" for every tool)"#
        ),
        (
            #""exfiltration_guard": {"untrusted": "web.*", "private": "*", "action": "hold"}"#,
            #"/hub.json: exfiltration_guard.action: unknown action "hold"; allowed: approve, deny"#
        ),
    ])
    func badSessionConfigIsRefusedWithThePath(json: String, message: String) {
        #expect(error(json) == message)
    }

    @Test func globsMatchServerDotToolWhateverTheClientsSeparator() {
        let glob = QualifiedToolGlob("notes.read_*")
        #expect(glob.matches(server: "notes", tool: "read_note"))
        #expect(!glob.matches(server: "notes", tool: "write_note"))
        #expect(!glob.matches(server: "notes2", tool: "read_note"))
        #expect(QualifiedToolGlob("*.delete_*").matches(server: "stripe", tool: "delete_customer"))
        #expect(QualifiedToolGlob("*").matches(server: "a", tool: "b"))
        // A disabled server may be named (it may be enabled later).
        let text =
            #"{"servers": {"a": {"command": "x"}, "off": {"command": "x", "disabled": true}}, "flows": [{"after": "off.*", "tool": "a.*", "action": "deny"}]}"#
        #expect(throws: Never.self) {
            try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/h", environment: [:])
        }
    }
}
