import HubTestSupport
import MCPWire
import Testing

/// A target's answers reach the client re-addressed whatever their valid spelling (the hub's fast
/// path splices bytes it has checked; unusual forms fall back to the general path), and a broken
/// answer never reaches the client at all: the call times out as if it were never answered.
@Suite("Target answers in unusual spellings")
struct AnswerSpellingTests {
    private static let text = "h\u{E9}llo \"w\u{F6}rld\"\n"

    @Test(arguments: ["reordered", "escaped-keys", "unicode-escapes", "extra-member"])
    func aValidSpellingIsDeliveredUnderTheClientsID(_ style: String) async throws {
        let fixture = try HubFixture.fixtures([("odd", ["--answer-style", style])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        for id: RequestID in [.int(41), .string("call-\u{E9}\"}"), .int(9_007_199_254_740_993)] {
            let response = try await hub.request(
                "tools/call", params: ["name": "odd.echo", "arguments": ["t": .string(Self.text)]], id: id)
            #expect(response.id == id)
            guard case .result(let result) = response.outcome else {
                Issue.record("\(style): \(response)")
                continue
            }
            #expect(result["structuredContent"]?["echo"]?["t"] == .string(Self.text), "\(style): \(result)")
        }
        for line in hub.stdoutLines {
            #expect((try? JSONParser.parse(Array(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    @Test(arguments: ["bad-utf8", "lone-surrogate", "duplicate-key"])
    func aBrokenAnswerNeverReachesTheClient(_ style: String) async throws {
        let fixture = try HubFixture.fixtures(
            [("odd", ["--answer-style", style])], extra: ["timeouts": ["call_seconds": 1]])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let response = try await hub.request(
            "tools/call", params: ["name": "odd.echo", "arguments": ["t": .string(Self.text)]], id: .string("x"))
        #expect(response.errorMessage?.contains("did not answer within 1 s") == true, "\(style): \(response)")
        #expect(hub.stderrText.contains("[odd] ignored a stdout line that is not a JSON-RPC message"))
        #expect(hub.responseCounts()[.string("x")] == 1)
        for line in hub.stdoutLines {
            #expect(!line.contains("\u{FFFD}") && !line.contains("h\\ud800"), "\(style) leaked: \(line)")
            #expect((try? JSONParser.parse(Array(line.utf8))) != nil, "not JSON: \(line)")
        }
    }
}
