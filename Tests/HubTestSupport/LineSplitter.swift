#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a byte stream into `\n`-terminated lines, keeping partial lines across chunks.
///
/// Each byte is scanned once (memchr from where the last scan stopped), so multi-megabyte lines cost
/// O(n); the buffer is compacted only once at least half of it has been handed out.
struct LineSplitter {
    private var buffer: [UInt8] = []
    private var lineStart = 0
    private var scanFrom = 0

    /// Appends `chunk` and calls `emit` with every line it completes (without the `\n`).
    mutating func append(_ chunk: UnsafeRawBufferPointer, emit: ([UInt8]) -> Void) {
        buffer.append(contentsOf: chunk)
        var start = lineStart
        var scan = scanFrom
        buffer.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            while scan < bytes.count {
                guard let hit = memchr(base + scan, 0x0A, bytes.count - scan) else {
                    scan = bytes.count
                    break
                }
                let newline = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                emit(Array(bytes[start..<newline]))
                start = newline + 1
                scan = start
            }
        }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
            scan = 0
        } else if start > 0, start * 2 >= buffer.count {
            buffer.removeFirst(start)
            scan -= start
            start = 0
        }
        lineStart = start
        scanFrom = scan
    }

    /// At end of stream: the trailing bytes after the last `\n`, if any.
    mutating func finish() -> [UInt8]? {
        defer {
            buffer = []
            lineStart = 0
            scanFrom = 0
        }
        return lineStart < buffer.count ? Array(buffer[lineStart...]) : nil
    }
}
