import MCPWire

/// Owns: one target's lists (tools, prompts, resources, templates) and the reading of them — pages,
/// cursors, one read per list at a time, re-reads asked for meanwhile, and which lists the start-up
/// still waits for. Never: sends a request (it says which page to ask for) or merges lists across targets.
struct TargetLists {
    /// The end of a read of one list.
    struct Complete: Equatable {
        /// The list differs from the last complete one.
        var changed: Bool
        /// Someone asked for the list while it was being read: read it again now.
        var readAgain: Bool
        /// This was the last list the start-up waited for.
        var startupComplete: Bool
    }

    enum PageStep: Equatable {
        /// Ask for the next page with this cursor.
        case next(cursor: String)
        case complete(Complete)
    }

    /// Most pages of one list (distinct cursors) read before the list is taken as complete.
    static let maxPages = 1000

    /// The items of each last complete list, in the target's order.
    private(set) var items: [ListKind: [JSONObject]] = [:]
    /// The smallest `ttlMs` the pages of each last complete list carried (a 2026-07-28 target's promise);
    /// nil when they carried none (a legacy target promises nothing).
    private(set) var ttlMs: [ListKind: Int] = [:]
    private var pageTTLMs: [ListKind: Int] = [:]
    private var pages: [ListKind: [JSONObject]] = [:]
    /// Cursors seen in the read under way (a target repeating a cursor ends the list).
    private var seenCursors: [ListKind: Set<String>] = [:]
    private var reading: Set<ListKind> = []
    private var readAgain: Set<ListKind> = []
    /// Lists of the current start-up still being read.
    private var startupPending: Set<ListKind> = []
    /// Lists of the current start-up that came out different from the process before.
    private(set) var changedDuringStartup: Set<ListKind> = []

    subscript(kind: ListKind) -> [JSONObject] { items[kind] ?? [] }

    /// A new process: reads of the old one are forgotten (its last complete lists are kept).
    mutating func reset() {
        pages = [:]
        pageTTLMs = [:]
        seenCursors = [:]
        reading = []
        readAgain = []
        startupPending = []
    }

    /// The start-up reads every list in `kinds`; returns those to ask for now.
    mutating func beginStartup(_ kinds: [ListKind]) -> [ListKind] {
        startupPending = Set(kinds)
        changedDuringStartup = []
        return kinds.filter { startRead($0) }
    }

    /// A read of `kind` from its first page: true to ask now; false when a read is under way (two reads
    /// at once would mix their pages), after which it is read again.
    mutating func startRead(_ kind: ListKind) -> Bool {
        guard reading.insert(kind).inserted else {
            readAgain.insert(kind)
            return false
        }
        return true
    }

    /// A page arrived (`items` of it; a failed page counts as an empty last one), with the page's own
    /// `ttlMs` if it had one. `duringStartup`: the target is still being started.
    mutating func page(
        _ kind: ListKind, items newItems: [JSONObject], nextCursor: String?, ttlMs pageTTL: Int? = nil,
        duringStartup: Bool
    ) -> PageStep {
        pages[kind, default: []] += newItems
        if let pageTTL { pageTTLMs[kind] = min(pageTTLMs[kind] ?? pageTTL, max(0, pageTTL)) }
        if let cursor = nextCursor, seenCursors[kind, default: []].insert(cursor).inserted,
            seenCursors[kind, default: []].count < Self.maxPages
        {
            return .next(cursor: cursor)
        }
        let complete = pages.removeValue(forKey: kind) ?? []
        ttlMs[kind] = pageTTLMs.removeValue(forKey: kind)
        seenCursors[kind] = nil
        reading.remove(kind)
        let again = readAgain.remove(kind) != nil
        let changed = (items[kind] ?? []) != complete
        items[kind] = complete
        guard duringStartup else {
            return .complete(Complete(changed: changed, readAgain: again, startupComplete: false))
        }
        if changed { changedDuringStartup.insert(kind) }
        startupPending.remove(kind)
        return .complete(Complete(changed: changed, readAgain: again, startupComplete: startupPending.isEmpty))
    }
}
