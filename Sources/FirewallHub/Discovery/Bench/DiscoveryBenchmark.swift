import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `bench-discovery` (run by `bench/discovery`): the size of the client-facing `tools/list` in `all`
/// and `discover` mode, and search latency at thousands of tools. Measures the discovery components
/// as the router will call them; never part of the hub's own work.
public enum DiscoveryBenchmark {
    /// `listing --tools-file F --label L` | `synthetic --servers N` | `search --tools N`. Prints
    /// Markdown table rows; returns the exit status.
    public static func main(arguments: [String]) -> Int32 {
        var options: [String: String] = [:]
        var i = 1
        while i + 1 < arguments.count {
            options[arguments[i]] = arguments[i + 1]
            i += 2
        }
        switch arguments.first {
        case "listing":
            guard let file = options["--tools-file"] else { return usage() }
            return listing(file: file, label: options["--label"] ?? file)
        case "synthetic":
            return synthetic(servers: Int(options["--servers"] ?? "20") ?? 20)
        case "search":
            return search(tools: Int(options["--tools"] ?? "10000") ?? 10_000)
        default:
            return usage()
        }
    }

    private static func usage() -> Int32 {
        print(
            "usage: bench-discovery listing --tools-file F [--label L] | synthetic [--servers N] | search [--tools N]")
        return 64
    }

    /// A real hub's `tools/list` (all mode, saved by bench/discovery) against the same hub in `discover`.
    private static func listing(file: String, label: String) -> Int32 {
        guard case .success(let bytes) = LocalFile.contents(of: file, limit: 64 << 20),
            let tools = try? JSONParser.parse(bytes).arrayValue
        else {
            print("| \(label) | could not read \(file) | | | |")
            return 1
        }
        let hubTools = tools.filter { $0["name"]?.stringValue == ToolCatalog.confirmToolName }
        // The same hub with every server in discover mode.
        let discover = ToolListShaping.build(
            servers: [.init(name: "every server", mode: .discover, tools: [])], hubTools: hubTools,
            namingVariesByClient: false)
        row(label, toolCount: tools.count - hubTools.count, all: tools, discover: discover.tools)
        return 0
    }

    /// `servers` synthetic servers of 20 tools each, listed by the hub in `all` and `discover` mode.
    private static func synthetic(servers: Int) -> Int32 {
        let generated = SyntheticTools.servers(count: servers)
        let naming = ToolNaming(separator: "__", maxLength: 64, allowsDots: false)
        let catalog = ToolCatalog(servers: generated.map { ($0.name, $0.tools) }, naming: naming)
        func list(_ mode: ListingMode) -> [JSONValue] {
            let serverTools = generated.map { server in
                ToolListShaping.ServerTools(
                    name: server.name, mode: mode,
                    tools: catalog.entries(forServer: server.name).map { entry in
                        DiscoverableTool(
                            name: entry.exposedName, server: entry.server, tool: entry.tool,
                            definition: entry.definition, decision: PolicyDecision(action: .allow, rule: "bench"))
                    })
            }
            return ToolListShaping.build(
                servers: serverTools, hubTools: [FirewallConfirmTool.definition], namingVariesByClient: true
            ).tools
        }
        row(
            "synthetic: \(servers) servers, \(catalog.entries.count) tools", toolCount: catalog.entries.count,
            all: list(.all), discover: list(.discover))
        return 0
    }

    private static func row(_ label: String, toolCount: Int, all: [JSONValue], discover: [JSONValue]) {
        let allChars = JSONValue.array(all).serialized().unicodeScalars.count
        let discoverChars = JSONValue.array(discover).serialized().unicodeScalars.count
        let ratio = allChars > 0 ? Double(discoverChars) / Double(allChars) : 0
        print(
            "| \(label) | \(toolCount) | \(all.count) tools, \(grouped(allChars)) chars "
                + "| \(discover.count) tools, \(grouped(discoverChars)) chars | \(fixed(ratio * 100, 1)) % |")
    }

    /// Index build, one server's re-index, and search latency over `tools` synthetic tools.
    private static func search(tools count: Int) -> Int32 {
        let servers = max(1, (count + 19) / 20)
        let generated = SyntheticTools.servers(count: servers)
        let catalog = ToolCatalog(
            servers: generated.map { ($0.name, $0.tools) },
            naming: ToolNaming(separator: ".", maxLength: 64, allowsDots: true))
        let tools = catalog.entries.prefix(count).map { entry in
            DiscoverableTool(
                name: entry.exposedName, server: entry.server, tool: entry.tool, definition: entry.definition,
                decision: PolicyDecision(action: .allow, rule: "bench"))
        }
        var discovery = DiscoveryCatalog()
        var start = seconds()
        discovery.sync(Array(tools))
        let build = seconds() - start
        var changed = Array(tools)
        for i in changed.indices where changed[i].server == "github" { changed[i].definition["description"] = "x" }
        start = seconds()
        discovery.replace(server: "github", with: changed.filter { $0.server == "github" })
        let replace = seconds() - start
        for i in changed.indices where changed[i].server == "slack" { changed[i].definition["description"] = "y" }
        start = seconds()
        discovery.sync(changed)
        let resync = seconds() - start

        let queries = [
            "refund a charge", "send a message to a slack channel", "run a sql query", "read the logs of a pod",
            "send an email", "fetch a web page", "create a pull request", "text message to a phone number",
            "unresolved errors", "find a time when everyone is free", "share a document", "scale deployment",
            "list customers", "delete a bucket", "presigned url", "stripe.create_refund", "webhook", "invoice",
            "search", "get one workspace by its id",
        ]
        var latencies: [Double] = []
        var handlerLatencies: [Double] = []
        var unmatched: [String] = []
        let resolve: (String) -> String? = { catalog.resolve($0)?.exposedName }
        for round in 0..<50 {
            for query in queries {
                start = seconds()
                let found = discovery.search(query, limit: 10)
                latencies.append(seconds() - start)
                if found.isEmpty && round == 0 { unmatched.append(query) }
                start = seconds()
                _ = discovery.handle(
                    params: ["name": "search_tools", "arguments": ["query": .string(query)]], resolve: resolve)
                handlerLatencies.append(seconds() - start)
            }
        }
        latencies.sort()
        handlerLatencies.sort()
        func ms(_ s: Double) -> String { fixed(s * 1000, 3) + " ms" }
        let n = tools.count
        print("| index \(grouped(n)) tools (\(servers) servers) | \(ms(build)) | |")
        print("| re-index one server (20 tools) after its list changed: replace(server:with:) | \(ms(replace)) | |")
        print("| the same through sync() of all \(grouped(n)) tools (finds the changed server) | \(ms(resync)) | |")
        print(
            "| search, top 10 of \(grouped(n)) (\(latencies.count) queries) | median \(ms(percentile(latencies, 0.5))) "
                + "| p99 \(ms(percentile(latencies, 0.99))) |")
        print(
            "| search_tools call, parse arguments to rendered result | median \(ms(percentile(handlerLatencies, 0.5))) "
                + "| p99 \(ms(percentile(handlerLatencies, 0.99))) |")
        if !unmatched.isEmpty { print("\n(queries without a match: " + unmatched.joined(separator: ", ") + ")") }
        return 0
    }

    private static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    private static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private static func grouped(_ n: Int) -> String {
        var digits = Array(String(n))
        var i = digits.count - 3
        while i > 0 {
            digits.insert(",", at: i)
            i -= 3
        }
        return String(digits)
    }

    private static func fixed(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = Int((value * scale).rounded())
        let whole = rounded / Int(scale)
        let fraction = String(abs(rounded) % Int(scale))
        return places == 0
            ? "\(whole)" : "\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
