/// A compiled regular expression from a policy rule's `arguments` (Swift's `Regex`, whose syntax is
/// ICU's). Unanchored: the rule holds when the expression finds a match anywhere in the value (use `^…$`
/// to require the whole value).
///
/// Matching follows ICU, which the hub used before: on Unicode scalars (not grapheme clusters), with
/// simple word boundaries for `\b`, and `$` also matching before a line break that ends the value.
/// Swift's scalar mode never finds a simple word boundary beside a digit (`\b\d+\b`, `\btable1\b` never
/// match), so every pattern is also run on grapheme clusters, where it does: a match in either reading
/// counts where finding more is the safe side (deny and approve rules), and only a match in both where
/// finding less is (allow rules: `finds(in:strictly: true)`).
// @unchecked Sendable: `Regex<AnyRegexOutput>` is not Sendable only because its match output (which
// is never made here: `finds` returns a Bool) is not. The regex itself is an immutable value whose
// matcher the standard library builds once, published atomically — and `compile` has it built before
// the pattern is shared — so matching reads shared state only and is safe from any thread.
struct ArgumentPattern: @unchecked Sendable, Equatable, CustomStringConvertible {
    let source: String
    /// The ICU-like reading (Unicode scalars, simple word boundaries).
    private let regex: Regex<AnyRegexOutput>
    /// The same pattern on grapheme clusters (simple word boundaries there also hold beside digits).
    private let graphemeRegex: Regex<AnyRegexOutput>
    /// Whether the source has a `$` (then a value ending in a line break is also tried without it).
    private let hasDollar: Bool

    private init(source: String, regex: Regex<AnyRegexOutput>, graphemeRegex: Regex<AnyRegexOutput>) {
        self.source = source
        self.regex = regex
        self.graphemeRegex = graphemeRegex
        self.hasDollar = source.unicodeScalars.contains("$")
    }

    struct Invalid: Error, Equatable {
        /// A human-readable reason, e.g. `expected ')'`.
        var reason: String
    }

    /// The compiled pattern, or why it does not compile.
    static func compile(_ source: String) -> Result<ArgumentPattern, Invalid> {
        do {
            let regex = try Regex(source).matchingSemantics(.unicodeScalar).wordBoundaryKind(.simple)
            let graphemeRegex = try Regex(source).matchingSemantics(.graphemeCluster).wordBoundaryKind(.simple)
            // Builds the matchers now (they are built on first use): what they cannot build fails here, not
            // silently on a call.
            _ = try regex.firstMatch(in: "")
            _ = try graphemeRegex.firstMatch(in: "")
            return .success(ArgumentPattern(source: source, regex: regex, graphemeRegex: graphemeRegex))
        } catch {
            return .failure(Invalid(reason: String(describing: error)))
        }
    }

    /// Whether the pattern finds a match in `text`: in either reading, or with `strictly` in both.
    func finds(in text: String, strictly: Bool = false) -> Bool {
        let scalars = finds(regex, in: text)
        if scalars != strictly { return scalars }
        return finds(graphemeRegex, in: text)
    }

    private func finds(_ regex: Regex<AnyRegexOutput>, in text: String) -> Bool {
        if text.contains(regex) { return true }
        // ICU's `$` (outside multi-line mode) also matches before a line terminator at the very end;
        // Swift's only at the end. Trying the value without that terminator gives ICU's answer.
        guard hasDollar, let withoutTerminator = Self.droppingFinalLineTerminator(text) else { return false }
        return withoutTerminator.contains(regex)
    }

    var description: String { source }

    static func == (lhs: ArgumentPattern, rhs: ArgumentPattern) -> Bool { lhs.source == rhs.source }

    /// `text` without the line terminator it ends with (ICU's: `\r\n`, `\n`, `\r`, U+000B, U+000C,
    /// U+0085, U+2028, U+2029), or nil when it ends with none.
    private static func droppingFinalLineTerminator(_ text: String) -> Substring? {
        let scalars = text.unicodeScalars
        guard let last = scalars.last else { return nil }
        switch last.value {
        case 0x0A:
            let beforeLast = scalars.index(before: scalars.endIndex)
            if beforeLast > scalars.startIndex, scalars[scalars.index(before: beforeLast)] == "\r" {
                return Substring(scalars[..<scalars.index(before: beforeLast)])
            }
            return Substring(scalars[..<beforeLast])
        case 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029:
            return Substring(scalars[..<scalars.index(before: scalars.endIndex)])
        default:
            return nil
        }
    }
}
