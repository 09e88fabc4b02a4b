import CShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads newline-delimited data from a file descriptor on its own dedicated thread with blocking
/// `read(2)` (64 KiB chunks) and a `memchr` splitter that never rescans bytes.
///
/// - `onLines` gets all complete lines of one `read()` chunk, without the '\n' and without one
///   trailing '\r'. Empty lines are delivered too.
/// - At EOF a final line without '\n' is delivered (if non-empty), then `onEOF` is called once.
///   `read()` errors other than EINTR count as EOF.
/// - A line longer than `maxLineBytes` is handled per `overlongPolicy`: `.drop` skips it up to the
///   next '\n' and reports its full length via `onTooLong`; `.truncate` delivers its first
///   `maxLineBytes` bytes as a line (no `onTooLong`).
/// - `growsPipe`: the fd is a pipe the hub made (a target's stdout): a line over 64 KiB asks for a 1 MiB
///   pipe buffer once (see `cshim_grow_pipe`).
/// All callbacks run on the reader thread, in order.
final class LineReader: Sendable {
    enum OverlongPolicy: Sendable { case drop, truncate }

    private let fd: Int32
    private let maxLineBytes: Int
    private let overlongPolicy: OverlongPolicy
    private let closeOnEOF: Bool
    private let name: String
    private let growsPipe: Bool
    private let onLines: @Sendable ([[UInt8]]) -> Void
    private let onTooLong: @Sendable (Int) -> Void
    private let onEOF: @Sendable () -> Void

    static let chunkSize = 64 << 10

    init(
        fd: Int32,
        maxLineBytes: Int = 64 << 20,
        overlongPolicy: OverlongPolicy = .drop,
        closeOnEOF: Bool = false,
        name: String = "LineReader",
        growsPipe: Bool = false,
        onLines: @escaping @Sendable ([[UInt8]]) -> Void,
        onTooLong: @escaping @Sendable (Int) -> Void = { _ in },
        onEOF: @escaping @Sendable () -> Void
    ) {
        precondition(maxLineBytes > 0, "maxLineBytes must be positive")
        self.fd = fd
        self.maxLineBytes = maxLineBytes
        self.overlongPolicy = overlongPolicy
        self.closeOnEOF = closeOnEOF
        self.name = name
        self.growsPipe = growsPipe
        self.onLines = onLines
        self.onTooLong = onTooLong
        self.onEOF = onEOF
    }

    /// Starts the reader thread. Call once.
    func start() {
        DetachedThread.start(name: name) { [self] in self.run() }
    }

    private func run() {
        var splitter = LineSplitter(
            maxLineBytes: maxLineBytes, overlongPolicy: overlongPolicy, onLines: onLines, onTooLong: onTooLong)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { chunk.deallocate() }
        var pipeGrown = !growsPipe
        while true {
            let count = read(fd, chunk.baseAddress, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            splitter.consume(UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            if !pipeGrown, splitter.pendingCount >= Self.chunkSize {
                cshim_grow_pipe(fd)  // a line over 64 KiB is coming: let it cross in fewer wake-ups
                pipeGrown = true
            }
        }
        splitter.finish()
        if closeOnEOF { _ = close(fd) }
        onEOF()
    }
}

/// The incremental splitter behind `LineReader` (a value owned by the reader thread).
private struct LineSplitter {
    let maxLineBytes: Int
    let overlongPolicy: LineReader.OverlongPolicy
    let onLines: @Sendable ([[UInt8]]) -> Void
    let onTooLong: @Sendable (Int) -> Void

    /// Bytes of the current, incomplete line (everything before it has been emitted).
    private var pending: [UInt8] = []
    var pendingCount: Int { pending.count }
    /// When non-nil we are skipping the rest of an overlong line; the value counts its bytes so far.
    private var skipped: Int?

    init(
        maxLineBytes: Int, overlongPolicy: LineReader.OverlongPolicy,
        onLines: @escaping @Sendable ([[UInt8]]) -> Void, onTooLong: @escaping @Sendable (Int) -> Void
    ) {
        self.maxLineBytes = maxLineBytes
        self.overlongPolicy = overlongPolicy
        self.onLines = onLines
        self.onTooLong = onTooLong
    }

    mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress else { return }
        let end = chunk.count
        var lines: [[UInt8]] = []
        var offset = 0
        // Each byte of the chunk is searched exactly once: `pending` never contains a '\n'.
        while offset < end {
            let rest = end - offset
            guard let hit = memchr(base + offset, 0x0A, rest) else {
                absorbPartial(UnsafeRawBufferPointer(start: base + offset, count: rest), into: &lines)
                break
            }
            let newline = base.distance(to: UnsafeRawPointer(hit))
            let piece = UnsafeRawBufferPointer(start: base + offset, count: newline - offset)
            completeLine(with: piece, into: &lines)
            offset = newline + 1
        }
        if !lines.isEmpty { onLines(lines) }
    }

    /// End of input: deliver a final unterminated line.
    mutating func finish() {
        if let total = skipped {
            skipped = nil
            if overlongPolicy == .drop { onTooLong(total) }
        } else if !pending.isEmpty {
            onLines([Self.strippingCR(takePending())])
        }
    }

    /// `piece` ends a line (a '\n' follows it).
    private mutating func completeLine(with piece: UnsafeRawBufferPointer, into lines: inout [[UInt8]]) {
        if let total = skipped {
            skipped = nil
            if overlongPolicy == .drop {
                // Report in order relative to the lines already collected from this chunk.
                if !lines.isEmpty {
                    onLines(lines)
                    lines.removeAll()
                }
                onTooLong(total + piece.count)
            }
            return
        }
        if pending.isEmpty {
            if piece.count > maxLineBytes {
                overlong(prefix: piece, total: piece.count, terminated: true, into: &lines)
            } else {
                lines.append(Self.strippingCR(Array(piece)))
            }
            return
        }
        if pending.count + piece.count > maxLineBytes {
            overlong(prefix: piece, total: pending.count + piece.count, terminated: true, into: &lines)
            return
        }
        pending.append(contentsOf: piece)
        lines.append(Self.strippingCR(takePending()))
    }

    /// `piece` has no '\n': it continues the current line.
    private mutating func absorbPartial(_ piece: UnsafeRawBufferPointer, into lines: inout [[UInt8]]) {
        if let total = skipped {
            skipped = total + piece.count
            return
        }
        if pending.count + piece.count > maxLineBytes {
            overlong(prefix: piece, total: pending.count + piece.count, terminated: false, into: &lines)
            return
        }
        pending.append(contentsOf: piece)
    }

    /// The current line (pending + piece) exceeds the limit.
    private mutating func overlong(
        prefix piece: UnsafeRawBufferPointer, total: Int, terminated: Bool, into lines: inout [[UInt8]]
    ) {
        switch overlongPolicy {
        case .drop:
            resetPending()
            if terminated {
                if !lines.isEmpty {
                    onLines(lines)
                    lines.removeAll()
                }
                onTooLong(total)
            } else {
                skipped = total
            }
        case .truncate:
            let room = maxLineBytes - pending.count
            pending.append(contentsOf: piece.prefix(room))
            lines.append(takePending())
            if !terminated { skipped = total }
        }
    }

    private mutating func resetPending() {
        pending = []
    }

    /// Hands over the pending bytes without copying them.
    private mutating func takePending() -> [UInt8] {
        var line: [UInt8] = []
        swap(&line, &pending)
        return line
    }

    private static func strippingCR(_ line: consuming [UInt8]) -> [UInt8] {
        if line.last == 0x0D { line.removeLast() }
        return line
    }
}
