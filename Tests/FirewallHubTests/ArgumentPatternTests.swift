import Testing

@testable import FirewallHub

/// Argument regexes keep ICU's matching rules on Swift's `Regex` (see README, Policy).
@Suite struct ArgumentPatternTests {
    private func finds(_ pattern: String, _ text: String) throws -> Bool {
        try ArgumentPattern.compile(pattern).get().finds(in: text)
    }

    @Test func unanchored() throws {
        #expect(try finds("drop", "please drop table x"))
        #expect(try !finds("^drop", "please drop table x"))
        #expect(try finds(#"(?i)\b(drop|truncate)\b"#, "DROP TABLE"))
        #expect(try !finds(#"(?i)\b(drop|truncate)\b"#, "dropped"))
    }

    /// ICU's `$` also matches before a line break that ends the value; `\z` does not.
    @Test func dollarBeforeAFinalLineBreak() throws {
        for text in ["true", "true\n", "true\r\n", "true\r", "true\u{2028}"] {
            #expect(try finds("^true$", text), "\(text.debugDescription)")
        }
        #expect(try !finds("^true$", "true\n\n"))
        #expect(try !finds("^true$", "true\nx"))
        #expect(try !finds(#"^true\z"#, "true\n"))
        #expect(try finds(#"^[0-9]{4,}$"#, "12345\n"))
    }

    /// Matching is on Unicode scalars, as in ICU: a decomposed é holds an `e`, and `.` is one scalar.
    @Test func unicodeScalars() throws {
        #expect(try finds("e", "cafe\u{301}"))
        #expect(try finds("^..$", "e\u{301}"))
        #expect(try finds("^[a-z]+$", "e\u{301}") == false)
        #expect(try finds(#"\bcaf"#, "un café"))
    }

    @Test func unsupportedSyntaxIsRefused() {
        for source in ["(?<!x)y", "(?<=x)y", "(drop", "[z-a]"] {
            guard case .failure(let invalid) = ArgumentPattern.compile(source) else {
                Issue.record("\(source) compiled")
                continue
            }
            #expect(!invalid.reason.isEmpty)
        }
    }

    @Test func usableFromManyThreadsAtOnce() async throws {
        let pattern = try ArgumentPattern.compile(#"(?i)^sel(ect)?\s+\w+$"#).get()
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask { pattern.finds(in: i.isMultiple(of: 2) ? "SELECT x\n" : "delete x") }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.filter { $0 }.count == 32)
    }

    /// Swift's scalar mode never finds `\b` beside a digit, so a deny rule like `\b\d{16}\b` silently never
    /// fired. Deny and approve rules now match when either reading does; allow rules only when both do.
    @Test(arguments: [
        (#"\b\d+\b"#, "id 42 x"), (#"\btable1\b"#, "drop table1;"), (#"o1\b"#, "o1 "),
        (#"(?i)\b4111\b"#, "card 4111 1111"), (#"\bdrop\b"#, "x'drop y"), (#"\bdrop\b"#, "x:drop y"),
    ])
    func wordBoundariesBesideDigitsAreFound(_ source: String, _ text: String) throws {
        let pattern = try ArgumentPattern.compile(source).get()
        #expect(pattern.finds(in: text), "\(source) in \(text)")
    }

    @Test func anAllowRuleNeedsBothReadings() throws {
        let digits = try ArgumentPattern.compile(#"^\d+\b"#).get()
        #expect(digits.finds(in: "42 rows"))
        #expect(!digits.finds(in: "42 rows", strictly: true))
        let plain = try ArgumentPattern.compile(#"(?i)^\s*select\b"#).get()
        #expect(plain.finds(in: "select 1", strictly: true))
        #expect(!plain.finds(in: "delete 1", strictly: true) && !plain.finds(in: "delete 1"))
    }
}
