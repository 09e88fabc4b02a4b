import Foundation
import Testing

@testable import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The pure parts of the target supervisor: its command line and the /proc descendant walk.
/// (The mode itself runs in the hub binary; see Tests/EndToEndTests/SupervisorTests.swift.)
@Suite struct TargetSupervisorTests {
    private typealias Entry = ProcessTree.Entry

    @Test func descendantsFollowParentLinksAcrossGenerations() {
        let tree = ProcessTree(entries: [
            Entry(pid: 1, parent: 0, state: "S"),
            Entry(pid: 10, parent: 1, state: "S"),  // the supervisor
            Entry(pid: 11, parent: 10, state: "S"),  // the target
            Entry(pid: 12, parent: 11, state: "R"),  // its child
            Entry(pid: 13, parent: 12, state: "S"),  // grandchild
            Entry(pid: 14, parent: 10, state: "S"),  // an orphan adopted by the subreaper
            Entry(pid: 20, parent: 1, state: "S"),  // unrelated
            Entry(pid: 21, parent: 20, state: "S"),
        ])
        #expect(tree.descendants(of: 10).map(\.pid).sorted() == [11, 12, 13, 14])
        #expect(tree.descendants(of: 13).isEmpty)
        #expect(tree.descendants(of: 99).isEmpty)
        // Parents come before their children.
        let order = tree.descendants(of: 10).map(\.pid)
        for (child, parent) in [(12, 11), (13, 12)] {
            #expect(order.firstIndex(of: Int32(parent))! < order.firstIndex(of: Int32(child))!)
        }
    }

    @Test func zombiesAreWalkedButNotCountedAsLive() {
        let tree = ProcessTree(entries: [
            Entry(pid: 11, parent: 10, state: "Z"),
            Entry(pid: 12, parent: 11, state: "S"),  // child of a zombie, not yet reparented
            Entry(pid: 13, parent: 10, state: "X"),
        ])
        #expect(tree.descendants(of: 10).map(\.pid).sorted() == [11, 12, 13])
        #expect(tree.liveDescendants(of: 10) == [12])
    }

    @Test func aTornSnapshotWithACycleTerminates() {
        let tree = ProcessTree(entries: [
            Entry(pid: 11, parent: 12, state: "S"),
            Entry(pid: 12, parent: 11, state: "S"),
            Entry(pid: 13, parent: 10, state: "S"),
            Entry(pid: 10, parent: 13, state: "S"),
        ])
        #expect(tree.descendants(of: 10).map(\.pid) == [13])
        #expect(tree.descendants(of: 11).map(\.pid) == [12])
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/stat")))
    func theLiveSnapshotSeesOurOwnChildren() async throws {
        let child = try ChildProcess.spawn(
            SpawnSpec(
                command: "/bin/sh", arguments: ["-c", "sleep 900 & sleep 900 & wait"],
                environment: ["PATH": "/usr/bin:/bin"]),
            onEvent: { _ in })
        defer { _ = kill(-child.pid, SIGKILL) }
        // Conditions with generous deadlines, never a timing window: on a loaded CI machine the shell can
        // take seconds to start its two sleeps, and its children seconds to go once it is killed.
        var found: [Int32] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let snapshot = try #require(ProcessTree.current())
            #expect(snapshot.entries.contains { $0.pid == getpid() })
            found = snapshot.liveDescendants(of: getpid())
            if found.contains(child.pid) && snapshot.descendants(of: child.pid).count >= 2 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(found.contains(child.pid))
        let sleeps = try #require(ProcessTree.current()).liveDescendants(of: child.pid)
        #expect(sleeps.count == 2)
        #expect(Set(sleeps).isSubset(of: Set(found)))
        await child.shutdown(grace: .milliseconds(200))
        var left = ProcessTree.current()?.liveDescendants(of: child.pid) ?? []
        let gone = ContinuousClock.now + .seconds(30)
        while !left.isEmpty, ContinuousClock.now < gone {
            try await Task.sleep(for: .milliseconds(20))
            left = ProcessTree.current()?.liveDescendants(of: child.pid) ?? []
        }
        #expect(left.isEmpty)
    }

    @Test func argumentsRoundTrip() {
        let invocation = TargetSupervisor.Invocation(
            hubPID: 4242, grace: .milliseconds(1500), path: "/usr/bin/env",
            arguments: ["--", "--supervise", "a b", ""])
        let argv = TargetSupervisor.arguments(for: invocation)
        #expect(argv.prefix(6) == ["--supervise", "4242", "--grace-ms", "1500", "--", "/usr/bin/env"])
        #expect(TargetSupervisor.parse(argv) == invocation)
    }

    @Test func malformedArgumentsAreRejected() {
        let good = ["--supervise", "1", "--grace-ms", "0", "--", "./server"]
        #expect(TargetSupervisor.parse(good)?.path == "./server")
        var cases: [[String]] = [[], ["--supervise"], Array(good.dropLast())]
        for (index, bad) in [(1, "x"), (1, "0"), (1, "-5"), (2, "--grace"), (3, "-1"), (4, "-"), (5, "server")] {
            var arguments = good
            arguments[index] = bad
            cases.append(arguments)
        }
        for arguments in cases {
            #expect(TargetSupervisor.parse(arguments) == nil, "\(arguments)")
        }
    }

    @Test func aHostThatDoesNotHandleTheModeGetsNoSupervisor() {
        // This test runner never called `runIfRequested`, so spawning must fall back to setpriv/plain.
        #expect(TargetSupervisor.executable() == nil)
    }
}
