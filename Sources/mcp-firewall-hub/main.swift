import FirewallHub
import Foundation

HubCommandLine.prepareProcess()
let status = await HubCommandLine.main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
exit(status)
