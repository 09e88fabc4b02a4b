/// Comparisons whose running time does not depend on where two secrets differ.
enum ConstantTime {
    /// `true` when `a` and `b` hold the same bytes. The lengths are compared first (a length is not
    /// secret here: codes and digests have fixed sizes); then every byte pair is XORed and OR-ed into
    /// one accumulator over the whole length, with no early exit.
    @inline(never)
    static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count {
            difference |= a[i] ^ b[i]
        }
        return difference == 0
    }
}
