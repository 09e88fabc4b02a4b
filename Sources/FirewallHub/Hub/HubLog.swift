/// Human-readable log lines on stderr (never stdout: in `serve` mode stdout carries only protocol).
///
/// Callers must never pass secrets: expanded env values, approval codes and the target's argv are
/// kept out of every message by construction (the router logs server names, tool names and rules).
final class HubLog: Sendable {
    private let writer: FDWriter
    let verbose: Bool

    init(writer: FDWriter, verbose: Bool) {
        self.writer = writer
        self.verbose = verbose
    }

    func info(_ message: String) { emit(message) }
    func warning(_ message: String) { emit("warning: " + message) }
    func error(_ message: String) { emit("error: " + message) }
    func debug(_ message: @autoclosure () -> String) {
        if verbose { emit("debug: " + message()) }
    }

    func server(_ name: String, _ message: String) { emit("[\(name)] " + message) }

    /// A target's own stderr line, forwarded with its server name.
    func targetStderr(server: String, line: [UInt8]) {
        var bytes = Array("[\(server)] ".utf8)
        bytes.append(contentsOf: line)
        bytes.append(0x0A)
        writer.write(bytes)
    }

    private func emit(_ message: String) {
        writer.write(Array("mcp-firewall-hub: \(message)\n".utf8))
    }

    /// A shortened, single-line rendering of bytes a peer sent, for log messages.
    static func excerpt(_ bytes: [UInt8], limit: Int = 200) -> String {
        var text = ""
        for scalar in String(decoding: bytes.prefix(limit), as: UTF8.self).unicodeScalars {
            if scalar == "\n" { text += "\\n" } else { text.unicodeScalars.append(scalar) }
        }
        return bytes.count > limit ? text + "… (\(bytes.count) bytes)" : text
    }
}
