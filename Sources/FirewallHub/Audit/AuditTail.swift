/// The end of an audit file, read backwards from its size: the last complete line (the record the
/// chain continues from) and any bytes after the last newline (a write cut short by a crash). Reads
/// only as much as it needs; never writes.
struct AuditTail: Equatable {
    /// The last newline-terminated line, without its newline; nil when there is none.
    var lastLine: [UInt8]?
    /// Bytes after the last newline; empty when the file ends with one (or is empty).
    var torn: [UInt8]

    static let chunkBytes = 64 << 10

    static func read(_ fd: Int32, size: Int) -> Result<AuditTail, FileIO.Errno> {
        var start = size
        var buffer: [UInt8] = []
        // Until the buffer holds the newline *before* the last complete line (or the file's start).
        while start > 0 && buffer.lazy.filter({ $0 == 0x0A }).count < 2 {
            let from = max(0, start - chunkBytes)
            switch FileIO.bytes(at: from, count: start - from, of: fd) {
            case .success(let chunk): buffer.insert(contentsOf: chunk, at: 0)
            case .failure(let error): return .failure(error)
            }
            start = from
        }
        return .success(split(buffer, atFileStart: start == 0))
    }

    /// The tail of `bytes`, the last bytes of a file (all of it when `atFileStart`).
    static func split(_ bytes: [UInt8], atFileStart: Bool) -> AuditTail {
        guard let lastNewline = bytes.lastIndex(of: 0x0A) else {
            return AuditTail(lastLine: nil, torn: atFileStart ? bytes : [])
        }
        let torn = Array(bytes[(lastNewline + 1)...])
        let lineStart = bytes[..<lastNewline].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return AuditTail(lastLine: Array(bytes[lineStart..<lastNewline]), torn: torn)
    }
}
