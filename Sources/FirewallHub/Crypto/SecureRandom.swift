/// Randomness from the operating system's CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on
/// Linux, arc4random_buf on Darwin).
enum SecureRandom {
    /// The allowed lengths of an approval code.
    static let digitCountRange = 4...12

    /// `n` random bytes (`n` ≥ 0).
    static func bytes(_ n: Int) -> [UInt8] {
        precondition(n >= 0, "SecureRandom.bytes needs a non-negative count, got \(n)")
        var generator = SystemRandomNumberGenerator()
        var out: [UInt8] = []
        out.reserveCapacity(n + 8)
        while out.count < n {
            var word = generator.next()
            for _ in 0..<8 where out.count < n {
                out.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return out
    }

    /// `count` uniformly random decimal digits (`count` in 4…12), e.g. "048213".
    ///
    /// Each digit comes from one random byte; bytes ≥ 250 are rejected and redrawn, so every digit
    /// has probability exactly 1/10 (250 is the largest multiple of 10 that fits in a byte).
    static func digits(_ count: Int) -> String {
        precondition(
            digitCountRange.contains(count),
            "approval codes must have \(digitCountRange.lowerBound)–\(digitCountRange.upperBound) digits, got \(count)")
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            for byte in bytes(count - out.count) where byte < 250 {
                out.append(UInt8(ascii: "0") + byte % 10)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
