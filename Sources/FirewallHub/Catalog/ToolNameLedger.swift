/// Owns: which tool every name given out in this session meant.
/// Never: forgets a name it gave out, or grows past `maxNames`.
///
/// Which tool every name the hub has given out in this session meant (listed names and accepted
/// aliases), so that no later list can give one of them to another tool: a name a client kept routes to
/// the tool it named or to nothing, never to another server's tool. `ToolCatalog` consults and extends it.
///
/// It holds at most `maxNames` names. Once full, a name it does not know is not given out at all: a
/// target relisting ever new names can then only keep its own new tools unlisted, never take a name.
struct ToolNameLedger: Sendable {
    static let maxNames = 200_000

    /// A target's tool: the server and the tool's own name.
    struct Owner: Sendable, Hashable {
        var server: String
        var tool: String
    }

    private var owners: [String: Owner] = [:]

    init() {}

    var count: Int { owners.count }
    var isFull: Bool { owners.count >= Self.maxNames }

    /// The tool `name` has meant in this session, if any.
    func owner(of name: String) -> Owner? { owners[name] }

    /// Whether `name` may mean `owner`: it never meant another tool, and it is known or there is room.
    func allows(_ name: String, for owner: Owner) -> Bool {
        if let known = owners[name] { return known == owner }
        return !isFull
    }

    mutating func record(_ name: String, for owner: Owner) {
        guard owners[name] == nil, !isFull else { return }
        owners[name] = owner
    }
}
