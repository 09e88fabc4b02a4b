import MCPWire

/// The common answer on the hot path, handled without building it: a legacy target's result for a
/// call a legacy client made. The hub still checks every byte (`JSONValidator` accepts exactly what
/// `JSONParser` accepts, without allocating; `PassableLine` refuses any byte a reader could split on),
/// reads the id from the bytes and splices the client's id in. Anything else — an error answer, extra members, an id the hub did not send, a modern client,
/// a document the validator is unsure of — goes the general way (`JSONRPCMessage.decode`).
///
/// Under load the benchmark measured parsing the answer into a `JSONValue` tree (allocations and
/// reference counting) as the largest share of the hub's own work.
extension HubRouter {
    /// True when `line` was such an answer and has been delivered.
    func deliverPlainAnswer(_ target: TargetSession, _ line: [UInt8]) -> Bool {
        // Nothing pending: the line cannot be such an answer, so it is not validated twice.
        guard target.era == .legacy, !target.pending.isEmpty, JSONValidator.check(line) == .valid,
            let passable = PassableLine(line), let members = JSONScan.topLevelMemberRanges(in: line), members.count == 3
        else { return false }
        var idRange: Range<Int>?
        var hasResult = false
        for member in members {
            let key = line[member.key]
            if key.elementsEqual("jsonrpc".utf8) {
                guard line[member.value].elementsEqual(#""2.0""#.utf8) else { return false }
            } else if key.elementsEqual("id".utf8) {
                idRange = member.value
            } else if key.elementsEqual("result".utf8) {
                hasResult = true
            } else {
                return false
            }
        }
        guard hasResult, let idRange, let hubID = Self.hubID(line[idRange]),
            case .clientCall(let clientID, _, let timer)? = target.pending[hubID], !isModern(clientID)
        else { return false }
        _ = target.removePending(hubID)
        cancelTimer(timer)
        target.forgetProgress(hubID: hubID)
        target.forwardedParams[hubID] = nil
        clientOut?.send(OutboundLine(splicing: passable, replacing: [(idRange, clientID.json)]))
        return true
    }

    /// A hub-side id as the hub writes them (a plain non-negative integer), or nil.
    private static func hubID(_ lexeme: ArraySlice<UInt8>) -> Int? {
        guard !lexeme.isEmpty, lexeme.count <= 18, lexeme.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return lexeme.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
