/// Runs a parsed operator command (`check`, `explain`, `call`, `import`) and returns its exit status.
enum OperatorCommands {
    static func run(_ command: OperatorCommand, environment: [String: String], stderr: FDWriter) async -> Int32 {
        switch command {
        case .check(let options):
            return await CheckCommand.run(
                options, environment: environment, log: HubLog(writer: stderr, verbose: options.common.verbose))
        case .explain(let options):
            return await ExplainCommand.run(
                options, environment: environment, log: HubLog(writer: stderr, verbose: options.common.verbose))
        case .call(let options):
            return await CallCommand.run(options, environment: environment, stderr: stderr)
        case .importServers(let options):
            return ImportCommand.run(options, environment: environment, stderr: stderr)
        }
    }
}
