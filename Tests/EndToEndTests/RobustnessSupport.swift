import Foundation
import HubTestSupport
import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process-tree facts read from /proc (Linux), for the robustness tests.
enum RobustnessProc {
    static var available: Bool { FileManager.default.fileExists(atPath: "/proc/self/stat") }

    /// (state, ppid) of `pid`, or nil when it no longer exists.
    static func stat(_ pid: Int32) -> (state: Character, ppid: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let paren = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: paren)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let ppid = Int32(fields[1]) else { return nil }
        return (state, ppid)
    }

    /// Gone: no such process, or a zombie (it runs no code any more).
    static func isGone(_ pid: Int32) -> Bool {
        guard let stat = stat(pid) else { return true }
        return stat.state == "Z" || stat.state == "X"
    }

    /// Every live process whose parent is `pid`.
    static func children(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry), let stat = stat(child), stat.ppid == pid, !isGone(child) else {
                return nil
            }
            return child
        }
    }

    /// `pid`'s live descendants (not `pid` itself), breadth first.
    static func descendants(of pid: Int32) -> [Int32] {
        var found: [Int32] = []
        var frontier = [pid]
        while let next = frontier.popLast() {
            let kids = children(of: next)
            found += kids
            frontier += kids
        }
        return found
    }

    /// The command line of `pid`, arguments joined by spaces.
    static func commandLine(_ pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
        return String(decoding: data, as: UTF8.self).split(separator: "\0").joined(separator: " ")
    }

    /// VmRSS of `pid` in KiB (0 when unreadable).
    static func residentKiB(_ pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// Polls until every pid is gone; returns those still alive at the timeout.
    static func waitUntilGone(_ pids: [Int32], timeout: Duration = .seconds(10)) async -> [Int32] {
        let deadline = ContinuousClock.now + timeout
        var alive = pids.filter { !isGone($0) }
        while !alive.isEmpty && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            alive = alive.filter { !isGone($0) }
        }
        return alive
    }

    /// True for a hub target supervisor (`mcp-firewall-hub --supervise …`, see TargetSupervisor).
    static func isSupervisor(_ pid: Int32) -> Bool {
        commandLine(pid).contains(" --supervise ")
    }

    /// `pid`'s live descendants without the supervisors: the targets and their own children.
    static func targetTree(of pid: Int32) -> [Int32] {
        descendants(of: pid).filter { !isSupervisor($0) }
    }

    /// Polls until `pid` has at least `count` live descendants that are not supervisors; returns them.
    static func waitForTargetTree(of pid: Int32, count: Int, timeout: Duration = .seconds(10)) async -> [Int32] {
        let deadline = ContinuousClock.now + timeout
        var found = targetTree(of: pid)
        while found.count < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            found = targetTree(of: pid)
        }
        return found
    }

    /// Polls until `pid` has at least `count` live descendants; returns them.
    static func waitForDescendants(of pid: Int32, count: Int, timeout: Duration = .seconds(10)) async -> [Int32] {
        let deadline = ContinuousClock.now + timeout
        var found = descendants(of: pid)
        while found.count < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            found = descendants(of: pid)
        }
        return found
    }

    /// SIGKILLs whatever is left of `pids` (cleanup after a failed assertion).
    static func killLeftovers(_ pids: [Int32]) {
        for pid in pids where !isGone(pid) { kill(pid, SIGKILL) }
    }
}

/// Helpers on the hub's raw stdout for exactly-once checks.
extension MCPProcess {
    /// Every response line on stdout so far, decoded.
    var responsesSoFar: [JSONRPCMessage.Response] {
        stdoutLines.compactMap { line in
            guard case .message(.response(let response)) = JSONRPCMessage.decode(line: Array(line.utf8)) else {
                return nil
            }
            return response
        }
    }

    /// How many responses carried each id (null ids under `nil`).
    func responseCounts() -> [RequestID?: Int] {
        var counts: [RequestID?: Int] = [:]
        for response in responsesSoFar { counts[response.id, default: 0] += 1 }
        return counts
    }

    /// Polls until stdout has at least `count` responses; returns how many there are.
    func waitForResponses(_ count: Int, timeout: Duration = .seconds(30)) async -> Int {
        let deadline = ContinuousClock.now + timeout
        var seen = responsesSoFar.count
        while seen < count && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            seen = responsesSoFar.count
        }
        return seen
    }

    /// `initialize`, then a `tools/list`, which the hub answers only once every target has started
    /// (or failed): afterwards calls are forwarded at once instead of waiting for the start-up.
    func initializeAndWaitForTargets() async throws {
        try await initialize()
        _ = try await call("tools/list")
    }

    /// Polls stdout until a response with `id` has arrived; nil at the timeout.
    func waitForResponse(_ id: RequestID, timeout: Duration = .seconds(30)) async -> JSONRPCMessage.Response? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let response = responsesSoFar.first(where: { $0.id == id }) { return response }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends a request without waiting for its answer (find it later in `stdoutLines`).
    func sendRequest(_ method: String, params: JSONValue? = nil, id: RequestID) {
        var message = JSONObject()
        message["jsonrpc"] = "2.0"
        message["id"] = id.json
        message["method"] = .string(method)
        if let params { message["params"] = params }
        send(.object(message))
    }

    /// Sends `tools/call` for `tool` without waiting.
    func sendCall(_ tool: String, arguments: JSONValue = [:], id: RequestID) {
        sendRequest("tools/call", params: ["name": .string(tool), "arguments": arguments], id: id)
    }
}

extension HubFixture {
    /// A hub.json with fixture-server targets, each allowed everything: `servers` maps names to
    /// fixture-server arguments (`--name <server>` is added).
    static func fixtures(_ servers: [(name: String, args: [String])], extra: JSONObject = JSONObject()) throws
        -> HubFixture
    {
        try HubFixture(
            servers: servers.map { ($0.name, "fixture-server", ["--name", $0.name] + $0.args, ["default": "allow"]) },
            extra: extra)
    }

    func remove() { TempFiles.remove(directory) }

    /// Rewrites hub.json through `body` (e.g. to set one server's own timeouts).
    func editConfig(_ body: (inout JSONObject) -> Void) throws {
        let text = try String(contentsOf: configURL, encoding: .utf8)
        guard var root = try JSONParser.parse(text).objectValue else { return }
        body(&root)
        try TempFiles.write(JSONValue.object(root).prettyPrinted(), name: configURL.lastPathComponent, in: directory)
    }

    /// Sets `servers.<server>.<key>` in hub.json.
    func setServerKey(_ server: String, _ key: String, _ value: JSONValue) throws {
        try editConfig { root in
            guard var servers = root["servers"]?.objectValue, var entry = servers[server]?.objectValue else { return }
            entry[key] = value
            servers[server] = .object(entry)
            root["servers"] = .object(servers)
        }
    }
}

extension JSONRPCMessage.Response {
    /// The response as one JSON line (for failure messages).
    var text: String { String(decoding: JSONRPCMessage.response(self).line().dropLast(), as: UTF8.self) }

    var errorMessage: String? {
        if case .error(let error) = outcome { return error.message }
        return nil
    }
}
