/// Why a byte sequence is not the JSON text we accept.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidNumber
        case invalidEscape
        case loneSurrogate
        case controlCharacterInString
        case invalidUTF8
        case duplicateKey(String)
        case tooDeep(limit: Int)
        case trailingData
    }

    public var reason: Reason
    /// Byte offset into the input where the problem was found.
    public var offset: Int

    public var description: String {
        switch reason {
        case .unexpectedEnd: return "unexpected end of input at byte \(offset)"
        case .unexpectedByte(let b):
            let shown = (0x20..<0x7F).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "0x\(String(b, radix: 16))"
            return "unexpected \(shown) at byte \(offset)"
        case .invalidNumber: return "invalid number at byte \(offset)"
        case .invalidEscape: return "invalid escape sequence at byte \(offset)"
        case .loneSurrogate: return "lone UTF-16 surrogate escape at byte \(offset)"
        case .controlCharacterInString: return "raw control character in string at byte \(offset)"
        case .invalidUTF8: return "invalid UTF-8 at byte \(offset)"
        case .duplicateKey(let k): return "duplicate object key \"\(k)\" at byte \(offset)"
        case .tooDeep(let limit): return "nesting deeper than \(limit) levels at byte \(offset)"
        case .trailingData: return "data after the JSON value at byte \(offset)"
        }
    }
}

/// A strict RFC 8259 parser: no trailing commas, no leading zeros, no NaN, no raw control
/// characters, valid UTF-8 only, surrogate pairs joined and lone surrogates rejected, duplicate
/// keys rejected, nesting bounded.
public struct JSONParser {
    public static let defaultMaxDepth = 512

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buf) throws(JSONParseError) -> JSONValue in
            try parse(buffer: buf, maxDepth: maxDepth)
        }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    public static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONParseError)
        -> JSONValue
    {
        var p = JSONParser(bytes: buffer, maxDepth: maxDepth)
        p.skipWhitespace()
        let value = try p.parseValue(depth: 0)
        p.skipWhitespace()
        if p.pos != buffer.count { throw JSONParseError(reason: .trailingData, offset: p.pos) }
        return value
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var pos = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func fail(_ reason: JSONParseError.Reason, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(reason: reason, offset: offset ?? pos)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private func peek() throws(JSONParseError) -> UInt8 {
        guard pos < bytes.count else { throw fail(.unexpectedEnd) }
        return bytes[pos]
    }

    private mutating func expect(_ literal: StaticString, value: JSONValue) throws(JSONParseError) -> JSONValue {
        let n = literal.utf8CodeUnitCount
        let lit = literal.utf8Start
        for i in 0..<n {
            guard pos + i < bytes.count else { throw fail(.unexpectedEnd, at: bytes.count) }
            if bytes[pos + i] != lit[i] { throw fail(.unexpectedByte(bytes[pos + i]), at: pos + i) }
        }
        pos += n
        return value
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        let b = try peek()
        switch b {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", value: .bool(true))
        case UInt8(ascii: "f"): return try expect("false", value: .bool(false))
        case UInt8(ascii: "n"): return try expect("null", value: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw fail(.unexpectedByte(b))
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw fail(.tooDeep(limit: maxDepth)) }
        pos += 1  // {
        var object = JSONObject()
        // Duplicate keys: a linear scan of the keys so far for small objects (almost all MCP objects),
        // a set once an object grows past 16 keys.
        var seen: Set<String>?
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            pos += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            let keyStart = pos
            guard try peek() == UInt8(ascii: "\"") else { throw fail(.unexpectedByte(bytes[pos])) }
            let key = try parseString()
            if var keys = seen {
                if !keys.insert(key).inserted { throw fail(.duplicateKey(key), at: keyStart) }
                seen = keys
            } else if object.count < 16 {
                if object.contains(key) { throw fail(.duplicateKey(key), at: keyStart) }
            } else {
                var keys = Set(object.keys)
                if !keys.insert(key).inserted { throw fail(.duplicateKey(key), at: keyStart) }
                seen = keys
            }
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw fail(.unexpectedByte(bytes[pos])) }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            object.appendUnchecked(key, value)
            skipWhitespace()
            let c = try peek()
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { return .object(object) }
            throw fail(.unexpectedByte(c), at: pos - 1)
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        if depth > maxDepth { throw fail(.tooDeep(limit: maxDepth)) }
        pos += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            pos += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            let c = try peek()
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { return .array(items) }
            throw fail(.unexpectedByte(c), at: pos - 1)
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = pos
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail(.invalidNumber, at: start) }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < bytes.count, isDigit(bytes[pos]) { throw fail(.invalidNumber, at: start) }
        } else {
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail(.invalidNumber, at: start) }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < bytes.count, isDigit(bytes[pos]) else { throw fail(.invalidNumber, at: start) }
            while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
        }
        let lexeme = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        return .number(lexeme)
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        pos += 1  // opening quote
        // Fast path: plain runs (skipped a word at a time) and valid UTF-8 sequences, no escapes: the
        // string is the input's own bytes.
        let start = pos
        var i = pos
        while true {
            i = JSONStringRun.end(in: bytes, from: i, stopAtNonASCII: true)
            guard i < bytes.count else { throw fail(.unexpectedEnd, at: i) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                pos = i + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail(.controlCharacterInString, at: i) }
            i += try validateUTF8Sequence(at: i)
        }
        // An escape: the string is built in a copy from here on.
        var out: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
        pos = i
        while true {
            let runEnd = JSONStringRun.end(in: bytes, from: pos, stopAtNonASCII: true)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<runEnd]))
            pos = runEnd
            guard pos < bytes.count else { throw fail(.unexpectedEnd) }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw fail(.controlCharacterInString) }
            if b == UInt8(ascii: "\\") {
                try parseEscape(into: &out)
                continue
            }
            let n = try validateUTF8Sequence(at: pos)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<pos + n]))
            pos += n
        }
    }

    /// Validates one multi-byte UTF-8 sequence starting at `i`; returns its length.
    private func validateUTF8Sequence(at i: Int) throws(JSONParseError) -> Int {
        guard let length = JSONBytes.utf8SequenceLength(in: bytes, at: i) else { throw fail(.invalidUTF8, at: i) }
        return length
    }

    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONParseError) {
        let escStart = pos
        pos += 1
        guard pos < bytes.count else { throw fail(.unexpectedEnd) }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try readHex4()
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u")
                else {
                    throw fail(.loneSurrogate, at: escStart)
                }
                pos += 2
                let low = try readHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail(.loneSurrogate, at: escStart) }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail(.loneSurrogate, at: escStart)
            }
            let scalar = Unicode.Scalar(scalarValue)!
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw fail(.invalidEscape, at: escStart)
        }
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt16 {
        guard pos + 4 <= bytes.count else { throw fail(.unexpectedEnd) }
        var v: UInt16 = 0
        for _ in 0..<4 {
            guard let d = JSONBytes.hexDigit(bytes[pos]) else { throw fail(.invalidEscape) }
            v = v << 4 | UInt16(d)
            pos += 1
        }
        return v
    }
}
