import MCPWire

/// Owns: re-addressing a client's `tools/call` by splicing its own bytes (the id and the tool name).
/// Never: splices a request with members beyond JSON-RPC's, escaped keys, or bytes a reader could split on.
///
/// A client's `tools/call` re-addressed for its target by splicing its own bytes: the hub's id in place
/// of the client's, the target's tool name in place of the exposed one. Re-encoding the parsed request
/// would give the target the same JSON (only whitespace and escapes may differ), at the cost of
/// serializing every byte of a large argument again; the benchmark measured that as a third of a 2 MB
/// call's time in the hub.
///
/// Only a request whose top-level object holds nothing but the JSON-RPC members (`jsonrpc`, `id`,
/// `method`, `params`) and whose keys are written without escapes is spliced, and only when it is one
/// line for every reader (`PassableLine`: no `\r` between tokens a target could split on); the caller
/// also checks that nothing else in `params` has to change (same era, no progress token to swap).
struct RequestSplice {
    let line: PassableLine
    private let idRange: Range<Int>
    private let nameRange: Range<Int>

    /// `line` must be the client's message exactly as the parser validated it.
    init?(line: [UInt8]) {
        guard let passable = PassableLine(line) else { return nil }
        // One pass over the message (a large argument is scanned once), then into `params` up to "name".
        guard let members = JSONScan.topLevelMemberRanges(in: line) else { return nil }
        var idRange: Range<Int>?
        var paramsRange: Range<Int>?
        for member in members {
            let key = line[member.key]
            if key.elementsEqual("id".utf8) {
                idRange = member.value
            } else if key.elementsEqual("params".utf8) {
                paramsRange = member.value
            } else if !key.elementsEqual("jsonrpc".utf8), !key.elementsEqual("method".utf8) {
                return nil
            }
        }
        guard let idRange, let paramsRange,
            let nameRange = JSONScan.valueRange(ofKey: "name", inObjectAt: paramsRange, of: line)
        else { return nil }
        self.line = passable
        self.idRange = idRange
        self.nameRange = nameRange
    }

    /// The line for the target, newline included.
    func bytes(id: Int, name: String) -> OutboundLine {
        OutboundLine(splicing: line, replacing: [(idRange, .int(id)), (nameRange, .string(name))])
    }
}
