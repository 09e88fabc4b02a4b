import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `audit verify|tail|show`: reads audit files (never writes them) under a shared lock, so a hub
/// appending at the same moment is never seen half-way. Output goes to stdout; problems with the
/// command itself to stderr.
enum AuditCommand {
    /// `verify`: the chain is broken (edited, deleted, reordered, torn).
    static let chainBroken: Int32 = 1

    static func run(_ request: AuditRequest, environment: [String: String], log: HubLog) -> Int32 {
        let files: [String]
        if request.files.isEmpty {
            guard let config = HubCommandLine.loadConfig(request.common, environment: environment, log: log) else {
                return HubCommandLine.ExitCode.config
            }
            guard let audit = config.audit else {
                log.error(
                    "no audit trail is configured in \(config.filePath): add \"audit\": {\"path\": ...} or name the FILE"
                )
                return HubCommandLine.ExitCode.config
            }
            files = isTail(request.action) ? [audit.path] : rotationSet(audit.path)
            if files.isEmpty {
                log.error("no audit file at \(audit.path) yet")
                return HubCommandLine.ExitCode.ioError
            }
        } else {
            files = request.files.map(LocalPath.absolute)
        }
        return withSharedLocks(files) {
            switch request.action {
            case .verify: return verify(files)
            case .tail(let count): return tail(files[0], count: count, json: request.json, log: log)
            case .show(let filter): return show(files, filter: filter, json: request.json, log: log)
            }
        }
    }

    private static func isTail(_ action: AuditRequest.Action) -> Bool {
        if case .tail = action { return true }
        return false
    }

    /// PATH.k … PATH.1, PATH: the existing files of a trail, oldest first.
    static func rotationSet(_ path: String) -> [String] {
        var rotated: [String] = []
        var index = 1
        while LocalFile.kind(at: "\(path).\(index)") == .file {
            rotated.insert("\(path).\(index)", at: 0)
            index += 1
        }
        return rotated + (LocalFile.kind(at: path) == .file ? [path] : [])
    }

    private static func verify(_ files: [String]) -> Int32 {
        let report = AuditVerifier.verify(files)
        var out: [String] = []
        for note in report.notes { out.append("note: " + note) }
        if let (location, problem) = report.failure {
            out.append("\(location.line == 0 ? location.file : location.description): \(problem)")
            if case .unreadable = problem {
                HubCommandLine.writeStdout(out.map(AuditRows.visible).joined(separator: "\n") + "\n")
                return HubCommandLine.ExitCode.ioError
            }
            out.append("the \(report.records) record(s) before it are intact")
            HubCommandLine.writeStdout(out.map(AuditRows.visible).joined(separator: "\n") + "\n")
            return chainBroken
        }
        out.append("\(report.records) record(s) in \(files.count) file(s): the chain is intact")
        if let head = report.head { out.append("head: \(head)") }
        HubCommandLine.writeStdout(out.map(AuditRows.visible).joined(separator: "\n") + "\n")
        return HubCommandLine.ExitCode.success
    }

    private static func tail(_ file: String, count: Int, json: Bool, log: HubLog) -> Int32 {
        var last: [AuditLineReader.Line] = []
        let status = eachLine(of: file, log: log) { line in
            last.append(line)
            if last.count > count { last.removeFirst() }
        }
        print(last, json: json, file: file, log: log)
        return status
    }

    private static func show(_ files: [String], filter: AuditFilter, json: Bool, log: HubLog) -> Int32 {
        var since: AuditInstant?
        if let text = filter.since {
            since = AuditInstant.parse(text) ?? AuditInstant.ago(text, now: AuditInstant.now())
            if since == nil {
                log.error(
                    "--since \"\(text)\": expected a time (2025-06-01T10:00:00Z, 2025-06-01) or an age (30m, 2h, 7d)")
                return HubCommandLine.ExitCode.usage
            }
        }
        let toolGlob = filter.tool.map(ToolGlob.init)
        for file in files {
            var matching: [AuditLineReader.Line] = []
            let status = eachLine(of: file, log: log) { line in
                guard case .success(let sealed) = AuditChain.open(line.bytes) else { return }
                let record = sealed.record
                if let server = filter.server, record["server"]?.stringValue != server { return }
                if let toolGlob, !toolGlob.matches(record["tool"]?.stringValue ?? "") { return }
                if let since {
                    guard let time = record["time"]?.stringValue.flatMap(AuditInstant.parse), time >= since else {
                        return
                    }
                }
                matching.append(line)
            }
            print(matching, json: json, file: file, log: log)
            if status != HubCommandLine.ExitCode.success { return status }
        }
        return HubCommandLine.ExitCode.success
    }

    private static func print(_ lines: [AuditLineReader.Line], json: Bool, file: String, log: HubLog) {
        var text = ""
        for line in lines {
            if !line.terminated {
                log.warning("\(file) line \(line.number) is incomplete (torn); not shown")
                continue
            }
            switch AuditChain.open(line.bytes) {
            case .success(let sealed):
                text += (json ? String(decoding: line.bytes, as: UTF8.self) : AuditRows.row(sealed.record)) + "\n"
            case .failure(let problem):
                log.warning("\(file) line \(line.number): \(problem)")
            }
        }
        if !text.isEmpty { HubCommandLine.writeStdout(text) }
    }

    private static func eachLine(of file: String, log: HubLog, _ body: (AuditLineReader.Line) -> Void) -> Int32 {
        let reader: AuditLineReader
        switch AuditLineReader.open(file) {
        case .success(let opened): reader = opened
        case .failure(let error):
            log.error("cannot read \(file): \(FileIO.describe(error.code))")
            return HubCommandLine.ExitCode.ioError
        }
        while true {
            switch reader.next() {
            case .success(let line?): body(line)
            case .success(nil): return HubCommandLine.ExitCode.success
            case .failure(let error):
                log.error("cannot read \(file): \(FileIO.describe(error.code))")
                return HubCommandLine.ExitCode.ioError
            }
        }
    }

    /// Runs `body` holding a shared lock on the lock file of each file's trail (`PATH.lock`, also for
    /// PATH.1 …) that exists. Lock files are never created here.
    private static func withSharedLocks(_ files: [String], _ body: () -> Int32) -> Int32 {
        var lockPaths = Set<String>()
        for file in files {
            lockPaths.insert(file + ".lock")
            if let dot = file.lastIndex(of: "."), file[file.index(after: dot)...].allSatisfy(\.isNumber) {
                lockPaths.insert(String(file[..<dot]) + ".lock")
            }
        }
        var fds: [Int32] = []
        for path in lockPaths.sorted() where LocalFile.kind(at: path) == .file {
            guard case .success(let fd) = FileIO.openFile(path, O_RDONLY) else { continue }
            _ = FileIO.lock(fd, LOCK_SH)
            fds.append(fd)
        }
        defer { for fd in fds { _ = close(fd) } }
        return body()
    }
}
