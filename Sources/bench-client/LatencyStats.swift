import Foundation
import MCPWire

/// Median, p99, mean, min and max of round-trip times, in microseconds.
struct LatencyStats {
    let sortedNanos: [UInt64]

    init(_ nanos: [UInt64]) { sortedNanos = nanos.sorted() }

    func percentile(_ p: Double) -> Double {
        guard !sortedNanos.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sortedNanos.count)).rounded(.up)) - 1
        return Double(sortedNanos[min(max(rank, 0), sortedNanos.count - 1)]) / 1000
    }

    var fields: [(String, JSONValue)] {
        let mean = sortedNanos.isEmpty ? 0 : Double(sortedNanos.reduce(0, +)) / Double(sortedNanos.count) / 1000
        return [
            ("median_us", Self.number(percentile(50), digits: 1)),
            ("p99_us", Self.number(percentile(99), digits: 1)),
            ("mean_us", Self.number(mean, digits: 1)),
            ("min_us", Self.number(Double(sortedNanos.first ?? 0) / 1000, digits: 1)),
            ("max_us", Self.number(Double(sortedNanos.last ?? 0) / 1000, digits: 1)),
        ]
    }

    static func number(_ value: Double, digits: Int) -> JSONValue {
        .number(String(format: "%.\(digits)f", value))
    }
}

/// Peak and current resident set size from /proc (Linux only; zeros elsewhere).
enum ProcMemory {
    struct Usage {
        var hwmKB = 0
        var rssKB = 0
    }

    static func read(pid: pid_t) -> Usage {
        var usage = Usage()
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return usage }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("VmHWM:") { usage.hwmKB = kilobytes(line) }
            if line.hasPrefix("VmRSS:") { usage.rssKB = kilobytes(line) }
        }
        return usage
    }

    private static func kilobytes(_ line: Substring) -> Int {
        Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }

    /// Pids whose parent is `pid`.
    static func children(of pid: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var result: [pid_t] = []
        for entry in entries {
            guard let candidate = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After "pid (comm) " come: state, ppid, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == pid { result.append(candidate) }
        }
        return result
    }
}
