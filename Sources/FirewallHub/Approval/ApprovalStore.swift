/// Calls waiting for a human approval code: a pure state machine. It never widens an approval by
/// itself: the scope of a run comes only from which code the human gave.
///
/// It has no clock and no randomness of its own: every operation takes a monotonic `now` (seconds)
/// and codes come from the injected `codeSource`, so tests drive expiry without sleeping. The hub's
/// router owns the single instance; no locking is needed.
///
/// A call is live while `now < expiresAt`. Codes are kept only as SHA-256 digests and compared with
/// `ConstantTime.equals` against every candidate, without early exit. A held call may have a second
/// code (`sessionCode`, only ever sent to the human out of band) that approves it and grants its tool
/// for the session. Brute force is bounded three ways: wrong codes per call (`maxAttempts`, then the
/// call is discarded), wrong codes per session (`maxWrongCodes`, then every code is refused for the
/// rest of the session: `isLocked`), and calls held at once (`maxPending`, then `hold` refuses). A
/// code without `call_id` is only checked when exactly one call waits, so one guess tests one call.
/// Calls that left the store are remembered as "retired" until their TTL would have passed (expired
/// ones one extra TTL), at most `retiredMemoryLimit` of them, so a late code gets `.alreadyUsed` /
/// `.expired` instead of a wrong-code answer.
struct ApprovalStore: Sendable {
    /// Most retired codes remembered; the oldest are forgotten first.
    static let retiredMemoryLimit = 1_000

    let settings: ApprovalSettings
    private let codeSource: @Sendable (Int) -> String
    private var pending: [PendingEntry] = []
    private var retired: [RetiredEntry] = []
    /// Wrong codes presented in this session (this hub process), against `settings.maxWrongCodes`.
    private(set) var wrongCodes = 0
    private var nextHandle = 1

    private struct PendingEntry: Sendable {
        let id: String
        let call: FrozenCall
        let codeDigest: [UInt8]
        let sessionCodeDigest: [UInt8]?
        let expiresAt: Double
        var wrongTries = 0

        var digests: [[UInt8]] { [codeDigest] + (sessionCodeDigest.map { [$0] } ?? []) }
    }

    private struct RetiredEntry: Sendable {
        let id: String
        let codeDigests: [[UInt8]]
        /// True when the call expired; false when it was used up (approved, denied, cancelled, discarded).
        let didExpire: Bool
        let forgetAt: Double

        var outcome: ConfirmOutcome { didExpire ? .expired(callID: id) : .alreadyUsed }
    }

    private enum Verdict {
        case approve, deny
    }

    private enum CodeKind {
        case once, session
    }

    init(settings: ApprovalSettings, codeSource: @escaping @Sendable (Int) -> String = SecureRandom.digits) {
        precondition(SecureRandom.digitCountRange.contains(settings.digits), "approval code digits must be 4…12")
        precondition(settings.maxAttempts >= 1, "approval maxAttempts must be at least 1")
        precondition(settings.ttlSeconds > 0, "approval ttlSeconds must be positive")
        precondition(settings.maxPending >= 1, "approval maxPending must be at least 1")
        precondition(settings.maxWrongCodes >= 1, "approval maxWrongCodes must be at least 1")
        self.settings = settings
        self.codeSource = codeSource
    }

    /// Calls held (including any past their TTL that no operation has swept yet).
    var pendingCount: Int { pending.count }

    /// Handles of the held calls, oldest first.
    var pendingIDs: [String] { pending.map(\.id) }

    /// Every code is refused for the rest of the session: `maxWrongCodes` wrong codes were presented.
    var isLocked: Bool { wrongCodes >= settings.maxWrongCodes }

    /// The held call with handle `id`, if any.
    func pendingCall(id: String) -> FrozenCall? {
        pending.first { $0.id == id }?.call
    }

    /// The handle of the first held call still live at `now` that `matches`, if any.
    func liveID(now: Double, where matches: (FrozenCall) -> Bool) -> String? {
        pending.first { $0.expiresAt > now && matches($0.call) }?.id
    }

    /// Holds `call` under a fresh code, unique among live codes, and a second code for a session grant
    /// when `withSessionCode` (only for a channel that reaches the human alone). Refused while the
    /// store is locked, or when `settings.maxPending` calls already wait: nothing held is ever dropped
    /// to make room.
    mutating func hold(_ call: FrozenCall, now: Double, withSessionCode: Bool = false) -> Result<HeldCall, HoldRefusal>
    {
        removeExpired(now: now)
        if isLocked { return .failure(.locked(wrongCodes: wrongCodes)) }
        if pending.count >= settings.maxPending { return .failure(.full(limit: settings.maxPending)) }
        let (code, digest) = freshCode()
        var sessionCode: (code: String, digest: [UInt8])?
        if withSessionCode { sessionCode = freshCode(avoiding: digest) }
        let id = "h\(nextHandle)"
        nextHandle += 1
        let expiresAt = now + settings.ttlSeconds
        pending.append(
            PendingEntry(
                id: id, call: call, codeDigest: digest, sessionCodeDigest: sessionCode?.digest, expiresAt: expiresAt))
        return .success(HeldCall(id: id, code: code, sessionCode: sessionCode?.code, expiresAt: expiresAt))
    }

    /// The human approved with `code`. See `ConfirmOutcome` for the answers.
    mutating func confirm(code: String, callID: String?, now: Double) -> ConfirmOutcome {
        resolve(code: code, callID: callID, now: now, verdict: .approve)
    }

    /// The human refused with `code` (either of the call's codes): a right code discards the call
    /// (`.denied`); a wrong code counts as a wrong try exactly as in `confirm`.
    mutating func deny(code: String, callID: String?, now: Double) -> ConfirmOutcome {
        resolve(code: code, callID: callID, now: now, verdict: .deny)
    }

    /// Discards a held call (e.g. the client cancelled it). Unknown handles are ignored.
    mutating func cancel(callID: String) {
        guard let index = pending.firstIndex(where: { $0.id == callID }) else { return }
        retire(pending.remove(at: index), didExpire: false)
    }

    /// Drops calls whose TTL has passed (remembering their codes for `.expired` answers), and forgets
    /// retired codes older than their window. Returns the dropped handles.
    @discardableResult
    mutating func removeExpired(now: Double) -> [String] {
        retired.removeAll { now >= $0.forgetAt }
        let expired = pending.filter { now >= $0.expiresAt }
        guard !expired.isEmpty else { return [] }
        pending.removeAll { now >= $0.expiresAt }
        for entry in expired { retire(entry, didExpire: true) }
        return expired.map(\.id)
    }

    // MARK: - Resolution

    private mutating func resolve(code: String, callID: String?, now: Double, verdict: Verdict) -> ConfirmOutcome {
        removeExpired(now: now)
        // Checked before the code, so a guesser learns nothing more once the budget is spent.
        if isLocked { return .locked(wrongCodes: wrongCodes) }
        guard let normalized = normalize(code) else { return .invalidFormat }
        let digest = SHA256.hash(normalized)

        let index: Int
        if let callID {
            guard let found = pending.firstIndex(where: { $0.id == callID }) else {
                if let known = retired.last(where: { $0.id == callID }) { return known.outcome }
                return .unknownCallID(callID)
            }
            index = found
        } else {
            switch pending.count {
            case 0:
                if let match = indexOfMatch(digest, in: retired.map(\.codeDigests)) { return retired[match].outcome }
                return .noPendingCalls
            case 1:
                index = 0
            default:
                // One guess must test one call's codes, never every pending code at once.
                return .callIDRequired(pendingIDs)
            }
        }
        let entry = pending[index]
        switch matchingCode(digest, entry) {
        case .once?: return settle(at: index, verdict: verdict, scope: .once)
        case .session?: return settle(at: index, verdict: verdict, scope: .session)
        case nil:
            if callID == nil, let match = indexOfMatch(digest, in: retired.map(\.codeDigests)) {
                return retired[match].outcome  // a late code of a finished call, not a guess
            }
            return chargeWrongTry(at: index)
        }
    }

    /// Which of the entry's codes `digest` is, comparing with both (constant time, no early exit).
    private func matchingCode(_ digest: [UInt8], _ entry: PendingEntry) -> CodeKind? {
        let once = ConstantTime.equals(entry.codeDigest, digest)
        let session = entry.sessionCodeDigest.map { ConstantTime.equals($0, digest) } ?? false
        if once { return .once }
        if session { return .session }
        return nil
    }

    private mutating func settle(at index: Int, verdict: Verdict, scope: GrantScope) -> ConfirmOutcome {
        let entry = pending.remove(at: index)
        retire(entry, didExpire: false)
        switch verdict {
        case .approve: return .approved(entry.call, scope: scope)
        case .deny: return .denied(entry.call)
        }
    }

    /// Charges one wrong try to the session and to `pending[index]`; discards that call when its
    /// tries run out.
    private mutating func chargeWrongTry(at index: Int) -> ConfirmOutcome {
        wrongCodes += 1
        pending[index].wrongTries += 1
        let left = settings.maxAttempts - pending[index].wrongTries
        let sessionLeft = max(0, settings.maxWrongCodes - wrongCodes)
        guard left > 0 else {
            let entry = pending.remove(at: index)
            retire(entry, didExpire: false)
            return .attemptsExhausted(callID: entry.id, sessionLeft: sessionLeft)
        }
        return .wrongCode(callID: pending[index].id, attemptsLeft: left, sessionLeft: sessionLeft)
    }

    private mutating func retire(_ entry: PendingEntry, didExpire: Bool) {
        let forgetAt = didExpire ? entry.expiresAt + settings.ttlSeconds : entry.expiresAt
        retired.append(
            RetiredEntry(id: entry.id, codeDigests: entry.digests, didExpire: didExpire, forgetAt: forgetAt))
        if retired.count > Self.retiredMemoryLimit {
            retired.removeFirst(retired.count - Self.retiredMemoryLimit)
        }
    }

    /// Discards every waiting call one of whose live codes appears in `texts` (as `settings.digits`
    /// consecutive digits); returns their ids. For text going to a target: a live approval code must
    /// never reach one, and a code that was shown to someone else is spent.
    /// At most this many digit windows are hashed per answer (a few milliseconds), whatever its size.
    static let maxBurnWindows = 20_000

    mutating func burnCodes(in texts: [String]) -> [String] {
        guard !pending.isEmpty else { return [] }
        var digests: Set<[UInt8]> = []
        var windows = 0
        for text in texts where windows < Self.maxBurnWindows {
            var run: [UInt8] = []
            for byte in text.utf8 + [0] where windows < Self.maxBurnWindows {
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    run.append(byte)
                    continue
                }
                if run.count >= settings.digits {
                    for start in 0...(run.count - settings.digits) where windows < Self.maxBurnWindows {
                        digests.insert(SHA256.hash(Array(run[start..<(start + settings.digits)])))
                        windows += 1
                    }
                }
                run = []
            }
        }
        guard !digests.isEmpty else { return [] }
        let hits = pending.filter { entry in
            digests.contains { digest in entry.digests.contains { ConstantTime.equals($0, digest) } }
        }
        for entry in hits {
            pending.removeAll { $0.id == entry.id }
            retire(entry, didExpire: false)
        }
        return hits.map(\.id)
    }

    // MARK: - Codes

    /// The code's bytes when it is exactly `settings.digits` ASCII digits after trimming whitespace.
    private func normalize(_ code: String) -> [UInt8]? {
        let trimmed = code.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
        let bytes = Array(String(trimmed).utf8)
        guard bytes.count == settings.digits,
            bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return bytes
    }

    /// Compares `digest` with every digest of every candidate (no early exit); the first match's index.
    private func indexOfMatch(_ digest: [UInt8], in candidates: [[[UInt8]]]) -> Int? {
        var found: Int?
        for (index, digests) in candidates.enumerated() {
            for candidate in digests {
                let equal = ConstantTime.equals(candidate, digest)
                if equal && found == nil { found = index }
            }
        }
        return found
    }

    /// A code from `codeSource` that no live call uses (nor `avoiding`). Codes of retired calls are
    /// avoided too when possible, so a late code keeps its `.alreadyUsed` / `.expired` answer.
    private mutating func freshCode(avoiding other: [UInt8]? = nil) -> (code: String, digest: [UInt8]) {
        let draws = 10_000
        let live = pending.map(\.digests) + (other.map { [[$0]] } ?? [])
        for attempt in 0..<draws {
            let code = codeSource(settings.digits)
            guard let bytes = normalize(code), bytes.count == code.utf8.count else {
                preconditionFailure("approval code source returned a code that is not \(settings.digits) digits")
            }
            let digest = SHA256.hash(bytes)
            if indexOfMatch(digest, in: live) != nil { continue }
            if indexOfMatch(digest, in: retired.map(\.codeDigests)) != nil {
                if attempt < 100 { continue }
                retired.removeAll { $0.codeDigests.contains { ConstantTime.equals($0, digest) } }
            }
            return (code, digest)
        }
        preconditionFailure("approval code source returned only codes already in use (\(draws) draws)")
    }
}

/// Why `ApprovalStore.hold` held nothing.
enum HoldRefusal: Error, Equatable, Sendable {
    /// `limit` calls already wait for approval.
    case full(limit: Int)
    /// Approval codes are refused for the rest of the session after this many wrong codes.
    case locked(wrongCodes: Int)
}

extension ApprovalStore: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    // Code digests of short codes are easy to invert, so nothing about them is ever printed.
    var description: String { "ApprovalStore(pending: \(pendingIDs), settings: \(settings))" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["pendingIDs": pendingIDs, "settings": settings]) }
}
