import MCPWire

/// `explain SERVER.TOOL [--args JSON] [--client NAME]`: the policy's decision for one call and every
/// step that led to it (`PolicyEngine.explain`, the decision's own code). Starts a server only when the
/// decision depends on what it says about the tool, or to resolve a name (or always with `--start`,
/// never with `--no-start`). It never calls a tool.
enum ExplainCommand {
    enum Exit {
        static let explained: Int32 = 0
        /// The name routes to no tool, or a server needed for the answer did not start.
        static let unresolved: Int32 = 1
    }

    static func run(_ options: ExplainOptions, environment: [String: String], log: HubLog) async -> Int32 {
        guard let config = HubCommandLine.loadConfig(options.common, environment: environment, log: log) else {
            return HubCommandLine.ExitCode.config
        }
        let arguments: JSONObject?
        switch CallArguments.parse(options.arguments) {
        case .success(let parsed): arguments = parsed
        case .failure(let problem):
            log.error(problem.description)
            return HubCommandLine.ExitCode.usage
        }
        if options.name == ToolCatalog.confirmToolName {
            HubCommandLine.writeStdout(
                "\(ToolCatalog.confirmToolName): the hub's own tool, always allowed. It runs only a held call whose "
                    + "code a human gave (out of band, or shown in the result with code_delivery \"agent\"); it "
                    + "cannot widen an approval.\n")
            return Exit.explained
        }
        let naming = ToolNaming.forClient(named: options.client, config: config.naming)
        var candidates = ToolReference.candidates(options.name, config: config)
        if candidates.isEmpty, let disabled = ToolReference.disabledServer(in: options.name, config: config) {
            log.error("server \"\(disabled)\" is disabled in \(config.filePath); its tools are not served")
            return Exit.unresolved
        }
        var notes: [String] = []
        var toolMissing = false

        // Start what the answer needs.
        var started: [ServerProbe.Server]?
        func start(_ names: Set<String>?) async {
            let what = names.map { $0.sorted().joined(separator: ", ") } ?? "every server"
            log.info("starting \(what) to read the tool list")
            started = await ServerProbe.run(config: config, only: names, environment: environment, log: log)
        }
        switch options.start {
        case .always:
            await start(nil)
        case .never:
            break
        case .whenNeeded:
            if candidates.count != 1 {
                await start(candidates.isEmpty ? nil : Set(candidates.map(\.server)))
            } else if let engine = engine(for: candidates[0].server, config: config),
                engine.explain(tool: candidates[0].tool, annotations: .unknown, arguments: arguments)
                    .dependsOnAnnotations
            {
                await start([candidates[0].server])
            }
        }

        var annotations = PolicyTrace.Annotations.unknown
        var listedName: String?
        var liveDefinition: JSONObject?
        if let started {
            for server in started where server.failure != nil {
                notes.append("server \"\(server.name)\" did not start: \(server.failure!)")
            }
            let catalog = ServerProbe.catalog(started, naming: config.naming, clientName: options.client)
            if let entry = catalog.resolve(options.name) {
                candidates = [ToolReference.Target(server: entry.server, tool: entry.tool)]
                annotations = .known(entry.annotations)
                listedName = entry.exposedName
                liveDefinition = entry.definition
                liveDefinition?["name"] = .string(entry.tool)
                if started.count < config.servers.count {
                    notes.append(
                        "only \(started.map(\.name).joined(separator: ", ")) started: another server's tool could "
                            + "still claim the same name (--start checks all)")
                }
            } else if candidates.count == 1,
                started.contains(where: { $0.name == candidates[0].server && $0.failure == nil })
            {
                toolMissing = true
                notes.append(
                    "server \"\(candidates[0].server)\" lists no tool \"\(candidates[0].tool)\": a call would be "
                        + "answered \"Unknown tool\"; the policy below is what would apply if it listed one")
            }
        }
        guard candidates.count == 1, let target = candidates.first,
            let engine = engine(for: target.server, config: config)
        else {
            log.error(unresolved(options.name, candidates: candidates, config: config, started: started != nil))
            return Exit.unresolved
        }
        if let server = config.server(named: target.server),
            let rule = ToolHiding(server: server).rule(for: target.tool)
        {
            // What the hub does before any policy step: the client never learns the tool exists.
            HubCommandLine.writeStdout(
                "\(target.server).\(target.tool): hidden by \(rule). No client sees it in tools/list or search_tools, "
                    + "and a call (direct or through call_tool) is answered exactly as an unknown tool: it never "
                    + "reaches the server.\n")
            return Exit.explained
        }
        let context = ExplainText.Context(
            target: target, listedName: listedName, client: options.client, naming: naming, notes: notes,
            toolMissing: toolMissing, serverStarted: started?.contains { $0.name == target.server } ?? false)
        let trace = engine.explain(tool: target.tool, annotations: annotations, arguments: arguments)
        HubCommandLine.writeStdout(
            ExplainText.render(trace, context)
                + ExplainPins.line(config: config, server: target.server, tool: target.tool, live: liveDefinition))
        // A name that routes to nothing, or a needed server that did not start, is a failure.
        let serverFailed = started?.contains { $0.name == target.server && $0.failure != nil } ?? false
        return toolMissing || (serverFailed && trace.dependsOnAnnotations) ? Exit.unresolved : Exit.explained
    }

    /// The policy engine of `server`, exactly as the hub builds it.
    static func engine(for server: String, config: HubConfig) -> PolicyEngine? {
        config.server(named: server).map { PolicyEngine(server: $0, defaults: config.defaults) }
    }

    private static func unresolved(
        _ name: String, candidates: [ToolReference.Target], config: HubConfig, started: Bool
    ) -> String {
        if candidates.count > 1 {
            let meanings = candidates.map { "server \"\($0.server)\"'s tool \"\($0.tool)\"" }.joined(separator: " or ")
            return "\"\(name)\" could be \(meanings)"
                + (started
                    ? " and the servers did not settle it" : "; start the servers to settle it (drop --no-start)")
        }
        let servers = config.servers.map(\.name).joined(separator: ", ")
        return "\"\(name)\" names no tool" + (started ? " any server lists" : " of a configured server")
            + "; give SERVER.TOOL with one of: \(servers)"
    }
}
