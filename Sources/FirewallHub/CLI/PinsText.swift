import MCPWire

/// The text `pins list|diff|accept` print for people. Pure. Everything a server wrote is escaped (it
/// must not drive the terminal) and multi-line text is indented under its heading.
enum PinsText {
    static func short(_ hash: String?) -> String { hash.map { String($0.prefix(12)) } ?? "-" }

    /// `pins list`: one row per pinned or pending tool (and per server's instructions).
    static func list(_ file: PinFile, selection: PinSelection?) -> String {
        var rows = [["SERVER", "TOOL", "PINNED", "PENDING", "PINNED AT"]]
        for server in file.servers.keys.sorted() where selection?.includes(server: server) ?? true {
            let pins = file.servers[server]!
            if selection?.includesInstructions ?? true, pins.instructions != nil || pins.pendingInstructions != nil {
                rows.append([
                    server, "(instructions)", short(pins.instructions?.hash), short(pins.pendingInstructions?.hash),
                    pins.instructions?.at ?? "-",
                ])
            }
            let names = Set(pins.tools.keys).union(pins.pendingTools.keys).sorted()
            for tool in names where selection?.includes(server: server, tool: tool) ?? true {
                rows.append([
                    server, tool, short(pins.tools[tool]?.hash), short(pins.pendingTools[tool]?.hash),
                    pins.tools[tool]?.at ?? "-",
                ])
            }
        }
        if rows.count == 1 { return "nothing is pinned" + (selection.map { " for \($0)" } ?? "") + "\n" }
        return table(rows)
    }

    /// The difference between a pinned tool (nil: none) and another definition of it.
    static func toolChange(server: String, tool: String, pinned: PinnedTool?, current: PinnedTool, heading: String)
        -> String
    {
        var lines = ["\(server).\(tool): \(heading) (pinned \(short(pinned?.hash)), now \(short(current.hash)))"]
        if let pinned {
            lines += DefinitionChange.between(pinned: pinned.definition, current: current.definition).readableLines
                .map(indented)
        } else {
            lines.append(indented(JSONValue.object(current.definition).prettyPrinted()))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func instructionsChange(
        server: String, pinned: PinnedInstructions?, current: PinnedInstructions, heading: String
    )
        -> String
    {
        let line = "\(server) (instructions): \(heading) (pinned \(short(pinned?.hash)), now \(short(current.hash)))"
        let diff = "instructions: " + TextDiff.words(from: pinned?.text ?? "", to: current.text ?? "")
        return line + "\n" + indented(diff) + "\n"
    }

    /// `pins diff` for one server's live listing.
    static func report(_ report: ServerPinReport, selection: PinSelection?, newTools: PinsConfig.NewTools) -> String {
        let server = report.server
        var out = ""
        let selected = report.tools.filter { selection?.includes(server: server, tool: $0.name) ?? true }
        if selected.contains(where: { $0.verdict == .firstSight }) {
            out +=
                "\(server): never pinned; a hub pins these tools on first sight "
                + "(or accept them now with `mcp-firewall-hub pins accept \(server)`):\n"
            for tool in selected {
                let description = tool.current.definition["description"]?.stringValue ?? ""
                out += indented("\(tool.name)  \(description.prefix(100))") + "\n"
            }
            return out
        }
        for tool in selected {
            switch tool.verdict {
            case .unchanged, .firstSight: continue
            case .changed:
                out += toolChange(
                    server: server, tool: tool.name, pinned: tool.pinned, current: tool.current,
                    heading: "changed since it was pinned")
            case .newAllowed, .newHeld:
                out += toolChange(
                    server: server, tool: tool.name, pinned: nil, current: tool.current,
                    heading: "new, not pinned (pins.new_tools: \(newTools.rawValue))")
            }
        }
        for name in report.removed where selection?.includes(server: server, tool: name) ?? true {
            out += "\(server).\(name): no longer listed by the server (its pin is kept)\n"
        }
        if selection?.includesInstructions ?? true, case .changed = report.instructions {
            out += instructionsChange(
                server: server, pinned: report.pinnedInstructions, current: report.currentInstructions,
                heading: "changed since they were pinned")
        }
        return out
    }

    /// `text` escaped for the terminal, each of its lines indented by four spaces.
    static func indented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + AuditRows.visible(String($0)) }
            .joined(separator: "\n")
    }

    static func table(_ rows: [[String]]) -> String {
        let cells = rows.map { $0.map(AuditRows.visible) }
        var widths = [Int](repeating: 0, count: cells[0].count)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return cells.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
