import Synchronization
import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `WriteBatch`: a thread's writes to batchable writers are held until the batch ends, then written
/// in order; nothing else is held.
@Suite struct WriteBatchTests {
    /// A pipe whose read end is non-blocking, so "nothing written yet" can be observed.
    private struct Pipe {
        let readFD: Int32
        let writeFD: Int32

        init() {
            var fds: [Int32] = [-1, -1]
            precondition(pipe(&fds) == 0)
            readFD = fds[0]
            writeFD = fds[1]
            _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        }

        /// Whatever is in the pipe now.
        func available() -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = read(readFD, &buffer, buffer.count)
                if count <= 0 { break }
                bytes += buffer[0..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// Everything until the write end is closed.
        func drain() -> String {
            var text = ""
            for _ in 0..<3000 {
                text += available()
                var entry = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
                if poll(&entry, 1, 10) == 1, entry.revents & Int16(POLLHUP) != 0, entry.revents & Int16(POLLIN) == 0 {
                    break
                }
            }
            return text + available()
        }
    }

    private func line(_ text: String) -> [UInt8] { Array((text + "\n").utf8) }

    @Test func heldUntilTheBatchEndsThenWrittenInOrder() async {
        let pipe = Pipe()
        defer { close(pipe.readFD) }
        let writer = FDWriter(fd: pipe.writeFD, closeOnFinish: true, batchable: true)
        let big = String(repeating: "x", count: 10_000)
        var seenInside = "unset"
        WriteBatch.run {
            for index in 0..<50 { writer.write(line("m\(index)")) }
            writer.write(line(big))
            writer.write(line("after big"))
            seenInside = pipe.available()
        }
        #expect(seenInside == "")
        await writer.flushAndWait()
        writer.finish()
        #expect(writer.waitUntilStopped(timeout: .seconds(30)))
        let expected = (0..<50).map { "m\($0)\n" }.joined() + big + "\n" + "after big\n"
        #expect(pipe.drain() == expected)
    }

    @Test func writersThatAreNotBatchableAndOtherThreadsAreNotHeld() async {
        let pipe = Pipe()
        defer { close(pipe.readFD) }
        let plain = FDWriter(fd: pipe.writeFD, closeOnFinish: false)
        let other = Pipe()
        defer { close(other.readFD) }
        let batchable = FDWriter(fd: other.writeFD, closeOnFinish: true, batchable: true)
        let fromOtherThread = Mutex("")
        WriteBatch.run {
            plain.write(line("plain"))
            let thread = OtherThreadWriter(batchable: batchable, line: line("other thread"))
            thread.runAndWait()
            // Give the writer thread a moment: neither write is held.
            for _ in 0..<200 where fromOtherThread.withLock({ $0.count }) < 13 {
                let text = other.available()
                fromOtherThread.withLock { $0 += text }
                usleep(5000)
            }
        }
        await plain.flushAndWait()
        #expect(pipe.available() == "plain\n")
        #expect(fromOtherThread.withLock { $0 } == "other thread\n")
        plain.finish()
        batchable.finish()
        close(pipe.writeFD)
    }

    @Test func finishInsideABatchWritesWhatItHeldFirst() {
        let pipe = Pipe()
        defer { close(pipe.readFD) }
        let writer = FDWriter(fd: pipe.writeFD, closeOnFinish: true, batchable: true)
        WriteBatch.run {
            writer.write(line("one"))
            WriteBatch.run { writer.write(line("two")) }  // nested: joins the open batch
            writer.finish()
            writer.write(line("dropped"))
        }
        #expect(writer.waitUntilStopped(timeout: .seconds(30)))
        #expect(pipe.drain() == "one\ntwo\n")
    }

    /// Writes one line from a thread of its own, and waits for it.
    private struct OtherThreadWriter {
        let batchable: FDWriter
        let line: [UInt8]

        func runAndWait() {
            let done = Mutex(false)
            DetachedThread.start(name: "test writer") { [batchable, line] in
                batchable.write(line)
                done.withLock { $0 = true }
            }
            while !done.withLock({ $0 }) { usleep(1000) }
        }
    }
}
