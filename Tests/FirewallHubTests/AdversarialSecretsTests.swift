import MCPWire
import Testing

@testable import FirewallHub

/// Issue 14 item 10, secrets: a `${VAR}` value expanded into a server's entry is shown as its reference
/// in whatever the hub says about the server.
@Suite struct AdversarialSecretsTests {
    static let token = "sk_live_51HxSECRETsecret"
    static let directory = "/srv/tenant-7f3a9c"

    private func server() throws -> ServerConfig {
        let text = #"""
            {"servers": {"s": {
                "command": "${DIR}/bin/${TOKEN}", "args": ["--token", "${TOKEN}", "${SHORT}", "${UNSET:-fallback-value}"],
                "env": {"API_KEY": "${TOKEN}"}, "cwd": "${DIR}/work"}}}
            """#
        let environment = ["TOKEN": Self.token, "DIR": Self.directory, "SHORT": "info"]
        let config = try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: environment)
        return config.servers[0]
    }

    @Test func spawnErrorsShowTheReferenceNotTheValue() throws {
        let server = try server()
        #expect(server.command == "\(Self.directory)/bin/\(Self.token)")
        let errors: [SpawnError] = [
            .executableNotFound(command: server.command, searchedPath: ""),
            .executableNotFound(command: "srv", searchedPath: "\(Self.directory)/bin:/usr/bin"),
            .notExecutable(server.command),
            .workingDirectoryMissing(server.cwd ?? ""),
            .interpreterNotFound(script: server.command, interpreter: "/usr/bin/python9"),
            .spawnFailed(command: server.command, errno: 13),
        ]
        for error in errors {
            let shown = server.redacted("could not start: \(error)")
            #expect(!shown.contains(Self.token) && !shown.contains(Self.directory), "\(shown)")
            #expect(shown.contains("${DIR}"), "\(shown)")
        }
        #expect(
            server.redacted("command '\(server.command)' does not exist")
                == "command '${DIR}/bin/${TOKEN}' does not exist")
    }

    @Test func theConfigsOwnDescriptionsHideTheValues() throws {
        let server = try server()
        for text in [server.description, server.debugDescription, "\(server)", String(reflecting: server)] {
            #expect(!text.contains(Self.token) && !text.contains(Self.directory), "\(text)")
        }
        var dumped = ""
        dump(server, to: &dumped)
        #expect(!dumped.contains(Self.token) && !dumped.contains(Self.directory))
    }

    /// Only values from the environment are hidden, and only those long enough to be worth hiding.
    @Test func defaultsAndShortValuesAreLeftAlone() throws {
        let server = try server()
        #expect(server.redacted("level info, fallback-value") == "level info, fallback-value")
        #expect(server.secrets.redacted(Array("key=\(Self.token)!".utf8)) == Array("key=${TOKEN}!".utf8))
    }

    @Test func redactionIsOnePassLongestFirst() {
        var secrets = ExpandedSecrets()
        secrets.record(variable: "A", value: "abcdef")
        secrets.record(variable: "B", value: "abcdefgh")
        secrets.record(variable: "C", value: "{A}xyz")  // a value that looks like part of a placeholder
        #expect(secrets.redacted("abcdefgh abcdef ${A}xyz") == "${B} ${A} $${C}")
    }
}
