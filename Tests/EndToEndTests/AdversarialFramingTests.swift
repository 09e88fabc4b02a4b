import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Issue 14.1, request smuggling: the hub must never let a reader see a message boundary it did not
/// see. A hostile client hides requests between bare CRs (JSON whitespace to the hub, line breaks to a
/// target reading with universal newlines, as every official Python SDK server does); a hostile target
/// does the same toward the client.
@Suite struct AdversarialFramingTests {
    private static let dbPolicy: JSONValue = [
        "allow": ["list_tables"], "approve": ["transfer"], "deny": ["drop_table"], "default": "deny",
    ]

    private func smugglingFixture() throws -> HubFixture {
        try HubFixture(
            servers: [
                ("db", "fixture-server", ["--name", "db", "--tools", "list_tables,drop_table,transfer"], Self.dbPolicy)
            ],
            extra: ["approval": ["fallback": "deny"]],
            env: ["db": ["DEMO_UNIVERSAL_NEWLINES": "1"]])
    }

    /// `{"…allowed call…","arguments":{"pad":[<CR>{…hidden request…}<CR>]}}`: one allowed call to the hub.
    private func smuggling(_ hidden: String, id: Int, separator: String = "\r") -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"db.list_tables","arguments":{"pad":["#
            + separator + hidden + separator + "]}}}"
    }

    @Test func aRequestHiddenBetweenBareCRsNeverReachesTheTarget() async throws {
        let fixture = try smugglingFixture()
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let hidden = [
            #"{"jsonrpc":"2.0","id":901,"method":"tools/call","params":{"name":"drop_table","arguments":{"t":"users"}}}"#,
            #"{"jsonrpc":"2.0","id":902,"method":"tools/call","params":{"name":"transfer","arguments":{"to":"x"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#,
        ]
        for (offset, request) in hidden.enumerated() {
            for (n, separator) in ["\r", "\r \r", "\r\t"].enumerated() {
                let id = 1000 + 10 * offset + n
                hub.sendRaw(smuggling(request, id: id, separator: separator) + "\n")
                let answer = try #require(await hub.waitForResponse(.int(id)))
                guard case .result(let result) = answer.outcome else {
                    Issue.record("the allowed call failed: \(answer)")
                    continue
                }
                #expect(!result.isToolError, "\(result)")
            }
        }
        // The target ran exactly the nine allowed calls; the hidden ones never reached it.
        let executed = fixture.executedTools("db")
        #expect(executed == Array(repeating: "list_tables", count: 9), "\(executed)")
        #expect(hub.responseCounts().values.allSatisfy { $0 == 1 })
    }

    @Test func aTargetsLineBreaksBetweenTokensNeverReachTheClient() async throws {
        let fixture = try HubFixture.fixtures([("odd", ["--answer-style", "line-breaks"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let text = "h\u{E9}llo"
        for id: RequestID in [.int(5), .string("s")] {
            let response = try await hub.request(
                "tools/call", params: ["name": "odd.echo", "arguments": ["t": .string(text)]], id: id)
            guard case .result(let result) = response.outcome else {
                Issue.record("\(response)")
                continue
            }
            // The target wrote a raw U+2028 for the first é of its answer: the value arrives, escaped.
            #expect(result.serialized().contains(#"h\u2028llo"#), "\(result)")
        }
        for line in hub.stdoutLines {
            #expect(!line.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{85}" }, "\(line)")
        }
    }
}
