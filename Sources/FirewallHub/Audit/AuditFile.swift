import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends sealed records to one audit file that any number of hub processes share: each append
/// takes an exclusive `flock` on `PATH.lock`, re-reads the file's last record under it, repairs a line
/// a crash cut short, rotates by size, writes in one go and `fdatasync`s before unlocking. It owns
/// nothing in memory between appends, so every process always continues the chain from the disk.
struct AuditFile: Sendable {
    let path: String
    let maxBytes: Int
    /// Rotated files kept: PATH.1 (newest) … PATH.keep.
    let keep: Int

    var lockPath: String { path + ".lock" }

    func rotatedPath(_ index: Int) -> String { path + ".\(index)" }

    /// Seals `records` onto the chain after the file's last record and appends them; returns the hash of
    /// the last one. Nothing is left in the file when it fails (a partial write is truncated away).
    func append(_ records: [JSONObject], context: AuditRecordContext) -> Result<String, AuditFailure> {
        if case .failure(let failure) = LocalFile.makeDirectories(LocalPath.parentDirectory(path)) {
            return .failure(.cannotCreateFolder(path: path, errno: failure.code))
        }
        return FileIO.withLockFile(lockPath, failure: { AuditFailure.cannotLock(path: lockPath, errno: $0) }) {
            appendLocked(records, context: context)
        }
    }

    private func appendLocked(_ records: [JSONObject], context: AuditRecordContext) -> Result<String, AuditFailure> {
        var fd: Int32
        switch openForAppend() {
        case .success(let opened): fd = opened
        case .failure(let failure): return .failure(failure)
        }
        defer { _ = close(fd) }
        let size: Int
        switch FileIO.size(fd) {
        case .success(let bytes): size = bytes
        case .failure(let error): return .failure(.cannotRead(path: path, errno: error.code))
        }

        // Where the chain stands, and what must precede the records in this file.
        var prev: String
        var preamble: [UInt8] = []
        var tail = AuditTail(lastLine: nil, torn: [])
        if size > 0 {
            switch AuditTail.read(fd, size: size) {
            case .success(let read): tail = read
            case .failure(let error): return .failure(.cannotRead(path: path, errno: error.code))
            }
        }
        if let line = tail.lastLine {
            switch Self.hash(ofLine: line, in: path) {
            case .success(let hash): prev = hash
            case .failure(let failure): return .failure(failure)
            }
        } else {
            switch chainStart() {
            case .success(let start): prev = start
            case .failure(let failure): return .failure(failure)
            }
            if prev != AuditChain.genesis && tail.torn.isEmpty {
                let rotation = AuditRecordBuilder.rotationFields(previousFile: previousFileName, context: context)
                let sealed = AuditChain.seal(rotation, prev: prev)
                (preamble, prev) = (sealed.line, sealed.hash)
            }
        }
        if !tail.torn.isEmpty {
            let sealed = AuditChain.seal(
                AuditRecordBuilder.repairFields(tornLine: tail.torn, context: context), prev: prev)
            (preamble, prev) = ([0x0A] + sealed.line, sealed.hash)
        }

        var (lines, last) = Self.seal(records, after: prev)
        var writeStart = size
        if size > 0 && size + preamble.count + lines.count > maxBytes {
            // Finish this file (a repair stays with the line it repairs), then continue in a new one.
            if !preamble.isEmpty {
                if case .failure(let failure) = write(preamble, to: fd, truncatingTo: size) { return .failure(failure) }
            }
            if case .failure(let failure) = rotate() { return .failure(failure) }
            _ = close(fd)
            switch openForAppend() {
            case .success(let opened): fd = opened
            case .failure(let failure):
                fd = -1
                return .failure(failure)
            }
            let rotation = AuditRecordBuilder.rotationFields(previousFile: previousFileName, context: context)
            let sealed = AuditChain.seal(rotation, prev: prev)
            preamble = sealed.line
            (lines, last) = Self.seal(records, after: sealed.hash)
            writeStart = 0
        }
        if case .failure(let failure) = write(preamble + lines, to: fd, truncatingTo: writeStart) {
            return .failure(failure)
        }
        return .success(last)
    }

    /// `prev` for the first record of an empty file: the last record of PATH.1 when there is one (a
    /// rotation, or a crash just after one), else `genesis`.
    private func chainStart() -> Result<String, AuditFailure> {
        let previous = rotatedPath(1)
        guard FileIO.exists(previous) else { return .success(AuditChain.genesis) }
        let fd: Int32
        switch FileIO.openFile(previous, O_RDONLY) {
        case .success(let opened): fd = opened
        case .failure(let error): return .failure(.cannotOpen(path: previous, errno: error.code))
        }
        defer { _ = close(fd) }
        let tail: AuditTail
        switch FileIO.size(fd).flatMap({ AuditTail.read(fd, size: $0) }) {
        case .success(let read): tail = read
        case .failure(let error): return .failure(.cannotRead(path: previous, errno: error.code))
        }
        guard let line = tail.lastLine else { return .success(AuditChain.genesis) }
        return Self.hash(ofLine: line, in: previous)
    }

    private var previousFileName: String { LocalPath.lastComponent(rotatedPath(1)) }

    /// PATH.keep is removed, PATH.i becomes PATH.(i+1), PATH becomes PATH.1.
    private func rotate() -> Result<Void, AuditFailure> {
        if unlink(rotatedPath(keep)) != 0 && errno != ENOENT {
            return .failure(.cannotRotate(path: rotatedPath(keep), errno: errno))
        }
        for index in stride(from: keep - 1, through: 1, by: -1) where FileIO.exists(rotatedPath(index)) {
            if rename(rotatedPath(index), rotatedPath(index + 1)) != 0 {
                return .failure(.cannotRotate(path: rotatedPath(index), errno: errno))
            }
        }
        if rename(path, rotatedPath(1)) != 0 { return .failure(.cannotRotate(path: path, errno: errno)) }
        FileIO.syncFolder(of: path)
        return .success(())
    }

    private func openForAppend() -> Result<Int32, AuditFailure> {
        let existed = FileIO.exists(path)
        let result = FileIO.openFile(path, O_RDWR | O_CREAT | O_APPEND).mapError {
            AuditFailure.cannotOpen(path: path, errno: $0.code)
        }
        if !existed, case .success = result { FileIO.syncFolder(of: path) }
        return result
    }

    /// Writes and syncs `bytes`; on failure cuts the file back to `size` so no partial record stays.
    private func write(_ bytes: [UInt8], to fd: Int32, truncatingTo size: Int) -> Result<Void, AuditFailure> {
        if case .failure(let error) = FileIO.writeAll(bytes, to: fd) {
            _ = ftruncate(fd, off_t(size))
            return .failure(.cannotWrite(path: path, errno: error.code))
        }
        if case .failure(let error) = FileIO.syncData(fd) {
            _ = ftruncate(fd, off_t(size))
            return .failure(.cannotSync(path: path, errno: error.code))
        }
        return .success(())
    }

    private static func seal(_ records: [JSONObject], after prev: String) -> (lines: [UInt8], last: String) {
        var lines: [UInt8] = []
        var last = prev
        for record in records {
            let sealed = AuditChain.seal(record, prev: last)
            lines += sealed.line
            last = sealed.hash
        }
        return (lines, last)
    }

    private static func hash(ofLine line: [UInt8], in path: String) -> Result<String, AuditFailure> {
        switch AuditChain.open(line) {
        case .success(let sealed): return .success(sealed.hash)
        case .failure(let problem): return .failure(.unusableTail(path: path, reason: "\(problem)"))
        }
    }
}
