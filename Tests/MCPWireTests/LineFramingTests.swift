import MCPWire
import Testing

/// Bytes that leave the hub must be one line for every reader: `\n`, `\r`, `\r\n` (Python's universal
/// newlines) and the Unicode line breaks of `str.splitlines` (U+0085, U+2028, U+2029).
@Suite struct LineFramingTests {
    /// Lines as the strictest common reader sees them: Python's `str.splitlines()`, restricted to what
    /// can appear in valid JSON (control bytes and the three Unicode breaks).
    private func readerLines(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = 1
        var previousCR = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: if !previousCR { lines += 1 }
            case 0x0D, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: lines += 1
            default: break
            }
            previousCR = scalar.value == 0x0D
        }
        return lines
    }

    @Test func theSerializerEscapesEveryLineBreakAndRoundTrips() throws {
        let text = "a\nb\rc\r\nd\u{85}e\u{2028}f\u{2029}g\u{0B}h\u{0C}i é ’ “x” — \u{2027}\u{202A}"
        let bytes = JSONValue.object(["t": .string(text)]).serializedBytes()
        #expect(readerLines(bytes) == 1)
        #expect(LineFraming.isOneLineForEveryReader(bytes))
        let serialized = String(decoding: bytes, as: UTF8.self)
        #expect(serialized.contains(#"\u0085"#) && serialized.contains(#"\u2028"#) && serialized.contains(#"\u2029"#))
        #expect(serialized.contains("’ “x” — \u{2027}\u{202A}"))  // other E2 80 xx scalars stay raw
        #expect(try JSONParser.parse(bytes) == .object(["t": .string(text)]))
    }

    @Test(arguments: [
        "{\"a\":[\r1\r]}", "{\"a\":1}\r", "{\"a\":\n1}", "{\t\"a\":1}", "{\"a\":\"x\u{2028}\"}",
        "{\"a\":\"x\u{2029}\"}", "{\"a\":\"\u{85}\"}", "{\"a\":\"abcdefgh\u{2028}ijklmnop\"}",
    ])
    func aLineAReaderCouldSplitIsRefused(_ text: String) {
        #expect(!LineFraming.isOneLineForEveryReader(Array(text.utf8)))
    }

    @Test(arguments: [
        "{}", " { \"a\" : [ 1 , 2 ] } ", "{\"a\":\"é’“—…\u{2027}\u{202F}\u{0080}\u{00C2}\"}",
        "{\"a\":\"\u{E2}\u{80}\"}", String(repeating: "{\"k\":\"abcdefghé\"}", count: 1),
    ])
    func aPlainLineIsPassable(_ text: String) {
        #expect(LineFraming.isOneLineForEveryReader(Array(text.utf8)))
    }

    /// Differential: the word-at-a-time scan against the reader model, on random valid JSON texts with
    /// every kind of whitespace and the awkward scalars at every alignment.
    @Test func theScanAgreesWithTheReaderModel() throws {
        var rng = SeededGenerator(seed: 0x11E)
        let pieces = [
            "{", "}", "[", "]", ",", ":", " ", "\r", "\n", "\t", "\"é\"", "\"\u{2028}\"", "\"’\"",
            "\"\u{85}\"", "\"abcdefgh\"", "1", "\"\u{2029}x\"",
        ]
        for _ in 0..<4000 {
            var text = "["
            for i in 0..<Int.random(in: 0..<12, using: &rng) {
                if i > 0 { text += "," }
                text += [" ", "\r", "\n", "\t", ""].randomElement(using: &rng)!
                text += pieces[Int.random(in: 10..<pieces.count, using: &rng)]
            }
            text += "]"
            let bytes = Array(text.utf8)
            guard (try? JSONParser.parse(bytes)) != nil else { continue }
            // Tab splits no line, but the rule is stricter: only space may stand between tokens.
            let expected = readerLines(bytes) == 1 && !bytes.contains(0x09)
            #expect(LineFraming.isOneLineForEveryReader(bytes) == expected, "\(bytes)")
        }
    }
}
