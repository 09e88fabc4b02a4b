#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX calls the audit trail and the pin store make on files, with EINTR retried and short
/// reads and writes completed. Errors are the raw errno; callers wrap them with what they were doing.
enum FileIO {
    /// The errno of a failed call.
    struct Errno: Error, Equatable {
        var code: Int32
        init(_ code: Int32) { self.code = code }
    }

    /// `strerror` text of an errno, for messages.
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o600) -> Result<Int32, Errno> {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return .success(fd) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// `flock(fd, operation)`, waiting as long as it takes (another hub holds the lock only while it
    /// appends one record or rewrites one small file).
    static func lock(_ fd: Int32, _ operation: Int32) -> Result<Void, Errno> {
        while flock(fd, operation) != 0 {
            if errno != EINTR { return .failure(Errno(errno)) }
        }
        return .success(())
    }

    static func unlock(_ fd: Int32) {
        _ = flock(fd, LOCK_UN)
    }

    /// The file's size in bytes.
    static func size(_ fd: Int32) -> Result<Int, Errno> {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(Errno(errno)) }
        return .success(Int(info.st_size))
    }

    /// `count` bytes at `offset` (fewer only at the end of the file).
    static func bytes(at offset: Int, count: Int, of fd: Int32) -> Result<[UInt8], Errno> {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            if n == 0 { break }
            filled += n
        }
        bytes.removeSubrange(filled...)
        return .success(bytes)
    }

    /// Up to `count` bytes from the current position; an empty array at the end of the file.
    static func nextBytes(of fd: Int32, count: Int) -> Result<[UInt8], Errno> {
        var bytes = [UInt8](repeating: 0, count: count)
        while true {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress!, count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            bytes.removeSubrange(n...)
            return .success(bytes)
        }
    }

    /// All of `bytes`, or the errno of the write that failed (some bytes may have been written).
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Result<Void, Errno> {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            offset += n
        }
        return .success(())
    }

    /// The file's data on disk (`fdatasync` where there is one).
    static func syncData(_ fd: Int32) -> Result<Void, Errno> {
        while true {
            #if os(Linux)
                let rc = fdatasync(fd)
            #else
                let rc = fsync(fd)
            #endif
            if rc == 0 { return .success(()) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// The folder's entries on disk, after files in it were created or renamed. Best effort.
    static func syncFolder(of path: String) {
        guard case .success(let fd) = openFile(LocalPath.parentDirectory(path), O_RDONLY) else { return }
        _ = fsync(fd)
        _ = close(fd)
    }

    /// Whether anything (even a dangling symlink) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Runs `body` holding an exclusive `flock` on `lockPath` (created 0600 if missing), opened just for
    /// this: a separate open file description, so it excludes other threads of this process too.
    static func withLockFile<T, E: Error>(
        _ lockPath: String, _ operation: Int32 = LOCK_EX, failure: (Int32) -> E, _ body: () -> Result<T, E>
    ) -> Result<T, E> {
        let fd: Int32
        switch openFile(lockPath, O_RDWR | O_CREAT) {
        case .success(let opened): fd = opened
        case .failure(let error): return .failure(failure(error.code))
        }
        defer { _ = close(fd) }
        if case .failure(let error) = lock(fd, operation) { return .failure(failure(error.code)) }
        defer { unlock(fd) }
        return body()
    }
}
