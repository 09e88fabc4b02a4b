import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads newline-delimited messages from a pipe on a dedicated `Thread` with blocking `read(2)`.
/// Bytes are read straight into one growable buffer and each line is handed to `onLine` in place
/// (no copy); a line is only valid during the callback. Every byte is searched for '\n' once.
final class LineSource: Sendable {
    private let fd: Int32
    private let onLine: @Sendable (UnsafeRawBufferPointer) -> Void
    private let onEOF: @Sendable () -> Void

    init(
        fd: Int32, onLine: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        onEOF: @escaping @Sendable () -> Void
    ) {
        self.fd = fd
        self.onLine = onLine
        self.onEOF = onEOF
    }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.name = "bench-reader"
        thread.start()
    }

    private func run() {
        var capacity = 1 << 20
        var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var end = 0  // bytes held
        var scanned = 0  // bytes already searched for '\n'
        while true {
            if capacity - end < 64 << 10 {
                capacity *= 2
                let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
                bigger.copyMemory(from: buffer, byteCount: end)
                buffer.deallocate()
                buffer = bigger
            }
            let n = read(fd, buffer + end, capacity - end)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            end += n
            var start = 0
            while scanned < end, let hit = memchr(buffer + scanned, 0x0A, end - scanned) {
                let newline = buffer.distance(to: hit)
                onLine(UnsafeRawBufferPointer(start: buffer + start, count: newline - start))
                start = newline + 1
                scanned = start
            }
            scanned = end
            if start > 0 {
                let rest = end - start
                if rest > 0 { memmove(buffer, buffer + start, rest) }
                end = rest
                scanned = rest
            }
        }
        onEOF()
    }
}

/// Reads the top-level `"id"` of a JSON-RPC response line and whether it carries `"error"`,
/// without parsing the (possibly huge) result: keys are scanned in order and the scan stops once
/// the id and one of `result`/`error` have been seen, so the usual `{"jsonrpc":…,"id":…,"result":…}`
/// costs a few dozen bytes. Values before them are skipped structurally.
struct ResponseScan {
    var id: Int?
    var isError = false
    var isResponse = false

    init(_ line: UnsafeRawBufferPointer) {
        let bytes = line.bindMemory(to: UInt8.self)
        var i = 0
        let n = bytes.count
        func skipSpace() { while i < n, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 } }
        func skipString() {  // at the opening quote
            i += 1
            while i < n {
                let c = bytes[i]
                if c == 0x5C {
                    i += 2
                    continue
                }
                i += 1
                if c == 0x22 { return }
            }
        }
        func skipValue() {
            skipSpace()
            guard i < n else { return }
            switch bytes[i] {
            case 0x22: skipString()
            case 0x7B, 0x5B:
                var depth = 0
                while i < n {
                    let c = bytes[i]
                    if c == 0x22 {
                        skipString()
                        continue
                    }
                    if c == 0x7B || c == 0x5B { depth += 1 }
                    if c == 0x7D || c == 0x5D {
                        depth -= 1
                        if depth == 0 {
                            i += 1
                            return
                        }
                    }
                    i += 1
                }
            default:
                while i < n, bytes[i] != 0x2C, bytes[i] != 0x7D { i += 1 }
            }
        }
        skipSpace()
        guard i < n, bytes[i] == 0x7B else { return }
        i += 1
        while i < n {
            skipSpace()
            guard i < n, bytes[i] == 0x22 else { return }
            let keyStart = i + 1
            skipString()
            let key = UnsafeBufferPointer(rebasing: bytes[keyStart..<max(keyStart, i - 1)])
            skipSpace()
            guard i < n, bytes[i] == 0x3A else { return }
            i += 1
            skipSpace()
            if key.elementsEqual("id".utf8) {
                var value = 0
                var digits = 0
                while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                    value = value * 10 + Int(bytes[i] - 0x30)
                    digits += 1
                    i += 1
                }
                if digits > 0 { id = value }
                skipValue()
            } else if key.elementsEqual("result".utf8) {
                isResponse = true
                if id != nil { return }
                skipValue()
            } else if key.elementsEqual("error".utf8) {
                isResponse = true
                isError = true
                if id != nil { return }
                skipValue()
            } else {
                skipValue()
            }
            skipSpace()
            guard i < n, bytes[i] == 0x2C else { return }
            i += 1
        }
    }
}
