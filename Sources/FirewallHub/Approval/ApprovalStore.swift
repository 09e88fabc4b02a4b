/// Calls waiting for a human approval code: a pure state machine.
///
/// It has no clock and no randomness of its own: every operation takes a monotonic `now` (seconds)
/// and codes come from the injected `codeSource`, so tests drive expiry without sleeping. The hub's
/// router task owns the single instance; no locking is needed.
///
/// A call is live while `now < expiresAt`. Codes are kept only as SHA-256 digests and compared with
/// `ConstantTime.equals` against every candidate, without early exit. Calls that left the store
/// (approved, denied, cancelled, discarded, expired) are remembered as "retired" until their TTL
/// would have passed (expired ones one extra TTL), at most `retiredMemoryLimit` of them, so a late
/// code gets `.alreadyUsed` / `.expired` instead of a wrong-code answer.
struct ApprovalStore: Sendable {
    /// Most retired codes remembered; the oldest are forgotten first.
    static let retiredMemoryLimit = 1_000

    let settings: ApprovalSettings
    private let codeSource: @Sendable (Int) -> String
    private var pending: [PendingEntry] = []
    private var retired: [RetiredEntry] = []
    /// Times of wrong tries charged to no call (several pending, no call_id), within the last TTL.
    private var unattributedTries: [Double] = []
    private var nextHandle = 1

    private struct PendingEntry: Sendable {
        let id: String
        let call: FrozenCall
        let codeDigest: [UInt8]
        let expiresAt: Double
        var wrongTries = 0
    }

    private struct RetiredEntry: Sendable {
        let id: String
        let codeDigest: [UInt8]
        /// True when the call expired; false when it was used up (approved, denied, cancelled, discarded).
        let didExpire: Bool
        let forgetAt: Double

        var outcome: ConfirmOutcome { didExpire ? .expired(callID: id) : .alreadyUsed }
    }

    private enum Verdict {
        case approve, deny
    }

    init(settings: ApprovalSettings, codeSource: @escaping @Sendable (Int) -> String = SecureRandom.digits) {
        precondition(SecureRandom.digitCountRange.contains(settings.digits), "approval code digits must be 4…12")
        precondition(settings.maxAttempts >= 1, "approval maxAttempts must be at least 1")
        precondition(settings.ttlSeconds > 0, "approval ttlSeconds must be positive")
        precondition(settings.maxPending >= 1, "approval maxPending must be at least 1")
        self.settings = settings
        self.codeSource = codeSource
    }

    /// Calls held (including any past their TTL that no operation has swept yet).
    var pendingCount: Int { pending.count }

    /// Whether the next `hold` would discard the oldest held call.
    var isFull: Bool { pending.count >= settings.maxPending }

    /// Handles of the held calls, oldest first.
    var pendingIDs: [String] { pending.map(\.id) }

    /// The held call with handle `id`, if any.
    func pendingCall(id: String) -> FrozenCall? {
        pending.first { $0.id == id }?.call
    }

    /// Holds `call` under a fresh code, unique among live codes. When `settings.maxPending` calls are
    /// already held, the oldest is discarded first (its code then answers `.alreadyUsed`).
    mutating func hold(_ call: FrozenCall, now: Double) -> HeldCall {
        removeExpired(now: now)
        while pending.count >= settings.maxPending {
            retire(pending.removeFirst(), didExpire: false)
        }
        let (code, digest) = freshCode()
        let id = "h\(nextHandle)"
        nextHandle += 1
        let expiresAt = now + settings.ttlSeconds
        pending.append(PendingEntry(id: id, call: call, codeDigest: digest, expiresAt: expiresAt))
        return HeldCall(id: id, code: code, expiresAt: expiresAt)
    }

    /// The human approved with `code`. See `ConfirmOutcome` for the answers.
    mutating func confirm(code: String, callID: String?, now: Double) -> ConfirmOutcome {
        resolve(code: code, callID: callID, now: now, verdict: .approve)
    }

    /// The human refused with `code`: a right code discards the call (`.denied`); a wrong code counts
    /// as a wrong try exactly as in `confirm`.
    mutating func deny(code: String, callID: String?, now: Double) -> ConfirmOutcome {
        resolve(code: code, callID: callID, now: now, verdict: .deny)
    }

    /// Discards a held call (e.g. the client cancelled it). Unknown handles are ignored.
    mutating func cancel(callID: String) {
        guard let index = pending.firstIndex(where: { $0.id == callID }) else { return }
        retire(pending.remove(at: index), didExpire: false)
    }

    /// Drops calls whose TTL has passed (remembering their codes for `.expired` answers), and forgets
    /// retired codes and unattributed tries older than their window. Returns the dropped handles.
    @discardableResult
    mutating func removeExpired(now: Double) -> [String] {
        retired.removeAll { now >= $0.forgetAt }
        unattributedTries.removeAll { now - $0 >= settings.ttlSeconds }
        let expired = pending.filter { now >= $0.expiresAt }
        guard !expired.isEmpty else { return [] }
        pending.removeAll { now >= $0.expiresAt }
        for entry in expired { retire(entry, didExpire: true) }
        return expired.map(\.id)
    }

    // MARK: - Resolution

    private mutating func resolve(code: String, callID: String?, now: Double, verdict: Verdict) -> ConfirmOutcome {
        removeExpired(now: now)

        guard let normalized = normalize(code) else { return .invalidFormat }
        let digest = SHA256.hash(normalized)
        let liveMatch = indexOfMatch(digest, in: pending.map(\.codeDigest))
        let retiredMatch = indexOfMatch(digest, in: retired.map(\.codeDigest))

        if let callID {
            guard let target = pending.firstIndex(where: { $0.id == callID }) else {
                if let known = retired.last(where: { $0.id == callID }) { return known.outcome }
                return .unknownCallID(callID)
            }
            // A code that belongs to a different call is a wrong code for this one.
            if liveMatch == target { return settle(at: target, verdict: verdict) }
            return chargeWrongTry(at: target)
        }

        switch pending.count {
        case 0:
            if let retiredMatch { return retired[retiredMatch].outcome }
            return .noPendingCalls
        case 1:
            if liveMatch != nil { return settle(at: 0, verdict: verdict) }
            if let retiredMatch { return retired[retiredMatch].outcome }
            return chargeWrongTry(at: 0)
        default:
            // Checked before the code, so a guesser learns nothing once the limit is reached.
            if unattributedTries.count >= settings.maxAttempts * pending.count { return .tooManyUnattributedTries }
            if let liveMatch { return settle(at: liveMatch, verdict: verdict) }
            if let retiredMatch { return retired[retiredMatch].outcome }
            unattributedTries.append(now)
            return .wrongCode(callID: nil, attemptsLeft: nil)
        }
    }

    private mutating func settle(at index: Int, verdict: Verdict) -> ConfirmOutcome {
        let entry = pending.remove(at: index)
        retire(entry, didExpire: false)
        switch verdict {
        case .approve: return .approved(entry.call)
        case .deny: return .denied(entry.call)
        }
    }

    /// Charges one wrong try to `pending[index]` only; discards that call when its tries run out.
    private mutating func chargeWrongTry(at index: Int) -> ConfirmOutcome {
        pending[index].wrongTries += 1
        let left = settings.maxAttempts - pending[index].wrongTries
        guard left > 0 else {
            let entry = pending.remove(at: index)
            retire(entry, didExpire: false)
            return .attemptsExhausted(callID: entry.id)
        }
        return .wrongCode(callID: pending[index].id, attemptsLeft: left)
    }

    private mutating func retire(_ entry: PendingEntry, didExpire: Bool) {
        let forgetAt = didExpire ? entry.expiresAt + settings.ttlSeconds : entry.expiresAt
        retired.append(
            RetiredEntry(id: entry.id, codeDigest: entry.codeDigest, didExpire: didExpire, forgetAt: forgetAt))
        if retired.count > Self.retiredMemoryLimit {
            retired.removeFirst(retired.count - Self.retiredMemoryLimit)
        }
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

    /// Compares `digest` with every candidate (no early exit); returns the first matching index.
    private func indexOfMatch(_ digest: [UInt8], in candidates: [[UInt8]]) -> Int? {
        var found: Int?
        for (index, candidate) in candidates.enumerated() {
            let equal = ConstantTime.equals(candidate, digest)
            if equal && found == nil { found = index }
        }
        return found
    }

    /// A code from `codeSource` that no live call uses. Codes of retired calls are avoided too when
    /// possible, so a late code keeps its `.alreadyUsed` / `.expired` answer.
    private mutating func freshCode() -> (code: String, digest: [UInt8]) {
        let draws = 10_000
        for attempt in 0..<draws {
            let code = codeSource(settings.digits)
            guard let bytes = normalize(code), bytes.count == code.utf8.count else {
                preconditionFailure("approval code source returned a code that is not \(settings.digits) digits")
            }
            let digest = SHA256.hash(bytes)
            if indexOfMatch(digest, in: pending.map(\.codeDigest)) != nil { continue }
            if indexOfMatch(digest, in: retired.map(\.codeDigest)) != nil {
                if attempt < 100 { continue }
                retired.removeAll { ConstantTime.equals($0.codeDigest, digest) }
            }
            return (code, digest)
        }
        preconditionFailure("approval code source returned only codes already in use (\(draws) draws)")
    }
}

extension ApprovalStore: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    // Code digests of short codes are easy to invert, so nothing about them is ever printed.
    var description: String { "ApprovalStore(pending: \(pendingIDs), settings: \(settings))" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["pendingIDs": pendingIDs, "settings": settings]) }
}
