// Discovery benchmark (bench/discovery): tools/list sizes in all vs discover mode, search latency.
import FirewallHub

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

exit(DiscoveryBenchmark.main(arguments: Array(CommandLine.arguments.dropFirst())))
