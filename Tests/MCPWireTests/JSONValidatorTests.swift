import Testing

@testable import MCPWire

private func show(_ bytes: [UInt8]) -> String {
    let text = String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription
    return "\(text) (\(bytes.count) bytes: \(bytes.prefix(40).map { String($0, radix: 16) }.joined(separator: " ")))"
}

/// Runs the validator (both overloads) and the parser; records an issue when the validator contradicts
/// the parser. Returns the verdict and whether the parser accepted.
@discardableResult
private func differential(
    _ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth, sourceLocation: SourceLocation = #_sourceLocation
) -> (verdict: JSONValidator.Verdict, accepted: Bool) {
    let verdict = JSONValidator.check(bytes, maxDepth: maxDepth)
    let accepted = (try? JSONParser.parse(bytes, maxDepth: maxDepth)) != nil
    if verdict == .valid && !accepted {
        Issue.record(
            "validator: valid, parser: rejects (maxDepth \(maxDepth)): \(show(bytes))", sourceLocation: sourceLocation)
    }
    if verdict == .invalid && accepted {
        Issue.record(
            "validator: invalid, parser: accepts (maxDepth \(maxDepth)): \(show(bytes))", sourceLocation: sourceLocation
        )
    }
    let viaBuffer = bytes.withUnsafeBufferPointer { JSONValidator.check(buffer: $0, maxDepth: maxDepth) }
    if viaBuffer != verdict {
        Issue.record(
            "buffer overload says \(viaBuffer), array \(verdict): \(show(bytes))", sourceLocation: sourceLocation)
    }
    return (verdict, accepted)
}

/// Valid documents none of whose objects has two keys of which one is escaped or non-ASCII: the
/// validator must decide them (`.valid`).
private let validDocuments: [String] = [
    "1.0", "-0", "-0.0", "12345678901234567890", "1e400", "1E+2", "0.000001", "-12.5e-3", "0", "1E-2", "1e2", "0e0",
    "-0E-0", "0.5e+10", "true", "false", "null", " true ", "\"\"", "\"abc\"", "[]", "{}", "[ ]", "{ }", " \t\r\n0",
    "0 \t\r\n", " \t\r\n{ \"a\" : [ 1 , 2 ] ,\n\"b\"\t:\r{}}\n\t ", "[1,2.5e3,null,true,false,\"x\",[],{}]",
    #"{"z":1,"a":{"y":[true,false,null],"b":"é\/\"\\\n\u0041\ud83d\ude00"}}"#,
    #""\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\\u0000\u001f\uFFFF\uDBFF\uDFFF""#,
    "\"\u{7F}\u{80}\u{7FF}\u{800}\u{D7FF}\u{E000}\u{FFFF}\u{10000}\u{10FFFF}\"",
    "\"a long plain run of text, longer than a word or two, then é and 😀 and more plain text\"",
    #"{"a":1,"b":{"a":2}}"#, #"[{"a":1},{"a":1}]"#, #"{"a":{"a":{"a":1}}}"#, #"{"ab":1,"a":2,"b":3,"ba":4}"#,
    #"{"":1,"a":2}"#, #"{"a":1,"A":2}"#, #"{"é":1}"#, #"{"a\nb":{"c":1,"d":2}}"#, #"[{"é":1},{"é":2}]"#,
    #"{"x":{"é":1},"y":2}"#, #"{"a":{"x":1,"y":2},"b":[{"c":1}],"c":3}"#,
    #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"é😀","arguments":{"n":[1,2.5e3,null]}}}"#,
    #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"x"}}"#,
    #"{"jsonrpc":"2.0","id":"s","result":{"content":[{"type":"text","text":"é😀"}]}}"#,
    #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}"#,
    #"{"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"nope","data":{"x":1}}}"#,
    #"{"jsonrpc":"2.0","result":{"id":"inner","x":[{"id":9}],"s":"a\"id\":1"},"id" : 42 }"#,
    #"{"x":{"y":"]"},"id":-0.5e3}"#, #" { "a" : 1 , "b":{"a":[1,"}"]}, "c":"x\"y" } "#,
    #"{"name":"top","params":{"arguments":{"name":"deep"},"name":"mid"}}"#,
    #"{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","#
        + #""io.modelcontextprotocol/clientCapabilities":{}}}"#,
    #"{"resultType":"input_required","inputRequests":{"a":"elicitation/create"}}"#,
]

/// Typical MCP traffic: the validator must decide it without falling back to the parser.
private let mcpMessages: [String] = [
    #"{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"hello\nworld \u00e9"}],"isError":false}}"#,
    #"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":true}},"#
        + #""serverInfo":{"name":"notes","version":"1.0.0"},"instructions":"Use \"notes.add\" to add a note."}}"#,
    #"{"jsonrpc":"2.0","id":"2","result":{"tools":[{"name":"add","description":"Adds a note — “quoted” text","#
        + #""inputSchema":{"type":"object","properties":{"text":{"type":"string"},"tags":{"type":"array","#
        + #""items":{"type":"string"}}},"required":["text"],"additionalProperties":false}}],"nextCursor":null}}"#,
    #"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t1","progress":0.5,"total":1}}"#,
    #"{"jsonrpc":"2.0","id":9,"error":{"code":-32602,"message":"Unknown tool: \"x\"","data":{"tool":"x"}}}"#,
    #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"pay","arguments":{"amount":12.5,"to":"Zoë"}}}"#,
]

private let invalidDocuments: [String] = [
    // Numbers.
    "01", "-01", "00", "1.", ".5", "1e", "1e+", "1E-", "-", "+1", "1.e5", "0x10", "1e5.", "- 1", "--1", "1.5e", "NaN",
    "Infinity", "-Infinity", "1.0.0", "[01]", "[1.]", "{\"a\":-}",
    // Escapes.
    #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\udc00\ud800""#, #""\ud800\ud800""#, #""\ud800x""#,
    #""\ud800\n""#, #""\u12""#, #""\u12G4""#, #""\x""#, #""\""#, #""\u""#, #""\ud800\""#, #""\ud800\u""#,
    #""\ud800\udc0""#, #""\U0041""#, #""\'""#, #""\0""#, #"["\ud800"]"#,
    // Raw control characters.
    "\"\u{01}\"", "\"a\u{0}b\"", "\"\t\"", "\"\n\"", "\"\u{1F}\"", "\"a long plain run of text\u{1F} here\"",
    // Structure.
    "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "tru", "nul", "fals", "truex", "nulll", "True", "[", "]", "{",
    "}", "{\"a\"}", "{\"a\":}", "{,}", "[,]", "[,1]", "{\"a\":1 \"b\":2}", "1 2", "", " ", "\t\n", "{}x", "[]]",
    "[]}", "{]", "[}", "'a'", "\"abc", "\"", "{\"a\":1}}", "\u{FEFF}{}", "\u{0B}1", "\u{0C}1", "1\u{A0}", "/* */1",
    "{\"a\":1,,\"b\":2}", "[1,,2]", "{\"a\"::1}", "{1:1}", "[\"a\":1]",
    // Duplicate keys.
    #"{"a":1,"a":2}"#, #"{"a":1,"b":2,"a":3}"#, #"{"x":{"a":1,"a":2}}"#, #"[{"a":1,"a":1}]"#, #"{"":1,"":2}"#,
    #"{"ab":1,"ab":1}"#, #"{"a" :1, "a" :2}"#, #"{"a":{"x":1,"y":2},"b":[{"c":1}],"a":3}"#,
    #"{"é":1,"a":1,"a":2}"#, #"{"a":1,"é":1,"a":2}"#,
]

private let invalidUTF8: [[UInt8]] = [
    [0x22, 0xC0, 0x80, 0x22], [0x22, 0xC1, 0xBF, 0x22], [0x22, 0xE0, 0x80, 0x80, 0x22], [0x22, 0xE0, 0x9F, 0xBF, 0x22],
    [0x22, 0xF0, 0x8F, 0xBF, 0xBF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xED, 0xBF, 0xBF, 0x22],
    [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], [0x22, 0xFF, 0x22], [0x22, 0x80, 0x22],
    [0x22, 0xE2, 0x82], [0x22, 0xE2, 0x82, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xF0, 0x9F, 0x98, 0x22], [0x22, 0xC3],
    [0x22, 0xE2, 0x28, 0xA1, 0x22], [0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D], [0xC3, 0xA9], [0xFE],
]

/// Random values of bounded depth; keys and strings include escapes, controls, non-ASCII and astral
/// characters, and some objects have more keys than the validator compares.
private func randomValue(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
    switch Int.random(in: 0..<(depth > 0 ? 9 : 5), using: &rng) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2:
        let lexemes = ["0", "-0", "1.50", "12345678901234567890", "-3.25e-7", "1E+2", "42", "0.5E-0", "9e9"]
        return .number(lexemes.randomElement(using: &rng)!)
    case 3, 4:
        let alphabet: [Character] = [
            "a", "Z", " ", "\"", "\\", "/", "\u{0}", "\u{1F}", "\n", "é", "€", "😀", "\u{2028}", "\u{7F}", "\u{80}",
            "\u{10FFFF}", "\u{FFFF}", "x", "y", "z",
        ]
        let count = Int.random(in: 0..<(Bool.random(using: &rng) ? 6 : 40), using: &rng)
        return .string(String((0..<count).map { _ in alphabet.randomElement(using: &rng)! }))
    case 5, 6:
        let count = Int.random(in: 0..<5, using: &rng)
        return .array((0..<count).map { _ in randomValue(&rng, depth: depth - 1) })
    default:
        var object = JSONObject()
        let plainKeys = ["id", "a", "b", "ab", "", "name", "type", "K", "jsonrpc", "text"]
        let otherKeys = ["é", "a\"b", "x\\y", "\u{212A}", "line\nbreak", "e\u{301}"]
        let count =
            Int.random(in: 0..<40, using: &rng) < 2
            ? Int.random(in: 30..<36, using: &rng) : Int.random(in: 0..<5, using: &rng)
        for i in 0..<count {
            let key: String
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: key = otherKeys.randomElement(using: &rng)!
            case 1...4: key = plainKeys.randomElement(using: &rng)!
            default: key = "k\(i)"
            }
            object[key] = randomValue(&rng, depth: depth - 1)
        }
        return .object(object)
    }
}

/// Whether the validator may (and must) answer `.unsure` for the serialization of `value`: some
/// object has more than 32 keys, or two or more keys one of which is escaped or non-ASCII.
private func hasUndecidedKeys(_ value: JSONValue) -> Bool {
    switch value {
    case .array(let items): return items.contains(where: hasUndecidedKeys)
    case .object(let object):
        let keys = object.keys
        if keys.count > JSONValidator.maxComparedKeys { return true }
        let plain = keys.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != 0x22 && $0 != 0x5C } }
        if keys.count >= 2 && !plain { return true }
        return object.members.contains { hasUndecidedKeys($0.value) }
    default: return false
    }
}

private let interestingBytes: [UInt8] = Array("{}[]\",:\\0 e.-+u".utf8) + [0x80, 0xC3, 0xED, 0xF4, 0x1F, 0x7F, 0x0A]

private func mutate(_ original: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
    var bytes = original
    for _ in 0..<Int.random(in: 1...3, using: &rng) {
        guard !bytes.isEmpty else { break }
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        let replacement =
            Bool.random(using: &rng)
            ? interestingBytes.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: bytes[i] = replacement
        case 1: bytes.remove(at: i)
        default: bytes.insert(replacement, at: i)
        }
    }
    return bytes
}

@Suite struct JSONValidatorTests {
    @Test func decidesValidDocuments() {
        for text in validDocuments + mcpMessages {
            let (verdict, accepted) = differential(Array(text.utf8))
            #expect(accepted, "parser rejects corpus document \(text.debugDescription)")
            #expect(verdict == .valid, "\(verdict) for \(text.debugDescription)")
        }
    }

    @Test func typicalMCPMessagesAreNeverUnsure() {
        for text in mcpMessages {
            #expect(JSONValidator.check(Array(text.utf8)) == .valid, "\(text)")
            let pretty = try? JSONParser.parse(text).prettyPrinted()
            #expect(JSONValidator.check(Array((pretty ?? "").utf8)) == .valid, "\(pretty ?? "")")
        }
    }

    @Test func decidesInvalidDocuments() {
        for bytes in invalidDocuments.map({ Array($0.utf8) }) + invalidUTF8 {
            let (verdict, accepted) = differential(bytes)
            #expect(!accepted, "parser accepts corpus document \(show(bytes))")
            #expect(verdict == .invalid, "\(verdict) for \(show(bytes))")
        }
    }

    @Test func keysItCannotCompareAreUnsure() {
        // The parser compares decoded Strings (canonical equivalence), so these are duplicates…
        for text in [#"{"a":1,"\u0061":2}"#, "{\"K\":1,\"\u{212A}\":2}", "{\"é\":1,\"e\u{301}\":2}"] {
            let (verdict, accepted) = differential(Array(text.utf8))
            #expect(!accepted, "\(text.debugDescription)")
            #expect(verdict == .unsure, "\(text.debugDescription)")
        }
        // …and these are not.
        for text in [#"{"\u00e9":1,"b":2}"#, #"{"b":2,"é":1}"#, #"{"x":[{"a\"":1,"a":2}]}"#] {
            let (verdict, accepted) = differential(Array(text.utf8))
            #expect(accepted, "\(text.debugDescription)")
            #expect(verdict == .unsure, "\(text.debugDescription)")
        }
        // An undecided key question does not hide a syntax error.
        #expect(differential(Array(#"{"\u0061":1,"b":2,}"#.utf8)).verdict == .invalid)
        #expect(differential(Array(#"{"é":1,"b":2} x"#.utf8)).verdict == .invalid)
        // Byte-equal plain keys are duplicates whatever else the object holds.
        #expect(differential(Array(#"{"\u0061":1,"b":2,"b":3}"#.utf8)).verdict == .invalid)
    }

    @Test func objectsWithManyKeys() {
        func object(_ keys: [String]) -> [UInt8] {
            Array(("{" + keys.map { "\"\($0)\":0" }.joined(separator: ",") + "}").utf8)
        }
        let limit = JSONValidator.maxComparedKeys
        let names = (0..<(limit + 1)).map { "key\($0)" }
        #expect(differential(object(Array(names.prefix(limit)))).verdict == .valid)
        #expect(differential(object(Array(names.prefix(limit - 1)) + ["key0"])).verdict == .invalid)
        let tooMany = differential(object(names))
        #expect(tooMany.verdict == .unsure && tooMany.accepted)
        let tooManyWithDuplicate = differential(object(Array(names.prefix(limit)) + ["key0"]))
        #expect(tooManyWithDuplicate.verdict == .unsure && !tooManyWithDuplicate.accepted)
        #expect(differential(object(names) + [0x20, 0x31]).verdict == .invalid)
        // Keys of enclosing objects stay separate from the inner object's.
        let inner = String(decoding: object(Array(names.prefix(20))), as: UTF8.self)
        let nested = "{" + names.prefix(20).map { "\"\($0)\":\(inner)" }.joined(separator: ",") + "}"
        #expect(differential(Array(nested.utf8)).verdict == .valid)
        #expect(differential(Array((nested.dropLast() + ",\"key19\":1}").utf8)).verdict == .invalid)
    }

    @Test func depthIsCountedLikeTheParser() {
        func nest(_ open: String, _ close: String, _ n: Int, _ inner: String = "0") -> [UInt8] {
            Array((String(repeating: open, count: n) + inner + String(repeating: close, count: n)).utf8)
        }
        let limit = JSONParser.defaultMaxDepth
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"x\":", "}]")] {
            let levels = open.hasPrefix("[{") ? 2 : 1
            #expect(differential(nest(open, close, limit / levels)).verdict == .valid)
            #expect(differential(nest(open, close, limit / levels + 1)).verdict == .invalid)
            #expect(differential(nest(open, close, 100_000)).verdict == .invalid)
            #expect(JSONValidator.check(Array(String(repeating: open, count: 100_000).utf8)) == .invalid)
        }
        #expect(differential(nest("[", "]", limit - 1, "[]")).verdict == .valid)
        #expect(differential(nest("[", "]", limit, "{}")).verdict == .invalid)
        #expect(differential(Array(("\"" + String(repeating: "[", count: 100_000) + "\"").utf8)).verdict == .valid)
        let small: [(String, Int, JSONValidator.Verdict)] = [
            ("[[[1]]]", 3, .valid), ("[[[[1]]]]", 3, .invalid), (#"{"a":{"b":[1]}}"#, 3, .valid),
            (#"{"a":{"b":[[]]}}"#, 3, .invalid), ("[[],[],[[]]]", 3, .valid), ("[[],[],[[[]]]]", 3, .invalid),
            ("[" + String(repeating: "[[]],", count: 1000) + "[[]]]", 3, .valid), ("1", 0, .valid),
            ("\"x\"", 0, .valid), ("[]", 0, .invalid), ("{}", 0, .invalid), ("[]", 1, .valid), ("[[]]", 1, .invalid),
            ("[]", -1, .invalid), ("null", -1, .valid), (#"{"a":[],"b":{}}"#, 2, .valid),
            (#"{"a":[],"b":{"c":[]}}"#, 2, .invalid),
        ]
        for (text, maxDepth, expected) in small {
            let (verdict, _) = differential(Array(text.utf8), maxDepth: maxDepth)
            #expect(verdict == expected, "\(text.prefix(40)) at maxDepth \(maxDepth)")
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func generatedValuesTheirTruncationsAndMutations(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var seen: [JSONValidator.Verdict: Int] = [:]
        func cuts(_ count: Int, _ rng: inout SeededGenerator) -> [Int] {
            count <= 400 ? Array(0..<count) : (0..<400).map { _ in Int.random(in: 0..<count, using: &rng) }
        }
        for _ in 0..<150 {
            var root = JSONObject()
            root["v"] = randomValue(&rng, depth: 5)
            let value = JSONValue.object(root)
            let expected: JSONValidator.Verdict = hasUndecidedKeys(value) ? .unsure : .valid
            let forms = [value.serializedBytes(), Array(value.prettyPrinted().utf8), value.canonicalBytes()]
            for bytes in forms {
                let (verdict, accepted) = differential(bytes)
                #expect(accepted && verdict == expected, "\(verdict), expected \(expected): \(show(bytes))")
                // Every strict prefix of an object's text is incomplete.
                for cut in cuts(bytes.count, &rng) where JSONValidator.check(Array(bytes[0..<cut])) == .valid {
                    Issue.record("prefix of \(cut) bytes judged valid: \(show(bytes))")
                }
            }
            let bytes = forms[0]
            for cut in cuts(bytes.count, &rng) { differential(Array(bytes[0..<cut])) }
            for _ in 0..<40 {
                let mutated = mutate(bytes, &rng)
                let maxDepth = [JSONParser.defaultMaxDepth, 2, 3, 4].randomElement(using: &rng)!
                let verdict = differential(mutated, maxDepth: maxDepth).verdict
                seen[verdict, default: 0] += 1
                if verdict == .unsure {
                    let mayBeUnsure = mutated.contains { $0 == 0x5C || $0 >= 0x80 } || hasManyKeys(mutated)
                    #expect(mayBeUnsure, "unsure without escaped, non-ASCII or many keys: \(show(mutated))")
                }
            }
        }
        // The mutations reach both answers (the comparison is not vacuous).
        #expect(seen[.valid, default: 0] > 100 && seen[.invalid, default: 0] > 1000, "\(seen)")
    }

    @Test(arguments: [7, 8] as [UInt64])
    func mutatedCorpusAndTokenSoup(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let corpus = (validDocuments + mcpMessages + invalidDocuments).map { Array($0.utf8) } + invalidUTF8
        for document in corpus {
            for cut in 0...document.count { differential(Array(document[0..<cut])) }
            for _ in 0..<60 { differential(mutate(document, &rng), maxDepth: Int.random(in: 1...4, using: &rng)) }
        }
        let tokens: [String] = [
            "{", "}", "[", "]", ":", ",", " ", "\n", "\"", "\\", "\"a\"", "\"id\"", "\"\\u0061\"", "\"é\"", "\"\"",
            "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\x\"", "\"\\u12\"", "0", "-0", "1", "01", "1.",
            ".5", "1.5e3", "-", "1E+2", "true", "false", "null", "tru", "\u{0}", "\u{1F}", "\u{7F}", "é", "\u{FEFF}",
        ]
        for _ in 0..<6000 {
            let text = (0..<Int.random(in: 1..<16, using: &rng)).map { _ in tokens.randomElement(using: &rng)! }
            differential(Array(text.joined().utf8), maxDepth: Int.random(in: 1...3, using: &rng))
        }
        for _ in 0..<3000 {
            differential((0..<Int.random(in: 0..<24, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }
}

/// Whether some object may have more keys than the validator compares (a rough count of colons).
private func hasManyKeys(_ bytes: [UInt8]) -> Bool {
    bytes.lazy.filter { $0 == UInt8(ascii: ":") }.count > JSONValidator.maxComparedKeys
}
