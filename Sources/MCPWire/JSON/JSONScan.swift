/// Byte-level look-ups in JSON text that has already been validated (by `JSONParser`), so the hub can
/// re-id a message by splicing bytes instead of re-serializing it.
public enum JSONScan {
    /// The byte range of the value of `key` in the top-level object of `bytes`, or nil (not an object,
    /// no such key, or a key written with escapes). `bytes` must be valid JSON.
    public static func valueRange(ofTopLevelKey key: String, in bytes: [UInt8]) -> Range<Int>? {
        let wanted = Array(key.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> Range<Int>? in
            var i = skipWhitespace(buffer, 0)
            guard i < buffer.count, buffer[i] == UInt8(ascii: "{") else { return nil }
            i += 1
            while true {
                i = skipWhitespace(buffer, i)
                guard i < buffer.count, buffer[i] == UInt8(ascii: "\"") else { return nil }
                let keyStart = i + 1
                let keyEnd = endOfString(buffer, i) - 1  // index of the closing quote
                i = skipWhitespace(buffer, keyEnd + 1)
                guard i < buffer.count, buffer[i] == UInt8(ascii: ":") else { return nil }
                let valueStart = skipWhitespace(buffer, i + 1)
                let valueEnd = endOfValue(buffer, valueStart)
                if keyEnd - keyStart == wanted.count,
                    wanted.withUnsafeBufferPointer({ w in
                        (0..<w.count).allSatisfy { buffer[keyStart + $0] == w[$0] }
                    })
                {
                    return valueStart..<valueEnd
                }
                i = skipWhitespace(buffer, valueEnd)
                guard i < buffer.count, buffer[i] == UInt8(ascii: ",") else { return nil }
                i += 1
            }
        }
    }

    private static func skipWhitespace(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        return i
    }

    /// `start` is at an opening quote; returns the index just past the closing one.
    private static func endOfString(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start + 1
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        return b.count
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
