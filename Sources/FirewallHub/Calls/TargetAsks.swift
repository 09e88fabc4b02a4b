import MCPWire

/// Owns: requests targets sent the client (`elicitation/create`, `sampling/createMessage`,
/// `roots/list`) under the hub's own ids. Never: passes an answer to a process other than the one
/// that asked, or to a request the target withdrew.
struct TargetAsks {
    private struct Ask {
        var target: Int
        var generation: Int
        var id: RequestID
        /// False once the target withdrew it or its process went away: an answer then reaches nobody.
        var live = true
    }

    /// Where the client's answer to a hub id goes.
    enum Answer: Equatable {
        /// Not an id the hub gave a target's request.
        case notMine
        /// The target's request ended meanwhile (withdrawn, or its process gone): nobody to tell.
        case gone
        case target(index: Int, generation: Int, id: RequestID)
    }

    private var asks: [String: Ask] = [:]
    private var next = 0

    mutating func add(target: Int, generation: Int, id: RequestID) -> String {
        next += 1
        let hubID = "mcp-firewall-hub/target/\(next)"
        asks[hubID] = Ask(target: target, generation: generation, id: id)
        return hubID
    }

    mutating func withdraw(target: Int, id: RequestID) -> String? {
        guard let hubID = asks.first(where: { $0.value.live && $0.value.target == target && $0.value.id == id })?.key
        else { return nil }
        asks[hubID] = nil
        return hubID
    }

    mutating func withdrawAll(target: Int) {
        for (hubID, ask) in asks where ask.target == target && ask.live { asks[hubID]?.live = false }
    }

    mutating func answered(_ hubID: String) -> Answer {
        guard let ask = asks.removeValue(forKey: hubID) else { return .notMine }
        return ask.live ? .target(index: ask.target, generation: ask.generation, id: ask.id) : .gone
    }
}
