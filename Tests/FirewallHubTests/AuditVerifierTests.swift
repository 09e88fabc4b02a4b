import Foundation
import MCPWire
import Testing

@testable import FirewallHub

/// `AuditVerifier` names the first record that breaks the chain, and why.
@Suite struct AuditVerifierTests {
    /// A trail of `count` records in a fresh folder: (folder, file, lines).
    private func trail(_ count: Int) throws -> (folder: String, path: String, lines: [String]) {
        let folder = try makeAuditFolder()
        let path = folder + "/audit.jsonl"
        let trail = AuditTrail(config: AuditConfig(path: path), redactor: AuditRedactor(), clock: SteppingClock().read)
        for n in 0..<count { _ = try trail.append(sampleDecision(n)).get() }
        return (folder, path, try auditLines(path))
    }

    private func rewrite(_ path: String, _ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func anIntactChainVerifiesAndReportsItsHead() throws {
        let (folder, path, lines) = try trail(5)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = AuditVerifier.verify([path])
        #expect(report.failure == nil)
        #expect(report.records == 5)
        #expect(report.head == (try AuditChain.open(Array(lines[4].utf8)).get().hash))
    }

    @Test func anEditedRecordIsNamed() throws {
        let (folder, path, lines) = try trail(5)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var edited = lines
        edited[2] = edited[2].replacingOccurrences(of: #""amount":2"#, with: #""amount":2000"#)
        #expect(edited[2] != lines[2])
        try rewrite(path, edited)
        let report = AuditVerifier.verify([path])
        #expect(report.failure?.location.line == 3)
        #expect(report.failure?.problem == .edited)
    }

    @Test func anEditedAndRehashedRecordBreaksTheLinkAfterIt() throws {
        let (folder, path, lines) = try trail(5)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var record = try AuditChain.open(Array(lines[2].utf8)).get().record
        record["decision"] = "deny"
        let resealed = AuditChain.seal(record, prev: try AuditChain.open(Array(lines[1].utf8)).get().hash)
        var edited = lines
        edited[2] = String(decoding: resealed.line.dropLast(), as: UTF8.self)
        try rewrite(path, edited)
        let report = AuditVerifier.verify([path])
        #expect(report.failure?.location.line == 4)
        guard case .missingPredecessor = report.failure?.problem else {
            Issue.record("expected missingPredecessor, got \(String(describing: report.failure))")
            return
        }
    }

    @Test func aDeletedRecordIsNamedByTheOneAfterIt() throws {
        let (folder, path, lines) = try trail(5)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var dropped = lines
        dropped.remove(at: 2)
        try rewrite(path, dropped)
        let report = AuditVerifier.verify([path])
        #expect(report.failure?.location.line == 3)
        guard case .missingPredecessor = report.failure?.problem else {
            Issue.record("expected missingPredecessor, got \(String(describing: report.failure))")
            return
        }
        #expect("\(report.failure!.problem)".contains("missing"))
    }

    @Test func deletingTheFirstRecordIsDetected() throws {
        let (folder, path, lines) = try trail(3)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try rewrite(path, Array(lines.dropFirst()))
        let report = AuditVerifier.verify([path])
        #expect(report.failure?.location.line == 1)
        guard case .headMissing = report.failure?.problem else {
            Issue.record("expected headMissing, got \(String(describing: report.failure))")
            return
        }
    }

    @Test func swappedRecordsAreReportedAsReordered() throws {
        let (folder, path, lines) = try trail(5)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var swapped = lines
        swapped.swapAt(1, 2)
        try rewrite(path, swapped)
        let report = AuditVerifier.verify([path])
        #expect(report.failure?.location.line == 2)
        #expect(
            report.failure?.problem
                == .reordered(predecessor: AuditVerifier.Location(fileIndex: 0, file: path, line: 3)))
    }

    @Test func aCopiedRecordIsOutOfPlace() throws {
        let (folder, path, lines) = try trail(4)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var copied = lines
        copied.insert(lines[1], at: 3)
        try rewrite(path, copied)
        let report = AuditVerifier.verify([path])
        #expect(report.failure?.location.line == 4)
        #expect(
            report.failure?.problem
                == .outOfPlace(predecessor: AuditVerifier.Location(fileIndex: 0, file: path, line: 1)))
    }

    @Test func anInsertedLineThatIsNotARecordIsNamed() throws {
        let (folder, path, lines) = try trail(3)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var inserted = lines
        inserted.insert(#"{"kind":"decision","note":"all fine"}"#, at: 1)
        try rewrite(path, inserted)
        let report = AuditVerifier.verify([path])
        #expect(report.failure?.location.line == 2)
        guard case .notARecord = report.failure?.problem else {
            Issue.record("expected notARecord, got \(String(describing: report.failure))")
            return
        }
    }

    @Test func aMissingFileIsUnreadable() {
        let report = AuditVerifier.verify(["/nonexistent/audit.jsonl"])
        #expect(report.failure?.problem == .unreadable(errno: ENOENT))
    }
}
