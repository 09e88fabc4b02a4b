import Foundation
import HubTestSupport
import MCPWire
import Synchronization
import Testing

@testable import FirewallHub

/// Real hub processes and threads of this one append to one audit file at the same time, across
/// rotations, and the real binary's `audit verify` finds one intact chain holding every record.
private final class AppendProgress: Sendable {
    let appended = Mutex(0)
    let hubsDone = Mutex(false)
}

@Suite struct AuditProcessesTests {
    @Test func hubProcessesAndThreadsShareOneRotatingChain() async throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        let maxBytes = 64 << 10
        let hub: JSONValue = [
            "servers": ["fx": ["command": .string(Binaries.url("fixture-server").path)]],
            "audit": ["path": .string(path), "max_bytes": .int(maxBytes), "keep": 1000],
        ]
        let configPath = folder + "/hub.json"
        try Data(hub.prettyPrinted().utf8).write(to: URL(fileURLWithPath: configPath))

        var config = AuditConfig(path: path)
        config.maxBytes = maxBytes
        config.keep = 1000
        let trails = (0..<3).map { _ in AuditTrail(config: config, redactor: AuditRedactor()) }
        let perTrail = 150
        let waves = 2
        let perWave = 4

        // The threads keep appending until every hub process has ended (or a bound), so the two overlap.
        let progress = AppendProgress()
        let appenders = Task {
            await onThreads(trails.count) { index in
                var n = 0
                while n < perTrail || (n < 20 * perTrail && !progress.hubsDone.withLock({ $0 })) {
                    if case .success = trails[index].append(sampleDecision(index * 100_000 + n)) {
                        progress.appended.withLock { $0 += 1 }
                    }
                    n += 1
                }
            }
        }
        var hubFailure: (any Error)?
        do {
            for _ in 0..<waves {
                let hubs = try (0..<perWave).map { _ in
                    try MCPProcess.launch(
                        Binaries.url("mcp-firewall-hub"), arguments: ["serve", "--config", configPath])
                }
                for process in hubs { process.closeStdin() }
                for process in hubs {
                    defer { process.terminate() }
                    let status = try await process.waitForExit(timeout: .seconds(120))
                    #expect(status == 0, "\(process.stderrText)")
                }
            }
        } catch {
            hubFailure = error
        }
        progress.hubsDone.withLock { $0 = true }
        await appenders.value
        if let hubFailure { throw hubFailure }

        let files = AuditCommand.rotationSet(path)
        #expect(files.count >= 3, "the load rotates the file more than once")
        let all = try files.flatMap { try auditLines($0) }.map { try JSONParser.parse($0) }
        #expect(all.filter { $0["kind"] == "decision" }.count == progress.appended.withLock { $0 })
        #expect(all.filter { $0["kind"] == "session_start" }.count == waves * perWave)
        #expect(all.filter { $0["kind"] == "session_end" }.count == waves * perWave)

        let verify = try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"), arguments: ["audit", "verify", "--config", configPath])
        defer { verify.terminate() }
        verify.closeStdin()
        #expect(try await verify.waitForExit(timeout: .seconds(60)) == 0)
        let output = verify.stdoutLines.joined(separator: "\n")
        #expect(output.contains("\(all.count) record(s) in \(files.count) file(s): the chain is intact"), "\(output)")
    }
}
