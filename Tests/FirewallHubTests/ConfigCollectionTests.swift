import MCPWire
import Testing

@testable import FirewallHub

/// hub.json checking reports every problem at once (what `check` prints and what `serve` refuses with),
/// each with its path and a fix, and still throws the same first problem as before.
@Suite struct ConfigCollectionTests {
    private func problems(_ text: String, environment: [String: String] = [:]) throws -> [ConfigError] {
        switch ConfigLoader.validate(try JSONParser.parse(text), filePath: "/etc/hub.json", environment: environment) {
        case .success: return []
        case .failure(let all): return all.errors
        }
    }

    @Test func everyProblemIsReportedWithItsPath() throws {
        let text = #"""
            {"servers": {
               "a": {"command": "x", "args": [1, "ok", true], "bogus": 1, "timeouts": {"call_seconds": 0},
                     "policy": {"default": "block", "allow": ["", "get_*"],
                                "rules": [{"tool": "t", "action": "nope"}, {"action": "deny"},
                                          {"tool": "u", "arguments": {"sql": "(?<=x)y"}, "action": "deny"}]}},
               "b.c": {"args": []},
               "d": {"command": "${MISSING}", "env": {"K": "${ALSO_MISSING}"}}
             },
             "approval": {"code_digits": 3, "fallback": "agnt", "extra": true},
             "naming": {"separator": "/"},
             "unknown_top": 1}
            """#
        let paths = try problems(text).map(\.jsonPath)
        let expected = [
            "unknown_top", "approval.extra", "approval.code_digits", "approval.fallback", "naming.separator",
            "servers.a.bogus", "servers.a.args[0]", "servers.a.args[2]", "servers.a.timeouts.call_seconds",
            "servers.a.policy.default", "servers.a.policy.allow[0]", "servers.a.policy.rules[0].action",
            "servers.a.policy.rules[1]", "servers.a.policy.rules[2].arguments.sql", "servers[\"b.c\"]",
            "servers[\"b.c\"]", "servers.d.command", "servers.d.env.K",
        ]
        #expect(paths.sorted() == expected.sorted(), "\(paths)")
        // Top-level blocks first (as before), then the servers in file order.
        #expect(paths.first == "unknown_top")
        #expect(paths.suffix(2) == ["servers.d.command", "servers.d.env.K"])
    }

    @Test func theFirstProblemIsStillWhatParseThrows() throws {
        let text = #"{"servers": {"a": {"command": "x", "policy": {"default": "block", "deny": [""]}}}, "zzz": 1}"#
        let all = try problems(text)
        #expect(all.count == 3)
        #expect(throws: all[0]) {
            try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/etc/hub.json", environment: [:])
        }
    }

    @Test func aBrokenServerDoesNotAlsoReportNoServers() throws {
        let all = try problems(#"{"servers": {"a": {"args": ["x"]}}}"#)
        #expect(all.map(\.kind) == [.missingKey])
        #expect(try problems(#"{"servers": {"a": {"command": "x", "disabled": true}}}"#).map(\.kind) == [.noServers])
    }

    @Test func oneMistakeIsReportedOnce() throws {
        // An unknown key inside a rule, and the same rule missing its action: two problems, not three.
        let all = try problems(#"{"servers": {"a": {"command": "x", "policy": {"rules": [{"tool": "t", "x": 1}]}}}}"#)
        #expect(all.map(\.jsonPath) == ["servers.a.policy.rules[0].x", "servers.a.policy.rules[0]"])
    }

    @Test func eachProblemComesWithAFix() throws {
        let all = try problems(
            #"{"servers": {"a": {"comand": "x", "policy": {"default": "alow"}}, "b": {"command": "${NOPE}"}}}"#)
        let fixes = Dictionary(uniqueKeysWithValues: all.map { ($0.jsonPath, $0.fix) })
        #expect(fixes["servers.a.comand"] == "rename the key to \"command\", or remove it")
        #expect(fixes["servers.a.policy.default"] == "use \"allow\"")
        #expect(fixes["servers.b.command"]?.hasPrefix("export NOPE in the environment") == true)
        #expect(all.allSatisfy { !$0.fix.isEmpty })
    }

    @Test func validConfigsStillLoad() throws {
        #expect(try problems(#"{"servers": {"a": {"command": "x", "args": ["${HOME:-/}"]}}}"#).isEmpty)
    }
}
