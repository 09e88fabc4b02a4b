/// Finds the end of a run of string bytes that need no attention, eight bytes at a time.
///
/// Parsing and writing a JSON string is mostly "copy until the next quote, backslash or control
/// character". Tested byte by byte, a 2 MB argument cost ~30 instructions a byte in the profile; a
/// word-at-a-time test (the classic "has a zero byte" bit trick) skips plain text at a fraction of that.
enum JSONStringRun {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Nonzero when one of the eight bytes of `word` is `"`, `\`, below 0x20, or (when
    /// `stopAtNonASCII`) 0x80 or above. Exact for "is there such a byte"; which bit is set is not used.
    @inline(__always)
    static func hasSpecialByte(_ word: UInt64, stopAtNonASCII: Bool) -> Bool {
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quoteZero = (quote &- ones) & ~quote
        let backslashZero = (backslash &- ones) & ~backslash
        let belowSpace = (word &- ones &* 0x20) & ~word
        var mask = quoteZero | backslashZero | belowSpace
        if stopAtNonASCII { mask |= word }
        return mask & highBits != 0
    }

    @inline(__always)
    static func isPlain(_ byte: UInt8, stopAtNonASCII: Bool) -> Bool {
        byte >= 0x20 && byte != 0x22 && byte != 0x5C && (!stopAtNonASCII || byte < 0x80)
    }

    /// The index of the first byte at or after `start` that is not plain (see `hasSpecialByte`), or
    /// `bytes.count`.
    @inline(__always)
    static func end(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, stopAtNonASCII: Bool) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var i = start
        while i &+ 8 <= count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if hasSpecialByte(word, stopAtNonASCII: stopAtNonASCII) { break }
            i &+= 8
        }
        while i < count, isPlain(base[i], stopAtNonASCII: stopAtNonASCII) { i &+= 1 }
        return i
    }
}
