// bench-client: a load generator for stdio MCP servers (the hub, a target directly, or another proxy).
// It spawns COMMAND, performs the MCP handshake and measures one thing, printing one JSON object.
import CShim
import Dispatch
import Foundation
import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private enum Bench {
    static func main() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        cshim_keep_large_blocks()  // the load generator builds and parses megabyte lines too, like the hub
        let options: BenchOptions
        do {
            options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("bench-client: \(error)\n".utf8))
            return 64
        }
        let child: BenchChild
        do {
            child = try BenchChild(argv: options.command, extraEnvironment: options.environment)
        } catch {
            fail(options, "\(error)")
            return 1
        }
        startWatchdog(options, child)
        let driver = LoadDriver(child: child, toolNames: options.toolNames, payloadBytes: options.payloadBytes)
        LineSource(
            fd: child.stdoutFD, onLine: { driver.handle(line: $0) }, onEOF: { driver.handleEOF() }
        ).start()
        do {
            let fields = try measure(options, child, driver)
            var output = JSONObject()
            output["mode"] = .string(options.mode.rawValue)
            if !options.label.isEmpty { output["label"] = .string(options.label) }
            for (key, value) in fields { output[key] = value }
            if !child.hasExited { child.terminate() }
            print(JSONValue.object(output).serialized())
            return 0
        } catch {
            child.terminate(grace: 2)
            fail(options, "\(error)")
            return 1
        }
    }

    static func fail(_ options: BenchOptions, _ message: String) {
        let output: JSONValue = [
            "mode": .string(options.mode.rawValue), "label": .string(options.label), "error": .string(message),
        ]
        print(output.serialized())
        FileHandle.standardError.write(Data("bench-client: \(message)\n".utf8))
    }

    /// Kills the child's process group and exits if the run takes longer than `--timeout`.
    static func startWatchdog(_ options: BenchOptions, _ child: BenchChild) {
        let timeout = options.timeout
        let mode = options.mode.rawValue
        let label = options.label
        let pid = child.pid
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: timeout)
            let output: JSONValue = [
                "mode": .string(mode), "label": .string(label),
                "error": .string("gave up after \(Int(timeout)) s"),
            ]
            print(output.serialized())
            fflush(nil)
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            exit(3)
        }
    }

    static func handshake(_ options: BenchOptions, _ driver: LoadDriver) throws(BenchError) {
        var clientInfo = JSONObject()
        clientInfo["name"] = .string(options.clientName)
        clientInfo["version"] = "1.0"
        var params = JSONObject()
        params["protocolVersion"] = .string(ProtocolVersion.latestLegacy)
        params["capabilities"] = .object(JSONObject())
        params["clientInfo"] = .object(clientInfo)
        _ = try driver.request(method: "initialize", params: params, timeout: options.timeout)
        driver.notify(method: "notifications/initialized")
    }

    /// Number of tools in a `tools/list` answer (after handshake).
    static func listTools(_ options: BenchOptions, _ driver: LoadDriver) throws(BenchError) -> Int {
        let result = try driver.request(method: "tools/list", params: nil, timeout: options.timeout)
        let tools = result["tools"]?.arrayValue ?? []
        let names = Set(tools.compactMap { $0["name"]?.stringValue })
        for name in options.toolNames where !names.contains(name) {
            throw .protocolFailure("tools/list has no tool \"\(name)\" (has \(names.sorted().prefix(12)))")
        }
        return tools.count
    }

    /// Unmeasured calls; the first answer is checked to really echo the payload.
    static func warmUp(_ options: BenchOptions, _ driver: LoadDriver) throws(BenchError) {
        let result = try driver.run(count: options.warmup, inFlight: 1, keepFirst: true, timeout: options.timeout)
        guard result.errors == 0, let line = result.firstLine else {
            throw .protocolFailure("\(result.errors) of \(options.warmup) warm-up calls answered with an error")
        }
        let excerpt = String(decoding: line.prefix(300), as: UTF8.self)
        guard case .message(.response(let response)) = JSONRPCMessage.decode(line: line),
            case .result(let value) = response.outcome
        else { throw .protocolFailure("warm-up call: not a result: \(excerpt)") }
        if value["isError"]?.boolValue == true {
            throw .protocolFailure("the tool answered isError: \(excerpt)")
        }
        let echoed = value["structuredContent"]?["echo"]?["text"]?.stringValue
        guard echoed?.utf8.count == options.payloadBytes else {
            throw .protocolFailure("the answer does not echo the \(options.payloadBytes)-byte text: \(excerpt)")
        }
    }

    static func measure(
        _ options: BenchOptions, _ child: BenchChild, _ driver: LoadDriver
    ) throws(BenchError) -> [(String, JSONValue)] {
        switch options.mode {
        case .latency:
            try handshake(options, driver)
            _ = try listTools(options, driver)
            try warmUp(options, driver)
            let run = try driver.run(count: options.calls, inFlight: 1, keepFirst: false, timeout: options.timeout)
            guard run.errors == 0 else { throw .protocolFailure("\(run.errors) calls answered with an error") }
            return [("calls", .int(options.calls)), ("payload", .int(options.payloadBytes))]
                + LatencyStats(run.latenciesNanos).fields
        case .throughput:
            try handshake(options, driver)
            _ = try listTools(options, driver)
            try warmUp(options, driver)
            let run = try driver.run(
                count: options.calls, inFlight: options.inFlight, keepFirst: false, timeout: options.timeout)
            guard run.errors == 0 else { throw .protocolFailure("\(run.errors) calls answered with an error") }
            let perSecond = Double(options.calls) / (Double(run.elapsedNanos) / 1e9)
            return [
                ("calls", .int(options.calls)), ("in_flight", .int(options.inFlight)),
                ("payload", .int(options.payloadBytes)), ("calls_per_s", LatencyStats.number(perSecond, digits: 0)),
                ("elapsed_ms", LatencyStats.number(Double(run.elapsedNanos) / 1e6, digits: 1)),
            ]
        case .startup:
            try handshake(options, driver)
            let count = try listTools(options, driver)
            let elapsed = BenchClock.now() - child.spawnedAt
            return [("tools", .int(count)), ("startup_ms", LatencyStats.number(Double(elapsed) / 1e6, digits: 1))]
        case .exit:
            try handshake(options, driver)
            _ = try listTools(options, driver)
            if options.calls > 0 {
                _ = try driver.run(count: options.calls, inFlight: 1, keepFirst: false, timeout: options.timeout)
            }
            let start = BenchClock.now()
            child.closeStdin()
            guard let status = child.waitForExit(seconds: options.timeout) else {
                throw .timedOut("the process did not exit within \(Int(options.timeout)) s of its stdin closing")
            }
            let elapsed = BenchClock.now() - start
            return [
                ("exit_ms", LatencyStats.number(Double(elapsed) / 1e6, digits: 1)),
                ("status", .string(describe(status: status))),
            ]
        case .rss:
            try handshake(options, driver)
            _ = try listTools(options, driver)
            let run = try driver.run(
                count: options.calls, inFlight: options.inFlight, keepFirst: false, timeout: options.timeout)
            guard run.errors == 0 else { throw .protocolFailure("\(run.errors) calls answered with an error") }
            var fields: [(String, JSONValue)] = [("calls", .int(options.calls))]
            let own = ProcMemory.read(pid: child.pid)
            fields.append(("hwm_kb", .int(own.hwmKB)))
            fields.append(("rss_kb", .int(own.rssKB)))
            if options.rssChildren {
                let children = ProcMemory.children(of: child.pid)
                let total = children.reduce(0) { $0 + ProcMemory.read(pid: $1).hwmKB }
                fields.append(("children", .int(children.count)))
                fields.append(("children_hwm_kb", .int(total)))
            }
            return fields
        }
    }

    static func describe(status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exit \((status >> 8) & 0xFF)" }
        return "signal \(signal)"
    }
}

exit(Bench.main())
