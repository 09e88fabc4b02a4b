import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        // Invisible characters a server could hide text in: soft hyphen, variation selectors, tag
        // characters (an invisible copy of ASCII) and the variation selectors supplement.
        #expect(
            visible("a\u{AD}b\u{FE0F}c\u{E0041}\u{E007F}d\u{E0100}")
                == #"a\u{ad}b\u{fe0f}c\u{e0041}\u{e007f}d\u{e0100}"#)
        #expect(visible("\u{E000}\u{F3A0}\u{FE10}") == "\u{E000}\u{F3A0}\u{FE10}")
    }

    @Test func excerptsAreOneVisibleLine() {
        #expect(HubLog.excerpt(Array("a\nb\rc".utf8)) == #"a\x0ab\x0dc"#)
        #expect(HubLog.excerpt(Array(repeating: 0x61, count: 300), limit: 10) == "aaaaaaaaaa… (300 bytes)")
    }

    /// Every line the log writes hides `${VAR}` values, whoever built the message (F5): the hub's own
    /// lines quoting a target's bytes, debug lines, and forwarded stderr.
    @Test func everyLineHidesExpandedSecrets() {
        let secret = "sk_live_SuperSecretToken123"
        var secrets = ExpandedSecrets()
        secrets.record(variable: "MY_TOKEN", value: secret)
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        let writer = FDWriter(fd: fds[1], closeOnFinish: true)
        let log = HubLog(writer: writer, verbose: true).redacting(secrets)
        log.server(
            "leak", "ignored a stdout line that is not a JSON-RPC message: " + HubLog.excerpt(Array("x \(secret)".utf8))
        )
        log.server("leak", "ignored an answer to id \"\(secret)\", which is not pending")
        log.debug("[leak] ignored notification notifications/weird\(secret)")
        log.warning(secret)
        log.targetStderr(server: "leak", line: Array("token=\(secret)\r".utf8))
        writer.finish()
        #expect(writer.waitUntilStopped(timeout: .seconds(60)))
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        close(fds[0])
        let text = String(decoding: output, as: UTF8.self)
        #expect(!text.contains("sk_live"), "\(text)")
        #expect(text.components(separatedBy: "${MY_TOKEN}").count == 6, "\(text)")
    }
}
