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

    /// Nonzero when one of the eight bytes of `word` is `"`, `\`, below 0x20, 0xC2 or 0xE2: the bytes a
    /// writer must look at. 0xC2 and 0xE2 lead the UTF-8 of U+0085 (NEL) and U+2028/U+2029 (line and
    /// paragraph separators), which some line readers split on (see `JSONWriter.writeString`).
    @inline(__always)
    static func hasByteToWriteWithCare(_ word: UInt64) -> Bool {
        let c2 = word ^ (ones &* 0xC2)
        let e2 = word ^ (ones &* 0xE2)
        let c2Zero = (c2 &- ones) & ~c2
        let e2Zero = (e2 &- ones) & ~e2
        return hasSpecialByte(word, stopAtNonASCII: false) || (c2Zero | e2Zero) & highBits != 0
    }

    /// The index of the first byte at or after `start` that a JSON writer must look at (see
    /// `hasByteToWriteWithCare`), or `bytes.count`.
    @inline(__always)
    static func endForWriting(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let count = bytes.count
        var i = start
        while i &+ 8 <= count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if hasByteToWriteWithCare(word) { break }
            i &+= 8
        }
        while i < count {
            let b = base[i]
            if !isPlain(b, stopAtNonASCII: false) || b == 0xC2 || b == 0xE2 { break }
            i &+= 1
        }
        return i
    }
}
