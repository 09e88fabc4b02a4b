import Dispatch
import Foundation
import Synchronization
import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a LineReader delivered, in order.
private enum Delivery: Equatable {
    case line([UInt8])
    case tooLong(Int)
}

/// Writes `chunks` into a pipe (each its own write, with an occasional pause so reads split there)
/// and returns everything a LineReader on the other end delivered.
private func readThrough(
    _ chunks: [[UInt8]], maxLineBytes: Int, policy: LineReader.OverlongPolicy
) -> [Delivery] {
    var fds: [Int32] = [-1, -1]
    _ = pipe(&fds)
    let delivered = Mutex<[Delivery]>([])
    let done = DispatchSemaphore(value: 0)
    LineReader(
        fd: fds[0], maxLineBytes: maxLineBytes, overlongPolicy: policy, closeOnEOF: true,
        onLines: { lines in delivered.withLock { $0 += lines.map(Delivery.line) } },
        onTooLong: { size in delivered.withLock { $0.append(.tooLong(size)) } },
        onEOF: { done.signal() }
    ).start()
    let writeFD = fds[1]
    for (index, chunk) in chunks.enumerated() {
        chunk.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(writeFD, buffer.baseAddress! + offset, buffer.count - offset)
                if n > 0 { offset += n } else if errno != EINTR { break }
            }
        }
        if index % 7 == 0 { usleep(200) }
    }
    close(writeFD)
    _ = done.wait(timeout: .now() + .seconds(30))
    return delivered.withLock { $0 }
}

/// Cuts `bytes` at random places (including inside multi-byte characters and between \r and \n).
private func randomChunks(_ bytes: [UInt8], _ rng: inout SeededGenerator) -> [[UInt8]] {
    var chunks: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        let size = Int.random(
            in: 1...max(1, min(bytes.count - start, Int.random(in: 1...300, using: &rng))), using: &rng)
        chunks.append(Array(bytes[start..<start + size]))
        start += size
    }
    return chunks
}

@Suite struct FramingStressTests {
    private static let pieces: [[UInt8]] = [
        Array("{\"a\":1}".utf8), Array("é€😀".utf8), [0x0D], [0x20], [0x09], [0xFF], Array("x".utf8),
        Array(String(repeating: "y", count: 50).utf8),
    ]

    private static func randomLine(_ rng: inout SeededGenerator, longest: Int) -> [UInt8] {
        var line: [UInt8] = []
        let target = Int.random(in: 0...longest, using: &rng)
        while line.count < target { line += pieces.randomElement(using: &rng)! }
        return line
    }

    /// '\n' never appears inside a line; one trailing '\r' is stripped; nothing else changes.
    private static func expected(_ line: [UInt8]) -> [UInt8] {
        line.last == 0x0D ? Array(line.dropLast()) : line
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64]) func linesSurviveAnyChunking(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let lines = (0..<400).map { _ in Self.randomLine(&rng, longest: 400) }
        var stream: [UInt8] = []
        for line in lines { stream += line + [0x0A] }
        let unterminated = Bool.random(using: &rng)
        var want = lines.map { Delivery.line(Self.expected($0)) }
        if unterminated {
            let last = Array("{\"final\":\"é\"}".utf8)
            stream += last
            want.append(.line(last))
        }
        let got = readThrough(randomChunks(stream, &rng), maxLineBytes: 64 << 20, policy: .drop)
        #expect(got.count == want.count)
        #expect(got == want)
    }

    @Test(arguments: [5, 6] as [UInt64]) func overlongLinesAreDroppedOrTruncatedAndTheRestKept(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let limit = 256
        let lines = (0..<300).map { _ in Self.randomLine(&rng, longest: 700) }
        var stream: [UInt8] = []
        for line in lines { stream += line + [0x0A] }
        let chunks = randomChunks(stream, &rng)

        let dropped = readThrough(chunks, maxLineBytes: limit, policy: .drop)
        let wantDropped = lines.map { line -> Delivery in
            // The limit applies to the raw line (before the '\r' is stripped).
            line.count > limit ? .tooLong(line.count) : .line(Self.expected(line))
        }
        #expect(dropped == wantDropped)

        let truncated = readThrough(chunks, maxLineBytes: limit, policy: .truncate)
        let wantTruncated = lines.map { line -> Delivery in
            line.count > limit ? .line(Array(line.prefix(limit))) : .line(Self.expected(line))
        }
        #expect(truncated == wantTruncated)
    }
}
