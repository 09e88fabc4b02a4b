import MCPWire

/// `tools`: start the targets, print the merged tools with the policy's decision for each.
enum ToolsCommand {
    struct Row: Equatable {
        var name: String
        var server: String?
        var tool: String
        var decision: String
        var rule: String
        var description: String?
        /// The PIN column (PinColumn); nil when pinning is off.
        var pin: String? = nil
    }

    static func run(
        config: HubConfig, environment: [String: String], log: HubLog, json: Bool, clientName: String?,
        policies: [String: any ToolPolicy]? = nil
    ) async -> Int32 {
        let router = HubRouter(
            config: config, environment: environment, log: log, mode: .listTools, policies: policies)
        router.naming = ToolNaming.forClient(named: clientName, config: config.naming)
        await router.startAndSettle()
        router.rebuildCatalog()
        var failed: [String] = []
        for target in router.targets {
            if case .failed(let reason) = target.state { failed.append("server \"\(target.name)\" failed: \(reason)") }
        }
        let pins = PinColumn.states(config: config, servers: LiveDefinitions.snapshot(router), log: log)
        let rows = self.rows(router, pins: pins)
        await router.stopAllTargets()
        HubCommandLine.writeStdout(json ? renderJSON(rows) : renderTable(rows))
        for line in failed { log.error(line) }
        return failed.isEmpty ? HubCommandLine.ExitCode.success : HubCommandLine.ExitCode.serverFailure
    }

    static func rows(_ router: HubRouter, pins: [String: [String: String]]? = nil) -> [Row] {
        var rows: [Row] = router.catalog.entries.map { entry in
            let (decision, argumentRules) = router.policies[entry.server]!.decideForListing(
                tool: entry.tool, annotations: entry.annotations)
            var rule = decision.rule
            if !argumentRules.isEmpty { rule += "; at call time also " + argumentRules.joined(separator: ", ") }
            return Row(
                name: entry.exposedName, server: entry.server, tool: entry.tool, decision: decision.action.rawValue,
                rule: rule, description: entry.definition["description"]?.stringValue,
                pin: pins.map { $0[entry.server]?[entry.tool] ?? "?" })
        }
        rows.append(
            Row(
                name: ToolCatalog.confirmToolName, server: nil, tool: ToolCatalog.confirmToolName, decision: "allow",
                rule: "built-in: confirms held calls with the user's approval code",
                description: FirewallConfirmTool.definition["description"]?.stringValue,
                pin: pins.map { _ in "-" }))
        return rows
    }

    static func renderJSON(_ rows: [Row]) -> String {
        let array: [JSONValue] = rows.map { row in
            var o = JSONObject()
            o["name"] = .string(row.name)
            o["server"] = row.server.map(JSONValue.string) ?? .null
            o["tool"] = .string(row.tool)
            o["decision"] = .string(row.decision)
            o["rule"] = .string(row.rule)
            o["description"] = row.description.map(JSONValue.string) ?? .null
            o["pin"] = row.pin.map(JSONValue.string) ?? .null
            return .object(o)
        }
        return JSONValue.array(array).prettyPrinted() + "\n"
    }

    static func renderTable(_ rows: [Row]) -> String {
        let withPins = rows.contains { $0.pin != nil }
        let header = ["NAME", "SERVER", "TOOL", "DECISION"] + (withPins ? ["PIN"] : []) + ["RULE"]
        let cells = rows.map {
            [$0.name, $0.server ?? "(hub)", $0.tool, $0.decision] + (withPins ? [$0.pin ?? "-"] : []) + [$0.rule]
        }
        let last = header.count - 1
        var widths = header.map(\.count)
        for row in cells {
            for (i, cell) in row.enumerated() where i < last { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                i < last ? cell + String(repeating: " ", count: widths[i] - cell.count) : cell
            }.joined(separator: "  ")
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }
}
