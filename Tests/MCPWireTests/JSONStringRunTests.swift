import Testing

@testable import MCPWire

/// The word-at-a-time string scan: every byte value in every lane of a word, and strings whose special
/// byte sits at every offset around the 8-byte boundaries, against a byte-by-byte reference.
@Suite struct JSONStringRunTests {
    @Test func everyByteValueInEveryLaneIsClassifiedLikeTheByteTest() {
        for stopAtNonASCII in [false, true] {
            for lane in 0..<8 {
                for value in 0...255 {
                    for filler in [UInt8(ascii: "a"), 0x7F, 0x23, 0x5B, 0x21, 0x5D] {
                        var bytes = [UInt8](repeating: filler, count: 8)
                        bytes[lane] = UInt8(value)
                        let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                        let expected = bytes.contains { !JSONStringRun.isPlain($0, stopAtNonASCII: stopAtNonASCII) }
                        #expect(
                            JSONStringRun.hasSpecialByte(word, stopAtNonASCII: stopAtNonASCII) == expected,
                            "byte 0x\(String(value, radix: 16)) in lane \(lane), filler \(filler)")
                    }
                }
            }
        }
    }

    @Test func runEndStopsAtTheFirstSpecialByteWherever() {
        for length in 0..<40 {
            for position in 0...length {
                for special: UInt8 in [0x22, 0x5C, 0x00, 0x1F, 0x80, 0xC3] {
                    var bytes = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
                    bytes.insert(special, at: position)
                    let stop = special >= 0x80
                    let end = bytes.withUnsafeBufferPointer { JSONStringRun.end(in: $0, from: 0, stopAtNonASCII: stop) }
                    #expect(end == position, "length \(length), special 0x\(String(special, radix: 16)) at \(position)")
                    if special >= 0x80 {
                        let all = bytes.withUnsafeBufferPointer {
                            JSONStringRun.end(in: $0, from: 0, stopAtNonASCII: false)
                        }
                        #expect(all == bytes.count)
                    }
                }
            }
        }
    }

    @Test func parserFindsEveryProblemAtItsExactOffset() throws {
        for length in 0..<34 {
            let plain = String((0..<length).map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
            for position in 0...length {
                let cut = plain.utf8.index(plain.utf8.startIndex, offsetBy: position)
                let before = Array(plain.utf8[..<cut])
                let after = Array(plain.utf8[cut...])
                // A raw control character, and bad UTF-8: rejected at the byte where they are.
                for bad: [UInt8] in [[0x01], [0x1F], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82]] {
                    let text = [0x22] + before + bad + after + [0x22]
                    #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
                    do {
                        _ = try JSONParser.parse(text)
                    } catch {
                        #expect(error.offset == 1 + position, "\(bad) at \(position) of \(length): \(error)")
                    }
                }
                // An escape, a multi-byte character, or both: decoded exactly.
                let cases: [([UInt8], String)] = [
                    (Array(#"\""#.utf8), "\""), (Array(#"\n"#.utf8), "\n"), (Array(#"\u00e9"#.utf8), "é"),
                    (Array("é".utf8), "é"), (Array("😀".utf8), "😀"), (Array(#"€\\"#.utf8), "€\\"),
                ]
                for (encoded, decoded) in cases {
                    let text = [0x22] + before + encoded + after + [0x22]
                    let expected =
                        String(decoding: before, as: UTF8.self) + decoded + String(decoding: after, as: UTF8.self)
                    #expect(try JSONParser.parse(text) == .string(expected))
                }
                // No closing quote.
                #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22] + before + after) }
            }
        }
    }

    @Test func writerEscapesExactlyLikeTheByteByByteRule() throws {
        let specials: [Character] = ["\"", "\\", "\u{0}", "\n", "\u{1F}", "é", "/", "\u{7F}", "😀"]
        for length in 0..<34 {
            for position in 0...length {
                for special in specials {
                    var characters = (0..<length).map { Character(Unicode.Scalar(UInt8(ascii: "A") + UInt8($0 % 26))) }
                    characters.insert(special, at: position)
                    let string = String(characters)
                    let written = JSONValue.string(string).serializedBytes()
                    #expect(written == Self.referenceEscape(string), "\(special.debugDescription) at \(position)")
                    #expect(try JSONParser.parse(written) == .string(string))
                }
            }
        }
    }

    /// The escaping rule, one byte at a time.
    private static func referenceEscape(_ string: String) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for b in string.utf8 {
            switch b {
            case 0x22: out += Array(#"\""#.utf8)
            case 0x5C: out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array(#"\u00"#.utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
        return out
    }
}
