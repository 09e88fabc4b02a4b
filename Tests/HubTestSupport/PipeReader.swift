import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Drains one pipe on a dedicated thread with blocking `read(2)` (never `readabilityHandler`, which
/// loses data and EOFs on Linux, and never inside a Task, which would starve the cooperative pool).
enum PipeReader {
    /// Reads `fd` until EOF (or an error other than EINTR), passing every chunk to `onChunk`, then closes
    /// `fd` and calls `onEnd`. Both callbacks run on the reader thread.
    static func start(
        fd: Int32, name: String,
        onChunk: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        onEnd: @escaping @Sendable () -> Void
    ) {
        let thread = Thread {
            let capacity = 64 * 1024
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
            defer { buffer.deallocate() }
            while true {
                let count = read(fd, buffer.baseAddress, capacity)
                if count > 0 {
                    onChunk(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(fd)
            onEnd()
        }
        thread.name = name
        thread.start()
    }

    /// Like `start`, but hands out complete lines (without `\n`); a final unterminated line is delivered
    /// before `onEnd`.
    static func startLines(
        fd: Int32, name: String,
        onLine: @escaping @Sendable ([UInt8]) -> Void,
        onEnd: @escaping @Sendable () -> Void
    ) {
        let splitter = SplitterBox()
        start(
            fd: fd, name: name,
            onChunk: { chunk in splitter.value.append(chunk, emit: onLine) },
            onEnd: {
                if let last = splitter.value.finish() { onLine(last) }
                onEnd()
            })
    }
}

/// Holds the line splitter of one reader thread.
/// `@unchecked Sendable` is safe: only that reader thread ever touches `value` (both callbacks that
/// capture the box run on it, sequentially).
private final class SplitterBox: @unchecked Sendable {
    var value = LineSplitter()
}
