import MCPWire

/// The pin decision for one server: given what is pinned and what the server lists now, what becomes of
/// each tool and of the instructions. Pure: the caller reads the store, lists the tools and applies the
/// report (`ServerPinReport`) to its catalog and, with `record(into:at:)`, to the store.
///
/// - A server with nothing pinned is trusted on first sight: everything is pinned as listed.
/// - A pinned tool listed with the same hash is unchanged.
/// - A pinned tool whose definition differs is held: it stays listed with its *pinned* definition (the
///   model keeps seeing only what a human trusted) and calls to it are refused, naming the change.
/// - A tool a pinned server newly lists follows `pins.new_tools`: pinned at once (`allow`), or held
///   (`hold`): not listed, calls refused.
/// - A pinned tool the server no longer lists is reported as removed; its pin is kept.
/// - Instructions follow the same rules; while a change is held the pinned text is passed on.
enum PinCheck {
    static func check(
        server: String, pinned: ServerPins?, listed: [JSONObject], instructions: String?,
        newTools: PinsConfig.NewTools, at: String
    ) -> ServerPinReport {
        let firstSight = (pinned?.tools.isEmpty ?? true) && pinned?.instructions == nil
        var reports: [ServerPinReport.ToolReport] = []
        var seen = Set<String>()
        for tool in listed {
            guard let name = ToolFingerprint.name(of: tool), seen.insert(name).inserted else { continue }
            let current = PinnedTool(definition: tool, at: at)
            let pinnedTool = pinned?.tools[name]
            let verdict: ServerPinReport.ToolVerdict
            if firstSight {
                verdict = .firstSight
            } else if let pinnedTool {
                verdict =
                    pinnedTool.hash == current.hash
                    ? .unchanged
                    : .changed(DefinitionChange.between(pinned: pinnedTool.definition, current: current.definition))
            } else {
                verdict = newTools == .allow ? .newAllowed : .newHeld
            }
            reports.append(.init(name: name, verdict: verdict, current: current, pinned: pinnedTool))
        }
        let removed = (pinned?.tools.keys.filter { !seen.contains($0) } ?? []).sorted()
        let currentInstructions = PinnedInstructions(text: instructions, at: at)
        let instructionsVerdict: ServerPinReport.InstructionsVerdict
        if let pinnedInstructions = pinned?.instructions {
            instructionsVerdict =
                pinnedInstructions.hash == currentInstructions.hash
                ? .unchanged : .changed(pinned: pinnedInstructions.text, current: instructions)
        } else {
            instructionsVerdict = .firstSight
        }
        return ServerPinReport(
            server: server, tools: reports, removed: removed, instructions: instructionsVerdict,
            currentInstructions: currentInstructions, pinnedInstructions: pinned?.instructions)
    }
}

/// What `PinCheck.check` decided for one server's listing, and what follows from it.
struct ServerPinReport: Equatable, Sendable {
    enum ToolVerdict: Equatable, Sendable {
        case unchanged
        /// The server had no pins: pinned as listed.
        case firstSight
        /// New on a pinned server, `new_tools: allow`: pinned as listed.
        case newAllowed
        /// New on a pinned server, `new_tools: hold`: not listed, calls refused.
        case newHeld
        /// Differs from its pin: listed with the pinned definition, calls refused.
        case changed(DefinitionChange)

        var isHeld: Bool {
            switch self {
            case .newHeld, .changed: return true
            case .unchanged, .firstSight, .newAllowed: return false
            }
        }
    }

    struct ToolReport: Equatable, Sendable {
        var name: String
        var verdict: ToolVerdict
        /// The definition listed now, as it would be pinned.
        var current: PinnedTool
        var pinned: PinnedTool?
    }

    enum InstructionsVerdict: Equatable, Sendable {
        case unchanged
        case firstSight
        case changed(pinned: String?, current: String?)
    }

    var server: String
    /// In the server's order; tools without a name and repeated names are left out.
    var tools: [ToolReport]
    /// Pinned, but no longer listed.
    var removed: [String]
    var instructions: InstructionsVerdict
    var currentInstructions: PinnedInstructions
    var pinnedInstructions: PinnedInstructions?

    func report(for tool: String) -> ToolReport? { tools.first { $0.name == tool } }

    var holdsAnything: Bool {
        if case .changed = instructions { return true }
        return tools.contains { $0.verdict.isHeld }
    }

    /// The tools as the client should see them: held new tools left out, changed ones with their pinned
    /// definition (other members, such as `_meta`, as listed now), a repeated name only once (the first,
    /// the one the check judged).
    func listedTools(_ listed: [JSONObject]) -> [JSONObject] {
        var seen = Set<String>()
        return listed.compactMap { tool in
            if let name = ToolFingerprint.name(of: tool), !seen.insert(name).inserted { return nil }
            guard let name = ToolFingerprint.name(of: tool), let report = report(for: name) else { return tool }
            switch report.verdict {
            case .newHeld: return nil
            case .changed:
                guard let pinned = report.pinned else { return nil }
                var shown = tool
                for key in ToolFingerprint.pinnedKeys { shown[key] = pinned.definition[key] }
                return shown
            case .unchanged, .firstSight, .newAllowed: return tool
            }
        }
    }

    /// The instructions to pass on: the pinned text while a change is held.
    var effectiveInstructions: String? {
        if case .changed(let pinned, _) = instructions { return pinned }
        return currentInstructions.text
    }

    /// nil when a call to `tool` may go on to the policy; else the refusal for the client. It names what
    /// changed (names only: the new text is the server's, not the human's, and is never shown to the model).
    func refusal(forTool tool: String, exposedName: String) -> String? {
        guard let report = report(for: tool) else { return nil }
        let review = "mcp-firewall-hub pins diff \(server).\(tool)"
        let accept = "mcp-firewall-hub pins accept \(server).\(tool)"
        switch report.verdict {
        case .changed(let change):
            return "\(exposedName) is held: its definition changed since a person pinned it (\(change.summary)). "
                + "Nothing was sent to the server. Ask the user to review it with `\(review)` and, if they trust "
                + "it, accept it with `\(accept)`."
        case .newHeld:
            return "\(exposedName) is a new tool of \(server) and is held until a person accepts it "
                + "(pins.new_tools is hold). Nothing was sent to the server. Ask the user to review it with `\(review)` "
                + "and accept it with `\(accept)`."
        case .unchanged, .firstSight, .newAllowed:
            return nil
        }
    }
}
