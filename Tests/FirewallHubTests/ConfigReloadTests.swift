import MCPWire
import Testing

@testable import FirewallHub

/// `ConfigChange` (what a reload changes and keeps) and `ConfigWatch` (when a saved file is read).
struct ConfigReloadTests {
    private func config(_ text: String) throws -> HubConfig {
        try ConfigLoader.parse(try JSONParser.parse(text), filePath: "/hub.json", environment: ["TOKEN": "t1"])
    }

    @Test func serversAreMatchedByNameAndSortedByWhatMustHappenToThem() throws {
        let running = try config(
            """
            {"servers": {
              "same": {"command": "s"},
              "policy": {"command": "p", "policy": {"default": "allow"}},
              "process": {"command": "x", "args": ["1"]},
              "gone": {"command": "g"},
              "secret": {"command": "e", "env": {"K": "${TOKEN}"}}}}
            """)
        let new = try config(
            """
            {"servers": {
              "same": {"command": "s"},
              "policy": {"command": "p", "policy": {"default": "deny"}, "timeouts": {"call_seconds": 5}},
              "process": {"command": "x", "args": ["2"]},
              "secret": {"command": "e", "env": {"K": "${TOKEN}-2"}},
              "fresh": {"command": "f"}},
             "defaults": {"default": "approve"},
             "naming": {"separator": "_"}}
            """)
        let change = ConfigChange(from: running, to: new)
        #expect(change.added.map(\.name) == ["fresh"])
        #expect(change.removed == ["gone"])
        #expect(change.relaunched.map(\.name) == ["process", "secret"])
        #expect(change.reconfigured.map(\.name) == ["policy"])
        #expect(change.defaultsChanged)
        #expect(change.kept == ["naming"])
        #expect(
            change.summary
                == "added fresh; removed gone; restarting process, secret; new settings for policy; new defaults")
        let applied = ConfigChange.applied(new, keeping: running)
        #expect(applied.naming == running.naming && applied.servers == new.servers)
        #expect(ConfigChange(from: running, to: running).isEmpty)
    }

    @Test func aDisabledServerIsRemoved() throws {
        let running = try config(#"{"servers": {"a": {"command": "a"}, "b": {"command": "b"}}}"#)
        let new = try config(#"{"servers": {"a": {"command": "a"}, "b": {"command": "b", "disabled": true}}}"#)
        #expect(ConfigChange(from: running, to: new).removed == ["b"])
    }

    private func stamp(_ n: Int) -> LocalFile.Stamp {
        LocalFile.Stamp(device: 1, inode: 2, size: 10, seconds: 100, nanoseconds: n)
    }

    @Test func aChangeIsReadOnceTheFileHasSettled() {
        var watch = ConfigWatch(loaded: stamp(0))
        var seen: [Bool] = []
        for next in [stamp(0), stamp(1), stamp(2), stamp(2), stamp(2), nil, nil] { seen.append(watch.observe(next)) }
        // unchanged; changed: wait one look; still being written; settled: reload; only once; a missing
        // file never reloads
        #expect(seen == [false, false, false, true, false, false, false])
        watch.reloaded(stamp(3))  // SIGHUP read this version
        let afterSignal = [watch.observe(stamp(3)), watch.observe(stamp(3))]
        #expect(afterSignal == [false, false])
    }
}
