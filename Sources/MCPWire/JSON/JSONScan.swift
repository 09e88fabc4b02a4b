/// Byte-level look-ups in JSON text that has already been validated (by `JSONParser`), so the hub can
/// re-id a message, or rename the tool it calls, by splicing bytes instead of re-serializing it.
/// Keys written with escapes are never matched (the callers then fall back to re-encoding).
public enum JSONScan {
    /// The byte range of the value of `key` in the top-level object of `bytes`, or nil (not an object,
    /// no such key, or a key written with escapes). `bytes` must be valid JSON.
    public static func valueRange(ofTopLevelKey key: String, in bytes: [UInt8]) -> Range<Int>? {
        valueRange(ofKey: key, inObjectAt: 0..<bytes.count, of: bytes)
    }

    /// The byte range of the value of `key` in the object whose text is `bytes[object]` (leading
    /// whitespace allowed), or nil. `bytes` must be valid JSON and `object` the range of one value in it.
    public static func valueRange(ofKey key: String, inObjectAt object: Range<Int>, of bytes: [UInt8]) -> Range<Int>? {
        let wanted = Array(key.utf8)
        var found: Range<Int>?
        let complete = bytes.withUnsafeBufferPointer { buffer in
            forEachMember(buffer, object) { keyRange, valueRange in
                guard keyRange.count == wanted.count, zip(keyRange, wanted).allSatisfy({ buffer[$0] == $1 }) else {
                    return true
                }
                found = valueRange
                return false
            }
        }
        return complete ? nil : found
    }

    /// The members of the top-level object of `bytes`, in order, as byte ranges: each key's (without its
    /// quotes) and its value's; nil when it is not an object or a key is written with escapes (callers
    /// compare keys byte for byte). `bytes` must be valid JSON.
    public static func topLevelMemberRanges(in bytes: [UInt8]) -> [(key: Range<Int>, value: Range<Int>)]? {
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        var escaped = false
        let complete = bytes.withUnsafeBufferPointer { buffer in
            forEachMember(buffer, 0..<buffer.count) { keyRange, valueRange in
                if keyRange.contains(where: { buffer[$0] == UInt8(ascii: "\\") }) {
                    escaped = true
                    return false
                }
                members.append((keyRange, valueRange))
                return true
            }
        }
        return complete && !escaped ? members : nil
    }

    /// Calls `body(keyRange, valueRange)` for each member of the object at `range` (key range without
    /// its quotes) while it returns true. True when every member was visited, false when `body`
    /// stopped early or the text is not an object.
    private static func forEachMember(
        _ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ body: (Range<Int>, Range<Int>) -> Bool
    ) -> Bool {
        var i = skipWhitespace(b, range.lowerBound)
        guard i < range.upperBound, b[i] == UInt8(ascii: "{") else { return false }
        i = skipWhitespace(b, i + 1)
        if i < range.upperBound, b[i] == UInt8(ascii: "}") { return true }
        while true {
            guard i < range.upperBound, b[i] == UInt8(ascii: "\"") else { return false }
            let keyEnd = endOfString(b, i) - 1  // index of the closing quote
            let keyRange = (i + 1)..<keyEnd
            i = skipWhitespace(b, keyEnd + 1)
            guard i < range.upperBound, b[i] == UInt8(ascii: ":") else { return false }
            let valueStart = skipWhitespace(b, i + 1)
            let valueEnd = endOfValue(b, valueStart)
            guard body(keyRange, valueStart..<valueEnd) else { return false }
            i = skipWhitespace(b, valueEnd)
            guard i < range.upperBound else { return false }
            if b[i] == UInt8(ascii: "}") { return true }
            guard b[i] == UInt8(ascii: ",") else { return false }
            i = skipWhitespace(b, i + 1)
        }
    }

    private static func skipWhitespace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        return i
    }

    /// `start` is at an opening quote; returns the index just past the closing one. Plain runs are
    /// skipped a word at a time (a long argument is mostly one string).
    private static func endOfString(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start + 1
        while true {
            i = JSONStringRun.end(in: b, from: i, stopAtNonASCII: false)
            guard i < b.count else { return b.count }
            switch b[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1  // not in valid JSON (a raw control character); stepped over
            }
        }
    }

    /// `start` is at the first byte of a value; returns the index just past it.
    private static func endOfValue(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        guard start < b.count else { return start }
        switch b[start] {
        case UInt8(ascii: "\""):
            return endOfString(b, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""):
                    i = endOfString(b, i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return b.count
        default:
            var i = start
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return i
                default: i += 1
                }
            }
            return i
        }
    }
}
