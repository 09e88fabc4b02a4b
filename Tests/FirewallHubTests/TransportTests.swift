import Foundation
import Synchronization
import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Helpers (private: other test files share this target)

/// Records every event of one child, in arrival order.
private final class EventLog: Sendable {
    struct Snapshot {
        var stdout: [[UInt8]] = []
        var stderr: [[UInt8]] = []
        var tooLong: [Int] = []
        var stdoutClosed = false
        var exit: FirewallHub.ExitStatus?  // Swift Testing also has an ExitStatus
        var order: [String] = []

        var stdoutText: [String] { stdout.map { String(decoding: $0, as: UTF8.self) } }
        var stderrText: [String] { stderr.map { String(decoding: $0, as: UTF8.self) } }
    }

    private let state = Mutex(Snapshot())

    var handler: @Sendable (ChildEvent) -> Void {
        { [self] event in
            state.withLock { snapshot in
                switch event {
                case .stdoutLines(let lines):
                    snapshot.stdout += lines
                    snapshot.order += lines.map { _ in "line" }
                case .stdoutClosed:
                    snapshot.stdoutClosed = true
                    snapshot.order.append("closed")
                case .stdoutLineTooLong(let size):
                    snapshot.tooLong.append(size)
                    snapshot.order.append("tooLong")
                case .stderrLines(let lines):
                    snapshot.stderr += lines
                case .exited(let status):
                    snapshot.exit = status
                    snapshot.order.append("exited")
                }
            }
        }
    }

    var snapshot: Snapshot { state.withLock { $0 } }

    /// Polls until `predicate` holds; generous timeout (2-core CI), not a speed assertion.
    func wait(timeout: Duration = .seconds(30), until predicate: (Snapshot) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if predicate(snapshot) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return predicate(snapshot)
    }
}

private let hasProcFS = FileManager.default.fileExists(atPath: "/proc/self/stat")

private let basicEnvironment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C"]

private func shell(_ script: String, environment: [String: String] = basicEnvironment) -> SpawnSpec {
    SpawnSpec(command: "sh", arguments: ["-c", script], environment: environment)
}

private func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "transport-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Live (non-zombie) pids in process group `pgid`, read from /proc.
private func liveMembers(ofGroup pgid: Int32) -> [Int32] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    var members: [Int32] = []
    for entry in entries {
        guard let pid = Int32(entry),
            let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
            let paren = stat.lastIndex(of: ")")
        else { continue }
        let fields = stat[stat.index(after: paren)...].split(separator: " ")
        guard fields.count > 2, let group = Int32(fields[2]) else { continue }
        if group == pgid && fields[0] != "Z" && fields[0] != "X" { members.append(pid) }
    }
    return members
}

private func waitForEmptyGroup(_ pgid: Int32, timeout: Duration = .seconds(10)) async -> [Int32] {
    let deadline = ContinuousClock.now + timeout
    var members = liveMembers(ofGroup: pgid)
    while !members.isEmpty && ContinuousClock.now < deadline {
        try? await Task.sleep(for: .milliseconds(20))
        members = liveMembers(ofGroup: pgid)
    }
    return members
}

/// Kills a group left behind by a failed test.
private func killLeftovers(_ pgid: Int32) {
    if !liveMembers(ofGroup: pgid).isEmpty { _ = kill(-pgid, SIGKILL) }
}

// MARK: - ChildProcess

@Suite("Transport: ChildProcess")
struct ChildProcessTests {
    @Test func catEchoesLinesIncludingSplitUTF8AndHugeLine() async throws {
        let log = EventLog()
        let child = try ChildProcess.spawn(
            SpawnSpec(command: "cat", arguments: [], environment: basicEnvironment), onEvent: log.handler)
        defer { killLeftovers(child.pid) }
        let text = Array("grüße, 世界 🎉".utf8)
        // Split in the middle of the 4-byte emoji.
        child.write(Array("hello\n".utf8))
        child.write(Array(text[0..<(text.count - 2)]))
        child.write(Array(text[(text.count - 2)...]) + [0x0A])
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 5 << 20)
        child.write(huge + [0x0A])
        child.write(Array("after\r\n".utf8))
        #expect(await log.wait { $0.stdout.count == 4 })
        let snapshot = log.snapshot
        #expect(snapshot.stdoutText.first == "hello")
        #expect(snapshot.stdout.count > 1 && snapshot.stdout[1] == text)
        #expect(snapshot.stdout.count > 2 && snapshot.stdout[2] == huge)
        #expect(snapshot.stdoutText.last == "after")
        await child.shutdown(grace: .seconds(10))
        #expect(child.exitStatus == .exited(0))
        #expect(child.hasExited)
    }

    @Test func crlfIsStrippedAndFinalPartialLineDelivered() async throws {
        let log = EventLog()
        let child = try ChildProcess.spawn(shell("printf 'a\\r\\n\\r\\nb\\rc\\r\\nlast'"), onEvent: log.handler)
        await child.waitForExit()
        #expect(await log.wait { $0.exit != nil })
        #expect(log.snapshot.stdoutText == ["a", "", "b\rc", "last"])
    }

    @Test func eventsEndWithClosedThenExited() async throws {
        let log = EventLog()
        let child = try ChildProcess.spawn(shell("echo hi"), onEvent: log.handler)
        let status = await child.waitForExit()
        #expect(status == .exited(0))
        #expect(log.snapshot.order == ["line", "closed", "exited"])
    }

    @Test func missingExecutableIsReported() {
        #expect(throws: SpawnError.executableNotFound(command: "no-such-cmd-xyz", searchedPath: "/usr/bin:/bin")) {
            _ = try ChildProcess.spawn(
                SpawnSpec(command: "no-such-cmd-xyz", environment: ["PATH": "/usr/bin:/bin"]), onEvent: { _ in })
        }
        #expect(throws: SpawnError.self) {
            _ = try ChildProcess.spawn(
                SpawnSpec(command: "/no/such/dir/tool", environment: basicEnvironment), onEvent: { _ in })
        }
    }

    @Test func nonExecutableFileIsReported() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/plain.txt"
        try "hello".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: SpawnError.notExecutable(file)) {
            _ = try ChildProcess.spawn(SpawnSpec(command: file, environment: basicEnvironment), onEvent: { _ in })
        }
    }

    @Test func missingScriptInterpreterIsReported() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/script"
        try "#! /nonexistent/interpreter -x\necho hi\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(chmod(script, 0o755) == 0)
        #expect(throws: SpawnError.interpreterNotFound(script: script, interpreter: "/nonexistent/interpreter")) {
            _ = try ChildProcess.spawn(SpawnSpec(command: script, environment: basicEnvironment), onEvent: { _ in })
        }
    }

    @Test func concurrentSpawnsFromManyTasks() async throws {
        let statuses = try await withThrowingTaskGroup(of: (Int, [String], FirewallHub.ExitStatus).self) { group in
            for index in 0..<8 {
                group.addTask {
                    let log = EventLog()
                    let child = try ChildProcess.spawn(shell("echo task-\(index)"), onEvent: log.handler)
                    let status = await child.waitForExit()
                    _ = await log.wait { $0.stdoutClosed }
                    return (index, log.snapshot.stdoutText, status)
                }
            }
            var results: [(Int, [String], FirewallHub.ExitStatus)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(statuses.count == 8)
        for (index, lines, status) in statuses {
            #expect(lines == ["task-\(index)"])
            #expect(status == .exited(0))
        }
    }

    @Test func missingWorkingDirectoryIsReported() {
        let missing = "/definitely/not/here-\(UUID().uuidString)"
        #expect(throws: SpawnError.workingDirectoryMissing(missing)) {
            _ = try ChildProcess.spawn(
                SpawnSpec(command: "pwd", environment: basicEnvironment, workingDirectory: missing),
                onEvent: { _ in })
        }
        let message = SpawnError.workingDirectoryMissing(missing).description
        #expect(message.contains(missing))
    }

    @Test func workingDirectoryIsRespected() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = EventLog()
        let child = try ChildProcess.spawn(
            SpawnSpec(command: "pwd", arguments: ["-P"], environment: basicEnvironment, workingDirectory: directory),
            onEvent: log.handler)
        await child.waitForExit()
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(await log.wait { $0.stdoutClosed })
        #expect(log.snapshot.stdoutText == [resolved])
    }

    @Test func environmentIsPassedAndPathLookupUsesChildPath() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let name = "transport-test-tool-\(getpid())"
        let script = directory + "/" + name
        try "#!/bin/sh\necho \"found $GREETING\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(chmod(script, 0o755) == 0)
        // The hub's own PATH does not contain the directory: only the child's does.
        #expect(!(ProcessInfo.processInfo.environment["PATH"] ?? "").contains(directory))
        let log = EventLog()
        let child = try ChildProcess.spawn(
            SpawnSpec(
                command: name, environment: ["PATH": "/usr/bin:\(directory):/bin", "GREETING": "hello world"]),
            onEvent: log.handler)
        #expect(await child.waitForExit() == .exited(0))
        #expect(await log.wait { $0.stdoutClosed })
        #expect(log.snapshot.stdoutText == ["found hello world"])

        // Only the given environment is visible to the child.
        let envLog = EventLog()
        let envChild = try ChildProcess.spawn(
            SpawnSpec(command: "env", environment: ["PATH": "/usr/bin:/bin", "ONLY": "1"]), onEvent: envLog.handler)
        await envChild.waitForExit()
        #expect(await envLog.wait { $0.stdoutClosed })
        #expect(envLog.snapshot.stdoutText.sorted() == ["ONLY=1", "PATH=/usr/bin:/bin"])
    }

    @Test func exitCodeAndSignalAreReported() async throws {
        let three = try ChildProcess.spawn(shell("exit 3"), onEvent: { _ in })
        let status = await three.waitForExit()
        #expect(status == .exited(3))
        #expect(status.description == "exit code 3")

        let killed = try ChildProcess.spawn(shell("kill -9 $$"), onEvent: { _ in })
        let signaled = await killed.waitForExit()
        #expect(signaled == .signaled(9))
        #expect(signaled.description == "killed by signal 9 (SIGKILL)")

        let falseChild = try ChildProcess.spawn(
            SpawnSpec(command: "/bin/false", environment: basicEnvironment), onEvent: { _ in })
        #expect(await falseChild.waitForExit() == .exited(1))
    }

    @Test(.enabled(if: hasProcFS)) func shutdownKillsWholeTreeIgnoringSIGTERM() async throws {
        let log = EventLog()
        let child = try ChildProcess.spawn(
            shell("trap '' TERM; sleep 1000 & sleep 1000 & echo ready; wait"), onEvent: log.handler)
        defer { killLeftovers(child.pid) }
        #expect(await log.wait { $0.stdoutText == ["ready"] })
        #expect(getpgid(child.pid) == child.pid)
        #expect(liveMembers(ofGroup: child.pid).count >= 3)
        await child.shutdown(grace: .milliseconds(300))
        #expect(child.exitStatus == .signaled(SIGKILL))
        #expect(await waitForEmptyGroup(child.pid).isEmpty)
    }

    @Test(.enabled(if: hasProcFS)) func leaderExitTerminatesRestOfGroup() async throws {
        let log = EventLog()
        let child = try ChildProcess.spawn(
            shell("sleep 1000 & sleep 1000 >/dev/null 2>&1 & echo started"),
            onEvent: log.handler)
        defer { killLeftovers(child.pid) }
        #expect(await child.waitForExit() == .exited(0))
        #expect(await waitForEmptyGroup(child.pid).isEmpty)
        #expect(log.snapshot.order == ["line", "closed", "exited"])
    }

    @Test(.enabled(if: hasProcFS)) func leaderExitKillsTermIgnoringGroupAfterGrace() async throws {
        var spec = shell("trap '' TERM; sleep 1000 >/dev/null 2>&1 & sleep 1000 & echo started")
        spec.terminationGrace = .milliseconds(300)
        let log = EventLog()
        let child = try ChildProcess.spawn(spec, onEvent: log.handler)
        defer { killLeftovers(child.pid) }
        #expect(await child.waitForExit() == .exited(0))
        // The group was SIGKILLed while the leader was still an unreaped zombie.
        #expect(liveMembers(ofGroup: child.pid).isEmpty)
        #expect(await waitForEmptyGroup(child.pid).isEmpty)
        #expect(log.snapshot.order == ["line", "closed", "exited"])
    }

    @Test func wellBehavedCatExitsOnStdinClose() async throws {
        let child = try ChildProcess.spawn(
            SpawnSpec(command: "cat", environment: basicEnvironment), onEvent: { _ in })
        defer { killLeftovers(child.pid) }
        child.closeStdin()
        // With a 30 s grace, only stdin EOF can make cat exit with status 0.
        await child.shutdown(grace: .seconds(30))
        #expect(child.exitStatus == .exited(0))
    }

    @Test func writingToChildThatNeverReadsDoesNotBlock() async throws {
        let child = try ChildProcess.spawn(
            SpawnSpec(command: "sleep", arguments: ["1000"], environment: basicEnvironment), onEvent: { _ in })
        defer { killLeftovers(child.pid) }
        let chunk = [UInt8](repeating: 0x41, count: 1 << 20)
        for _ in 0..<10 { child.write(chunk) }  // 10 MiB; the pipe holds 64 KiB
        #expect(child.pendingStdinBytes > 0 || !child.hasExited)
        await child.shutdown(grace: .milliseconds(200))
        #expect(child.exitStatus == .signaled(SIGTERM))
        child.write(Array("dropped\n".utf8))  // after exit: silently dropped, no SIGPIPE death
    }

    @Test func stderrLinesAreDelivered() async throws {
        let log = EventLog()
        let child = try ChildProcess.spawn(shell("echo err1 >&2; echo out; printf 'err2' >&2"), onEvent: log.handler)
        await child.waitForExit()
        #expect(await log.wait { $0.stderr.count == 2 })
        #expect(log.snapshot.stderrText == ["err1", "err2"])
        #expect(log.snapshot.stdoutText == ["out"])
    }

    @Test func overlongStdoutLineIsReportedAndLaterLinesDelivered() async throws {
        let log = EventLog()
        let script = "echo ok1; head -c 300000 /dev/zero | tr '\\000' a; printf '\\nok2\\n'"
        let child = try ChildProcess.spawn(shell(script), maxLineBytes: 100_000, onEvent: log.handler)
        await child.waitForExit()
        #expect(await log.wait { $0.stdoutClosed })
        let snapshot = log.snapshot
        #expect(snapshot.stdoutText == ["ok1", "ok2"])
        #expect(snapshot.tooLong == [300_000])
        #expect(snapshot.order == ["line", "tooLong", "line", "closed", "exited"])
    }

    @Test(.enabled(if: hasProcFS)) func childIsTheRealCommandAndLeadsItsGroup() async throws {
        // An inheritable fd (no CLOEXEC) and an ignored signal in the parent must not reach the child.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        let previousHUP = signal(SIGHUP, SIG_IGN)
        let spawned = Result { () throws(SpawnError) -> ChildProcess in
            try ChildProcess.spawn(
                SpawnSpec(command: "sleep", arguments: ["1000"], environment: basicEnvironment), onEvent: { _ in })
        }
        _ = signal(SIGHUP, previousHUP)
        let child = try spawned.get()
        defer { killLeftovers(child.pid) }
        #expect(getpgid(child.pid) == child.pid)
        // With or without the setpriv wrapper, the pid ends up running `sleep` itself.
        var cmdline = ""
        for _ in 0..<500 {
            let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(child.pid)/cmdline"))) ?? Data()
            cmdline = String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
            if cmdline.hasPrefix("/usr/bin/sleep") || cmdline.hasPrefix("/bin/sleep") { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        #expect(cmdline.contains("sleep 1000"))
        #expect(!cmdline.contains("setpriv"))
        // exec switches /proc/PID/cmdline before it closes the CLOEXEC fds of the program it replaces
        // (setpriv's own), so a loaded machine can show them for a moment: wait until they are gone.
        // An inherited fd never goes, so a leak still fails (after the deadline).
        var fds: [String] = []
        for _ in 0..<2000 {
            fds = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(child.pid)/fd")) ?? []).sorted()
            if fds == ["0", "1", "2"] { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        #expect(fds == ["0", "1", "2"])
        let status = (try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8)) ?? ""
        #expect(status.contains("SigBlk:\t0000000000000000"))
        // Signals 1...31 must be back to default. (glibc's posix_spawn leaves its internal signals
        // 32/33 ignored; that is glibc behaviour, not ours.)
        let ignored = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { UInt64($0.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16) }
        #expect(ignored.map { $0 & 0x7FFF_FFFF } == 0)
        // Signal dispositions are reset: SIGTERM kills it even though nothing special was done.
        child.signalGroup(SIGTERM)
        #expect(await child.waitForExit() == .signaled(SIGTERM))
    }
}

// MARK: - LineReader / FDWriter

@Suite("Transport: LineReader and FDWriter")
struct LineReaderAndWriterTests {
    private final class Collected: Sendable {
        let lines = Mutex<[[UInt8]]>([])
        let tooLong = Mutex<[Int]>([])
        let eof = OneShotGate()
    }

    private func makePipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if count <= 0 { return }
                offset += count
            }
        }
    }

    private func collect(
        _ input: [UInt8], maxLineBytes: Int = 64 << 20, policy: LineReader.OverlongPolicy = .drop
    ) async -> Collected {
        let collected = Collected()
        let (readFD, writeFD) = makePipe()
        LineReader(
            fd: readFD, maxLineBytes: maxLineBytes, overlongPolicy: policy, closeOnEOF: true,
            onLines: { lines in collected.lines.withLock { $0 += lines } },
            onTooLong: { size in collected.tooLong.withLock { $0.append(size) } },
            onEOF: { collected.eof.open() }
        ).start()
        let writer = Thread {
            self.writeAll(writeFD, input)
            close(writeFD)
        }
        writer.start()
        #expect(await collected.eof.wait(timeout: .seconds(30)))
        return collected
    }

    @Test func finalLineWithoutNewlineIsDelivered() async {
        let collected = await collect(Array("one\ntwo\r\nthree".utf8))
        let lines = collected.lines.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == ["one", "two", "three"])
    }

    @Test func overlongLinesAreDroppedAcrossChunks() async {
        let long = [UInt8](repeating: 0x62, count: 200_000)
        let input = Array("a\n".utf8) + long + Array("\nb\n".utf8) + long
        let collected = await collect(input, maxLineBytes: 1000)
        let lines = collected.lines.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == ["a", "b"])
        #expect(collected.tooLong.withLock { $0 } == [200_000, 200_000])
    }

    @Test func truncatePolicyKeepsPrefix() async {
        let long = [UInt8](repeating: 0x63, count: 150_000)
        let collected = await collect(long + Array("\nnext".utf8), maxLineBytes: 1000, policy: .truncate)
        let lines = collected.lines.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines.first == [UInt8](repeating: 0x63, count: 1000))
        #expect(lines.last == Array("next".utf8))
        #expect(collected.tooLong.withLock { $0 }.isEmpty)
    }

    @Test func writerDeliversInOrderAndClosesOnFinish() async {
        let collected = Collected()
        let (readFD, writeFD) = makePipe()
        LineReader(
            fd: readFD, closeOnEOF: true,
            onLines: { lines in collected.lines.withLock { $0 += lines } },
            onTooLong: { _ in },
            onEOF: { collected.eof.open() }
        ).start()
        let writer = FDWriter(fd: writeFD, closeOnFinish: true)
        for index in 0..<2000 { writer.write(Array("line \(index)\n".utf8)) }
        await writer.flushAndWait()
        writer.finish()
        #expect(writer.waitUntilStopped(timeout: .seconds(30)))
        #expect(await collected.eof.wait(timeout: .seconds(30)))
        let lines = collected.lines.withLock { $0 }.map { String(decoding: $0, as: UTF8.self) }
        #expect(lines == (0..<2000).map { "line \($0)" })
        #expect(!writer.isBroken)
    }

    @Test func writerStopsOnEPIPE() async {
        UnixSignals.installNoOpSIGPIPEHandlerIfDefault()
        let (readFD, writeFD) = makePipe()
        close(readFD)
        let writer = FDWriter(fd: writeFD, closeOnFinish: true)
        writer.write(Array("x\n".utf8))
        await writer.flushAndWait()
        #expect(writer.isBroken)
        #expect(writer.waitUntilStopped(timeout: .seconds(30)))
        writer.write(Array("dropped\n".utf8))
        #expect(writer.queuedBytes == 0)
    }

    @Test func lookupPrefersFirstExecutableAndAnchorsRelativePaths() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tool = directory + "/tool"
        try "#!/bin/sh\n".write(toFile: tool, atomically: true, encoding: .utf8)
        #expect(chmod(tool, 0o644) == 0)
        #expect(throws: SpawnError.notExecutable(tool)) {
            _ = try ExecutableLookup.resolve(
                command: "tool", environment: ["PATH": directory], workingDirectory: nil)
        }
        #expect(chmod(tool, 0o755) == 0)
        let found = try ExecutableLookup.resolve(
            command: "tool", environment: ["PATH": "/nonexistent:" + directory], workingDirectory: nil)
        #expect(found == tool)
        let relative = try ExecutableLookup.resolve(
            command: "./tool", environment: [:], workingDirectory: directory)
        #expect(relative == "./tool")
    }
}
