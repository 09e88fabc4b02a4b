/// The command line of `bench-client`.
struct BenchOptions {
    enum Mode: String {
        case latency, throughput, startup, exit, rss
    }

    var mode: Mode
    /// The target's own tool name (`echo`).
    var tool = "echo"
    /// Server names to prefix (`payments` → `payments.echo`); several are called round-robin.
    var namespaces: [String] = []
    var separator = "."
    var calls = 1000
    var warmup = 200
    /// Bytes of the `text` argument.
    var payloadBytes = 64
    var inFlight = 64
    var clientName = "bench-client"
    /// rss: also report the peak RSS of the process's direct children.
    var rssChildren = false
    /// Seconds before the whole run is abandoned.
    var timeout = 120.0
    var label = ""
    var environment: [String: String] = [:]
    var command: [String] = []

    static let usage = """
        usage: bench-client MODE [options] -- COMMAND [ARGS...]
          MODE: latency | throughput | startup | exit | rss
          --tool NAME           the target's tool to call (default echo)
          --namespace A[,B...]  call A<sep>NAME (round-robin over several); omit to call NAME directly
          --separator SEP       namespace separator (default .)
          --calls N             measured calls (default 1000)
          --warmup N            unmeasured calls first (default 200; at least 1, it verifies the echo)
          --payload BYTES       size of the "text" argument (default 64)
          --in-flight K         throughput/rss: calls in flight (default 64)
          --client-name NAME    clientInfo.name sent in initialize (default bench-client)
          --rss-children        rss: also report the peak RSS of the process's children
          --env KEY=VALUE       extra environment for COMMAND (repeatable)
          --timeout SECONDS     give up after this long (default 120)
          --label TEXT          copied into the JSON output
        Prints one JSON object on stdout.
        """

    static func parse(_ arguments: [String]) throws(BenchError) -> BenchOptions {
        guard let first = arguments.first, let mode = Mode(rawValue: first) else { throw .usage(usage) }
        var options = BenchOptions(mode: mode)
        var i = 1
        func value() throws(BenchError) -> String {
            i += 1
            guard i < arguments.count else { throw .usage("\(arguments[i - 1]) needs a value\n\(usage)") }
            return arguments[i]
        }
        func number(_ text: String) throws(BenchError) -> Int {
            guard let n = Int(text), n >= 0 else { throw .usage("not a whole number: \(text)") }
            return n
        }
        while i < arguments.count {
            let arg = arguments[i]
            switch arg {
            case "--":
                options.command = Array(arguments[(i + 1)...])
                i = arguments.count
                continue
            case "--tool": options.tool = try value()
            case "--namespace": options.namespaces = try value().split(separator: ",").map(String.init)
            case "--separator": options.separator = try value()
            case "--calls": options.calls = try number(try value())
            case "--warmup": options.warmup = max(1, try number(try value()))
            case "--payload": options.payloadBytes = try number(try value())
            case "--in-flight": options.inFlight = max(1, try number(try value()))
            case "--client-name": options.clientName = try value()
            case "--rss-children": options.rssChildren = true
            case "--timeout": options.timeout = Double(try number(try value()))
            case "--label": options.label = try value()
            case "--env":
                let pair = try value()
                guard let eq = pair.firstIndex(of: "=") else { throw .usage("--env needs KEY=VALUE, got \(pair)") }
                options.environment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
            default:
                throw .usage("unknown option \(arg)\n\(usage)")
            }
            i += 1
        }
        guard !options.command.isEmpty else { throw .usage("missing -- COMMAND\n\(usage)") }
        return options
    }

    /// The exposed tool names to call, in round-robin order.
    var toolNames: [String] {
        namespaces.isEmpty ? [tool] : namespaces.map { $0 + separator + tool }
    }
}
