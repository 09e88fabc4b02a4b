import MCPWire

/// Owns: the framing rule: every protocol message that leaves the hub is one `OutboundLine`.
/// Never: is built from bytes that passed neither `PassableLine` nor the hub's own serializer.
///
/// The one seam for bytes that leave the hub toward a client or a target: every protocol message is
/// an `OutboundLine`, one stdio line that each reader splits exactly where the hub does.
/// It must never be built from bytes that did not pass `PassableLine` or the hub's own serializer.
///
/// Two ways to make one, and only these:
/// - `init(_ message:)`: the hub's own encoding, compact, with every line break inside strings escaped
///   (`JSONValue.serializedBytes`); always safe.
/// - `init(splicing:replacing:)`: a peer's message passed through with a few values swapped (the id,
///   a tool name), without re-encoding a result that may be megabytes long. Only a `PassableLine` can
///   be spliced, and that type checks the one precondition: no byte any reader could split on.
/// Whatever a fast path cannot prove passable is re-encoded from its parsed form instead.
struct OutboundLine: Sendable, Equatable {
    /// The message and its terminating `\n`.
    let bytes: [UInt8]

    init(_ message: JSONRPCMessage) {
        bytes = message.line()
    }

    /// `line` with each range replaced by the hub's encoding of a value; ranges must not overlap.
    init(splicing line: PassableLine, replacing pieces: [(range: Range<Int>, value: JSONValue)]) {
        let source = line.bytes
        let sorted = pieces.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var out: [UInt8] = []
        out.reserveCapacity(source.count + 32)
        var copied = 0
        for piece in sorted {
            precondition(piece.range.lowerBound >= copied, "spliced ranges overlap")
            out += source[copied..<piece.range.lowerBound]
            out += piece.value.serializedBytes()
            copied = piece.range.upperBound
        }
        out += source[copied...]
        out.append(0x0A)
        bytes = out
    }
}

/// A message a peer sent (already validated as JSON) whose bytes may leave the hub unchanged: it holds
/// no byte below 0x20 (so no `\r`, `\n` or tab between tokens) and no U+0085, U+2028 or U+2029.
struct PassableLine: Sendable {
    let bytes: [UInt8]

    init?(_ bytes: [UInt8]) {
        guard LineFraming.isOneLineForEveryReader(bytes) else { return nil }
        self.bytes = bytes
    }
}

/// Protocol output toward one peer (the client's stdout, or a target's stdin): it takes only
/// `OutboundLine`s, so nothing above Transport can write bytes that skipped the framing rule.
struct PeerOutput: Sendable {
    private let writer: FDWriter

    init(_ writer: FDWriter) {
        self.writer = writer
    }

    func send(_ line: OutboundLine) {
        writer.write(line.bytes)
    }

    func send(_ message: JSONRPCMessage) {
        send(OutboundLine(message))
    }

    /// Bytes waiting for the peer to read them (see `NotificationShedding`).
    var queuedBytes: Int { writer.queuedBytes }
}
