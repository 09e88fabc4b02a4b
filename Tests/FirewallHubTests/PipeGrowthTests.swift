import Synchronization
import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pipe the hub made grows to 1 MiB once a message over 64 KiB crosses it, and only then (the user's
/// pipe quota counts every pipe's size).
@Suite struct PipeGrowthTests {
    #if os(Linux)
        /// F_GETPIPE_SZ (Linux; not exported by Glibc's module without _GNU_SOURCE).
        private static let getPipeSize: Int32 = 1032

        private func pipeSize(_ fd: Int32) -> Int32 { fcntl(fd, Self.getPipeSize) }

        @Test func aWriterGrowsItsPipeOnTheFirstLargeMessageOnly() async {
            var fds: [Int32] = [-1, -1]
            #expect(pipe(&fds) == 0)
            defer { close(fds[0]) }
            let initial = pipeSize(fds[1])
            let drained = Mutex(0)
            DetachedThread.start(name: "test drain") { [readFD = fds[0]] in
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while case let n = read(readFD, &buffer, buffer.count), n > 0 { drained.withLock { $0 += n } }
            }
            let writer = FDWriter(fd: fds[1], closeOnFinish: true, growsPipe: true)
            for _ in 0..<100 { writer.write([UInt8](repeating: 0x61, count: 1000) + [0x0A]) }
            await writer.flushAndWait()
            #expect(pipeSize(fds[1]) == initial)
            writer.write([UInt8](repeating: 0x62, count: 200_000) + [0x0A])
            await writer.flushAndWait()
            #expect(pipeSize(fds[1]) == 1 << 20)
            writer.finish()
            #expect(writer.waitUntilStopped(timeout: .seconds(30)))
        }

        @Test func aReaderGrowsItsPipeWhenALineOutgrowsOneRead() async throws {
            for (grows, lineBytes) in [(true, 300_000), (true, 1000), (false, 300_000)] {
                var fds: [Int32] = [-1, -1]
                #expect(pipe(&fds) == 0)
                let initial = pipeSize(fds[0])
                let lines = Mutex<[Int]>([])
                let ended = Mutex(false)
                LineReader(
                    fd: fds[0], closeOnEOF: false, growsPipe: grows,
                    onLines: { new in lines.withLock { $0 += new.map(\.count) } },
                    onEOF: { ended.withLock { $0 = true } }
                ).start()
                let line = [UInt8](repeating: 0x63, count: lineBytes) + [0x0A]
                line.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let n = write(fds[1], buffer.baseAddress! + offset, buffer.count - offset)
                        if n <= 0 { break }
                        offset += n
                    }
                }
                while lines.withLock({ $0.isEmpty }) { usleep(1000) }
                let expected = grows && lineBytes > 65536 ? 1 << 20 : initial
                #expect(pipeSize(fds[0]) == expected, "grows \(grows), line of \(lineBytes)")
                #expect(lines.withLock { $0 } == [lineBytes])
                close(fds[1])
                while !ended.withLock({ $0 }) { usleep(1000) }
                close(fds[0])
            }
        }
    #endif
}
