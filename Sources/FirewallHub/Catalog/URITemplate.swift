/// Owns: matching a URI against one RFC 6570 template, in linear time.
/// Never: backtracks, or accepts a template over its size limits.
///
/// Matching URIs against RFC 6570 templates, enough to route `resources/read` to the server whose
/// `resources/templates/list` offers the template.
///
/// `{var}` (and `{?var}`, `{&var}`, `{#var}`, `{.var}`, `{;var}`) match one or more characters other
/// than `/`, `?` and `#`; `{+var}` and `{/var}` also match `/`. Everything else is literal.
///
/// Both sides are untrusted (a target writes the template, the client the URI), so matching is linear:
/// the set of URI positions each part of the template can end at is computed part by part (one pass
/// over the URI per part: a KMP scan for a literal, a run scan for an expression), never by
/// backtracking. A caller passes a step budget, so it can bound the work one message may cause. Templates over `maxBytes` or with more than `maxExpressions` expressions
/// are refused (`init` returns nil): no real template comes near either.
struct URITemplate: Sendable, Equatable {
    static let maxBytes = 1024
    static let maxExpressions = 32

    private enum Part: Equatable {
        /// The literal's bytes and its KMP failure table.
        case literal([UInt8], failure: [Int])
        case variable(spansSlashes: Bool)
    }

    let template: String
    private let parts: [Part]
    /// The fewest bytes a matching URI has (every literal, and one byte per expression).
    private let minimumLength: Int

    /// Why a template is not used for routing.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case tooLong(bytes: Int)
        case tooManyExpressions(Int)

        var description: String {
            switch self {
            case .tooLong(let bytes):
                "it is \(bytes) bytes long (the hub routes by templates of up to \(URITemplate.maxBytes) bytes)"
            case .tooManyExpressions(let count):
                "it has \(count) expressions (the hub routes by templates with up to \(URITemplate.maxExpressions))"
            }
        }
    }

    /// The template, or nil when it is refused (see `parse`).
    init?(_ template: String) {
        guard case .success(let parsed) = Self.parse(template) else { return nil }
        self = parsed
    }

    /// The template, or why it is refused.
    static func parse(_ template: String) -> Result<URITemplate, Refusal> {
        let bytes = Array(template.utf8)
        if bytes.count > maxBytes { return .failure(.tooLong(bytes: bytes.count)) }
        var parts: [Part] = []
        var literal: [UInt8] = []
        var expressions = 0
        var rest = bytes[...]
        func flushLiteral() {
            guard !literal.isEmpty else { return }
            parts.append(.literal(literal, failure: failureTable(literal)))
            literal = []
        }
        while let b = rest.first {
            if b == UInt8(ascii: "{"), let close = rest.firstIndex(of: UInt8(ascii: "}")) {
                flushLiteral()
                let op = rest.dropFirst().first
                parts.append(.variable(spansSlashes: op == UInt8(ascii: "+") || op == UInt8(ascii: "/")))
                expressions += 1
                rest = rest[(close + 1)...]
            } else {
                literal.append(b)
                rest = rest.dropFirst()
            }
        }
        flushLiteral()
        if expressions > maxExpressions { return .failure(.tooManyExpressions(expressions)) }
        return .success(URITemplate(template: template, parts: parts))
    }

    private init(template: String, parts: [Part]) {
        self.template = template
        self.parts = parts
        minimumLength = parts.reduce(0) { total, part in
            if case .literal(let bytes, _) = part { return total + bytes.count }
            return total + 1
        }
    }

    func matches(_ uri: String) -> Bool {
        var budget = Int.max
        return matches(uri, budget: &budget) ?? false
    }

    /// Whether `uri` matches, spending at most `budget` steps (one step per URI byte per template
    /// part, taken from `budget`); nil, with `budget` untouched, when that is not enough.
    func matches(_ uri: String, budget: inout Int) -> Bool? {
        var uri = uri
        return uri.withUTF8 { matches(bytes: $0, budget: &budget) }
    }

    private func matches(bytes text: UnsafeBufferPointer<UInt8>, budget: inout Int) -> Bool? {
        let n = text.count
        if parts.isEmpty { return n == 0 }
        guard n >= minimumLength else { return false }  // so n >= 1 from here on
        // Cheap refusals first: a literal the template starts or ends with must start or end the URI.
        if case .literal(let first, _)? = parts.first, !text.starts(with: first) { return false }
        if case .literal(let last, _)? = parts.last, !text.suffix(last.count).elementsEqual(last) { return false }
        let cost = (n + 1) * parts.count
        guard cost <= budget else { return nil }
        budget -= cost
        // reachable[p]: the parts so far can match exactly text[0..<p].
        var reachable = [Bool](repeating: false, count: n + 1)
        var next = [Bool](repeating: false, count: n + 1)
        reachable[0] = true
        for part in parts {
            for i in 0...n { next[i] = false }
            var any = false
            switch part {
            case .literal(let literal, let failure):
                // KMP over the whole text: every occurrence ending at `end` extends a match at its start.
                var matched = 0
                for end in 1...n {
                    let b = text[end - 1]
                    while matched > 0 && literal[matched] != b { matched = failure[matched - 1] }
                    if literal[matched] == b { matched += 1 }
                    if matched == literal.count {
                        if reachable[end - literal.count] {
                            next[end] = true
                            any = true
                        }
                        matched = failure[matched - 1]
                    }
                }
            case .variable(let spansSlashes):
                // next[q]: some reachable p < q with text[p..<q] all allowed in an expression.
                var run = false
                for q in 1...n {
                    let b = text[q - 1]
                    let allowed =
                        b != UInt8(ascii: "?") && b != UInt8(ascii: "#") && (spansSlashes || b != UInt8(ascii: "/"))
                    run = allowed && (run || reachable[q - 1])
                    if run {
                        next[q] = true
                        any = true
                    }
                }
            }
            if !any { return false }
            swap(&reachable, &next)
        }
        return reachable[n]
    }

    /// KMP failure table: `table[i]` is the length of the longest proper prefix of `pattern[...i]`
    /// that is also its suffix.
    private static func failureTable(_ pattern: [UInt8]) -> [Int] {
        var table = [Int](repeating: 0, count: pattern.count)
        var k = 0
        guard pattern.count > 1 else { return table }
        for i in 1..<pattern.count {
            while k > 0 && pattern[k] != pattern[i] { k = table[k - 1] }
            if pattern[k] == pattern[i] { k += 1 }
            table[i] = k
        }
        return table
    }

    static func == (lhs: URITemplate, rhs: URITemplate) -> Bool { lhs.template == rhs.template }
}
