extension JSONValue {
    /// Compact JSON text (no whitespace), keys in document order, `/` and non-ASCII written raw (but
    /// U+0085, U+2028 and U+2029, which are escaped). Never contains a byte any line reader splits on
    /// (`\n`, `\r`, Unicode line breaks), so it is one stdio line for every reader.
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter.write(self, into: &out, canonical: false)
        return out
    }

    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// The canonical form used for hashing: compact, object keys sorted by their UTF-8 bytes,
    /// numbers as written, strings escaped the same way as `serialized()`. Two values that differ
    /// only in key order have the same canonical form; any other difference changes it.
    public func canonicalBytes() -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(self, into: &out, canonical: true)
        return out
    }

    /// Multi-line, two-space indented text for people (approval prompts, CLI output).
    public func prettyPrinted() -> String {
        var out: [UInt8] = []
        JSONWriter.writePretty(self, into: &out, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }
}

enum JSONWriter {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func write(_ value: JSONValue, into out: inout [UInt8], canonical: Bool) {
        switch value {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let lexeme): out.append(contentsOf: lexeme.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out, canonical: canonical)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            let members =
                canonical
                ? object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) } : object.members
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, into: &out, canonical: canonical)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            // Runs of bytes that need no escape are found a word at a time and copied in bulk; `/` and
            // non-ASCII are written raw, except U+0085, U+2028 and U+2029: a reader that splits lines on
            // Unicode line breaks (Python's `str.splitlines`) would cut the message there, so they are
            // written as `\u` escapes and the text stays one line for every reader.
            var i = 0
            while true {
                let runEnd = JSONStringRun.endForWriting(in: bytes, from: i)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<runEnd]))
                guard runEnd < bytes.count else { break }
                let b = bytes[runEnd]
                if b == 0xC2 || b == 0xE2 {
                    let breakLength = UnicodeLineBreak.length(in: bytes, at: runEnd)
                    if breakLength == 0 {
                        out.append(b)
                        i = runEnd + 1
                        continue
                    }
                    let scalar = breakLength == 2 ? "0085" : (bytes[runEnd + 2] == 0xA8 ? "2028" : "2029")
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
                    out.append(contentsOf: scalar.utf8)
                    i = runEnd + breakLength
                    continue
                }
                appendEscaped(b, into: &out)
                i = runEnd + 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ b: UInt8, into out: inout [UInt8]) {
        switch b {
        case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        default: out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
        }
    }

    static func writePretty(_ value: JSONValue, into out: inout [UInt8], indent: Int) {
        func newline(_ level: Int) {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        }
        switch value {
        case .array(let items) where !items.isEmpty:
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writePretty(item, into: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (i, m) in object.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(m.key, into: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                writePretty(m.value, into: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        default:
            write(value, into: &out, canonical: false)
        }
    }
}
