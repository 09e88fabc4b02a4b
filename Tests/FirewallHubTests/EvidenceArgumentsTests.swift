import Testing

@testable import FirewallHub

/// The command lines of `audit`, `pins` and `serve --audit`.
@Suite struct EvidenceArgumentsTests {
    @Test func auditCommandsParse() throws {
        #expect(
            try CLIParser.parse(["audit", "verify", "a.jsonl.1", "a.jsonl"])
                == .audit(AuditRequest(action: .verify, files: ["a.jsonl.1", "a.jsonl"])))
        #expect(
            try CLIParser.parse(["audit", "tail", "-n", "3", "--json", "f"])
                == .audit(AuditRequest(action: .tail(count: 3), files: ["f"], json: true)))
        var common = CommonOptions()
        common.configPath = "hub.json"
        #expect(
            try CLIParser.parse(["audit", "show", "--server", "pay", "--tool=get_*", "--since", "2h", "-c", "hub.json"])
                == .audit(
                    AuditRequest(
                        action: .show(AuditFilter(server: "pay", tool: "get_*", since: "2h")), common: common)))
        #expect(try CLIParser.parse(["audit", "--help"]) == .help(topic: "audit"))
        #expect(throws: CLIError.unknownSubcommand(nil, command: "audit", choices: ["verify", "tail", "show"])) {
            try CLIParser.parse(["audit"])
        }
        #expect(throws: CLIError.unknownOption("--server", command: "audit verify")) {
            try CLIParser.parse(["audit", "verify", "--server", "x"])
        }
        #expect(throws: CLIError.unexpectedArgument("b", command: "audit tail")) {
            try CLIParser.parse(["audit", "tail", "a", "b"])
        }
    }

    @Test func pinsCommandsParse() throws {
        #expect(
            try CLIParser.parse(["pins", "diff", "payments.refund", "--offline"])
                == .pins(
                    PinsRequest(
                        action: .diff, selection: PinSelection(server: "payments", tool: "refund"), offline: true)))
        #expect(try CLIParser.parse(["pins", "list"]) == .pins(PinsRequest(action: .list)))
        #expect(
            try CLIParser.parse(["pins", "accept", "payments", "--yes"])
                == .pins(PinsRequest(action: .accept, selection: PinSelection(server: "payments"), yes: true)))
        #expect(PinSelection(parsing: "a.b.c") == PinSelection(server: "a", tool: "b.c"))
        #expect(PinSelection(parsing: ".b") == nil)
        #expect(PinSelection(parsing: "a.") == nil)
        #expect(throws: CLIError.self) { try CLIParser.parse(["pins", "accept"]) }
        #expect(throws: CLIError.unknownOption("--offline", command: "pins accept")) {
            try CLIParser.parse(["pins", "accept", "a", "--offline"])
        }
    }

    @Test func serveTakesAnAuditPath() throws {
        var common = CommonOptions()
        common.auditPath = "/var/log/hub.jsonl"
        #expect(try CLIParser.parse(["serve", "--audit", "/var/log/hub.jsonl"]) == .serve(common))
        var config = HubConfig(
            filePath: "/etc/hub.json", servers: [], disabledServers: [], defaults: nil, approval: ApprovalConfig(),
            naming: NamingConfig(), timeouts: TimeoutConfig())
        ServeAudit.apply(auditPath: "/tmp/a.jsonl", to: &config)
        #expect(config.audit?.path == "/tmp/a.jsonl")
        config.audit?.keep = 3
        ServeAudit.apply(auditPath: "/tmp/b.jsonl", to: &config)
        #expect(config.audit?.path == "/tmp/b.jsonl")
        #expect(config.audit?.keep == 3, "--audit replaces only the path")
    }
}
