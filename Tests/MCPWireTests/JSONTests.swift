import Testing

@testable import MCPWire

@Suite struct JSONParserTests {
    @Test(arguments: [
        "1.0", "-0", "-0.0", "12345678901234567890", "1e400", "1E+2", "0.000001", "-12.5e-3",
    ])
    func numbersRoundTripVerbatim(_ lexeme: String) throws {
        let value = try JSONParser.parse(lexeme)
        #expect(value == .number(lexeme))
        #expect(value.serialized() == lexeme)
    }

    @Test(arguments: [
        "[1,]", "{\"a\":1,}", "01", "-", "1.", ".5", "NaN", "Infinity", "+1", "1e", "\"\u{01}\"", "'a'", "[1 2]",
        "{\"a\" 1}", "{a:1}", "tru", "nul", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\x\"", "[",
        "{\"a\":1,\"a\":2}", "1 2", "",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        for bytes: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82],
        ] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        }
    }

    @Test func keepsKeyOrderAndUnicode() throws {
        let text = #"{"z":1,"a":{"y":[true,false,null],"b":"é\/\"\\\n\u0041\ud83d\ude00"}}"#
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == ["z", "a"])
        #expect(value["a"]?["b"] == .string("é/\"\\\nA😀"))
        #expect(value.serialized() == #"{"z":1,"a":{"y":[true,false,null],"b":"é/\"\\\nA😀"}}"#)
    }

    @Test func escapesControlCharacters() {
        let value = JSONValue.string("a\u{01}b\u{1F}\t\r\u{08}\u{0C}")
        #expect(value.serialized() == #""a\u0001b\u001f\t\r\b\f""#)
    }

    @Test func depthIsBounded() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        _ = try JSONParser.parse(ok)
        let deepObjects = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deepObjects) }
    }

    @Test func canonicalFormSortsKeysOnly() throws {
        let a = try JSONParser.parse(#"{"b":1,"a":{"d":[2,1],"c":"x"}}"#)
        let b = try JSONParser.parse(#"{"a":{"c":"x","d":[2,1]},"b":1}"#)
        let c = try JSONParser.parse(#"{"a":{"c":"x","d":[1,2]},"b":1}"#)
        #expect(a.canonicalBytes() == b.canonicalBytes())
        #expect(a.canonicalBytes() != c.canonicalBytes())
        #expect(String(decoding: a.canonicalBytes(), as: UTF8.self) == #"{"a":{"c":"x","d":[2,1]},"b":1}"#)
    }

    @Test func randomTruncationsNeverCrash() throws {
        let text = Array(
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"é😀","arguments":{"n":[1,2.5e3,null]}}}"#
                .utf8)
        var generator = SystemRandomNumberGenerator()
        for cut in 0..<text.count {
            _ = try? JSONParser.parse(Array(text[0..<cut]))
        }
        for _ in 0..<2000 {
            var mutated = text
            let i = Int.random(in: 0..<mutated.count, using: &generator)
            mutated[i] = UInt8.random(in: 0...255, using: &generator)
            if let value = try? JSONParser.parse(mutated) {
                // Whatever parses must re-serialize to something that parses to the same value.
                #expect(try JSONParser.parse(value.serializedBytes()) == value)
            }
        }
    }
}

@Suite struct JSONRPCMessageTests {
    private func decode(_ text: String) -> JSONRPCMessage.Decoded {
        JSONRPCMessage.decode(line: Array(text.utf8))
    }

    @Test func requestIDsEchoExactly() {
        for raw in [#"0"#, #""abc""#, #"-5"#, #"12345678901234567890"#, #""""#] {
            guard case .message(.request(let r)) = decode(#"{"jsonrpc":"2.0","id":\#(raw),"method":"ping"}"#) else {
                Issue.record("not a request: \(raw)")
                continue
            }
            let line = String(decoding: JSONRPCMessage.response(.result(r.id, [:])).line(), as: UTF8.self)
            #expect(line == #"{"jsonrpc":"2.0","id":\#(raw),"result":{}}"# + "\n")
        }
    }

    @Test func classifiesInvalidMessages() {
        func expectInvalid(
            _ text: String, code: Int, id: RequestID?, respond: Bool, sourceLocation: SourceLocation = #_sourceLocation
        ) {
            guard case .invalid(let gotID, let error, let gotRespond) = decode(text) else {
                Issue.record("decoded as a message: \(text)", sourceLocation: sourceLocation)
                return
            }
            #expect(error.code == code, sourceLocation: sourceLocation)
            #expect(gotID == id, sourceLocation: sourceLocation)
            #expect(gotRespond == respond, sourceLocation: sourceLocation)
        }
        expectInvalid("not json", code: -32700, id: nil, respond: true)
        expectInvalid("42", code: -32600, id: nil, respond: true)
        expectInvalid("[]", code: -32600, id: nil, respond: true)
        expectInvalid(#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, code: -32600, id: nil, respond: true)
        expectInvalid(
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":null}"#, code: -32600, id: .int(3), respond: true)
        expectInvalid(#"{"jsonrpc":"2.0","id":"x","method":7}"#, code: -32600, id: .string("x"), respond: true)
        expectInvalid(#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, code: -32600, id: nil, respond: true)
        expectInvalid(#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, code: -32600, id: nil, respond: true)
        expectInvalid(#"{"jsonrpc":"1.0","id":2,"method":"ping"}"#, code: -32600, id: .int(2), respond: true)
        expectInvalid(
            #"{"jsonrpc":"2.0","method":"notifications/x","params":[1]}"#, code: -32600, id: nil, respond: false)
    }

    @Test func decodesResponsesAndNotifications() {
        guard
            case .message(.response(let r)) = decode(
                #"{"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"nope","data":{"x":1}}}"#)
        else {
            Issue.record("not a response")
            return
        }
        #expect(r.id == .string("a"))
        #expect(r.outcome == .error(JSONRPCError(code: -32601, message: "nope", data: ["x": 1])))
        guard case .message(.notification(let n)) = decode(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        else {
            Issue.record("not a notification")
            return
        }
        #expect(n.method == "notifications/initialized")
    }
}

@Suite struct JSONScanTests {
    private func value(_ key: String, _ text: String) -> String? {
        let bytes = Array(text.utf8)
        return JSONScan.valueRange(ofTopLevelKey: key, in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func findsTopLevelValuesOnly() {
        let text = #"{"jsonrpc":"2.0","result":{"id":"inner","x":[{"id":9}],"s":"a\"id\":1"},"id" : 42 }"#
        #expect(value("id", text) == "42")
        #expect(value("jsonrpc", text) == #""2.0""#)
        #expect(value("result", text)?.hasPrefix(#"{"id":"inner""#) == true)
        #expect(value("missing", text) == nil)
        #expect(value("id", #"{"id":"a}b","x":1}"#) == #""a}b""#)
        #expect(value("id", #"{"x":{"y":"]"},"id":-0.5e3}"#) == "-0.5e3")
        #expect(value("id", "[1]") == nil)
    }

    @Test func agreesWithTheParserOnRandomMessages() throws {
        var generator = SystemRandomNumberGenerator()
        for n in 0..<500 {
            let id: JSONValue = n % 2 == 0 ? .int(n) : .string("r\(n)\"\\}")
            var object = JSONObject()
            object["jsonrpc"] = "2.0"
            if Bool.random(using: &generator) { object["result"] = ["id": "decoy", "list": [1, "]", ["}"]]] }
            object["id"] = id
            object["tail"] = ["nested": ["id": 7]]
            let bytes = JSONValue.object(object).serializedBytes()
            let range = try #require(JSONScan.valueRange(ofTopLevelKey: "id", in: bytes))
            #expect(try JSONParser.parse(Array(bytes[range])) == id)
        }
    }
}

@Suite struct JSONScanMemberTests {
    @Test func topLevelMemberRangesListKeysAndValuesInOrder() throws {
        let text = #" { "a" : 1 , "b":{"a":[1,"}"]}, "c":"x\"y" } "#
        let bytes = Array(text.utf8)
        let members = try #require(JSONScan.topLevelMemberRanges(in: bytes))
        func show(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        #expect(members.map { show($0.key) } == ["a", "b", "c"])
        #expect(members.map { show($0.value) } == ["1", #"{"a":[1,"}"]}"#, #""x\"y""#])
        #expect(JSONScan.topLevelMemberRanges(in: Array("{}".utf8))?.isEmpty == true)
        #expect(JSONScan.topLevelMemberRanges(in: Array("[1]".utf8)) == nil)
        #expect(JSONScan.topLevelMemberRanges(in: Array(#"{"\u0061":1}"#.utf8)) == nil)
    }

    @Test func valueRangeLooksInsideTheGivenObjectOnly() throws {
        let text = #"{"name":"top","params":{"arguments":{"name":"deep"},"name":"mid"}}"#
        let bytes = Array(text.utf8)
        let params = try #require(JSONScan.valueRange(ofTopLevelKey: "params", in: bytes))
        let name = try #require(JSONScan.valueRange(ofKey: "name", inObjectAt: params, of: bytes))
        #expect(String(decoding: bytes[name], as: UTF8.self) == #""mid""#)
        #expect(JSONScan.valueRange(ofKey: "missing", inObjectAt: params, of: bytes) == nil)
    }
}
