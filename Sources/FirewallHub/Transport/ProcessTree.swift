import CShim

/// A snapshot of the system's processes (pid, parent, state) read from /proc, and the descendants of
/// one process in it. Used by the target supervisor to find every process of a target's tree,
/// including those that left its process group (`setsid`) and were reparented to the supervisor.
/// No Foundation: it runs in the supervisor process.
struct ProcessTree: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var pid: Int32
        var parent: Int32
        /// The state letter of /proc/<pid>/stat ('R', 'S', 'D', 'Z', …).
        var state: UInt8

        init(pid: Int32, parent: Int32, state: Character) {
            self.pid = pid
            self.parent = parent
            self.state = state.asciiValue ?? UInt8(ascii: "?")
        }

        init(pid: Int32, parent: Int32, stateByte: UInt8) {
            self.pid = pid
            self.parent = parent
            self.state = stateByte
        }

        /// A zombie ('Z') or dead ('X') process runs no code any more.
        var isDead: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }
    }

    var entries: [Entry]

    init(entries: [Entry]) {
        self.entries = entries
    }

    /// The processes of /proc now; nil when /proc cannot be read (not Linux, or not mounted).
    static func current() -> ProcessTree? {
        var capacity = 1024
        while true {
            var pids = [Int32](repeating: 0, count: capacity)
            var parents = [Int32](repeating: 0, count: capacity)
            var states = [CChar](repeating: 0, count: capacity)
            let found = Int(cshim_process_table(&pids, &parents, &states, Int32(capacity)))
            if found < 0 { return nil }
            if found > capacity {
                capacity = found + found / 2
                continue
            }
            let entries = (0..<found).map {
                Entry(pid: pids[$0], parent: parents[$0], stateByte: UInt8(bitPattern: states[$0]))
            }
            return ProcessTree(entries: entries)
        }
    }

    /// Every descendant of `root` (children, their children, …; not `root` itself), parents before
    /// their children. Dead processes are included (their children are walked too); filter with
    /// `isDead` to keep only live ones. Cycles in a torn snapshot cannot loop forever.
    func descendants(of root: Int32) -> [Entry] {
        var children: [Int32: [Entry]] = [:]
        for entry in entries {
            children[entry.parent, default: []].append(entry)
        }
        var found: [Entry] = []
        var seen: Set<Int32> = [root]
        var frontier = [root]
        var index = 0
        while index < frontier.count {
            let parent = frontier[index]
            index += 1
            for child in children[parent] ?? [] where seen.insert(child.pid).inserted {
                found.append(child)
                frontier.append(child.pid)
            }
        }
        return found
    }

    /// The pids of the live (not zombie) descendants of `root`.
    func liveDescendants(of root: Int32) -> [Int32] {
        descendants(of: root).filter { !$0.isDead }.map(\.pid)
    }
}
