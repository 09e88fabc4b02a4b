/// Checks the hash chain of audit files given oldest first (PATH.3, PATH.2, PATH.1, PATH) and names
/// the first record that breaks it, and why. Read only.
///
/// What it can prove: every record is unchanged since it was sealed, and each follows the one before
/// it. What no unkeyed chain can prove: that records were not cut off the end, or that the whole chain
/// was not rewritten; the head hash it reports is what to compare with a copy kept elsewhere.
enum AuditVerifier {
    struct Location: Equatable, Comparable, CustomStringConvertible {
        var fileIndex: Int
        var file: String
        var line: Int

        var description: String { "\(file) line \(line)" }

        static func < (lhs: Location, rhs: Location) -> Bool {
            (lhs.fileIndex, lhs.line) < (rhs.fileIndex, rhs.line)
        }
    }

    enum Problem: Equatable, CustomStringConvertible {
        case unreadable(errno: Int32)
        /// The line is not a sealed record.
        case notARecord(String)
        /// The file ends in the middle of a line: a write cut short (a hub crashed while appending and no
        /// hub has appended since), or one still in progress.
        case torn
        /// The record's contents do not match its hash.
        case edited
        /// No record in the files has the hash its `prev` names.
        case missingPredecessor(prev: String)
        /// Its predecessor comes after it.
        case reordered(predecessor: Location)
        /// Its predecessor comes earlier, but not right before it.
        case outOfPlace(predecessor: Location)
        /// A record in the middle names the genesis hash as its predecessor.
        case chainRestarted
        /// The first record given names a predecessor and does not open a rotated file.
        case headMissing(prev: String)

        var description: String {
            switch self {
            case .unreadable(let code): return "cannot be read: \(FileIO.describe(code))"
            case .notARecord(let why): return "not an audit record: \(why)"
            case .torn: return "torn: the last line is incomplete (a hub stopped while writing it)"
            case .edited: return "edited: its contents do not match its hash"
            case .missingPredecessor(let prev):
                return "a record before it is missing (deleted, or edited and re-hashed): "
                    + "no record has its prev \(prev.prefix(16))…"
            case .reordered(let predecessor): return "reordered: the record it follows is \(predecessor), after it"
            case .outOfPlace(let predecessor):
                return "out of place: it follows \(predecessor), not the record before it (moved or copied here)"
            case .chainRestarted:
                return "a new chain starts here (prev is all zeros): the records before it do not lead to it"
            case .headMissing(let prev):
                return "records before it are missing: it follows \(prev.prefix(16))…, which is in none of the files"
                    + " given, and it does not open a rotated file"
            }
        }
    }

    struct Report: Equatable {
        var records = 0
        /// The hash of the last record: compare it with a copy shipped elsewhere to detect a cut tail.
        var head: String?
        var failure: (location: Location, problem: Problem)?
        var notes: [String] = []

        static func == (lhs: Report, rhs: Report) -> Bool {
            lhs.records == rhs.records && lhs.head == rhs.head && lhs.notes == rhs.notes
                && lhs.failure?.location == rhs.failure?.location && lhs.failure?.problem == rhs.failure?.problem
        }
    }

    static func verify(_ paths: [String]) -> Report {
        var report = Report()
        var expected: String?
        for (fileIndex, path) in paths.enumerated() {
            func at(_ line: Int) -> Location { Location(fileIndex: fileIndex, file: path, line: line) }
            let reader: AuditLineReader
            switch AuditLineReader.open(path) {
            case .success(let opened): reader = opened
            case .failure(let error):
                report.failure = (at(0), .unreadable(errno: error.code))
                return report
            }
            var lines = LookaheadLines(reader)
            reading: while true {
                let line: AuditLineReader.Line
                switch lines.next() {
                case .success(let read?): line = read
                case .success(nil): break reading
                case .failure(let error):
                    report.failure = (at(0), .unreadable(errno: error.code))
                    return report
                }
                guard line.terminated else {
                    report.failure = (at(line.number), .torn)
                    return report
                }
                let parsed = lines.parsed(line)
                if lines.nextRepairs(line) {
                    report.notes.append("\(at(line.number)): a write cut short by a crash, repaired by the next record")
                    continue
                }
                let sealed: AuditChain.Sealed
                switch parsed {
                case .success(let opened): sealed = opened
                case .failure(let why):
                    report.failure = (at(line.number), .notARecord("\(why)"))
                    return report
                }
                guard sealed.hashMatches else {
                    report.failure = (at(line.number), .edited)
                    return report
                }
                if let problem = chainProblem(sealed, expected: expected, at: at(line.number), paths: paths) {
                    report.failure = (at(line.number), problem)
                    return report
                }
                if expected == nil && sealed.prev != AuditChain.genesis {
                    report.notes.append(
                        "\(at(line.number)) continues the chain of an earlier file that was not given; "
                            + "that link was not checked")
                }
                expected = sealed.hash
                report.records += 1
                report.head = sealed.hash
            }
        }
        return report
    }

    private static func chainProblem(
        _ sealed: AuditChain.Sealed, expected: String?, at location: Location, paths: [String]
    ) -> Problem? {
        guard let expected else {
            if sealed.prev == AuditChain.genesis || sealed.kind == "rotate" || sealed.kind == "repair" { return nil }
            return .headMissing(prev: sealed.prev)
        }
        if sealed.prev == expected { return nil }
        if sealed.prev == AuditChain.genesis { return .chainRestarted }
        guard let predecessor = locate(hash: sealed.prev, in: paths) else {
            return .missingPredecessor(prev: sealed.prev)
        }
        return predecessor > location ? .reordered(predecessor: predecessor) : .outOfPlace(predecessor: predecessor)
    }

    /// Where the record with `hash` is, scanning every file again (only done for the first problem).
    private static func locate(hash: String, in paths: [String]) -> Location? {
        let needle = Array("\"hash\":\"\(hash)\"".utf8)
        for (fileIndex, path) in paths.enumerated() {
            guard case .success(let reader) = AuditLineReader.open(path) else { continue }
            while case .success(let line?) = reader.next() {
                guard line.bytes.count >= needle.count, contains(line.bytes, needle) else { continue }
                if case .success(let sealed) = AuditChain.open(line.bytes), sealed.hash == hash {
                    return Location(fileIndex: fileIndex, file: path, line: line.number)
                }
            }
        }
        return nil
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first && haystack[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}

/// The lines of one file, with the line after the current one parsed at most once, so that a repair
/// record can be matched with the torn line before it.
private struct LookaheadLines {
    private let reader: AuditLineReader
    private var peeked: Result<AuditLineReader.Line?, FileIO.Errno>?
    private var cached: (line: Int, parsed: Result<AuditChain.Sealed, AuditChain.LineProblem>)?

    init(_ reader: AuditLineReader) { self.reader = reader }

    mutating func next() -> Result<AuditLineReader.Line?, FileIO.Errno> {
        if let peeked {
            self.peeked = nil
            return peeked
        }
        return reader.next()
    }

    mutating func parsed(_ line: AuditLineReader.Line) -> Result<AuditChain.Sealed, AuditChain.LineProblem> {
        if let cached, cached.line == line.number { return cached.parsed }
        let parsed = AuditChain.open(line.bytes)
        cached = (line.number, parsed)
        return parsed
    }

    /// Whether the next line is a `repair` record naming exactly `line`'s bytes.
    mutating func nextRepairs(_ line: AuditLineReader.Line) -> Bool {
        if peeked == nil { peeked = reader.next() }
        guard case .success(let next?) = peeked, next.terminated,
            case .success(let repair) = parsed(next), repair.kind == "repair"
        else { return false }
        return repair.record["torn_bytes"]?.intValue == line.bytes.count
            && repair.record["torn_sha256"]?.stringValue == SHA256.hex(SHA256.hash(line.bytes))
    }
}
