import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `serve`: the MCP server on stdin/stdout.
enum ServeCommand {
    static func run(
        config: HubConfig, environment: [String: String], log: HubLog, policies: [String: any ToolPolicy]? = nil,
        reloadsConfig: Bool = true, watchesConfig: Bool = false, audit: AuditTrail? = nil
    ) async -> Int32 {
        let output = FDWriter(fd: 1, closeOnFinish: false, batchable: true)
        let router = HubRouter(
            config: config, environment: environment, log: log, mode: .serve, policies: policies)
        router.reloadsConfig = reloadsConfig
        router.watchesConfig = reloadsConfig && watchesConfig
        router.audit = audit
        let sink = router.sink
        // SIGTERM/SIGINT end the session gracefully; SIGHUP reloads hub.json. Children reset every signal to its default
        // when spawned, so ignoring them here is not inherited.
        var sources: [DispatchSourceSignal] = []
        for signo in [SIGTERM, SIGINT, SIGHUP] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { sink.yield(.signal(signo)) }
            source.resume()
            sources.append(source)
        }
        log.info("serving \(config.servers.count) server(s) from \(config.filePath)")
        await router.serve(input: 0, output: output)
        output.drainAndStop()
        for source in sources { source.cancel() }
        return HubCommandLine.ExitCode.success
    }
}
