/// A tool-name pattern: `*` matches any run of characters (also none), `?` exactly one character,
/// every other character only itself. The whole name must match (anchored at both ends), and
/// matching is case-sensitive: `get_*` matches `get_user`, not `Get_user`.
///
/// Matching is iterative with a single backtrack point (the last `*`), so it takes at most
/// O(pattern × name) steps whatever the pattern: no exponential blow-up.
struct ToolGlob: Sendable, Hashable, CustomStringConvertible {
    let pattern: String
    private let tokens: [Character]

    init(_ pattern: String) {
        self.pattern = pattern
        self.tokens = Array(pattern)
    }

    var description: String { pattern }

    /// True when the pattern has no `*` or `?` (it names exactly one tool).
    var isLiteral: Bool { !tokens.contains("*") && !tokens.contains("?") }

    func matches(_ name: String) -> Bool {
        let text = Array(name)
        var p = 0
        var t = 0
        // Position just after the last `*` seen, and the text position it is currently absorbing up to.
        var star: Int?
        var starText = 0
        while t < text.count {
            if p < tokens.count, tokens[p] == "*" {
                p += 1
                star = p
                starText = t
            } else if p < tokens.count, tokens[p] == "?" || tokens[p] == text[t] {
                p += 1
                t += 1
            } else if let resume = star {
                // Let the last `*` swallow one more character and retry from just after it.
                starText += 1
                t = starText
                p = resume
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == "*" { p += 1 }
        return p == tokens.count
    }
}
