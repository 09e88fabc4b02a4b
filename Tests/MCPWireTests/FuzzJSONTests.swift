import MCPWire
import Testing

/// Pieces of almost-JSON: valid tokens, near misses, and the bytes parsers get wrong.
private let tokens: [String] = [
    "{", "}", "[", "]", ":", ",", " ", "\n", "\t", "\r", "\"", "\\",
    "\"a\"", "\"id\"", "\"jsonrpc\"", "\"2.0\"", "\"method\"", "\"params\"", "\"tools/call\"", "\"\"",
    "\"\\u00e9\"", "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\x\"", "\"\\u12\"", "\"é😀\"",
    "0", "-0", "1", "-1", "01", "1.", ".5", "1.5e3", "1e400", "-", "+1", "12345678901234567890", "1E+2", "0x10",
    "true", "false", "null", "tru", "nul", "NaN", "Infinity", "\u{0}", "\u{1F}", "\u{7F}", "é", "\u{FEFF}",
]

/// Random JSON values of bounded depth (strings include escapes, controls and astral characters).
private func randomValue(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
    let pick = Int.random(in: 0..<(depth > 0 ? 8 : 5), using: &rng)
    switch pick {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2:
        let lexemes = ["0", "-0", "1.50", "12345678901234567890", "-3.25e-7", "1E+2", "42"]
        return .number(lexemes.randomElement(using: &rng)!)
    case 3, 4:
        let alphabet: [Character] = [
            "a", "Z", " ", "\"", "\\", "/", "\u{0}", "\u{1F}", "\n", "é", "€", "😀", "\u{2028}",
        ]
        let count = Int.random(in: 0..<12, using: &rng)
        return .string(String((0..<count).map { _ in alphabet.randomElement(using: &rng)! }))
    case 5:
        let count = Int.random(in: 0..<5, using: &rng)
        return .array((0..<count).map { _ in randomValue(&rng, depth: depth - 1) })
    default:
        var object = JSONObject()
        for i in 0..<Int.random(in: 0..<5, using: &rng) {
            object["k\(i)\(["", "é", "\"", "\\"].randomElement(using: &rng)!)"] = randomValue(&rng, depth: depth - 1)
        }
        return .object(object)
    }
}

/// What a parse failure must look like: a typed error with an offset inside (or at the end of) the input.
private func checkParse(_ bytes: [UInt8]) {
    do {
        let value = try JSONParser.parse(bytes)
        // Whatever parses re-serializes to bytes that parse back to the same value.
        let again = try? JSONParser.parse(value.serializedBytes())
        #expect(again == value, "round trip of \(String(decoding: bytes, as: UTF8.self))")
    } catch {
        #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error) for \(bytes.count) bytes")
        #expect(!error.description.isEmpty)
    }
}

/// `decode(line:)` classifies anything: an invalid line answered only with parse/invalid-request codes.
private func checkDecode(_ bytes: [UInt8]) {
    switch JSONRPCMessage.decode(line: bytes) {
    case .invalid(_, let error, _):
        #expect([-32700, -32600].contains(error.code), "\(error.code): \(error.message)")
    case .message(let message):
        // A decoded message re-encodes to a line that decodes to the same message.
        guard case .message(let again) = JSONRPCMessage.decode(line: Array(message.line().dropLast())) else {
            Issue.record("re-encoded message does not decode: \(String(decoding: message.line(), as: UTF8.self))")
            return
        }
        #expect(again.json == message.json)
    }
}

@Suite struct FuzzJSONTests {
    @Test(arguments: [1, 2, 3] as [UInt64]) func randomBytesNeverCrash(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<4000 {
            let count = Int.random(in: 0..<64, using: &rng)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            checkParse(bytes)
            checkDecode(bytes)
        }
    }

    @Test(arguments: [10, 11, 12, 13] as [UInt64]) func tokenSoupNeverCrashes(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<4000 {
            let count = Int.random(in: 1..<24, using: &rng)
            let text = (0..<count).map { _ in tokens.randomElement(using: &rng)! }.joined()
            checkParse(Array(text.utf8))
            checkDecode(Array(text.utf8))
        }
    }

    @Test(arguments: [20, 21] as [UInt64]) func generatedValuesRoundTripAndEveryTruncationFails(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<300 {
            var root = JSONObject()
            root["v"] = randomValue(&rng, depth: 6)
            let value = JSONValue.object(root)
            let bytes = value.serializedBytes()
            #expect(try JSONParser.parse(bytes) == value)
            #expect(try JSONParser.parse(value.prettyPrinted()) == value)
            #expect(try JSONParser.parse(value.canonicalBytes()).canonicalBytes() == value.canonicalBytes())
            // A strict prefix of an object's text is never a complete value: it must fail, not crash.
            let cuts = Set((0..<20).map { _ in Int.random(in: 0..<bytes.count, using: &rng) })
            for cut in cuts {
                #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(bytes[0..<cut])) }
            }
            // One flipped byte: either still valid (and stable) or a clean error.
            var mutated = bytes
            mutated[Int.random(in: 0..<mutated.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            checkParse(mutated)
            checkDecode(mutated)
        }
    }

    @Test func deepNestingIsRefusedWithAClearErrorNotACrash() throws {
        let depth = 100_000
        let shapes: [(open: String, close: String)] = [("[", "]"), ("{\"a\":", "}"), ("[{\"x\":", "}]")]
        for shape in shapes {
            let text = String(repeating: shape.open, count: depth) + "0" + String(repeating: shape.close, count: depth)
            do {
                _ = try JSONParser.parse(text)
                Issue.record("\(depth) levels of \(shape.open) parsed")
            } catch {
                #expect(error.reason == .tooDeep(limit: JSONParser.defaultMaxDepth))
                #expect(error.description.contains("nesting deeper than 512 levels"))
            }
            // Unclosed, too: the depth check comes before the missing end.
            #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: shape.open, count: depth)) }
        }
        // The framing layer answers it as a parse error.
        let line = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        guard case .invalid(let id, let error, let respond) = JSONRPCMessage.decode(line: line) else {
            Issue.record("deep nesting decoded as a message")
            return
        }
        #expect(id == nil && respond && error.code == -32700)
        #expect(error.message.contains("nesting deeper than"))
        // Exactly at the limit is fine; one more is not.
        let limit = JSONParser.defaultMaxDepth
        _ = try JSONParser.parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1))
        }
        // Brackets inside a string are not nesting.
        let quoted = "\"" + String(repeating: "[", count: depth) + "\""
        #expect(try JSONParser.parse(quoted) == .string(String(repeating: "[", count: depth)))
    }

    @Test(arguments: [30, 31] as [UInt64]) func mutatedRequestsDecodeOrFailCleanly(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let samples = [
            #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"a.echo","arguments":{"n":[1,2.5e3,null]}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"x"}}"#,
            #"{"jsonrpc":"2.0","id":"s","result":{"content":[{"type":"text","text":"é😀"}]}}"#,
            #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
        ].map { Array($0.utf8) }
        for _ in 0..<3000 {
            var bytes = samples.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: i)
                case 2: bytes.insert(Array("{}[]\",:\\0".utf8).randomElement(using: &rng)!, at: i)
                default: bytes = Array(bytes[0..<i])
                }
                if bytes.isEmpty { break }
            }
            checkDecode(bytes)
        }
    }
}
