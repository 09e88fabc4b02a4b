/// Whether bytes are one stdio line for every reader: the rule for any bytes the hub passes through.
/// It never decides what a message means, only whether some reader could see a line break in it.
///
/// stdio MCP frames messages with `\n`, but readers differ: Python's universal newlines (every official
/// Python SDK server) also split on a bare `\r`, `str.splitlines` on U+0085, U+2028 and U+2029 too. JSON
/// allows `\r`, `\n` and tab as whitespace between tokens, so a message that is one line to the hub can
/// be several to such a reader — request smuggling, if the hub forwarded the bytes as they came. Valid
/// JSON never holds a raw control byte inside a string, so a validated message is one line for every
/// reader exactly when it has no byte below 0x20 at all and no UTF-8 encoding of those three scalars.
public enum LineFraming {
    /// True when `bytes` (a validated JSON text, without its newline) holds no byte below 0x20 and no
    /// U+0085, U+2028 or U+2029: every reader sees it as exactly one line.
    public static func isOneLineForEveryReader(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isOneLineForEveryReader($0) }
    }

    public static func isOneLineForEveryReader(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count {
            i = firstCandidate(in: bytes, from: i)
            guard i < bytes.count else { return true }
            let b = bytes[i]
            if b < 0x20 { return false }
            if UnicodeLineBreak.length(in: bytes, at: i) != 0 { return false }
            i += 1
        }
        return true
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The first index at or after `start` holding a byte below 0x20, 0xC2 or 0xE2 (eight bytes at a time).
    @inline(__always)
    private static func firstCandidate(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var i = start
        while i &+ 8 <= bytes.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let c2 = word ^ (ones &* 0xC2)
            let e2 = word ^ (ones &* 0xE2)
            let mask = ((word &- ones &* 0x20) & ~word) | ((c2 &- ones) & ~c2) | ((e2 &- ones) & ~e2)
            if mask & highBits != 0 { break }
            i &+= 8
        }
        while i < bytes.count {
            let b = base[i]
            if b < 0x20 || b == 0xC2 || b == 0xE2 { return i }
            i &+= 1
        }
        return i
    }
}

/// The UTF-8 of the Unicode line breaks beyond ASCII: U+0085 (`C2 85`), U+2028 (`E2 80 A8`) and
/// U+2029 (`E2 80 A9`).
enum UnicodeLineBreak {
    /// The length of such a scalar's encoding starting at `i`, or 0 when none starts there.
    @inline(__always)
    static func length(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b = bytes[i]
        if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 { return 2 }
        if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
            return 3
        }
        return 0
    }
}
