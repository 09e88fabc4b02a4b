import Foundation
import HubTestSupport
import MCPWire
import Testing

/// The audit trail `serve` writes while an agent works: a record per decision (before the call goes
/// anywhere), per human answer and per outcome, that `audit verify` accepts; and a fail-closed trail
/// that cannot record a call refuses it.
@Suite struct AuditServeTests {
    private func records(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONParser.parse(String($0))
        }
    }

    private func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String) {
        let process = try MCPProcess.launch(Binaries.url("mcp-firewall-hub"), arguments: arguments)
        defer { process.terminate() }
        process.closeStdin()
        let status = try await process.waitForExit(timeout: .seconds(60))
        return (status, process.stdoutLines.joined(separator: "\n"))
    }

    private func callTool(_ hub: MCPProcess, _ name: String, _ arguments: JSONObject) async throws -> JSONValue {
        try await hub.call("tools/call", params: ["name": .string(name), "arguments": .object(arguments)])
    }

    @Test func decisionsApprovalsAndOutcomesAreRecordedInAChainVerifyAccepts() async throws {
        let fixture = try HubFixture.standard()
        let trail = fixture.directory.path + "/audit.jsonl"
        let hub = try fixture.launchHub(arguments: ["serve", "--config", fixture.configURL.path, "--audit", trail])
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()

        let balance = try await callTool(hub, "payments.get_balance", [:])
        #expect(!balance.isToolError, "\(balance)")
        let denied = try await callTool(hub, "payments.delete_customer", ["customer": "cus_1"])
        #expect(denied.isToolError)
        let held = try await callTool(hub, "payments.refund", ["charge_id": "ch_1", "amount": 500, "api_key": "sk_x"])
        let code = try #require(approvalCode(in: held.firstText ?? ""), "\(held)")
        let approved = try await callTool(hub, "firewall_confirm", ["otp": .string(code)])
        #expect(!approved.isToolError, "\(approved)")
        hub.closeStdin()
        _ = try await hub.waitForExit(timeout: .seconds(30))

        let all = try records(trail)
        let kinds = all.compactMap { $0["kind"]?.stringValue }
        #expect(kinds.first == "session_start" && kinds.last == "session_end", "\(kinds)")
        #expect(kinds.contains("client"))
        let decisions = all.filter { $0["kind"] == "decision" }
        #expect(
            decisions.map {
                "\($0["name"]?.stringValue ?? "") \($0["decision"]?.stringValue ?? "") \($0["effect"]?.stringValue ?? "")"
            }
                == [
                    "payments.get_balance allow forward", "payments.delete_customer deny refuse",
                    "payments.refund approve hold",
                ])
        #expect(decisions[2]["channel"] == "code_agent")
        #expect(decisions[2]["arguments"]?["api_key"] == "[redacted]")
        #expect(decisions[2]["arguments"]?["amount"] == 500)
        let approval = try #require(all.first { $0["kind"] == "approval" })
        #expect(approval["result"] == "approved" && approval["digest"] == decisions[2]["digest"])
        let outcomes = all.filter { $0["kind"] == "outcome" }
        #expect(outcomes.map { $0["name"]?.stringValue ?? "" } == ["payments.get_balance", "payments.refund"])
        #expect(outcomes.allSatisfy { $0["outcome"] == "result" && $0["duration_ms"]?.intValue != nil })
        #expect(outcomes[1]["call"] == approval["call"])
        // The decision is on disk before the call is answered: it comes first in the chain.
        let firstOutcome = try #require(all.firstIndex { $0["kind"] == "outcome" })
        #expect(all.firstIndex { $0["kind"] == "decision" }! < firstOutcome)

        let verify = try await run(["audit", "verify", trail])
        #expect(verify.status == 0, "\(verify)")

        // The recorded session replayed against a stricter policy: only the refund would change.
        try fixture.setServerKey(
            "payments", "policy", ["default": "approve", "allow": ["get_*"], "deny": ["refund", "delete_*"]])
        let replay = try await run(["check", "--config", fixture.configURL.path, "--replay", trail])
        #expect(replay.status == 1, "\(replay)")
        #expect(replay.stdout.contains("payments.refund  approve -> deny"), "\(replay.stdout)")
        #expect(replay.stdout.contains("replay: 3 recorded decisions, 1 would change (1 stricter, 0 looser)"))
    }

    /// Two clients each spawn their own hub on one hub.json: both hubs serve calls at the same time,
    /// several in flight each, into one rotating trail, and `audit verify` finds one intact chain that
    /// holds every decision and every outcome of both.
    @Test func twoHubsServingCallsAtOnceKeepOneChainAcrossRotations() async throws {
        let folder = try TempFiles.directory().path
        let trail = folder + "/audit.jsonl"
        let fixture = try HubFixture.standard(extra: [
            "audit": ["path": .string(trail), "max_bytes": 65536, "keep": 1000]
        ])
        let hubs = try (0..<2).map { _ in try fixture.launchHub() }
        defer { for hub in hubs { hub.terminate() } }
        for hub in hubs { try await hub.initializeAndWaitForTargets() }

        let workers = 4
        let callsPerWorker = 60
        try await withThrowingTaskGroup(of: Void.self) { group in
            for hub in hubs {
                for worker in 0..<workers {
                    group.addTask {
                        for n in 0..<callsPerWorker {
                            let allowed = (worker + n) % 2 == 0
                            let name = allowed ? "payments.get_balance" : "payments.delete_customer"
                            let arguments: JSONObject = allowed ? [:] : ["customer": .string("cus_\(worker)_\(n)")]
                            let result = try await hub.call(
                                "tools/call", params: ["name": .string(name), "arguments": .object(arguments)],
                                timeout: .seconds(120))
                            #expect(result.isToolError != allowed, "\(name): \(result)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        for hub in hubs {
            hub.closeStdin()
            #expect(try await hub.waitForExit(timeout: .seconds(60)) == 0, "\(hub.stderrText)")
        }

        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0 == "audit.jsonl" || ($0.hasPrefix("audit.jsonl.") && Int($0.dropFirst(12)) != nil) }
        #expect(files.count >= 3, "the calls rotate the trail more than once: \(files)")
        let all = try files.flatMap { try records(folder + "/" + $0) }
        let total = hubs.count * workers * callsPerWorker
        #expect(all.filter { $0["kind"] == "decision" }.count == total)
        #expect(all.filter { $0["kind"] == "outcome" }.count == total / 2)
        #expect(all.filter { $0["kind"] == "session_start" }.count == hubs.count)
        #expect(Set(all.compactMap { $0["session"]?.stringValue }).count == hubs.count)

        let verify = try await run(["audit", "verify", "--config", fixture.configURL.path])
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.contains("\(all.count) record(s) in \(files.count) file(s)"), "\(verify.stdout)")
    }

    @Test func aFailClosedTrailThatCannotRecordACallRefusesIt() async throws {
        let fixture = try HubFixture.standard()
        let trail = fixture.directory.path + "/audit.jsonl"
        let hub = try fixture.launchHub(arguments: ["serve", "--config", fixture.configURL.path, "--audit", trail])
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        // The file becomes a folder: no append can succeed (not even as root).
        try FileManager.default.removeItem(atPath: trail)
        try FileManager.default.createDirectory(atPath: trail, withIntermediateDirectories: false)
        let refused = try await hub.request(
            "tools/call", params: ["name": "payments.get_balance", "arguments": [:]])
        #expect(refused.errorMessage?.contains("the audit trail cannot record it") == true, "\(refused)")
        #expect(fixture.executedTools("payments").isEmpty)
    }
}
