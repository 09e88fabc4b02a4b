/// A tool-name pattern: `*` matches any run of characters (also none), `?` exactly one character,
/// every other character only itself. The whole name must match (anchored at both ends), and
/// matching is case-sensitive: `get_*` matches `get_user`, not `Get_user`.
///
/// Matching is iterative with a single backtrack point (the last `*`), so it takes at most
/// O(pattern × name) steps whatever the pattern: no exponential blow-up.
struct ToolGlob: Sendable, Hashable, CustomStringConvertible {
    let pattern: String
    private let tokens: [Character]
    /// The pattern's bytes when it is ASCII: the common case is matched without allocating.
    private let asciiTokens: [UInt8]?

    init(_ pattern: String) {
        self.pattern = pattern
        self.tokens = Array(pattern)
        self.asciiTokens = pattern.utf8.allSatisfy { $0 < 0x80 } ? Array(pattern.utf8) : nil
    }

    var description: String { pattern }

    /// True when the pattern has no `*` or `?` (it names exactly one tool).
    var isLiteral: Bool { !tokens.contains("*") && !tokens.contains("?") }

    func matches(_ name: String) -> Bool {
        if let asciiTokens, name.utf8.allSatisfy({ $0 < 0x80 }) {
            var name = name
            return name.withUTF8 { Self.match(asciiTokens, $0, star: UInt8(ascii: "*"), any: UInt8(ascii: "?")) }
        }
        return Self.match(tokens, Array(name), star: "*", any: "?")
    }

    private static func match<Text: RandomAccessCollection>(
        _ tokens: [Text.Element], _ text: Text, star: Text.Element, any: Text.Element
    ) -> Bool where Text.Element: Equatable, Text.Index == Int {
        var p = 0
        var t = text.startIndex
        // Position just after the last `*` seen, and the text position it is currently absorbing up to.
        var resume: Int?
        var starText = t
        while t < text.endIndex {
            if p < tokens.count, tokens[p] == star {
                p += 1
                resume = p
                starText = t
            } else if p < tokens.count, tokens[p] == any || tokens[p] == text[t] {
                p += 1
                t += 1
            } else if let resume {
                // Let the last `*` swallow one more character and retry from just after it.
                starText += 1
                t = starText
                p = resume
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == star { p += 1 }
        return p == tokens.count
    }
}
