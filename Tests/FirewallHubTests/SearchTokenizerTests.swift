import Testing

@testable import FirewallHub

@Suite struct SearchTokenizerTests {
    @Test(arguments: [
        ("list_open_issues", ["list", "open", "issues"]),
        ("listOpenIssues", ["list", "open", "issues"]),
        ("ListOpenIssues", ["list", "open", "issues"]),
        ("github.list_issues", ["github", "list", "issues"]),
        ("github__list_issues", ["github", "list", "issues"]),
        ("HTTPServer", ["http", "server"]),
        ("getV2Users", ["get", "v2", "users"]),
        ("oauth2Token", ["oauth2", "token"]),
        ("send-email/now", ["send", "email", "now"]),
        ("Größe_ändern", ["größe", "ändern"]),
        ("", []),
    ])
    func words(text: String, expected: [String]) {
        #expect(SearchTokenizer.words(text) == expected)
    }

    @Test(arguments: [
        ("refunds", "refund"), ("entries", "entry"), ("searches", "search"), ("processes", "process"),
        ("status", "status"), ("creating", "creat"), ("created", "creat"), ("create", "creat"), ("creates", "creat"),
        ("running", "run"), ("getting", "get"), ("pulling", "pull"), ("string", "string"), ("notes", "note"),
        ("note", "note"), ("issues", "issu"), ("issue", "issu"), ("v2", "v2"),
    ])
    func stems(word: String, expected: String) {
        #expect(SearchTokenizer.stem(word) == expected)
    }

    @Test func termsDropStopWordsAndSingleLetters() {
        #expect(SearchTokenizer.terms("Send a message to the Slack channel") == ["send", "messag", "slack", "channel"])
        #expect(SearchTokenizer.terms("x y z") == [])
    }

    @Test func termsAreCapped() {
        let text = Array(repeating: "word", count: 5_000).joined(separator: " ")
        #expect(SearchTokenizer.terms(text).count == SearchTokenizer.maxTermsPerText)
        #expect(SearchTokenizer.terms(text, limit: 3).count == 3)
    }

    @Test func oneLineDescription() {
        #expect(
            SearchDocument.oneLine("Refund a charge, fully or partly. Returns the refund.")
                == "Refund a charge, fully or partly.")
        #expect(SearchDocument.oneLine("\n\nFirst line\nsecond line") == "First line")
        #expect(SearchDocument.oneLine(nil) == "")
        let long = String(repeating: "a", count: 300)
        #expect(SearchDocument.oneLine(long).count == 160)
    }
}
