import Foundation
import HubTestSupport
import MCPWire
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Issue 4, "no process of a target's tree outlives the hub": the hub's target supervisor
/// (`mcp-firewall-hub --supervise …`, Linux). Trees used: fixture-server → sh (ignores SIGTERM) →
/// sleep, and a target whose child left the group with `setsid` and ignores SIGTERM.
@Suite(.enabled(if: RobustnessProc.available)) struct SupervisorTests {
    /// A target that starts a `setsid` child ignoring SIGTERM (holding the target's stdio), then
    /// becomes fixture-server `name` (exec: same pid).
    private static func escapee(_ name: String) -> (name: String, binary: String, args: [String], policy: JSONValue?) {
        let fixture = Binaries.url("fixture-server").path
        let script = "setsid /bin/sh -c 'trap \"\" TERM; exec sleep 1000' & exec '\(fixture)' --name \(name)"
        return (name, "/bin/sh", ["-c", script], ["default": "allow"])
    }

    private static let stubborn: (name: String, binary: String, args: [String], policy: JSONValue?) = (
        "tree", "fixture-server", ["--name", "tree", "--spawn-stubborn-grandchild", "--announce-pid"],
        ["default": "allow"]
    )

    /// The process group of `pid` (field 5 of /proc/<pid>/stat), or nil when it is gone.
    private static func processGroup(_ pid: Int32) -> Int32? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let paren = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: paren)...].split(separator: " ")
        return fields.count > 2 ? Int32(fields[2]) : nil
    }

    private static func fdTarget(_ pid: Int32, _ fd: Int) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")) ?? "?"
    }

    /// The pid announced on the hub's stderr as "<prefix><pid>".
    private static func announcedPID(_ hub: MCPProcess, after prefix: String) -> Int32? {
        guard let range = hub.stderrText.range(of: prefix) else { return nil }
        return Int32(hub.stderrText[range.upperBound...].prefix { $0.isNumber })
    }

    private static func describe(_ pids: [Int32]) -> String {
        pids.map { "\($0): \(RobustnessProc.commandLine($0))" }.joined(separator: "; ")
    }

    /// Starts a hub on `fixture`, waits for the stubborn tree and for `count` target processes,
    /// and returns the whole tree below the hub (supervisors included).
    private static func startTrees(_ hub: MCPProcess, count: Int) async throws -> [Int32] {
        try await hub.initializeAndWaitForTargets()
        try await hub.waitForStderr(containing: "stubborn grandchild pid")
        let targets = await RobustnessProc.waitForTargetTree(of: hub.pid, count: count)
        #expect(targets.count >= count, "\(describe(targets))")
        return RobustnessProc.descendants(of: hub.pid)
    }

    @Test func aSIGKILLedHubLeavesNoProcessOfAnyTargetTree() async throws {
        let fixture = try HubFixture(servers: [Self.stubborn, Self.escapee("escapee")])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        // tree: fixture-server, sh, sleep; escapee: fixture-server, the setsid sleep.
        let tree = try await Self.startTrees(hub, count: 5)
        defer { RobustnessProc.killLeftovers(tree) }

        let target = try #require(Self.announcedPID(hub, after: "tree: pid "))
        let grandchild = try #require(Self.announcedPID(hub, after: "stubborn grandchild pid "))
        #expect(tree.contains(target) && tree.contains(grandchild), "\(Self.describe(tree))")
        // The target runs under a supervisor that leads the target's process group.
        let supervisor = try #require(RobustnessProc.stat(target)?.ppid)
        #expect(RobustnessProc.isSupervisor(supervisor), "\(RobustnessProc.commandLine(supervisor))")
        #expect(RobustnessProc.stat(supervisor)?.ppid == hub.pid)
        #expect(Self.processGroup(target) == supervisor)
        // The escapee really left the group: only the supervisor's /proc sweep can reach it.
        let escaped = tree.filter { pid in
            RobustnessProc.commandLine(pid).hasPrefix("sleep") && Self.processGroup(pid) == pid
        }
        #expect(escaped.count == 1, "\(Self.describe(tree))")

        hub.sendSignal(SIGKILL)
        #expect(try await hub.waitForExit() == 128 + SIGKILL)
        // Supervisors get SIGTERM (parent death), sweep with a 2 s grace, then SIGKILL the rest.
        let survivors = await RobustnessProc.waitUntilGone(tree, timeout: .seconds(30))
        #expect(survivors.isEmpty, "\(Self.describe(survivors))")
    }

    @Test func shutdownAlsoEndsChildrenThatLeftTheProcessGroup() async throws {
        let fixture = try HubFixture(servers: [Self.stubborn, Self.escapee("escapee")])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        let tree = try await Self.startTrees(hub, count: 5)
        defer { RobustnessProc.killLeftovers(tree) }

        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(20)) == 0)
        let survivors = await RobustnessProc.waitUntilGone(tree, timeout: .seconds(30))
        #expect(survivors.isEmpty, "\(Self.describe(survivors))")
    }

    @Test func theSupervisorHoldsOnlyStderrAndTheTargetHasThePipes() async throws {
        let fixture = try HubFixture.fixtures([("a", ["--announce-pid"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        try await hub.waitForStderr(containing: "a: pid ")
        let target = try #require(Self.announcedPID(hub, after: "a: pid "))
        let tree = RobustnessProc.descendants(of: hub.pid)
        defer { RobustnessProc.killLeftovers(tree) }
        let supervisor = try #require(RobustnessProc.stat(target)?.ppid)
        #expect(RobustnessProc.isSupervisor(supervisor))

        // EOF on the target's stdin depends on the supervisor not holding the pipe ends.
        #expect(Self.fdTarget(supervisor, 0) == "/dev/null")
        #expect(Self.fdTarget(supervisor, 1) == "/dev/null")
        #expect(Self.fdTarget(supervisor, 2).hasPrefix("pipe:"))
        for fd in 0...2 { #expect(Self.fdTarget(target, fd).hasPrefix("pipe:"), "fd \(fd)") }
        #expect(Self.fdTarget(target, 0) != Self.fdTarget(supervisor, 0))

        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(20)) == 0)
        #expect(await RobustnessProc.waitUntilGone(tree, timeout: .seconds(30)).isEmpty)
    }

    @Test func theTargetsOwnExitStatusIsReported() async throws {
        let fixture = try HubFixture(servers: [
            ("seven", "fixture-server", ["--name", "seven", "--exit-before-initialize", "7"], nil),
            ("nine", "/bin/sh", ["-c", "kill -9 $$"], nil),
            ("ok", "fixture-server", ["--name", "ok"], ["default": "allow"]),
        ])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        // The supervisor is in use (the statuses below passed through it).
        let tree = RobustnessProc.descendants(of: hub.pid)
        defer { RobustnessProc.killLeftovers(tree) }
        #expect(tree.contains { RobustnessProc.isSupervisor($0) }, "\(Self.describe(tree))")
        try await hub.waitForStderr(containing: "[seven] failed")
        try await hub.waitForStderr(containing: "[nine] failed")
        let stderr = hub.stderrText
        #expect(stderr.contains("[seven] failed: exited during start-up (exit code 7)"), "\(stderr)")
        #expect(stderr.contains("[nine] failed: exited during start-up (killed by signal 9 (SIGKILL))"), "\(stderr)")
        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(20)) == 0)
    }

    @Test func theOptOutVariableSpawnsTargetsDirectly() async throws {
        let fixture = try HubFixture.fixtures([("a", ["--announce-pid"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub(environment: ["MCP_FIREWALL_HUB_NO_SUPERVISOR": "1"])
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        try await hub.waitForStderr(containing: "a: pid ")
        let target = try #require(Self.announcedPID(hub, after: "a: pid "))
        let tree = RobustnessProc.descendants(of: hub.pid)
        defer { RobustnessProc.killLeftovers(tree) }
        #expect(RobustnessProc.stat(target)?.ppid == hub.pid)
        #expect(!tree.contains { RobustnessProc.isSupervisor($0) }, "\(Self.describe(tree))")
        #expect(Self.processGroup(target) == target)
        hub.closeStdin()
        #expect(try await hub.waitForExit(timeout: .seconds(20)) == 0)
    }
}
