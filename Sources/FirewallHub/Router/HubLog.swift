/// Owns: the hub's log lines on stderr and how a peer's bytes are shown in them.
/// Never: writes to stdout, or writes a secret or a peer's control character as it is.
///
/// Human-readable log lines on stderr (never stdout: in `serve` mode stdout carries only protocol).
///
/// Callers must never pass secrets: expanded env values, approval codes and the target's argv are
/// kept out of every message by construction (the router logs server names, tool names and rules).
/// As a last line, every line it writes passes `ExpandedSecrets` redaction once (see `redacting`), so
/// a `${VAR}` value a target echoes back (in a malformed line, an id, a method name the hub quotes)
/// is shown as its reference.
final class HubLog: Sendable {
    private let writer: FDWriter
    let verbose: Bool
    private let secrets: ExpandedSecrets

    init(writer: FDWriter, verbose: Bool, secrets: ExpandedSecrets = ExpandedSecrets()) {
        self.writer = writer
        self.verbose = verbose
        self.secrets = secrets
    }

    /// The same log, hiding `secrets` (every server's `${VAR}` values) in each line it writes.
    func redacting(_ secrets: ExpandedSecrets) -> HubLog {
        var all = self.secrets
        all.merge(secrets)
        return HubLog(writer: writer, verbose: verbose, secrets: all)
    }

    func info(_ message: String) { emit(message) }
    func warning(_ message: String) { emit("warning: " + message) }
    func error(_ message: String) { emit("error: " + message) }
    func debug(_ message: @autoclosure () -> String) {
        if verbose { emit("debug: " + message()) }
    }

    func server(_ name: String, _ message: String) { emit("[\(name)] " + message) }

    /// A target's own stderr line, forwarded with its server name. Control characters are shown as
    /// `\xHH`: a target must not rewrite the terminal (a `\r` back over its `[name]` prefix, escape
    /// sequences) or fake a line of the hub's own.
    func targetStderr(server: String, line: [UInt8]) {
        var bytes = Array("[\(server)] ".utf8)
        Self.appendVisible(secrets.redacted(line), to: &bytes)
        bytes.append(0x0A)
        writer.write(secrets.redacted(bytes))
    }

    /// `bytes` with every C0 control but tab, DEL, and the C1 controls (U+0080…U+009F) as `\xHH`, and
    /// the Unicode line breaks, bidirectional controls (which reorder what a reader sees) and invisible
    /// characters (zero-width ones, soft hyphen, variation selectors, tag characters) as `\u{…}`.
    static func appendVisible(_ bytes: [UInt8], to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        func escape(_ b: UInt8) { out += [0x5C, 0x78, hex[Int(b >> 4)], hex[Int(b & 0xF)]] }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if (b < 0x20 && b != 0x09) || b == 0x7F {
                escape(b)
            } else if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
                escape(bytes[i + 1])
                i += 1
            } else if b == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xBB, bytes[i + 2] == 0xBF {
                out += Array("\\u{feff}".utf8)
                i += 2
            } else if b == 0xE2, i + 2 < bytes.count, let scalar = invisibleFormatting(bytes[i + 1], bytes[i + 2]) {
                out += Array("\\u{\(String(scalar, radix: 16))}".utf8)
                i += 2
            } else if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xAD {
                out += Array("\\u{ad}".utf8)  // soft hyphen: invisible
                i += 1
            } else if b == 0xEF, i + 2 < bytes.count, bytes[i + 1] == 0xB8, (0x80...0x8F).contains(bytes[i + 2]) {
                out += Array("\\u{fe0\(String(bytes[i + 2] & 0x0F, radix: 16))}".utf8)  // variation selectors
                i += 2
            } else if b == 0xF3, i + 3 < bytes.count, bytes[i + 1] == 0xA0, (0x80...0x87).contains(bytes[i + 2]),
                bytes[i + 3] & 0xC0 == 0x80
            {
                // U+E0000…U+E01FF: tag characters (invisible ASCII) and the variation selectors supplement.
                let scalar = 0xE0000 | (UInt32(bytes[i + 2] & 0x3F) << 6) | UInt32(bytes[i + 3] & 0x3F)
                out += Array("\\u{\(String(scalar, radix: 16))}".utf8)
                i += 3
            } else {
                out.append(b)
            }
            i += 1
        }
    }

    /// The scalar (U+200B…U+200F, U+2028…U+202E, U+2060…U+2064, U+2066…U+2069) that the UTF-8
    /// `E2 b1 b2` encodes, when it is one that breaks lines, reorders text or hides; nil otherwise.
    private static func invisibleFormatting(_ b1: UInt8, _ b2: UInt8) -> UInt32? {
        let scalar = 0x2000 | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return nil }
        switch scalar {
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x2069: return scalar
        default: return nil
        }
    }

    private func emit(_ message: String) {
        writer.write(secrets.redacted(Array("mcp-firewall-hub: \(message)\n".utf8)))
    }

    /// A shortened, single-line rendering of bytes a peer sent, for log messages.
    static func excerpt(_ bytes: [UInt8], limit: Int = 200) -> String {
        var visible: [UInt8] = []
        appendVisible(Array(bytes.prefix(limit)), to: &visible)
        let text = String(decoding: visible, as: UTF8.self)
        return bytes.count > limit ? text + "… (\(bytes.count) bytes)" : text
    }
}
