import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// First thing, while the process is still single-threaded: the hidden `--supervise` mode (a target
// supervisor, see TargetSupervisor) never returns.
TargetSupervisor.runIfRequested(CommandLine.arguments)
HubCommandLine.prepareProcess(arguments: Array(CommandLine.arguments.dropFirst()))
let status = await HubCommandLine.main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.current())
exit(status)
