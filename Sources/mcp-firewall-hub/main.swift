import FirewallHub
import Foundation

// First thing, while the process is still single-threaded: the hidden `--supervise` mode (a target
// supervisor, see TargetSupervisor) never returns.
TargetSupervisor.runIfRequested(CommandLine.arguments)
HubCommandLine.prepareProcess()
let status = await HubCommandLine.main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
