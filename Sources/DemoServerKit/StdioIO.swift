import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits a file descriptor's bytes into lines with blocking `read(2)`.
///
/// Lines may be any length. The newline is removed, and so is one `\r` before it. The bytes after
/// the last newline are returned as a final line at EOF. Read errors other than `EINTR` count as EOF.
struct FDLineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// First byte of the next line.
    private var start = 0
    /// Bytes before this offset have been searched for a newline already (no rescans).
    private var scanned = 0
    private var atEOF = false
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init(fd: Int32) { self.fd = fd }

    /// The next line, or nil once the descriptor is exhausted.
    mutating func nextLine() -> [UInt8]? {
        while true {
            if let newline = findNewline() {
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[start..<end])
                start = newline + 1
                scanned = start
                compactIfUseful()
                return line
            }
            scanned = buffer.count
            if atEOF {
                guard start < buffer.count else { return nil }
                var line = Array(buffer[start...])
                if line.last == 0x0D { line.removeLast() }
                start = buffer.count
                scanned = start
                return line
            }
            fill()
        }
    }

    private func findNewline() -> Int? {
        guard scanned < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { buf -> Int? in
            guard let base = buf.baseAddress,
                let hit = memchr(base + scanned, 0x0A, buf.count - scanned)
            else { return nil }
            return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
        }
    }

    private mutating func fill() {
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return
            }
            if n < 0, errno == EINTR { continue }
            atEOF = true
            return
        }
    }

    /// Drops consumed bytes once they are at least half the buffer, keeping the work linear.
    private mutating func compactIfUseful() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
            scanned = 0
        } else if start >= 64 * 1024, start * 2 >= buffer.count {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
    }
}

enum DemoFD {
    /// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`. Returns false on any other error.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw -> Bool in
            guard var p = raw.baseAddress else { return true }
            var left = raw.count
            while left > 0 {
                let n = write(fd, p, left)
                if n > 0 {
                    p += n
                    left -= n
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}

/// The single owner of stdout: every protocol line goes through `send`, one writer at a time, so
/// lines from concurrent tool calls never interleave.
final class DemoStdout: Sendable {
    /// Guards fd 1 itself; holds no data.
    private let lock = Mutex<Void>(())
    /// Written before each response line (fixture `--garbage-stdout`), nil for well-behaved servers.
    private let noiseBeforeEachLine: [UInt8]?
    private let rewriteEachLine: (@Sendable ([UInt8]) -> [UInt8])?

    init(noiseBeforeEachLine: String?, rewriteEachLine: (@Sendable ([UInt8]) -> [UInt8])? = nil) {
        self.noiseBeforeEachLine = noiseBeforeEachLine.map { Array($0.utf8) + [0x0A] }
        self.rewriteEachLine = rewriteEachLine
    }

    /// Writes one message line. If stdout is gone (the client closed it), there is nobody left to
    /// serve: exit quietly.
    func send(_ line: [UInt8]) {
        lock.withLock { _ in
            var bytes = noiseBeforeEachLine ?? []
            if let rewriteEachLine, line.last == 0x0A {
                bytes += rewriteEachLine(Array(line.dropLast()))
                bytes.append(0x0A)
            } else {
                bytes.append(contentsOf: line)
            }
            if !DemoFD.writeAll(1, bytes) {
                DemoStderr.log("stdout closed (errno \(errno)); exiting")
                exit(0)
            }
        }
    }
}

/// Lock-serialized lines on stderr (logs only).
enum DemoStderr {
    private static let lock = Mutex<Void>(())

    static func log(_ message: String) {
        var bytes = Array(message.utf8)
        bytes.append(0x0A)
        lock.withLock { _ in _ = DemoFD.writeAll(2, bytes) }
    }
}
