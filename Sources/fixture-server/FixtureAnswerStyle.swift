import MCPWire

/// `--answer-style`: the fixture's messages spelled in ways a client must handle the same as the
/// usual one (valid JSON, unusual form), or broken on purpose inside tool results (a client must
/// never pass them on). Tool results are the lines with a `"content"` member.
enum FixtureAnswerStyle: String, Sendable {
    /// Members in reverse order, with spaces around every token.
    case reordered
    /// `"id"` and `"result"` written with a `\u` escape in the key.
    case escapedKeys = "escaped-keys"
    /// Every `é` written as `\u00e9`.
    case unicodeEscapes = "unicode-escapes"
    /// An extra top-level member, `"x-fixture":true`.
    case extraMember = "extra-member"
    /// Valid JSON that a reader splitting on more than `\n` would cut: a bare `\r` (and a tab) between
    /// every top-level member, and U+2028 written raw in place of the first `é`.
    case lineBreaks = "line-breaks"
    /// In tool results: the first `é` as the invalid UTF-8 bytes C3 28.
    case badUTF8 = "bad-utf8"
    /// In tool results: the first `é` as a lone `\ud800` escape.
    case loneSurrogate = "lone-surrogate"
    /// In tool results: a second `"result"` member.
    case duplicateKey = "duplicate-key"

    private static let eAcute: [UInt8] = [0xC3, 0xA9]

    func rewrite(_ line: [UInt8]) -> [UInt8] {
        switch self {
        case .reordered:
            guard case .object(let object)? = try? JSONParser.parse(line) else { return line }
            let members = object.members.reversed().map { member in
                JSONValue.string(member.key).serializedBytes() + Array(" : ".utf8) + member.value.serializedBytes()
            }
            return Array("{ ".utf8) + Array(members.joined(separator: Array(" , ".utf8))) + Array(" }".utf8)
        case .escapedKeys:
            return replacing(
                #""result":"#, with: #""r\u0065sult":"#, in: replacing(#""id":"#, with: #""i\u0064":"#, in: line))
        case .unicodeEscapes:
            return replacingAll(Self.eAcute, with: Array(#"\u00e9"#.utf8), in: line)
        case .extraMember:
            return Array(#"{"x-fixture":true,"#.utf8) + line.dropFirst()
        case .lineBreaks:
            guard case .object(let object)? = try? JSONParser.parse(line) else { return line }
            let members = object.members.map { member in
                JSONValue.string(member.key).serializedBytes() + [0x3A] + member.value.serializedBytes()
            }
            let joined = Array("{\r".utf8) + Array(members.joined(separator: Array(",\r\t".utf8))) + Array("\r}".utf8)
            return replacingFirst(Self.eAcute, with: [0xE2, 0x80, 0xA8], in: joined)
        case .badUTF8, .loneSurrogate, .duplicateKey:
            guard line.firstRange(of: Array(#""content""#.utf8)) != nil else { return line }
            switch self {
            case .badUTF8: return replacingFirst(Self.eAcute, with: [0xC3, 0x28], in: line)
            case .loneSurrogate: return replacingFirst(Self.eAcute, with: Array(#"\ud800"#.utf8), in: line)
            default: return line.dropLast() + Array(#","result":{}}"#.utf8)
            }
        }
    }

    private func replacing(_ old: String, with new: String, in line: [UInt8]) -> [UInt8] {
        replacingFirst(Array(old.utf8), with: Array(new.utf8), in: line)
    }

    private func replacingFirst(_ old: [UInt8], with new: [UInt8], in line: [UInt8]) -> [UInt8] {
        guard let range = line.firstRange(of: old) else { return line }
        return Array(line[..<range.lowerBound]) + new + line[range.upperBound...]
    }

    private func replacingAll(_ old: [UInt8], with new: [UInt8], in line: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var rest = line[...]
        while let range = rest.firstRange(of: old) {
            out += rest[..<range.lowerBound]
            out += new
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
