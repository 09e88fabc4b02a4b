#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an audit file line by line, a chunk at a time, for `audit verify`, `tail` and `show`. Read
/// only; a line is handed out with its 1-based number and whether a newline ended it.
final class AuditLineReader {
    struct Line: Equatable {
        var number: Int
        var bytes: [UInt8]
        /// False for bytes after the last newline (a write cut short, or one in progress).
        var terminated: Bool
    }

    let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    /// Bytes from `position` up to here hold no newline (a long line is scanned once, not per chunk).
    private var scanned = 0
    private var atEnd = false
    private var lineNumber = 0
    static let chunkBytes = 1 << 20

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { _ = close(fd) }

    static func open(_ path: String) -> Result<AuditLineReader, FileIO.Errno> {
        FileIO.openFile(path, O_RDONLY).map { AuditLineReader(path: path, fd: $0) }
    }

    /// The next line, nil at the end of the file.
    func next() -> Result<Line?, FileIO.Errno> {
        while true {
            if let newline = buffer[max(position, scanned)...].firstIndex(of: 0x0A) {
                let line = Array(buffer[position..<newline])
                position = newline + 1
                scanned = position
                lineNumber += 1
                return .success(Line(number: lineNumber, bytes: line, terminated: true))
            }
            if atEnd {
                guard position < buffer.count else { return .success(nil) }
                let rest = Array(buffer[position...])
                position = buffer.count
                lineNumber += 1
                return .success(Line(number: lineNumber, bytes: rest, terminated: false))
            }
            scanned = buffer.count - position
            buffer.removeSubrange(..<position)
            position = 0
            switch FileIO.nextBytes(of: fd, count: Self.chunkBytes) {
            case .success(let chunk):
                if chunk.isEmpty { atEnd = true }
                buffer += chunk
            case .failure(let error): return .failure(error)
            }
        }
    }
}
