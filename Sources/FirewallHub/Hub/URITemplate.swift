/// Matching URIs against RFC 6570 templates, enough to route `resources/read` to the server whose
/// `resources/templates/list` offers the template.
///
/// `{var}` (and `{?var}`, `{&var}`, `{#var}`, `{.var}`, `{;var}`) match one or more characters other
/// than `/`, `?` and `#`; `{+var}` and `{/var}` also match `/`. Everything else is literal. Matching is
/// linear-time backtracking over the few expressions a template has.
struct URITemplate: Sendable, Equatable {
    private enum Part: Equatable {
        case literal([UInt8])
        case variable(spansSlashes: Bool)
    }

    let template: String
    private let parts: [Part]

    init(_ template: String) {
        self.template = template
        var parts: [Part] = []
        var literal: [UInt8] = []
        var bytes = Array(template.utf8)[...]
        while let b = bytes.first {
            if b == UInt8(ascii: "{"), let close = bytes.firstIndex(of: UInt8(ascii: "}")) {
                if !literal.isEmpty {
                    parts.append(.literal(literal))
                    literal = []
                }
                let op = bytes.dropFirst().first
                parts.append(.variable(spansSlashes: op == UInt8(ascii: "+") || op == UInt8(ascii: "/")))
                bytes = bytes[(close + 1)...]
            } else {
                literal.append(b)
                bytes = bytes.dropFirst()
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
    }

    func matches(_ uri: String) -> Bool {
        Self.match(parts[...], Array(uri.utf8)[...])
    }

    private static func match(_ parts: ArraySlice<Part>, _ text: ArraySlice<UInt8>) -> Bool {
        guard let part = parts.first else { return text.isEmpty }
        switch part {
        case .literal(let bytes):
            guard text.starts(with: bytes) else { return false }
            return match(parts.dropFirst(), text.dropFirst(bytes.count))
        case .variable(let spansSlashes):
            var end = text.startIndex
            while end < text.endIndex {
                let b = text[end]
                if b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
                if b == UInt8(ascii: "/") && !spansSlashes { break }
                end += 1
                if match(parts.dropFirst(), text[end...]) { return true }
            }
            return false
        }
    }
}
