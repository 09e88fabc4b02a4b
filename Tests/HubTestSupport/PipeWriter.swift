import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to a child's stdin from a dedicated thread, so `send` never blocks the caller (a child that
/// stops reading would otherwise hang the test once the 64 KiB pipe buffer is full).
///
/// Writes happen in `enqueue` order. After `close()` the queued bytes are still written, then the fd is
/// closed. A failed write (EPIPE: the child is gone) drops everything after it.
final class PipeWriter: Sendable {
    private struct Queue {
        var chunks: [[UInt8]] = []
        var closeRequested = false
        var finished = false
    }

    private let fd: Int32
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    init(fd: Int32, name: String) {
        self.fd = fd
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Queues `bytes` for writing; ignored once the writer has closed or failed.
    func enqueue(_ bytes: [UInt8]) {
        let accepted = queue.withLock { q -> Bool in
            guard !q.closeRequested, !q.finished else { return false }
            q.chunks.append(bytes)
            return true
        }
        if accepted { wake.signal() }
    }

    /// Closes the child's stdin after everything queued so far has been written. Idempotent.
    func close() {
        queue.withLock { $0.closeRequested = true }
        wake.signal()
    }

    private func run() {
        while true {
            wake.wait()
            let (chunks, closing) = queue.withLock { q -> ([[UInt8]], Bool) in
                let taken = q.chunks
                q.chunks = []
                return (taken, q.closeRequested)
            }
            var failed = false
            for chunk in chunks where !failed {
                failed = !writeAll(chunk)
            }
            if failed || closing {
                queue.withLock {
                    $0.finished = true
                    $0.chunks = []
                }
                _ = systemClose(fd)
                return
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    private func systemClose(_ fd: Int32) -> Int32 {
        #if canImport(Glibc)
            return Glibc.close(fd)
        #else
            return Darwin.close(fd)
        #endif
    }
}
