/// Turns tool names and prose into search terms: the one place that decides what a "word" is for
/// `search_tools`. Pure and deterministic; it never looks at policy or at which tools exist.
///
/// - Words are runs of letters and digits; everything else separates (`_`, `.`, `__`, `-`, `/`, spaces).
/// - camelCase and PascalCase split at a case change: `listOpenIssues` → list, open, issues;
///   `HTTPServer` → http, server; `oauth2Token` → oauth2, token.
/// - Lower-cased, English stop words and one-character words dropped, then a light suffix stemmer
///   (`refunds` → refund, `creating` / `created` / `create` → creat) so a query and a description
///   meet on the same stem.
enum SearchTokenizer {
    /// At most this many terms are taken from one text (a hostile description cannot cost more).
    static let maxTermsPerText = 2_000

    /// The search terms of `text`, in order, with repeats.
    static func terms(_ text: String, limit: Int = maxTermsPerText) -> [String] {
        var result: [String] = []
        for word in words(text) {
            if result.count >= limit { break }
            guard word.count > 1, !stopWords.contains(word) else { continue }
            result.append(stem(word))
        }
        return result
    }

    /// The lower-cased words of `text` (split on separators and case changes), before stemming.
    static func words(_ text: String) -> [String] {
        var text = text
        if let ascii = text.withUTF8({ $0.allSatisfy { $0 < 0x80 } ? asciiWords($0) : nil }) { return ascii }
        return unicodeWords(Array(text.unicodeScalars.prefix(100_000)))
    }

    /// The common case, on bytes.
    private static func asciiWords(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        func isUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
        func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var words: [String] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        let count = min(bytes.count, 100_000)
        for i in 0..<count {
            let b = bytes[i]
            guard isUpper(b) || isLower(b) || isDigit(b) else {
                flush()
                continue
            }
            if isUpper(b), !current.isEmpty {
                let previous = bytes[i - 1]
                let nextIsLower = i + 1 < count && isLower(bytes[i + 1])
                // aB → a|B; ABc → A|Bc (the last capital of a run starts the next word).
                if isLower(previous) || isDigit(previous) || (isUpper(previous) && nextIsLower) { flush() }
            }
            current.append(isUpper(b) ? b + 0x20 : b)
        }
        flush()
        return words
    }

    /// Any text, on Unicode scalars (letters and numbers of every script).
    private static func unicodeWords(_ scalars: [Unicode.Scalar]) -> [String] {
        func isWordScalar(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }
        func isUpper(_ s: Unicode.Scalar) -> Bool { s.properties.isUppercase }
        func isLower(_ s: Unicode.Scalar) -> Bool { s.properties.isLowercase }
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty { words.append(String(current).lowercased()) }
            current = String.UnicodeScalarView()
        }
        for (i, s) in scalars.enumerated() {
            guard isWordScalar(s) else {
                flush()
                continue
            }
            if isUpper(s), let previous = current.last {
                let nextIsLower = i + 1 < scalars.count && isLower(scalars[i + 1])
                if isLower(previous) || previous.properties.numericType != nil || (isUpper(previous) && nextIsLower) {
                    flush()
                }
            }
            current.append(s)
        }
        flush()
        return words
    }

    /// A light English stemmer: plural and `-ing` / `-ed` endings, then a final `e`, then a doubled
    /// final consonant. Applied alike to indexed text and queries, so only consistency matters.
    static func stem(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy({ $0.isASCII && $0.isLetter }) else { return word }
        var w = Array(word.utf8)
        func ends(_ suffix: String) -> Bool {
            w.count > suffix.utf8.count && w.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }
        func drop(_ n: Int) { w.removeLast(n) }
        func hasVowel(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.contains { "aeiouy".utf8.contains($0) } }

        if ends("ies"), w.count > 4 {
            drop(3)
            w.append(UInt8(ascii: "y"))
        } else if ends("sses") {
            drop(2)
        } else if ends("ches") || ends("shes") || ends("xes") || ends("zes") {
            drop(2)
        } else if ends("s"), !ends("ss"), !ends("us"), !ends("is") {
            drop(1)
        }
        var strippedVerbEnding = false
        if ends("ing"), w.count >= 6, hasVowel(w.dropLast(3)) {
            drop(3)
            strippedVerbEnding = true
        } else if ends("ed"), w.count >= 6, hasVowel(w.dropLast(2)) {
            drop(2)
            strippedVerbEnding = true
        }
        if ends("e"), w.count > 4 { drop(1) }
        if strippedVerbEnding, w.count >= 3, w[w.count - 1] == w[w.count - 2],
            !"aeiouylsz".utf8.contains(w[w.count - 1])
        {
            drop(1)
        }
        return String(decoding: w, as: UTF8.self)
    }

    /// Words too common to tell tools apart, as they appear in queries and descriptions.
    static let stopWords: Set<String> = [
        "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from",
        "given", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or",
        "our", "please", "should", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
        "this", "those", "to", "us", "want", "was", "we", "what", "when", "which", "will", "with", "would", "you",
        "your",
    ]
}
