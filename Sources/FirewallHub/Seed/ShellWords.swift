/// Splits a `--target "COMMAND STRING"` into words the way a POSIX shell does, so the MCP Action
/// Firewall's `--target` strings keep working — but the words are then run as an argv, never through
/// `sh -c`:
///
/// - Whitespace (space, tab, newline) separates words; `''` and `""` make empty words.
/// - `'…'` is literal up to the next `'`.
/// - `"…"` is literal except `\"`, `\\`, `\$`, `` \` `` (the backslash is removed) and backslash-newline
///   (removed); any other backslash stays.
/// - Outside quotes a backslash makes the next character literal; backslash-newline is removed.
///
/// Nothing is expanded. Characters a shell would *interpret* rather than quote — `$NAME`, `${…}`, `$(…)`,
/// backquotes, `| & ; < > ( )`, a leading `~` or `#` — are errors, so a target never silently runs
/// differently from how it ran under the shell. Glob characters (`* ? [`) are passed literally.
/// Error messages give a position, never the text: target command lines often hold secrets.
enum ShellWords {
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// A quote opened at `position` (1-based character) is never closed.
        case unterminatedQuote(quote: Character, position: Int)
        /// The string ends with a backslash that escapes nothing.
        case danglingBackslash
        /// Something a shell would interpret (`what`), at `position`; we do not run a shell.
        case shellSyntax(what: String, position: Int)
        /// No words at all.
        case empty

        var description: String {
            switch self {
            case .unterminatedQuote(let quote, let position):
                let name = quote == "'" ? "single" : "double"
                return "the \(name) quote (\(quote)) at character \(position) is never closed"
            case .danglingBackslash:
                return "it ends with a backslash that escapes nothing"
            case .shellSyntax(let what, let position):
                return "\(what) at character \(position): the target is run directly, not through a shell, "
                    + "so nothing is expanded; write the value out in full, or quote it ('…') if it is meant literally"
            case .empty:
                return "it is empty; give the command that starts the MCP server, e.g. \"uvx mcp-server-stripe\""
            }
        }
    }

    /// One word, and whether its characters up to the first `=` were all unquoted (so `NAME=value`
    /// counts as a shell variable assignment, as in `FOO=bar cmd`; `"FOO=bar" cmd` does not).
    struct Word: Equatable {
        var text: String
        /// Number of leading characters that came from unquoted, unescaped input.
        var unquotedPrefix: Int

        /// `NAME=value` with an unquoted `NAME=`, where NAME is `[A-Za-z_][A-Za-z0-9_]*`.
        var assignment: (name: String, value: String)? {
            guard let eq = text.firstIndex(of: "=") else { return nil }
            let name = text[..<eq]
            guard text.distance(from: text.startIndex, to: eq) < unquotedPrefix, let first = name.first,
                first == "_" || (first.isASCII && first.isLetter),
                name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            else { return nil }
            return (String(name), String(text[text.index(after: eq)...]))
        }
    }

    /// The words of `text`.
    static func split(_ text: String) throws(Failure) -> [String] {
        try words(text).map(\.text)
    }

    /// The words of `text`, with what the assignment check needs.
    static func words(_ text: String) throws(Failure) -> [Word] {
        let chars = Array(text)
        var words: [Word] = []
        var current = ""
        var inWord = false
        // Characters of `current` before the first quoted or escaped one; nil while all are unquoted.
        var quotedAt: Int?
        var i = 0

        func finishWord() {
            if inWord { words.append(Word(text: current, unquotedPrefix: quotedAt ?? current.count)) }
            current = ""
            inWord = false
            quotedAt = nil
        }
        func markQuoted() {
            if quotedAt == nil { quotedAt = current.count }
            inWord = true
        }

        while i < chars.count {
            let c = chars[i]
            switch c {
            case " ", "\t", "\n", "\r":
                finishWord()
                i += 1
            case "\\":
                guard i + 1 < chars.count else { throw .danglingBackslash }
                if chars[i + 1] == "\n" {
                    i += 2  // line continuation
                    continue
                }
                markQuoted()
                current.append(chars[i + 1])
                i += 2
            case "'":
                markQuoted()
                guard let close = chars[(i + 1)...].firstIndex(of: "'") else {
                    throw .unterminatedQuote(quote: "'", position: i + 1)
                }
                current.append(contentsOf: chars[(i + 1)..<close])
                i = close + 1
            case "\"":
                markQuoted()
                i = try doubleQuoted(chars, openingAt: i, into: &current)
            default:
                if let problem = interpreted(chars, at: i, atWordStart: !inWord) {
                    throw .shellSyntax(what: problem, position: i + 1)
                }
                current.append(c)
                inWord = true
                i += 1
            }
        }
        finishWord()
        return words
    }

    /// Reads `"…"` starting at the opening quote; returns the index just past the closing quote.
    private static func doubleQuoted(
        _ chars: [Character], openingAt open: Int, into current: inout String
    ) throws(Failure) -> Int {
        var i = open + 1
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\"":
                return i + 1
            case "\\":
                guard i + 1 < chars.count else { throw .unterminatedQuote(quote: "\"", position: open + 1) }
                let next = chars[i + 1]
                switch next {
                case "\"", "\\", "$", "`": current.append(next)
                case "\n": break
                default: current.append(contentsOf: [c, next])
                }
                i += 2
            case "$", "`":
                if let problem = interpreted(chars, at: i, atWordStart: false) {
                    throw .shellSyntax(what: problem, position: i + 1)
                }
                current.append(c)
                i += 1
            default:
                current.append(c)
                i += 1
            }
        }
        throw .unterminatedQuote(quote: "\"", position: open + 1)
    }

    /// What a shell would do with the unquoted (or, for `$` and backquote, double-quoted) character at
    /// `i`, when that is more than taking it literally.
    private static func interpreted(_ chars: [Character], at i: Int, atWordStart: Bool) -> String? {
        let c = chars[i]
        switch c {
        case "$":
            guard i + 1 < chars.count else { return nil }
            let next = chars[i + 1]
            if next == "{" { return "a variable reference (${…})" }
            if next == "(" { return "a command substitution ($(…))" }
            if next == "_" || (next.isASCII && (next.isLetter || next.isNumber)) || "@*#?$!-".contains(next) {
                return "a variable reference ($…)"
            }
            return nil
        case "`": return "a command substitution (`…`)"
        case "|", "&", ";", "<", ">", "(", ")": return "the shell operator \"\(c)\""
        case "~" where atWordStart: return "a home-directory reference (~)"
        case "#" where atWordStart: return "a comment (#)"
        default: return nil
        }
    }
}
