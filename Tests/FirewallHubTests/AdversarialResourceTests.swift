import MCPWire
import Testing

@testable import FirewallHub

/// Hostile resource templates (a target writes them) and URIs (the client writes them): routing stays
/// linear and bounded, and a resource policy judges the URI the target will read, however it is spelt.
@Suite struct AdversarialResourceTests {
    /// The template of the review: nine adjacent expressions made the old backtracking matcher take
    /// O(n^9) steps (15 s for a 45-byte URI in a release build).
    static let nineExpressions = "t://{a}{b}{c}{d}{e}{f}{g}{h}{i}!"

    @Test func adjacentExpressionsMatchInStepsLinearInTheURI() throws {
        let template = try #require(URITemplate(Self.nineExpressions))
        for length in [45, 1_000, 60_000] {
            let body = String(repeating: "x", count: length)
            // Ends like the template, so the cheap prefix/suffix checks pass and the full walk runs.
            for (uri, expected) in [("t://" + body + "!", true), ("t://" + body + "?!", false)] {
                // Eleven parts ("t://", nine expressions, "!"): at most one pass over the URI each.
                let linear = (uri.utf8.count + 1) * 11
                var budget = linear
                #expect(template.matches(uri, budget: &budget) == expected, "length \(length)")
            }
        }
    }

    @Test func aBudgetTooSmallAnswersNilAndSpendsNothing() throws {
        let template = try #require(URITemplate("t://{a}/{b}"))
        var budget = 5
        #expect(template.matches("t://x/y", budget: &budget) == nil)
        #expect(budget == 5)
    }

    /// The linear matcher agrees with plain backtracking (the old definition) on small random cases.
    @Test func linearMatchingAgreesWithBacktracking() throws {
        var generator = SeededGenerator(seed: 0x5EC0_0005)
        let templateAlphabet = ["a", "b", "/", "?", "{x}", "{+x}", "{/x}", "{?x}", "ab", "#"]
        let uriAlphabet: [Character] = ["a", "b", "/", "?", "#"]
        for _ in 0..<4_000 {
            let template = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                templateAlphabet.randomElement(using: &generator)!
            }.joined()
            let uri = String(
                (0..<Int.random(in: 0...9, using: &generator)).map { _ in
                    uriAlphabet.randomElement(using: &generator)!
                })
            let parsed = try #require(URITemplate(template))
            #expect(parsed.matches(uri) == ReferenceTemplate(template).matches(uri), "\(template) vs \(uri)")
        }
    }

    @Test func oversizedTemplatesAreNotOfferedAndSaySo() {
        let long = "t://" + String(repeating: "a", count: URITemplate.maxBytes)
        let many = "t://" + String(repeating: "{x}", count: URITemplate.maxExpressions + 1)
        let fine = "t://" + String(repeating: "{x}/", count: URITemplate.maxExpressions)
        let map = ResourceMap(servers: [
            ("s", [], [["uriTemplate": .string(long)], ["uriTemplate": .string(many)], ["uriTemplate": .string(fine)]])
        ])
        #expect(map.templates.compactMap { $0["uriTemplate"]?.stringValue } == [fine])
        #expect(map.skipped.count == 2)
        #expect(map.skipped[0].reason.contains("\(URITemplate.maxBytes + 4) bytes long"))
        #expect(map.skipped[1].reason.contains("\(URITemplate.maxExpressions + 1) expressions"))
    }

    @Test func routingAURIIsBoundedWhateverTheTemplates() throws {
        let worst = "t://" + String(repeating: "{x}", count: URITemplate.maxExpressions) + "!"
        let templates: [JSONObject] = Array(repeating: ["uriTemplate": .string(worst)], count: 200)
        let map = ResourceMap(servers: [("hostile", [], templates)])
        let tooLong = "t://" + String(repeating: "x", count: ResourceMap.maxURIBytes)
        #expect(throws: ResourceMap.Refusal.uriTooLong(bytes: tooLong.utf8.count)) { try map.route(tooLong) }
        // Every template does the full walk and fails at the last byte: the budget runs out first.
        let expensive = "t://" + String(repeating: "x", count: 60_000) + "?!"
        #expect(throws: ResourceMap.Refusal.tooMuchMatching) { try map.route(expensive) }
        // A server's own URI over the limit is not offered either.
        let listed = ResourceMap(servers: [("s", [["uri": .string(tooLong), "name": "r"], ["uri": "s://ok"]], [])])
        #expect(listed.resources.compactMap { $0["uri"]?.stringValue } == ["s://ok"])
        #expect(listed.skipped.first?.reason.contains("\(tooLong.utf8.count)-byte URI") == true)
    }

    /// The `mcp-firewall-hub://<server>/` prefix used to send any URI to any server: now only URIs
    /// that server lists or that match its own templates.
    @Test func theDisambiguationPrefixReachesOnlyWhatThatServerOffers() throws {
        let map = ResourceMap(servers: [
            ("a", [["uri": "mem://x", "name": "x"]], [["uriTemplate": "notes://{id}"]]),
            (
                "srv", [["uri": "mem://x", "name": "x"], ["uri": "srv://own", "name": "own"]],
                [["uriTemplate": "db://{t}"]]
            ),
        ])
        #expect(try map.route("mcp-firewall-hub://srv/mem://x")?.server == "srv")
        #expect(try map.route("mcp-firewall-hub://srv/srv://own")?.uri == "srv://own")
        #expect(try map.route("mcp-firewall-hub://srv/db://users")?.uri == "db://users")
        #expect(try map.route("mcp-firewall-hub://srv/SECRET://x") == nil)
        #expect(try map.route("mcp-firewall-hub://srv/notes://1") == nil)  // a's template, not srv's
        #expect(try map.route("mcp-firewall-hub://a/notes://1")?.server == "a")
    }

    @Test func denyGlobsCatchEveryReadingOfTheURI() {
        let policy = ResourcePolicy(deny: [ToolGlob("secret://*"), ToolGlob("file:///etc/*")], path: "p")
        for uri in [
            "secret://x", "SECRET://x", "Secret://x", "secret://%6Bey", "file:///etc/passwd", "FILE:///etc/passwd",
            "file:///tmp/../etc/passwd", "file:///tmp/%2e%2e/etc/passwd", "file:///tmp/..%2Fetc/passwd",
            "file:////etc/passwd", "file:///tmp/..\\..\\etc/passwd", "file:///./etc/shadow", "file:///ETC/passwd",
        ] {
            #expect(!policy.decide(uri: uri).allowed, "\(uri)")
        }
        #expect(policy.decide(uri: "file:///tmp/x").allowed)
        #expect(policy.decide(uri: "notes://secret://x").allowed)
    }

    @Test func allowGlobsMustHoldForEveryReading() {
        let policy = ResourcePolicy(allow: [ToolGlob("file:///home/me/*")], defaultAction: .deny, path: "p")
        #expect(policy.decide(uri: "file:///home/me/notes.txt").allowed)
        for uri in [
            "file:///home/me/../../etc/passwd", "file:///home/me/%2e%2e/%2e%2e/etc/passwd",
            "file:///home/me/..%2F..%2Fetc/passwd", "file:///home/me/..\\..\\etc\\passwd",
        ] {
            #expect(!policy.decide(uri: uri).allowed, "\(uri)")
        }
    }

    @Test func readingsFollowRFC3986() {
        #expect(
            URIReadings.of("HTTP://Example.COM/a/./b/../c?q=%7e#f") == [
                "HTTP://Example.COM/a/./b/../c?q=%7e#f", "http://example.com/a/c?q=~#f",
            ])
        #expect(URIReadings.of("notes://note/groceries") == ["notes://note/groceries"])
        #expect(URIReadings.of("file:///a/..%2Fb") == ["file:///a/..%2Fb", "file:///a/..%2Fb", "file:///b"].uniqued())
        #expect(URIReadings.of("x:%41/..").count >= 2)
    }
}

extension Array where Element: Equatable {
    fileprivate func uniqued() -> [Element] {
        var out: [Element] = []
        for element in self where !out.contains(element) { out.append(element) }
        return out
    }
}

/// The old matcher, kept as the definition the linear one must agree with: backtracking over the
/// template's parts (exponential in adjacent expressions, so only for small inputs).
private struct ReferenceTemplate {
    enum Part {
        case literal([UInt8])
        case variable(spansSlashes: Bool)
    }

    let parts: [Part]

    init(_ template: String) {
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

    func matches(_ uri: String) -> Bool { Self.match(parts[...], Array(uri.utf8)[...]) }

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
