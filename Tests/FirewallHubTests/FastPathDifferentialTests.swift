import MCPWire
import Testing

@testable import FirewallHub

/// The fast paths against the general path: for many generated requests and answers in unusual but
/// valid spellings (escapes, CR and tab between tokens, U+2028, reordered members, big arguments), a
/// splice, parsed, must equal the re-encoded message, and be one line for every reader; bytes a reader
/// could split on are never spliced; and the plain spellings are spliced (the fast path is taken).
@Suite struct FastPathDifferentialTests {
    @Test(arguments: [1, 2, 3] as [UInt64]) func splicedRequestsEqualTheReencodedOnes(seed: UInt64) throws {
        var spell = JSONSpelling(seed: seed)
        var spliced = 0
        for sample in 0..<1500 {
            let (line, eligible) = spell.toolCall(sample: sample)
            let hubID = sample * 7 + 1
            guard case .message(.request(let request)) = JSONRPCMessage.decode(line: line) else {
                Issue.record("generated an invalid request: \(String(decoding: line, as: UTF8.self))")
                continue
            }
            let params = HubRouter.toolCallParams(
                request.params, tool: "echo", arguments: request.params?["arguments"]?.objectValue,
                meta: request.params?["_meta"]?.objectValue)
            let general = OutboundLine(.request(.init(id: .int(hubID), method: "tools/call", params: params)))
            #expect(Self.isPassable(general))
            let splice = FastPath.request(line, clientEra: .legacy, targetEra: .legacy, swapsProgressToken: false)
            if eligible { #expect(splice != nil, "plain spelling not spliced: \(Self.text(line))") }
            if !LineFraming.isOneLineForEveryReader(line) { #expect(splice == nil, "spliced: \(Self.text(line))") }
            for era in [(ProtocolEra.modern, ProtocolEra.legacy), (.legacy, .modern)] {
                #expect(FastPath.request(line, clientEra: era.0, targetEra: era.1, swapsProgressToken: false) == nil)
            }
            #expect(FastPath.request(line, clientEra: .legacy, targetEra: .legacy, swapsProgressToken: true) == nil)
            guard let splice else { continue }
            spliced += 1
            let bytes = splice.bytes(id: hubID, name: "echo")
            #expect(Self.isPassable(bytes), "\(Self.text(bytes.bytes))")
            #expect(try Self.canonical(bytes) == Self.canonical(general), "\(Self.text(line))")
        }
        #expect(spliced > 500)
    }

    @Test(arguments: [4, 5, 6] as [UInt64]) func splicedAnswersEqualTheReencodedOnes(seed: UInt64) throws {
        var spell = JSONSpelling(seed: seed)
        var spliced = 0
        for sample in 0..<1500 {
            let hubID = sample * 3 + 2
            let (line, eligible) = spell.answer(hubID: hubID, sample: sample)
            let clientID = spell.clientID()
            guard case .message(.response(let response)) = JSONRPCMessage.decode(line: line) else {
                Issue.record("generated an invalid answer: \(Self.text(line))")
                continue
            }
            let general = OutboundLine(.response(.init(id: clientID, outcome: response.outcome)))
            #expect(Self.isPassable(general))
            let legacyClient: (Int) -> ProtocolEra? = { $0 == hubID ? .legacy : nil }
            let splice = FastPath.answer(line, validated: false, targetEra: .legacy, clientEra: legacyClient)
            let afterParse = FastPath.answer(line, validated: true, targetEra: .legacy, clientEra: legacyClient)
            #expect((splice == nil) == (afterParse == nil) || splice == nil, "\(Self.text(line))")
            if eligible { #expect(splice != nil, "plain answer not spliced: \(Self.text(line))") }
            if !LineFraming.isOneLineForEveryReader(line) { #expect(afterParse == nil, "spliced: \(Self.text(line))") }
            #expect(FastPath.answer(line, validated: true, targetEra: .modern, clientEra: legacyClient) == nil)
            #expect(FastPath.answer(line, validated: true, targetEra: .legacy, clientEra: { _ in .modern }) == nil)
            #expect(FastPath.answer(line, validated: true, targetEra: .legacy, clientEra: { _ in nil }) == nil)
            guard let chosen = afterParse else { continue }
            spliced += 1
            #expect(chosen.hubID == hubID)
            let bytes = chosen.bytes(clientID: clientID)
            #expect(Self.isPassable(bytes), "\(Self.text(bytes.bytes))")
            #expect(try Self.canonical(bytes) == Self.canonical(general), "\(Self.text(line))")
        }
        #expect(spliced > 500)
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes.prefix(400), as: UTF8.self) }

    private static func isPassable(_ line: OutboundLine) -> Bool {
        line.bytes.last == 0x0A && LineFraming.isOneLineForEveryReader(Array(line.bytes.dropLast()))
    }

    /// The message as a value whose objects are compared without regard to member order.
    private static func canonical(_ line: OutboundLine) throws -> JSONValue {
        sorted(try JSONParser.parse(Array(line.bytes.dropLast())))
    }

    private static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map(sorted))
        case .object(let object):
            return .object(JSONObject(object.members.sorted { $0.key < $1.key }.map { ($0.key, sorted($0.value)) }))
        default: return value
        }
    }
}

/// Valid JSON in unusual spellings. Each message has at most one oddity, so that each is met alone
/// (an extra member in an otherwise passable answer, say); an "eligible" message has none and a fast
/// path must splice it: only spaces between tokens, no raw U+0085/U+2028/U+2029, plain ASCII keys,
/// and exactly the JSON-RPC members.
private struct JSONSpelling {
    enum Oddity: CaseIterable {
        /// CR and tab between tokens (JSON whitespace a reader may split lines on).
        case whitespace
        /// Raw U+0085, U+2028, U+2029 inside strings.
        case lineBreak
        /// Keys written with escapes.
        case escapedKey
        /// Non-ASCII keys (the validator may be unsure of them; the parser then decides).
        case nonASCIIKey
        /// A top-level member beyond JSON-RPC's.
        case extraMember
        /// An error answer instead of a result.
        case errorAnswer
    }

    var rng: SeededGenerator
    private var oddity: Oddity?

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    private mutating func roll(_ n: Int) -> Int { Int.random(in: 0..<n, using: &rng) }

    private mutating func ws() -> String {
        switch roll(10) {
        case 0: return " "
        case 1: return "   "
        case 2: return oddity == .whitespace ? "\t" : ""
        case 3: return oddity == .whitespace ? "\r" : " "
        case 4: return oddity == .whitespace ? " \r\t " : ""
        default: return ""
        }
    }

    private static let pieces: [String] = [
        "abc", "é", "中文", "😀", "\u{2028}", "\u{2029}", "\u{85}", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}",
        "\u{1F}", "}", "]", ",", ":", "name", "\"id\":1", "{\"x\":", " ",
    ]

    private mutating func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "/" where roll(2) == 0: return "\\/"
        case "\n" where roll(2) == 0: return "\\n"
        case "\r" where roll(2) == 0: return "\\r"
        case "\t" where roll(2) == 0: return "\\t"
        case "\u{8}": return "\\b"
        case "\u{C}": return "\\f"
        default:
            func hex(_ unit: UInt32) -> String {
                let digits = String(unit, radix: 16)
                let padded = String(repeating: "0", count: 4 - digits.count) + digits
                return "\\u" + (roll(2) == 0 ? padded.uppercased() : padded)
            }
            if scalar.value > 0xFFFF {
                let v = scalar.value - 0x10000
                return hex(0xD800 + (v >> 10)) + hex(0xDC00 + (v & 0x3FF))
            }
            return hex(scalar.value)
        }
    }

    /// A string literal of `text`; `plain` (keys of eligible messages) writes it as it is.
    private mutating func literal(_ text: String, plain: Bool = false) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let lineBreak = v == 0x85 || v == 0x2028 || v == 0x2029
            if v < 0x20 || scalar == "\"" || scalar == "\\" || (lineBreak && oddity != .lineBreak)
                || (!plain && roll(6) == 0)
            {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private mutating func key(_ text: String) -> String {
        literal(text, plain: !(oddity == .escapedKey && roll(3) == 0))
    }

    private mutating func stringValue() -> String {
        if roll(150) == 0 {
            var big = ""
            for _ in 0..<20_000 { big += Self.pieces[roll(Self.pieces.count)] }
            return literal(big)
        }
        return literal((0..<roll(5)).map { _ in Self.pieces[roll(Self.pieces.count)] }.joined())
    }

    private static let numbers = [
        "0", "-0", "7", "-12", "1.50", "1e3", "1E+3", "-2.5e-3", "123456789012345678901234567890", "0.000001",
    ]

    private mutating func value(depth: Int) -> String {
        switch roll(depth > 2 ? 4 : 6) {
        case 0: return ["null", "true", "false"][roll(3)]
        case 1: return Self.numbers[roll(Self.numbers.count)]
        case 2, 3: return stringValue()
        case 4:
            return "[" + ws() + (0..<roll(4)).map { _ in value(depth: depth + 1) + ws() }.joined(separator: ",") + "]"
        default:
            // Non-ASCII keys only among oddities: the validator may be unsure of them (the parser then decides).
            let suffixes = oddity == .nonASCIIKey ? ["", "é", "x"] : ["", "x"]
            return object((0..<roll(4)).map { ("k\($0)" + suffixes[roll(suffixes.count)], value(depth: depth + 1)) })
        }
    }

    private mutating func object(_ members: [(key: String, text: String)]) -> String {
        var parts: [String] = []
        for member in members { parts.append(ws() + key(member.key) + ws() + ":" + ws() + member.text + ws()) }
        return "{" + ws() + parts.joined(separator: ",") + "}"
    }

    mutating func clientID() -> RequestID {
        switch roll(4) {
        case 0: return .int(roll(1000))
        case 1: return .number("9007199254740993")
        case 2: return .string("call-é\"}\u{2028}")
        default: return .string("c\(roll(100))")
        }
    }

    /// A client's `tools/call`, and whether a fast path must splice it.
    mutating func toolCall(sample: Int) -> (line: [UInt8], eligible: Bool) {
        oddity = roll(2) == 0 ? Oddity.allCases.filter { $0 != .errorAnswer }.randomElement(using: &rng) : nil
        var params: [(String, String)] = [("name", literal("s1.echo")), ("arguments", value(depth: 1))]
        if !params[1].1.hasPrefix("{") { params[1].1 = object([("v", params[1].1)]) }
        if roll(3) == 0 { params.append(("_meta", object([("traceparent", literal("00-ab-cd-01"))]))) }
        params.shuffle(using: &rng)
        let id = roll(2) == 0 ? "\(sample)" : literal("id-\(sample)-é")
        var top: [(String, String)] = [
            ("jsonrpc", "\"2.0\""), ("id", id), ("method", "\"tools/call\""), ("params", object(params)),
        ]
        if oddity == .extraMember { top.append(("extra", value(depth: 1))) }
        top.shuffle(using: &rng)
        return (Array((ws() + object(top) + ws()).utf8), oddity == nil)
    }

    /// A target's answer to hub id `hubID`, and whether a fast path must splice it.
    mutating func answer(hubID: Int, sample: Int) -> (line: [UInt8], eligible: Bool) {
        oddity = roll(2) == 0 ? Oddity.allCases.randomElement(using: &rng) : nil
        var top: [(String, String)] = [("jsonrpc", "\"2.0\""), ("id", "\(hubID)")]
        if oddity == .errorAnswer {
            top.append(("error", object([("code", "-32000"), ("message", stringValue())])))
        } else {
            top.append(("result", object([("content", value(depth: 1)), ("isError", "false")])))
        }
        if oddity == .extraMember { top.append(("extra", value(depth: 2))) }
        top.shuffle(using: &rng)
        return (Array((ws() + object(top) + ws()).utf8), oddity == nil)
    }
}
