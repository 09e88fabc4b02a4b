import MCPWire
import Testing

@testable import FirewallHub

/// The opt-in preset: untrusted content plus private data → only read-only tools run unasked.
@Suite struct ExfiltrationGuardTests {
    private let openWorldRead: JSONObject = ["readOnlyHint": true, "openWorldHint": true]
    private let closedRead: JSONObject = ["readOnlyHint": true, "openWorldHint": false]
    private let closedWrite: JSONObject = ["readOnlyHint": false, "openWorldHint": false]

    private func call(_ name: String, _ annotations: JSONObject?) -> FlowCall {
        SessionFlowTests.call(name, annotations)
    }

    @Test func annotationsTripTheGuardAcrossTwoServers() throws {
        var flow = SessionFlow(config: try SessionFlowTests.config(#""exfiltration_guard": {}"#))
        let notesRead = call("notes.read_note", closedRead)
        let webFetch = call("web.fetch", openWorldRead)
        let slackPost = call("slack.post_message", ["openWorldHint": true])
        SessionFlowTests.run(&flow, notesRead, at: 5)
        #expect(flow.decide(slackPost, at: 6) == nil)
        SessionFlowTests.run(&flow, webFetch, at: 7)
        let held = try #require(flow.decide(slackPost, at: 20))
        #expect(held.action == .approve)
        guard case .exfiltrationGuard(_, let untrusted, let privateData) = held.reasons[0] else {
            throw Failure("not the guard")
        }
        #expect(untrusted.qualifiedName == "web.fetch")
        #expect(privateData.qualifiedName == "notes.read_note")
        #expect(
            FlowText.heldNote(held, now: 20)
                == "Held by session policy: exfiltration_guard: call #2 web__fetch (13 s ago) returned untrusted content "
                + "and call #1 notes__read_note (15 s ago) returned private data in this session, so only read-only "
                + "tools run without a human now.")
        // A closed-world read still runs; an open-world read (it sends its arguments out) and writes do not.
        #expect(flow.decide(notesRead, at: 21) == nil)
        #expect(flow.decide(webFetch, at: 21) != nil)
        #expect(flow.decide(call("notes.write_note", closedWrite), at: 21) != nil)
        #expect(flow.decide(call("notes.unannotated", nil), at: 21) != nil)
        // A tool claiming to be read-only with a destructive word in its name is not believed.
        #expect(flow.decide(call("notes.delete_note", closedRead), at: 21) != nil)
    }

    @Test func untrustedContentAloneOrEmptyResultsDoNotTrip() throws {
        var flow = SessionFlow(config: try SessionFlowTests.config(#""exfiltration_guard": {"action": "deny"}"#))
        SessionFlowTests.run(&flow, call("web.fetch", openWorldRead), at: 1)
        SessionFlowTests.run(&flow, call("web.fetch", openWorldRead), at: 2)
        #expect(flow.decide(call("slack.post", nil), at: 3) == nil)
        // The private read came back empty or not at all: no private data reached the model.
        SessionFlowTests.run(&flow, call("notes.read_note", closedRead), at: 4, outcome: .succeeded(hasContent: false))
        SessionFlowTests.run(&flow, call("notes.read_note", closedRead), at: 5, outcome: .noAnswer)
        #expect(flow.decide(call("slack.post", nil), at: 6) == nil)
        // An error with content did reach the model.
        SessionFlowTests.run(&flow, call("notes.read_note", closedRead), at: 7, outcome: .failed(hasContent: true))
        let denied = try #require(flow.decide(call("slack.post", nil), at: 8))
        #expect(denied.isFinal)
    }

    @Test func globsClassifyWhenAnnotationsAreOff() throws {
        var flow = SessionFlow(
            config: try SessionFlowTests.config(
                #""exfiltration_guard": {"private": ["payments.*"], "untrusted": ["github.get_issue"], "annotations": false}"#
            ))
        // Annotations no longer classify sources.
        SessionFlowTests.run(&flow, call("notes.read_note", closedRead), at: 1)
        SessionFlowTests.run(&flow, call("web.fetch", openWorldRead), at: 2)
        #expect(flow.decide(call("slack.post", nil), at: 3) == nil)
        SessionFlowTests.run(&flow, call("payments.list_charges", nil), at: 4)
        SessionFlowTests.run(&flow, call("github.get_issue", closedRead), at: 5)
        #expect(flow.decide(call("slack.post", nil), at: 6) != nil)
        // An untrusted-glob tool is never exempt, whatever its annotations say.
        #expect(flow.decide(call("github.get_issue", closedRead), at: 6) != nil)
    }

    @Test func annotationsOffNeedsBothGlobLists() {
        #expect(throws: ConfigError.self) {
            try SessionFlowTests.config(#""exfiltration_guard": {"private": ["notes.*"], "annotations": false}"#)
        }
    }
}
