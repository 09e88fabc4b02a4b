/// Byte rules shared by `JSONParser` and `JSONValidator`: one implementation, so the validator accepts
/// exactly the UTF-8 and `\u` escapes the parser accepts.
enum JSONBytes {
    /// The length of the valid multi-byte UTF-8 sequence at `i` (its lead byte is 0x80 or above), or
    /// nil: a bad lead byte, a truncated sequence, an overlong form, a surrogate or a scalar above
    /// U+10FFFF.
    @inline(__always)
    static func utf8SequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let b0 = bytes[i]
        let length: Int
        let minScalar: UInt32
        var scalar: UInt32
        switch b0 {
        case 0xC2...0xDF: (length, scalar, minScalar) = (2, UInt32(b0 & 0x1F), 0x80)
        case 0xE0...0xEF: (length, scalar, minScalar) = (3, UInt32(b0 & 0x0F), 0x800)
        case 0xF0...0xF4: (length, scalar, minScalar) = (4, UInt32(b0 & 0x07), 0x10000)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let c = bytes[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            scalar = (scalar << 6) | UInt32(c & 0x3F)
        }
        if scalar < minScalar || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return nil }
        return length
    }

    /// The value of one hexadecimal digit (either case), or nil.
    @inline(__always)
    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
