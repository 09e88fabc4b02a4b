import Foundation
import MCPWire
import Synchronization
import Testing

@testable import FirewallHub

/// A fresh folder for one test; removed by the test.
func makeAuditFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("audit-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A clock that advances one second on every reading, from 2025-06-01T10:00:00Z.
final class SteppingClock: Sendable {
    private let next = Mutex<Int64>(1_748_772_000)
    var read: @Sendable () -> AuditInstant {
        { [self] in
            next.withLock { value in
                defer { value += 1 }
                return AuditInstant(seconds: value)
            }
        }
    }
}

func auditLines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast().map(String.init)
}

/// Runs `body(i)` for each i in 0..<count on a thread of its own (blocking work on the cooperative
/// pool, two threads on a two-core machine, would starve every other task), until all have returned.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread {
                body(index)
                group.leave()
            }.start()
        }
        group.notify(queue: .global()) { continuation.resume() }
    }
}

func sampleDecision(_ n: Int, server: String = "payments") -> AuditEvent {
    .decision(
        AuditCall(
            callID: "c\(n)", server: server, tool: "refund", exposedName: "\(server).refund",
            arguments: ["amount": .int(n), "token": "tok_secret"]),
        .allowed(rule: "servers.\(server).allow[0]"))
}

@Suite struct AuditTrailTests {
    @Test func recordsAreWrittenStampedRedactedAndChained() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/logs/audit.jsonl"
        let trail = AuditTrail(
            config: AuditConfig(path: path), redactor: AuditRedactor(), session: "hsession",
            clock: SteppingClock().read)
        let first = try trail.append(sampleDecision(1)).get()
        _ = try trail.append(.client(AuditClient(name: "cursor", version: "1.2", protocolVersion: "2025-06-18"))).get()
        let last = try trail.append(sampleDecision(2)).get()

        let lines = try auditLines(path)
        #expect(lines.count == 3)
        let records = try lines.map { try AuditChain.open(Array($0.utf8)).get() }
        #expect(records[0].prev == AuditChain.genesis)
        #expect(records[0].hash == first.hash)
        #expect(records[1].prev == records[0].hash)
        #expect(records[2].prev == records[1].hash)
        #expect(records[2].hash == last.hash)
        #expect(records.allSatisfy { $0.hashMatches })
        #expect(records[0].record["client"] == nil, "no client is known before it identifies itself")
        #expect(records[1].record["client"]?["name"] == "cursor")
        #expect(records[2].record["client"]?["name"] == "cursor")
        #expect(records[2].record["time"] == "2025-06-01T10:00:02.000Z")
        #expect(records[2].record["session"] == "hsession")
        #expect(!lines[0].contains("tok_secret"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(AuditVerifier.verify([path]).failure == nil)
    }

    @Test func rotationKeepsTheChainAcrossFilesAndDropsTheOldest() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        var config = AuditConfig(path: path)
        config.maxBytes = 1500
        config.keep = 3
        let trail = AuditTrail(config: config, redactor: AuditRedactor(), clock: SteppingClock().read)
        for n in 0..<40 { _ = try trail.append(sampleDecision(n)).get() }

        let files = [path + ".3", path + ".2", path + ".1", path]
        for file in files { #expect(FileManager.default.fileExists(atPath: file), "\(file)") }
        #expect(!FileManager.default.fileExists(atPath: path + ".4"))
        for file in files {
            let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0
            #expect(size <= 1500)
        }
        let newest = try auditLines(path)
        let opening = try AuditChain.open(Array(newest[0].utf8)).get()
        #expect(opening.kind == "rotate")
        #expect(opening.record["previous_file"] == "audit.jsonl.1")
        let previousLast = try AuditChain.open(Array(try auditLines(path + ".1").last!.utf8)).get()
        #expect(opening.prev == previousLast.hash)

        let report = AuditVerifier.verify(files)
        #expect(report.failure == nil)
        #expect(report.notes.count == 1, "the oldest file kept continues one that was removed: \(report.notes)")
        // The last file alone is a valid continuation too; a middle file without its predecessor as well.
        #expect(AuditVerifier.verify([path]).failure == nil)
        // Out of order, the link between files breaks.
        #expect(AuditVerifier.verify([path + ".1", path + ".2", path]).failure != nil)
    }

    @Test func aLineCutShortByACrashIsRepairedByTheNextAppend() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        let trail = AuditTrail(config: AuditConfig(path: path), redactor: AuditRedactor(), clock: SteppingClock().read)
        _ = try trail.append(sampleDecision(1)).get()
        _ = try trail.append(sampleDecision(2)).get()
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"v":1,"time":"2025-06-01T10:00:09.000Z","kind":"deci"#.utf8))
        handle.closeFile()

        let torn = AuditVerifier.verify([path])
        #expect(torn.failure?.problem == .torn)
        #expect(torn.failure?.location.line == 3)
        #expect(torn.records == 2)

        _ = try trail.append(sampleDecision(3)).get()
        let lines = try auditLines(path)
        #expect(lines.count == 5)
        let repair = try AuditChain.open(Array(lines[3].utf8)).get()
        #expect(repair.kind == "repair")
        #expect(repair.prev == (try AuditChain.open(Array(lines[1].utf8)).get().hash))
        let report = AuditVerifier.verify([path])
        #expect(report.failure == nil)
        #expect(report.records == 4)
        #expect(report.notes.contains { $0.contains("line 3") && $0.contains("repaired") })
    }

    @Test func aTrailThatCannotWriteFailsClosedOrOpenAsConfigured() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data("not a folder".utf8).write(to: URL(fileURLWithPath: folder + "/file"))
        var config = AuditConfig(path: folder + "/file/audit.jsonl")
        let closed = AuditTrail(config: config, redactor: AuditRedactor())
        guard case .refused(let failure) = closed.admit(sampleDecision(1)) else {
            Issue.record("expected a refusal")
            return
        }
        #expect("\(failure)".contains(folder + "/file/audit.jsonl"))
        #expect(AuditTrail.refusal(failure).contains("fail_closed"))
        config.onFailure = .failOpen
        let open = AuditTrail(config: config, redactor: AuditRedactor())
        guard case .unrecorded = open.admit(sampleDecision(1)) else {
            Issue.record("expected to proceed unrecorded")
            return
        }
        #expect(open.admit(sampleDecision(1)).mayProceed)
    }

    @Test func aTailThatIsNotARecordStopsAppendsInsteadOfStartingAFreshChain() throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: path))
        let trail = AuditTrail(config: AuditConfig(path: path), redactor: AuditRedactor())
        guard case .failure(.unusableTail) = trail.append(sampleDecision(1)) else {
            Issue.record("expected unusableTail")
            return
        }
        #expect(try auditLines(path) == ["hello"])
    }

    @Test func manyTrailsOnManyThreadsKeepOneValidChain() async throws {
        let folder = try makeAuditFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/audit.jsonl"
        var config = AuditConfig(path: path)
        config.maxBytes = 16 << 10
        config.keep = 1000
        // Separate trails open separate lock descriptions, exactly as separate processes do.
        let trails = (0..<4).map { _ in AuditTrail(config: config, redactor: AuditRedactor()) }
        let perTrail = 100
        // Two threads per trail: appends of one trail are serialized by its own lock as well.
        await onThreads(trails.count * 2) { index in
            for n in 0..<perTrail / 2 { _ = trails[index / 2].append(sampleDecision(index * 1000 + n)) }
        }
        var files: [String] = []
        var index = 1
        while FileManager.default.fileExists(atPath: "\(path).\(index)") {
            files.insert("\(path).\(index)", at: 0)
            index += 1
        }
        files.append(path)
        #expect(files.count > 2, "the load rotates the file")
        let report = AuditVerifier.verify(files)
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        let decisions = try files.flatMap { try auditLines($0) }.filter { $0.contains(#""kind":"decision""#) }
        #expect(decisions.count == trails.count * perTrail)
    }
}
