#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file-system questions the config loaders ask, without Foundation: what is at a path, may
/// we read it, and its bytes.
enum LocalFile {
    enum Kind: Equatable {
        case directory
        /// A regular file or anything else that is not a directory (a FIFO, a device).
        case file
    }

    /// What `path` names, following symlinks; nil when nothing is there (or a symlink is dangling).
    static func kind(at path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (info.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
    }

    /// What tells one version of a file from the next: device, inode (an editor's atomic replace), size
    /// and modification time to the nanosecond. Nil when nothing is at `path`.
    struct Stamp: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    static func stamp(at path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            seconds: Int(time.tv_sec), nanoseconds: Int(time.tv_nsec))
    }

    /// Whether `path` is a regular file (following symlinks): reading one never blocks, unlike a FIFO
    /// or a device.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether this process may read `path` (`access(R_OK)`).
    static func isReadable(_ path: String) -> Bool {
        access(path, R_OK) == 0
    }

    /// The failure of `read`: the errno, rendered for a message.
    struct ReadFailure: Error, Equatable, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    /// The bytes of `path`, read to its end; at most `limit + 1` of them, so a caller can tell a file
    /// over `limit` from one at it without reading all of a huge (or endless) one.
    static func contents(of path: String, limit: Int) -> Result<[UInt8], ReadFailure> {
        var fd: Int32
        repeat {
            fd = open(path, O_RDONLY | O_CLOEXEC)
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else { return .failure(ReadFailure(code: errno)) }
        defer { _ = close(fd) }
        var bytes: [UInt8] = []
        let chunkSize = 64 << 10
        while bytes.count <= limit {
            let before = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: chunkSize))
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(fd, buffer.baseAddress! + before, chunkSize)
            }
            if count < 0 {
                let code = errno
                bytes.removeSubrange(before...)
                if code == EINTR { continue }
                return .failure(ReadFailure(code: code))
            }
            bytes.removeSubrange((before + count)...)
            if count == 0 { break }
        }
        return .success(bytes)
    }

    /// The failure of a write: what was being done and the errno.
    struct WriteFailure: Error, Equatable, CustomStringConvertible {
        var step: String
        var code: Int32
        var description: String { "\(step): \(String(cString: strerror(code)))" }
    }

    /// Creates `path` and its missing parents as directories with `mode` (existing ones are kept as
    /// they are).
    static func makeDirectories(_ path: String, mode: mode_t = 0o700) -> Result<Void, WriteFailure> {
        if kind(at: path) == .directory { return .success(()) }
        let parent = LocalPath.deletingLastComponent(path)
        if !parent.isEmpty, parent != path, parent != "/" {
            if case .failure(let failure) = makeDirectories(parent, mode: mode) { return .failure(failure) }
        }
        if mkdir(path, mode) != 0 && errno != EEXIST {
            return .failure(WriteFailure(step: "mkdir \(path)", code: errno))
        }
        return .success(())
    }

    /// Replaces `path` with `bytes` so that a reader sees the old file or the whole new one, never a
    /// part: written to a temporary file beside it, flushed to disk, then renamed over it.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) -> Result<Void, WriteFailure> {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { return .failure(WriteFailure(step: "create \(temporary)", code: errno)) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                let code = errno
                _ = close(fd)
                _ = unlink(temporary)
                return .failure(WriteFailure(step: "write \(temporary)", code: code))
            }
            offset += count
        }
        if fsync(fd) != 0 {
            let code = errno
            _ = close(fd)
            _ = unlink(temporary)
            return .failure(WriteFailure(step: "fsync \(temporary)", code: code))
        }
        _ = close(fd)
        if rename(temporary, path) != 0 {
            let code = errno
            _ = unlink(temporary)
            return .failure(WriteFailure(step: "rename to \(path)", code: code))
        }
        return .success(())
    }
}
