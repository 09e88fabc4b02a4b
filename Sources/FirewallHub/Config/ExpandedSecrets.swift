/// The values `${VAR}` references took in one server's entry (`command`, `args`, `env`, `cwd`), so that
/// whatever the hub says about the server shows the reference, not the value: start-up failures
/// (`command '${TOOLS}/bin/srv' does not exist`), the server's last stderr lines in them, and the
/// stderr lines it forwards. Values are often secrets (tokens in a path or an argument).
///
/// Values shorter than `minimumLength` bytes are left alone: a token or a private path is longer, and
/// replacing every `info` or `8080` in a server's log would garble it.
struct ExpandedSecrets: Sendable, Equatable {
    static let minimumLength = 6

    private struct Entry: Sendable, Equatable {
        var value: [UInt8]
        var placeholder: [UInt8]
    }

    /// Longest value first, so a value that contains another is replaced whole.
    private var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    mutating func record(variable: String, value: String) {
        let bytes = Array(value.utf8)
        guard bytes.count >= Self.minimumLength, !entries.contains(where: { $0.value == bytes }) else { return }
        entries.append(Entry(value: bytes, placeholder: Array("${\(variable)}".utf8)))
        entries.sort { $0.value.count > $1.value.count }
    }

    /// Adds every value `other` hides (one log for all servers hides each server's values).
    mutating func merge(_ other: ExpandedSecrets) {
        for entry in other.entries where !entries.contains(where: { $0.value == entry.value }) {
            entries.append(entry)
        }
        entries.sort { $0.value.count > $1.value.count }
    }

    func redacted(_ text: String) -> String {
        entries.isEmpty ? text : String(decoding: redacted(Array(text.utf8)), as: UTF8.self)
    }

    /// One pass, left to right: text a placeholder replaced is never searched again.
    func redacted(_ bytes: [UInt8]) -> [UInt8] {
        guard !entries.isEmpty else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        outer: while i < bytes.count {
            for entry in entries where entry.value[0] == bytes[i] && bytes[i...].starts(with: entry.value) {
                out += entry.placeholder
                i += entry.value.count
                continue outer
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }
}
