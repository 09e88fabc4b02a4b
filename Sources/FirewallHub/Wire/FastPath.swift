import MCPWire

/// Owns: the one decision whether a message leaves the hub as a peer's own bytes with a few values
/// swapped (splice) or re-encoded from its parsed form. Never: routes, decides policy, or lets bytes
/// through that `PassableLine` has not accepted.
///
/// Every precondition of the fast paths is here, so a reader can check them in one place:
/// - both sides speak the legacy era (a modern peer needs the hub's envelope or a modern result, which
///   only re-encoding gives);
/// - nothing inside `params` changes but the id and the tool name (no progress token to swap);
/// - the message's top-level members are exactly the JSON-RPC ones, written without escapes (so no
///   member the hub did not look at passes unseen);
/// - the bytes are valid JSON (the parser or the validator said so) and one line for every reader.
/// The differential test (FastPathDifferentialTests) checks that a splice, parsed, equals the general
/// path's re-encoded message for many unusual spellings.
enum FastPath {
    /// A client's `tools/call`, going to its target: the splice, or nil to re-encode.
    static func request(
        _ line: [UInt8], clientEra: ProtocolEra, targetEra: ProtocolEra, swapsProgressToken: Bool
    ) -> RequestSplice? {
        guard clientEra == .legacy, targetEra == .legacy, !swapsProgressToken else { return nil }
        return RequestSplice(line: line)
    }

    /// A target's answer, going to the client that waits for it: the splice, or nil to decode and
    /// re-encode. `validated` says the parser already accepted `line`. `clientEra` gives the era of the
    /// client call the hub id belongs to, nil when no client call waits on it.
    static func answer(
        _ line: [UInt8], validated: Bool, targetEra: ProtocolEra, clientEra: (Int) -> ProtocolEra?
    ) -> AnswerSplice? {
        guard targetEra == .legacy, let splice = AnswerSplice(line: line, validated: validated),
            clientEra(splice.hubID) == .legacy
        else { return nil }
        return splice
    }
}
