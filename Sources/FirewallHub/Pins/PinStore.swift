#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The pin store on disk, shared by every hub process and the `pins` command: reads see the old file
/// or the whole new one (it is replaced by rename, never rewritten in place), and every change is made
/// under an exclusive `flock` on `PATH.lock` on a fresh read, so two writers never lose each other's
/// pins. Holds nothing in memory.
struct PinStore: Sendable {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case cannotCreateFolder(path: String, reason: String)
        case cannotLock(path: String, errno: Int32)
        case cannotRead(path: String, reason: String)
        case corrupt(path: String, reason: String)
        case cannotWrite(path: String, reason: String)
        /// The change was called off by its own caller (e.g. the audit record could not be written).
        case abandoned(String)

        var description: String {
            switch self {
            case .cannotCreateFolder(let path, let reason): return "cannot create the folder of \(path): \(reason)"
            case .cannotLock(let path, let code): return "cannot lock \(path): \(FileIO.describe(code))"
            case .cannotRead(let path, let reason): return "cannot read \(path): \(reason)"
            case .corrupt(let path, let reason):
                return "\(path) is not a valid pin store (\(reason)); move it aside to start again (every tool is then "
                    + "pinned afresh on first sight)"
            case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
            case .abandoned(let why): return why
            }
        }
    }

    static let maxFileBytes = 64 << 20

    let path: String
    var lockPath: String { path + ".lock" }

    /// The store's contents; an absent file is an empty store.
    func load() -> Result<PinFile, Failure> {
        guard LocalFile.kind(at: path) != nil else { return .success(PinFile()) }
        let bytes: [UInt8]
        switch LocalFile.contents(of: path, limit: Self.maxFileBytes) {
        case .success(let read): bytes = read
        case .failure(let failure): return .failure(.cannotRead(path: path, reason: "\(failure)"))
        }
        if bytes.count > Self.maxFileBytes {
            return .failure(.corrupt(path: path, reason: "larger than \(Self.maxFileBytes >> 20) MiB"))
        }
        return PinFile.decode(bytes).mapError { Failure.corrupt(path: path, reason: $0.reason) }
    }

    /// Reads the store under the lock, lets `change` modify it, and writes it back (only when it
    /// changed) before unlocking. `change` returns a failure to leave the store as it was.
    func update<T>(_ change: (inout PinFile) -> Result<T, Failure>) -> Result<T, Failure> {
        if case .failure(let failure) = LocalFile.makeDirectories(LocalPath.parentDirectory(path)) {
            return .failure(.cannotCreateFolder(path: path, reason: "\(failure)"))
        }
        return FileIO.withLockFile(lockPath, failure: { Failure.cannotLock(path: lockPath, errno: $0) }) {
            var file: PinFile
            switch load() {
            case .success(let loaded): file = loaded
            case .failure(let failure): return .failure(failure)
            }
            let before = file
            let result = change(&file)
            guard case .success = result, file != before else { return result }
            if case .failure(let failure) = LocalFile.writeAtomically(file.encoded(), to: path) {
                return .failure(.cannotWrite(path: path, reason: "\(failure)"))
            }
            FileIO.syncFolder(of: path)
            return result
        }
    }
}
