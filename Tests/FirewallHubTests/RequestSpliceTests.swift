import MCPWire
import Testing

@testable import FirewallHub

/// A spliced call must be, as JSON, exactly the request the hub would have re-encoded: the client's
/// message with the hub's id and the target's tool name, nothing else changed.
@Suite struct RequestSpliceTests {
    /// What re-encoding gives: the parsed request with id and name replaced.
    private func reencoded(_ line: [UInt8], id: Int, name: String) throws -> JSONValue {
        guard case .object(var message) = try JSONParser.parse(line), case .object(var params)? = message["params"]
        else { throw Unexpected() }
        message["id"] = .int(id)
        params["name"] = .string(name)
        message["params"] = .object(params)
        return .object(message)
    }

    private struct Unexpected: Error {}

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"s1.echo","arguments":{"text":"hi"}}}"#,
        #"{"params":{"arguments":{"name":"decoy","id":1},"name":"s1.echo"},"method":"tools/call","id":"abc","jsonrpc":"2.0"}"#,
        #" { "id" : -3 , "jsonrpc" : "2.0" , "method" : "tools/call" , "params" : { "name" : "s1.\u0065cho" } } "#,
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"name":"x"},"name":"s1.echo","arguments":{}}}"#,
        #"{"jsonrpc":"2.0","id":"é\"}","method":"tools/call","params":{"arguments":{"t":"]}\"\\"},"name":"s1.é"}}"#,
    ])
    func splicedBytesAreTheReencodedRequest(_ text: String) throws {
        let line = Array(text.utf8)
        let splice = try #require(RequestSplice(line: line))
        for (id, name) in [(1, "echo"), (123_456_789, "a \"quoted\" name é"), (0, "")] {
            let bytes = splice.bytes(id: id, name: name).bytes
            #expect(bytes.last == 0x0A)
            #expect(try JSONParser.parse(Array(bytes.dropLast())) == reencoded(line, id: id, name: name))
        }
    }

    @Test(arguments: [
        // Members beyond JSON-RPC's would pass through unseen: re-encode instead.
        #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"s1.echo"},"extra":1}"#,
        // Keys written with escapes are not matched byte for byte: re-encode.
        #"{"jsonrpc":"2.0","i\u0064":7,"method":"tools/call","params":{"name":"s1.echo"}}"#,
        #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"n\u0061me":"s1.echo"}}"#,
        // Nothing to splice into.
        #"{"jsonrpc":"2.0","id":7,"method":"tools/call"}"#,
        #"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"s1.echo"}}"#,
        // A byte some reader splits lines on (a bare CR between tokens is JSON whitespace, and a target
        // reading with universal newlines would see two messages): re-encode, never pass it on.
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"s1.echo\",\"arguments\":{\"a\":[\r1\r]}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"s1.echo\"}}\r",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\t\"method\":\"tools/call\",\"params\":{\"name\":\"s1.echo\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"s1.echo\",\"arguments\":{\"t\":\"a\u{2028}b\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"s1.echo\",\"arguments\":{\"t\":\"a\u{85}b\"}}}",
    ])
    func anythingElseIsReencoded(_ text: String) {
        #expect(RequestSplice(line: Array(text.utf8)) == nil)
    }

    @Test func aLargeArgumentIsKeptVerbatim() throws {
        let text = String(repeating: "abcdefgh\\\"é", count: 50_000)
        let line = Array(
            #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"arguments":{"text":"\#(text)"},"name":"s.t"}}"#
                .utf8)
        let bytes = try #require(RequestSplice(line: line)).bytes(id: 42, name: "t").bytes
        #expect(bytes.count == line.count + 1 + 1 - 2)  // id 9 → 42, "s.t" → "t", newline
        let window = Array(#""text":""#.utf8) + Array(text.utf8.prefix(64))
        #expect(bytes.firstRange(of: window) != nil)
        #expect(try JSONParser.parse(Array(bytes.dropLast())) == reencoded(line, id: 42, name: "t"))
    }
}
