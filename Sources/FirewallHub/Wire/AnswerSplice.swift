import MCPWire

/// Owns: re-addressing a target's plain answer (`jsonrpc`, `id`, `result`, nothing else) by splicing the
/// client's id into the target's own bytes. Never: built from bytes that are not valid, passable JSON.
///
/// The common answer on the hot path, delivered without building it: the hub still checks every byte
/// (`JSONValidator` accepts exactly what `JSONParser` accepts, without allocating; `PassableLine`
/// refuses any byte a reader could split on) and reads its own id from the bytes. Anything else — an
/// error answer, extra or escaped members, an id the hub does not write, a document the validator is
/// unsure of — goes the general way (`JSONRPCMessage.decode`, re-encoded). Under load the benchmark
/// measured parsing the answer into a `JSONValue` tree as the largest share of the hub's own work.
struct AnswerSplice {
    let line: PassableLine
    /// The hub-side id the answer carries.
    let hubID: Int
    private let idRange: Range<Int>

    /// `validated`: the parser has already accepted `line`; otherwise the validator must.
    init?(line: [UInt8], validated: Bool) {
        if !validated {
            guard JSONValidator.check(line) == .valid else { return nil }
        }
        guard let passable = PassableLine(line), let members = JSONScan.topLevelMemberRanges(in: line),
            members.count == 3
        else { return nil }
        var idRange: Range<Int>?
        var hasResult = false
        for member in members {
            let key = line[member.key]
            if key.elementsEqual("jsonrpc".utf8) {
                guard line[member.value].elementsEqual(#""2.0""#.utf8) else { return nil }
            } else if key.elementsEqual("id".utf8) {
                idRange = member.value
            } else if key.elementsEqual("result".utf8) {
                hasResult = true
            } else {
                return nil
            }
        }
        guard hasResult, let idRange, let hubID = Self.hubID(line[idRange]) else { return nil }
        self.line = passable
        self.hubID = hubID
        self.idRange = idRange
    }

    /// The answer for the client, under its own id, newline included.
    func bytes(clientID: RequestID) -> OutboundLine {
        OutboundLine(splicing: line, replacing: [(idRange, clientID.json)])
    }

    /// A hub-side id as the hub writes them (a plain non-negative integer), or nil.
    private static func hubID(_ lexeme: ArraySlice<UInt8>) -> Int? {
        guard !lexeme.isEmpty, lexeme.count <= 18, lexeme.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return lexeme.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
