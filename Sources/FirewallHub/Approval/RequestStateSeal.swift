import MCPWire

/// The tamper-evident `requestState` of an MRTR approval (protocol 2026-07-28).
///
/// The client echoes `requestState` on its retry, so it is attacker-controlled. The token is
/// `base64url(payload) + "." + base64url(HMAC-SHA256(key, domain + base64url(payload)))`, unpadded, where
/// `payload` is compact JSON `{"v":1,"purpose":…,"nonce":…,"digest":"<hex>","exp":<seconds>}` and `domain`
/// is `"mcp-firewall-hub/requestState/v1"`. The MAC covers the payload exactly as it appears in the token,
/// so any change to it fails `badSignature` before anything is decoded or parsed.
///
/// One random key per hub process: tokens die with the process, which is what a held call does too.
struct RequestStateSeal: Sendable {
    static let domain = "mcp-firewall-hub/requestState/v1"
    /// Longer tokens are refused as `malformed` before any work (a real one is about 250 characters).
    static let maxTokenLength = 2048
    private static let payloadVersion = 1

    private let key: [UInt8]

    /// A seal with `key` (32 fresh random bytes by default). The key never leaves this value.
    init(key: [UInt8] = SecureRandom.bytes(32)) {
        precondition(!key.isEmpty, "a RequestStateSeal needs a non-empty key")
        self.key = key
    }

    /// What a token asserts.
    struct Claims: Sendable, Equatable {
        static let approvalPurpose = "approval"

        /// Random, single-use id of this token (see `RequestStateLedger`).
        var nonce: String
        /// The `FrozenCall.digest` of the call this token belongs to.
        var digest: [UInt8]
        /// Monotonic seconds (the router's clock) at and after which the token is refused.
        var expiresAt: Double
        /// What the token is for; `open` refuses a token made for another purpose.
        var purpose: String

        init(nonce: String, digest: [UInt8], expiresAt: Double, purpose: String = approvalPurpose) {
            self.nonce = nonce
            self.digest = digest
            self.expiresAt = expiresAt
            self.purpose = purpose
        }

        /// Claims for approving the call with `digest`, with a fresh 128-bit random nonce, valid for
        /// `lifetime` seconds from `now`.
        static func approval(digest: [UInt8], now: Double, lifetime: Double) -> Claims {
            Claims(nonce: SHA256.hex(SecureRandom.bytes(16)), digest: digest, expiresAt: now + lifetime)
        }
    }

    /// Why a token was refused.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// Not a token of this shape (length, separator, encoding, JSON, fields).
        case malformed
        /// The signature does not verify: altered, forged, or from another hub process.
        case badSignature
        /// Its lifetime is over.
        case expired
        /// Genuine, but for a different call (arguments changed) or purpose.
        case wrongCall
        /// Genuine, but already used once (reported by `RequestStateLedger.redeem`).
        case replayed

        var description: String {
            switch self {
            case .malformed: return "requestState is not one this hub issued (malformed)"
            case .badSignature: return "requestState failed its integrity check (altered, or from another hub run)"
            case .expired: return "requestState has expired; call the tool again to be asked anew"
            case .wrongCall: return "requestState belongs to a different call (the tool or its arguments changed)"
            case .replayed: return "requestState was already used; call the tool again to be asked anew"
            }
        }
    }

    /// The token for `claims`: compact and URL-safe (`[A-Za-z0-9_-]` and one `.`).
    func seal(_ claims: Claims) -> String {
        // A non-finite expiry is written as -1e999, which reads back as -infinity: such a token is expired at
        // every `now`, never immortal.
        let expiry = claims.expiresAt.isFinite ? String(describing: claims.expiresAt) : "-1e999"
        let payload = JSONValue.object(
            JSONObject([
                ("v", .int(Self.payloadVersion)),
                ("purpose", .string(claims.purpose)),
                ("nonce", .string(claims.nonce)),
                ("digest", .string(SHA256.hex(claims.digest))),
                ("exp", .number(expiry)),
            ]))
        let payloadText = Base64URL.encode(payload.serializedBytes())
        let tag = HMACSHA256.authenticate(key: key, message: macInput(payloadText.utf8))
        return payloadText + "." + Base64URL.encode(tag)
    }

    /// Checks `token`, in this order: shape, then the HMAC (constant-time) over the payload text, and only
    /// then decodes and parses the payload, then checks purpose, expiry (`now >= expiresAt` is expired) and
    /// `digest` (constant-time). Never traps on any input.
    func open(
        _ token: String, expecting digest: [UInt8], purpose: String = Claims.approvalPurpose, now: Double
    ) -> Result<Claims, Failure> {
        let bytes = Array(token.utf8)
        guard bytes.count <= Self.maxTokenLength, let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else {
            return .failure(.malformed)
        }
        let payloadText = bytes[..<dot]
        let signatureText = bytes[(dot + 1)...]
        guard !payloadText.isEmpty, !signatureText.isEmpty, !signatureText.contains(UInt8(ascii: ".")) else {
            return .failure(.malformed)
        }
        guard let tag = Base64URL.decode(signatureText), tag.count == SHA256.digestByteCount,
            HMACSHA256.verify(tag: tag, key: key, message: macInput(payloadText))
        else { return .failure(.badSignature) }

        guard let payloadBytes = Base64URL.decode(payloadText),
            let payload = try? JSONParser.parse(payloadBytes, maxDepth: 4),
            payload["v"]?.intValue == Self.payloadVersion,
            let claimedPurpose = payload["purpose"]?.stringValue,
            let nonce = payload["nonce"]?.stringValue,
            let claimedDigest = payload["digest"]?.stringValue.flatMap(Hex.decode),
            let expiresAt = payload["exp"]?.doubleValue
        else { return .failure(.malformed) }
        let claims = Claims(nonce: nonce, digest: claimedDigest, expiresAt: expiresAt, purpose: claimedPurpose)

        guard claimedPurpose == purpose else { return .failure(.wrongCall) }
        guard expiresAt.isFinite, now < expiresAt else { return .failure(.expired) }
        guard ConstantTime.equals(claimedDigest, digest) else { return .failure(.wrongCall) }
        return .success(claims)
    }

    private func macInput(_ payloadText: some Collection<UInt8>) -> [UInt8] {
        Array(Self.domain.utf8) + Array(payloadText)
    }
}

/// Single-use bookkeeping for `RequestStateSeal` tokens: the nonces already redeemed, each kept until its
/// token expires (after which `open` refuses the token anyway). A value type the router owns.
///
/// Bounded: past `capacity` live nonces, expired ones are pruned and then the oldest are forgotten. A
/// forgotten nonce could be redeemed once more before it expires; reaching that needs `capacity`
/// human-answered approvals within one token lifetime.
struct RequestStateLedger: Sendable {
    static let defaultCapacity = 10_000

    let capacity: Int
    private var expiries: [String: Double] = [:]
    /// Nonces in the order they were consumed; `order[head...]` are exactly the keys of `expiries`.
    private var order: [String] = []
    private var head = 0

    init(capacity: Int = defaultCapacity) {
        precondition(capacity > 0, "a RequestStateLedger needs a positive capacity")
        self.capacity = capacity
    }

    /// How many nonces are remembered.
    var count: Int { expiries.count }

    func contains(nonce: String) -> Bool { expiries[nonce] != nil }

    /// Marks `claims.nonce` used. False when it already was, or when the claims are expired at `now`.
    mutating func consume(_ claims: RequestStateSeal.Claims, now: Double) -> Bool {
        guard claims.expiresAt.isFinite, now < claims.expiresAt, expiries[claims.nonce] == nil else { return false }
        expiries[claims.nonce] = claims.expiresAt
        order.append(claims.nonce)
        if expiries.count > capacity {
            prune(now: now)
            while expiries.count > capacity {
                expiries[order[head]] = nil
                head += 1
            }
            compactIfNeeded()
        }
        return true
    }

    /// Forgets the nonces whose tokens have expired at `now`.
    mutating func prune(now: Double) {
        expiries = expiries.filter { now < $0.value }
        order = order[head...].filter { expiries[$0] != nil }
        head = 0
    }

    /// Opens `token` with `seal` and, only if it is valid, consumes its nonce: the whole check for a retry.
    mutating func redeem(
        _ token: String, with seal: RequestStateSeal, expecting digest: [UInt8],
        purpose: String = RequestStateSeal.Claims.approvalPurpose, now: Double
    ) -> Result<RequestStateSeal.Claims, RequestStateSeal.Failure> {
        switch seal.open(token, expecting: digest, purpose: purpose, now: now) {
        case .failure(let failure): return .failure(failure)
        case .success(let claims): return consume(claims, now: now) ? .success(claims) : .failure(.replayed)
        }
    }

    private mutating func compactIfNeeded() {
        guard head > 1024, head * 2 > order.count else { return }
        order.removeFirst(head)
        head = 0
    }
}

// Encoding helpers, nested so that their short names cannot collide with other files of the module.
extension RequestStateSeal {
    /// Unpadded base64url (RFC 4648 §5). Decoding is strict: only the URL-safe alphabet, no `=`, no length
    /// ≡ 1 (mod 4), and unused trailing bits must be zero, so every byte string has exactly one encoding.
    enum Base64URL {
        private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

        static func encode(_ bytes: [UInt8]) -> String {
            var out: [UInt8] = []
            out.reserveCapacity((bytes.count * 4 + 2) / 3)
            var i = 0
            while i + 3 <= bytes.count {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
                i += 3
            }
            switch bytes.count - i {
            case 1:
                let n = UInt32(bytes[i]) << 16
                for shift in [18, 12] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            case 2:
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
                for shift in [18, 12, 6] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            default: break
            }
            return String(decoding: out, as: UTF8.self)
        }

        static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
            guard text.count % 4 != 1 else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(text.count * 3 / 4)
            var accumulator: UInt32 = 0
            var bits = 0
            for character in text {
                guard let value = sextet(character) else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                    accumulator &= (1 << UInt32(bits)) - 1
                }
            }
            // Leftover bits (2 or 4) must be zero, or two different texts would decode to the same bytes.
            guard accumulator == 0 else { return nil }
            return out
        }

        private static func sextet(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
            case UInt8(ascii: "-"): return 62
            case UInt8(ascii: "_"): return 63
            default: return nil
            }
        }
    }

    /// Lower-case (or upper-case) hexadecimal text to bytes; nil for odd length or a non-hex character.
    enum Hex {
        static func decode(_ text: String) -> [UInt8]? {
            let digits = Array(text.utf8)
            guard digits.count % 2 == 0 else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(digits.count / 2)
            var i = 0
            while i < digits.count {
                guard let high = nibble(digits[i]), let low = nibble(digits[i + 1]) else { return nil }
                out.append(high << 4 | low)
                i += 2
            }
            return out
        }

        private static func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
    }
}
