import Testing

@testable import FirewallHub

/// What a target writes on stderr reaches the hub's stderr visibly, never as terminal control.
@Suite struct HubLogTests {
    private func visible(_ text: String) -> String {
        var out: [UInt8] = []
        HubLog.appendVisible(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func controlCharactersAreShownNotObeyed() {
        #expect(visible("ok\rmcp-firewall-hub: approved") == #"ok\x0dmcp-firewall-hub: approved"#)
        #expect(visible("\u{1B}[2K\u{1B}[1Afake") == #"\x1b[2K\x1b[1Afake"#)
        #expect(visible("a\tb\u{7F}c\u{85}d\u{9B}e") == "a\tb\\x7fc\\x85d\\x9be")
        #expect(visible("é ’ 😀 plain") == "é ’ 😀 plain")
        #expect(visible("to\u{202E}tnuocca\u{2028}x\u{2066}") == #"to\u{202e}tnuocca\u{2028}x\u{2066}"#)
    }

    @Test func excerptsAreOneVisibleLine() {
        #expect(HubLog.excerpt(Array("a\nb\rc".utf8)) == #"a\x0ab\x0dc"#)
        #expect(HubLog.excerpt(Array(repeating: 0x61, count: 300), limit: 10) == "aaaaaaaaaa… (300 bytes)")
    }
}
