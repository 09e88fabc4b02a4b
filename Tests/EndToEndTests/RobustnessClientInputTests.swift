import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Issue 4, client side: whatever arrives on stdin, every request gets exactly one well-formed answer
/// (with its id when it can be read), notifications none, and the hub keeps serving.
@Suite struct RobustnessClientInputTests {
    @Test func malformedInputGetsTheRightErrorsAndNotificationsNone() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        _ = hub.takeQueuedMessages()

        // (raw line, expected error code, expected id) for each line that must get exactly one answer.
        let answered: [(String, Int, RequestID?)] = [
            ("this is not json", -32700, nil),
            (#"{"jsonrpc":"2.0","id":101,"method":"ping""#, -32700, nil),  // truncated
            ("42", -32600, nil),
            (#""a string""#, -32600, nil),
            ("[]", -32600, nil),
            (#"[{"jsonrpc":"2.0","id":102,"method":"ping"}]"#, -32600, nil),  // a batch
            (#"{"jsonrpc":"2.0","id":103,"method":"tools/list","params":null}"#, -32600, .int(103)),
            (#"{"jsonrpc":"2.0","id":"p4","method":"tools/call","params":[1]}"#, -32600, .string("p4")),
            (
                #"{"jsonrpc":"2.0","id":105,"method":"tools/call","params":{"name":"a.echo","arguments":null}}"#,
                -32602, .int(105)
            ),
            (#"{"jsonrpc":"2.0","id":106,"method":"tools/call","params":{"name":7}}"#, -32602, .int(106)),
            (#"{"jsonrpc":"2.0","id":107,"method":"tools/call","params":{"arguments":{}}}"#, -32602, .int(107)),
            (#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, -32600, nil),
            (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, -32600, nil),
            (#"{"jsonrpc":"1.0","id":108,"method":"ping"}"#, -32600, .int(108)),
            (#"{"jsonrpc":"2.0","id":109,"method":42}"#, -32600, .int(109)),
            (#"{"jsonrpc":"2.0","id":110,"method":"no/such"}"#, -32601, .int(110)),
            ("\u{FF}\u{FE}", -32700, nil),
        ]
        // Notifications (even broken ones) and stray responses are never answered.
        let silent = [
            #"{"jsonrpc":"2.0","method":"notifications/whatever"}"#,
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12345}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized","params":null}"#,
            #"{"jsonrpc":"2.0","id":777,"result":{}}"#,
            #"{"jsonrpc":"2.0","id":778,"error":{"code":1,"message":"x"}}"#,
            "", "   ", "\t",
        ]
        var bytes: [UInt8] = []
        for line in answered.map(\.0) + silent {
            bytes += line == "\u{FF}\u{FE}" ? [0xFF, 0xFE] : Array(line.utf8)
            bytes.append(0x0A)
        }
        hub.sendRaw(bytes)
        _ = try await hub.call("ping")  // everything before it has been handled

        let unsolicited = hub.takeQueuedMessages().compactMap { message -> JSONRPCMessage.Response? in
            if case .response(let response) = message { return response }
            return nil
        }
        #expect(unsolicited.count == answered.count, "\(unsolicited.map { $0.text })")
        for (index, expected) in answered.enumerated() where index < unsolicited.count {
            let response = unsolicited[index]
            #expect(response.id == expected.2, "line \(index): \(expected.0)")
            #expect(response.outcome.errorCode == expected.1, "line \(index): \(expected.0) → \(response.text)")
        }
        // The hub still serves.
        let echo = try await hub.call("tools/call", params: ["name": "a.echo", "arguments": ["ok": true]])
        #expect(echo["structuredContent"]?["echo"]?["ok"] == true)
    }

    @Test func aSixteenMegabyteLineIsServed() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let big = String(repeating: "0123456789abcdef", count: 1 << 20)  // 16 MiB
        let result = try await hub.call(
            "tools/call", params: ["name": "a.echo", "arguments": ["blob": .string(big)]], timeout: .seconds(120))
        let echoed = result["structuredContent"]?["echo"]?["blob"]?.stringValue
        #expect(echoed?.utf8.count == big.utf8.count)
        #expect(echoed == big)
        #expect(try await hub.call("ping") == [:])
    }

    @Test func multiByteUTF8SplitAcrossReadsAndCRLFAndBlankLines() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let text = "é€𝄞👩‍💻 ü — 漢字"
        let line =
            Array(
                #"{"jsonrpc":"2.0","id":"u1","method":"tools/call","params":{"name":"a.echo","arguments":{"t":"\#(text)"}}}"#
                    .utf8) + [0x0D, 0x0A]
        // Cut inside every multi-byte sequence (and between \r and \n), pausing so each piece is its own read.
        var cuts: [Int] = []
        for (offset, byte) in line.enumerated() where byte >= 0xC0 { cuts.append(offset + 1) }
        cuts.append(line.count - 1)
        var start = 0
        for cut in cuts + [line.count] where cut > start {
            hub.sendRaw(Array(line[start..<cut]))
            start = cut
            try await Task.sleep(for: .milliseconds(15))
        }
        hub.sendRaw("\r\n\n   \r\n")
        hub.sendRaw(#"{"jsonrpc":"2.0","id":"u2","method":"ping"}"# + "\r\n")
        let first = await hub.waitForResponse(.string("u1"))
        #expect(first?.outcome.result?["structuredContent"]?["echo"]?["t"]?.stringValue == text)
        #expect(await hub.waitForResponse(.string("u2"))?.outcome.result == [:])
        _ = try await hub.call("ping")
        let counts = hub.responseCounts()
        #expect(counts[.string("u1")] == 1)
        #expect(counts[.string("u2")] == 1)
        #expect(counts[nil] == nil, "blank lines must not be answered")
    }

    @Test func aLineOverTheLimitIsRefusedAndTheHubGoesOn() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        _ = hub.takeQueuedMessages()
        // 65 MiB without a newline is over the 64 MiB line limit: dropped unparsed, answered once.
        var junk = Array(#"{"jsonrpc":"2.0","id":"huge","method":"ping","params":{"x":""#.utf8)
        junk += [UInt8](repeating: 0x78, count: 65 << 20)
        junk += Array(#""}}"#.utf8) + [0x0A]
        hub.sendRaw(junk)
        _ = try await hub.call("ping", timeout: .seconds(120))
        let refused = hub.takeQueuedMessages()
        #expect(refused.count == 1)
        if case .response(let response)? = refused.first {
            #expect(response.id == nil)
            #expect(response.outcome.errorCode == -32600)
            #expect(response.errorMessage?.contains("too long") == true)
        } else {
            Issue.record("expected one error response, got \(refused)")
        }
        let echo = try await hub.call("tools/call", params: ["name": "a.echo", "arguments": ["after": 1]])
        #expect(echo["structuredContent"]?["echo"]?["after"] == 1)
    }
}
