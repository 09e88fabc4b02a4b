import Foundation
import HubTestSupport
import MCPWire
import Testing

/// The audit trail as the real binary writes and checks it: `serve --audit`, `audit verify|tail|show`,
/// and tampering of every kind named by `audit verify`.
@Suite struct AuditCLITests {
    private func run(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try MCPProcess.launch(Binaries.url("mcp-firewall-hub"), arguments: arguments)
        defer { process.terminate() }
        process.closeStdin()
        let status = try await process.waitForExit(timeout: .seconds(60))
        return (status, process.stdoutLines.joined(separator: "\n"), process.stderrText)
    }

    /// A hub.json with one light fixture server whose env holds a secret.
    private func config(in directory: URL, audit: JSONValue? = nil) throws -> URL {
        var root: JSONObject = [
            "servers": [
                "fx": [
                    "command": .string(Binaries.url("fixture-server").path),
                    "env": ["FX_TOKEN": "sk_live_do_not_log_me_123"],
                ]
            ]
        ]
        if let audit { root["audit"] = audit }
        return try TempFiles.write(JSONValue.object(root).prettyPrinted(), name: "hub.json", in: directory)
    }

    /// `count` serve sessions, one after another, each writing session_start and session_end.
    private func sessions(_ count: Int, config: URL, audit: String) async throws {
        for _ in 0..<count {
            let result = try await run(["serve", "--config", config.path, "--audit", audit])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    private func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func write(_ lines: [String], to path: String, newline: Bool = true) throws {
        try Data((lines.joined(separator: "\n") + (newline ? "\n" : "")).utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func serveRecordsItsSessionAndVerifyTailShowReadIt() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let audit = directory.path + "/trail/audit.jsonl"
        let hub = try config(in: directory, audit: ["path": "trail/audit.jsonl"])
        try await sessions(2, config: hub, audit: audit)

        let records = try lines(audit).map { try JSONParser.parse($0) }
        #expect(records.map { $0["kind"] } == ["session_start", "session_end", "session_start", "session_end"])
        #expect(records[0]["servers"] == ["fx"])
        #expect(records[0]["prev"] == .string(String(repeating: "0", count: 64)))
        #expect(!(try String(contentsOfFile: audit, encoding: .utf8)).contains("sk_live_do_not_log_me_123"))

        let verify = try await run(["audit", "verify", "--config", hub.path])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("4 record(s) in 1 file(s): the chain is intact"))
        #expect(verify.stdout.contains("head: " + (records[3]["hash"]?.stringValue ?? "?")))

        let tail = try await run(["audit", "tail", "-n", "1", audit])
        #expect(tail.status == 0)
        #expect(tail.stdout.split(separator: "\n").count == 1)
        #expect(tail.stdout.contains("session_end"))
        let json = try await run(["audit", "tail", "-n", "2", "--json", "--config", hub.path])
        #expect(
            try json.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) } == Array(records.suffix(2)))

        let future = try await run(["audit", "show", "--since", "2999-01-01", audit])
        #expect(future.status == 0)
        #expect(future.stdout.isEmpty)
        let recent = try await run(["audit", "show", "--since", "1h", audit])
        #expect(recent.stdout.split(separator: "\n").count == 4)
        let bad = try await run(["audit", "show", "--since", "yesterday", audit])
        #expect(bad.status == 64)
    }

    @Test func anUnwritableTrailStopsAFailClosedHubAndOnlyWarnsAFailOpenOne() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        try TempFiles.write("a file, not a folder", name: "blocker", in: directory)
        let unwritable = directory.path + "/blocker/audit.jsonl"
        let closed = try await run(["serve", "--config", try config(in: directory).path, "--audit", unwritable])
        #expect(closed.status == 74)
        #expect(closed.stderr.contains(unwritable))
        #expect(closed.stderr.contains("fail_closed"))

        let open = try config(in: directory, audit: ["path": .string(unwritable), "on_failure": "fail_open"])
        let result = try await run(["serve", "--config", open.path])
        #expect(result.status == 0)
        #expect(result.stderr.contains("fail_open"))
    }

    @Test func everyKindOfTamperingIsNamedByVerify() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let audit = directory.path + "/audit.jsonl"
        try await sessions(4, config: try config(in: directory), audit: audit)
        let original = try lines(audit)
        #expect(original.count == 8)

        func verify(_ tampered: [String], newline: Bool = true) async throws -> (Int32, String) {
            let path = directory.path + "/tampered.jsonl"
            try write(tampered, to: path, newline: newline)
            let result = try await run(["audit", "verify", path])
            return (result.status, result.stdout)
        }

        #expect(try await verify(original).0 == 0)

        var edited = original
        edited[2] = edited[2].replacingOccurrences(of: #""kind":"session_start""#, with: #""kind":"session_end""#)
        let (editedStatus, editedOut) = try await verify(edited)
        #expect(editedStatus == 1)
        #expect(editedOut.contains("tampered.jsonl line 3: edited"))

        var dropped = original
        dropped.remove(at: 4)
        let (droppedStatus, droppedOut) = try await verify(dropped)
        #expect(droppedStatus == 1)
        #expect(droppedOut.contains("tampered.jsonl line 5: a record before it is missing"))

        var reordered = original
        reordered.swapAt(5, 6)
        let (reorderedStatus, reorderedOut) = try await verify(reordered)
        #expect(reorderedStatus == 1)
        #expect(reorderedOut.contains("tampered.jsonl line 6: reordered"))
        #expect(reorderedOut.contains("the 5 record(s) before it are intact"))

        let (headStatus, headOut) = try await verify(Array(original.dropFirst()))
        #expect(headStatus == 1)
        #expect(headOut.contains("line 1: records before it are missing"))

        var torn = original
        torn[7] = String(torn[7].prefix(40))
        let (tornStatus, tornOut) = try await verify(torn, newline: false)
        #expect(tornStatus == 1)
        #expect(tornOut.contains("line 8: torn"))

        let missing = try await run(["audit", "verify", directory.path + "/nope.jsonl"])
        #expect(missing.status == 74)
    }

    @Test func usageMistakesAreExplained() async throws {
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let bare = try await run(["audit"])
        #expect(bare.status == 64)
        #expect(bare.stderr.contains("verify, tail, show"))
        #expect(try await run(["audit", "tail", "-n", "x"]).status == 64)
        #expect(try await run(["audit", "verify", "--server", "a"]).status == 64)
        let noTrail = try await run(["audit", "verify", "--config", try config(in: directory).path])
        #expect(noTrail.status == 78)
        #expect(noTrail.stderr.contains("no audit trail is configured"))
    }
}
