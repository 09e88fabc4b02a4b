import MCPWire
import Testing

@testable import FirewallHub

private let digestA = SHA256.hash(Array("call A".utf8))
private let digestB = SHA256.hash(Array("call B".utf8))
private let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

private func claims(nonce: String = "n1", digest: [UInt8] = digestA, expiresAt: Double = 1_000.5)
    -> RequestStateSeal.Claims
{
    RequestStateSeal.Claims(nonce: nonce, digest: digest, expiresAt: expiresAt)
}

/// `token` with the byte at `index` replaced by the next character of the base64url alphabet.
private func substituted(_ token: String, at index: Int, step: Int = 1) -> String {
    var bytes = Array(token.utf8)
    let position = base64URLAlphabet.firstIndex(of: bytes[index]) ?? 0
    bytes[index] = base64URLAlphabet[(position + step) % base64URLAlphabet.count]
    return String(decoding: bytes, as: UTF8.self)
}

@Suite("RequestStateSeal")
struct RequestStateSealTests {
    private let seal = RequestStateSeal(key: Array(repeating: 7, count: 32))

    @Test func roundTrip() throws {
        let original = claims()
        let token = seal.seal(original)
        #expect(token.utf8.allSatisfy { base64URLAlphabet.contains($0) || $0 == UInt8(ascii: ".") })
        #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 2)
        #expect(!token.contains("="))
        #expect(try seal.open(token, expecting: digestA, now: 10).get() == original)
        // The just-before-expiry instant is still valid; the expiry instant is not.
        #expect(try seal.open(token, expecting: digestA, now: 1_000.4999).get() == original)
    }

    @Test func sealingIsDeterministicPerKeyAndClaims() {
        #expect(seal.seal(claims()) == seal.seal(claims()))
        #expect(seal.seal(claims()) != seal.seal(claims(nonce: "n2")))
        #expect(seal.seal(claims()) != RequestStateSeal(key: Array(repeating: 8, count: 32)).seal(claims()))
    }

    @Test func freshApprovalClaimsHaveRandomNonces() {
        let a = RequestStateSeal.Claims.approval(digest: digestA, now: 100, lifetime: 300)
        let b = RequestStateSeal.Claims.approval(digest: digestA, now: 100, lifetime: 300)
        #expect(a.nonce != b.nonce)
        #expect(a.nonce.utf8.count == 32)
        #expect(a.expiresAt == 400 && a.purpose == "approval" && a.digest == digestA)
    }

    @Test func everySingleByteChangeIsABadSignature() {
        let token = seal.seal(claims())
        let dot = Array(token.utf8).firstIndex(of: UInt8(ascii: "."))!
        for index in 0..<token.utf8.count where index != dot {
            for step in [1, 31, 63] {
                let altered = substituted(token, at: index, step: step)
                #expect(
                    seal.open(altered, expecting: digestA, now: 10) == .failure(.badSignature),
                    "byte \(index) (step \(step))")
            }
        }
    }

    @Test func anyOtherByteChangeIsRefusedWithoutCrashing() {
        let token = seal.seal(claims())
        let bytes = Array(token.utf8)
        for index in bytes.indices {
            for replacement: UInt8 in [UInt8(ascii: "."), UInt8(ascii: "="), UInt8(ascii: "+"), 0, 0xFF, 0x20] {
                var altered = bytes
                guard altered[index] != replacement else { continue }
                altered[index] = replacement
                let result = seal.open(String(decoding: altered, as: UTF8.self), expecting: digestA, now: 10)
                #expect(
                    result == .failure(.badSignature) || result == .failure(.malformed),
                    "byte \(index) → \(replacement)")
            }
        }
    }

    @Test func truncatedOrExtendedTokensAreRefused() {
        let token = seal.seal(claims())
        for cut in [1, 2, 3, 4, 20] {
            #expect(seal.open(String(token.dropLast(cut)), expecting: digestA, now: 10).isFailure, "dropLast \(cut)")
            #expect(seal.open(String(token.dropFirst(cut)), expecting: digestA, now: 10).isFailure, "dropFirst \(cut)")
        }
        for suffix in ["A", "AA", "AAAA", ".", ".x"] {
            #expect(seal.open(token + suffix, expecting: digestA, now: 10).isFailure, "suffix \(suffix)")
        }
    }

    @Test func aDifferentKeyIsABadSignature() {
        let other = RequestStateSeal()
        let token = other.seal(claims())
        #expect(seal.open(token, expecting: digestA, now: 10) == .failure(.badSignature))
        #expect(other.open(token, expecting: digestA, now: 10) == .success(claims()))
        // Two default seals (two hub processes) have different random keys.
        #expect(RequestStateSeal().open(token, expecting: digestA, now: 10) == .failure(.badSignature))
    }

    @Test func expired() {
        let token = seal.seal(claims(expiresAt: 50))
        #expect(seal.open(token, expecting: digestA, now: 50) == .failure(.expired))
        #expect(seal.open(token, expecting: digestA, now: 1e9) == .failure(.expired))
        #expect(seal.open(token, expecting: digestA, now: 49.9) == .success(claims(expiresAt: 50)))
        for forever in [Double.infinity, .nan] {
            let immortal = seal.seal(claims(expiresAt: forever))
            #expect(seal.open(immortal, expecting: digestA, now: -1e300) == .failure(.expired), "\(forever)")
        }
    }

    @Test func wrongDigestOrPurposeIsWrongCall() {
        let token = seal.seal(claims())
        #expect(seal.open(token, expecting: digestB, now: 10) == .failure(.wrongCall))
        #expect(seal.open(token, expecting: Array(digestA.dropLast()), now: 10) == .failure(.wrongCall))
        #expect(seal.open(token, expecting: [], now: 10) == .failure(.wrongCall))
        #expect(seal.open(token, expecting: digestA, purpose: "something-else", now: 10) == .failure(.wrongCall))
        var other = claims()
        other.purpose = "download"
        #expect(seal.open(seal.seal(other), expecting: digestA, now: 10) == .failure(.wrongCall))
    }

    @Test(arguments: [
        "", ".", "..", "a.", ".a", "a.b.c", "abc", "no dot at all", "🙂.🙂", "a.b", "AAAA.AAAA",
        String(repeating: "A", count: 5000) + ".AAAA",
    ])
    func garbageIsRefusedWithoutCrashing(_ token: String) {
        let result = seal.open(token, expecting: digestA, now: 10)
        #expect(result == .failure(.malformed) || result == .failure(.badSignature))
    }

    @Test func correctlySignedGarbagePayloadIsMalformed() {
        // Whoever holds the key could sign anything; the parser must still refuse bad payloads gracefully.
        let key = Array(repeating: UInt8(7), count: 32)
        for payload in [
            "not json", "[]", #"{"v":2}"#, #"{"v":1,"purpose":"approval","nonce":"n","digest":"zz","exp":1}"#,
        ] {
            let text = RequestStateSeal.Base64URL.encode(Array(payload.utf8))
            let tag = HMACSHA256.authenticate(key: key, message: Array((RequestStateSeal.domain + text).utf8))
            let token = text + "." + RequestStateSeal.Base64URL.encode(tag)
            #expect(seal.open(token, expecting: digestA, now: 10) == .failure(.malformed), "\(payload)")
        }
    }

    @Test func base64URLMatchesRFC4648() {
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(RequestStateSeal.Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(RequestStateSeal.Base64URL.decode(Array(encoded.utf8)) == Array(plain.utf8))
        }
        #expect(RequestStateSeal.Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(RequestStateSeal.Base64URL.decode(Array("-_-_".utf8)) == [0xFB, 0xFF, 0xBF])
        for bad in ["Zg==", "Z", "Zh", "Zm9=", "+/+/", "Zm 9v"] {
            #expect(RequestStateSeal.Base64URL.decode(Array(bad.utf8)) == nil, "\(bad)")
        }
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(RequestStateSeal.Base64URL.decode(Array(RequestStateSeal.Base64URL.encode(bytes).utf8)) == bytes)
        }
    }
}

@Suite("RequestStateLedger")
struct RequestStateLedgerTests {
    private let seal = RequestStateSeal(key: Array(repeating: 9, count: 32))

    @Test func secondUseIsARefusal() {
        var ledger = RequestStateLedger()
        let first = ledger.consume(claims(nonce: "x"), now: 10)
        #expect(first)
        let second = ledger.consume(claims(nonce: "x"), now: 11)
        #expect(!second)
        let third = ledger.consume(claims(nonce: "y"), now: 11)
        #expect(third)
        #expect(ledger.count == 2)
    }

    @Test func expiredClaimsAreNeverConsumed() {
        var ledger = RequestStateLedger()
        let first = ledger.consume(claims(nonce: "x", expiresAt: 5), now: 5)
        #expect(!first)
        let second = ledger.consume(claims(nonce: "y", expiresAt: .nan), now: 0)
        #expect(!second)
        #expect(ledger.count == 0)
    }

    @Test func redeemOpensThenConsumes() {
        var ledger = RequestStateLedger()
        let token = seal.seal(claims())
        let first = ledger.redeem(token, with: seal, expecting: digestA, now: 10)
        #expect(first == .success(claims()))
        let second = ledger.redeem(token, with: seal, expecting: digestA, now: 11)
        #expect(second == .failure(.replayed))
        // A token refused for another reason does not use up a nonce.
        let other = seal.seal(claims(nonce: "n2"))
        let third = ledger.redeem(other, with: seal, expecting: digestB, now: 10)
        #expect(third == .failure(.wrongCall))
        #expect(!ledger.contains(nonce: "n2"))
        let fourth = ledger.redeem(other, with: seal, expecting: digestA, now: 10)
        #expect(fourth == .success(claims(nonce: "n2")))
    }

    @Test func pruneForgetsOnlyExpiredNonces() {
        var ledger = RequestStateLedger()
        _ = ledger.consume(claims(nonce: "early", expiresAt: 20), now: 0)
        _ = ledger.consume(claims(nonce: "late", expiresAt: 200), now: 0)
        ledger.prune(now: 20)
        #expect(!ledger.contains(nonce: "early"))
        #expect(ledger.contains(nonce: "late"))
        let first = ledger.consume(claims(nonce: "late", expiresAt: 200), now: 21)
        #expect(!first)
    }

    @Test func boundedByCapacityDroppingTheOldest() {
        var ledger = RequestStateLedger(capacity: 100)
        for i in 0..<250 {
            let first = ledger.consume(claims(nonce: "n\(i)", expiresAt: 1e6), now: 0)
            #expect(first)
            #expect(ledger.count <= 100)
        }
        #expect(ledger.count == 100)
        #expect(!ledger.contains(nonce: "n149"))
        #expect((150..<250).allSatisfy { ledger.contains(nonce: "n\($0)") })
        let second = ledger.consume(claims(nonce: "n249", expiresAt: 1e6), now: 0)
        #expect(!second, "a remembered nonce stays used")
    }

    @Test func atCapacityExpiredNoncesGoBeforeLiveOnes() {
        var ledger = RequestStateLedger(capacity: 3)
        _ = ledger.consume(claims(nonce: "live-old", expiresAt: 1_000), now: 0)
        _ = ledger.consume(claims(nonce: "dies", expiresAt: 10), now: 0)
        _ = ledger.consume(claims(nonce: "live", expiresAt: 1_000), now: 0)
        let first = ledger.consume(claims(nonce: "new", expiresAt: 1_000), now: 50)
        #expect(first)
        #expect(ledger.count == 3)
        #expect(ledger.contains(nonce: "live-old"), "pruning the expired nonce made room; nothing live was dropped")
        #expect(!ledger.contains(nonce: "dies"))
    }

    @Test func defaultCapacityIsTenThousand() {
        var ledger = RequestStateLedger()
        #expect(ledger.capacity == 10_000)
        for i in 0..<10_050 { _ = ledger.consume(claims(nonce: "n\(i)", expiresAt: 1e6), now: 0) }
        #expect(ledger.count == 10_000)
        #expect(!ledger.contains(nonce: "n49") && ledger.contains(nonce: "n50"))
    }
}

@Suite("ModernApprovalPrompt")
struct ModernApprovalPromptTests {
    private let seal = RequestStateSeal(key: Array(repeating: 3, count: 32))
    private let call = FrozenCall(
        server: "payments", tool: "refund", exposedName: "payments.refund", arguments: ["amount": 5], meta: nil,
        rule: "policy rule 'refund*'")

    private func retry(_ token: String?, answer: JSONValue?) -> ModernResult.RetryFields {
        ModernResult.RetryFields(
            inputResponses: answer.map { JSONObject([(ModernApprovalPrompt.inputKey, $0)]) }, requestState: token)
    }

    private func heldToken() -> String {
        let (result, _) = ModernApprovalPrompt.hold(call, seal: seal, now: 100)
        return result["requestState"]?.stringValue ?? ""
    }

    @Test func holdBuildsAnInputRequiredResult() throws {
        let (result, claims) = ModernApprovalPrompt.hold(
            call, seal: seal, now: 100, lifetime: 60, serverInfo: ["name": "hub", "version": "1"])
        #expect(result["resultType"] == "input_required")
        let entry = try #require(result["inputRequests"]?["approval"])
        #expect(entry["method"] == "elicitation/create")
        #expect(entry["params"] == .object(ElicitationPrompt.params(for: call)))
        let token = try #require(result["requestState"]?.stringValue)
        #expect(seal.open(token, expecting: call.digest, now: 159) == .success(claims))
        #expect(claims.expiresAt == 160)
        #expect(result["_meta"]?[ModernEnvelope.serverInfoKey] == ["name": "hub", "version": "1"])
        // It must be readable by the MCPWire reader the bridging code uses.
        #expect(try ModernResult.inputRequest(from: .object(result))?.requestState == token)
    }

    @Test func readingAnswers() {
        #expect(ModernApprovalPrompt.read(inputResponses: nil) == .stillNeeded)
        #expect(ModernApprovalPrompt.read(inputResponses: ["other": ["action": "accept"]]) == .stillNeeded)
        let yes: JSONObject = ["approval": ["action": "accept", "content": ["approve": true, "remember": "session"]]]
        #expect(ModernApprovalPrompt.read(inputResponses: yes) == .answered(.approved(.session)))
        let no: JSONObject = ["approval": ["action": "accept", "content": ["approve": false]]]
        guard case .answered(.declined) = ModernApprovalPrompt.read(inputResponses: no) else {
            Issue.record("approve:false must decline")
            return
        }
        for other: JSONValue in [["action": "decline"], ["action": "cancel"], "yes", ["action": "accept"]] {
            guard case .answered(.declined) = ModernApprovalPrompt.read(inputResponses: ["approval": other]) else {
                Issue.record("\(other) must decline")
                continue
            }
        }
    }

    @Test func approvedOnceThenReplayed() {
        var ledger = RequestStateLedger()
        let token = heldToken()
        let yes: JSONValue = ["action": "accept", "content": ["approve": true]]
        guard
            case .approved(.once, _) = ModernApprovalPrompt.resume(
                retry(token, answer: yes), call: call, seal: seal, ledger: &ledger, now: 101)
        else {
            Issue.record("an accepted approval must approve")
            return
        }
        let first = ModernApprovalPrompt.resume(
            retry(token, answer: yes), call: call, seal: seal, ledger: &ledger, now: 102)
        #expect(first == .refused(.replayed))
        let second = ModernApprovalPrompt.resume(
            retry(token, answer: nil), call: call, seal: seal, ledger: &ledger, now: 102)
        #expect(second == .refused(.replayed))
    }

    @Test func stillNeededDoesNotConsume() {
        var ledger = RequestStateLedger()
        let token = heldToken()
        guard
            case .stillNeeded = ModernApprovalPrompt.resume(
                retry(token, answer: nil), call: call, seal: seal, ledger: &ledger, now: 101)
        else {
            Issue.record("no answer must be 'still needed'")
            return
        }
        #expect(ledger.count == 0)
        guard
            case .declined = ModernApprovalPrompt.resume(
                retry(token, answer: ["action": "decline"]), call: call, seal: seal, ledger: &ledger, now: 102)
        else {
            Issue.record("a decline must decline")
            return
        }
        #expect(ledger.count == 1)
    }

    @Test func changedArgumentsTamperingAndExpiryAreRefused() {
        var ledger = RequestStateLedger()
        let token = heldToken()
        let yes: JSONValue = ["action": "accept", "content": ["approve": true]]
        let swapped = FrozenCall(
            server: "payments", tool: "refund", exposedName: "payments.refund", arguments: ["amount": 5000],
            meta: nil, rule: call.rule)
        let first = ModernApprovalPrompt.resume(
            retry(token, answer: yes), call: swapped, seal: seal, ledger: &ledger, now: 101)
        #expect(first == .refused(.wrongCall))
        let second = ModernApprovalPrompt.resume(
            retry(substituted(token, at: 3), answer: yes), call: call, seal: seal, ledger: &ledger, now: 101)
        #expect(second == .refused(.badSignature))
        let third = ModernApprovalPrompt.resume(
            retry(token, answer: yes), call: call, seal: seal, ledger: &ledger, now: 400)
        #expect(third == .refused(.expired))
        let foreign = ModernApprovalPrompt.hold(call, seal: RequestStateSeal(), now: 100).result["requestState"]
        let fourth = ModernApprovalPrompt.resume(
            retry(foreign?.stringValue, answer: yes), call: call, seal: seal, ledger: &ledger, now: 101)
        #expect(fourth == .refused(.badSignature))
        #expect(ledger.count == 0, "no refused token used up a nonce")
    }

    @Test func noStateIsAFreshCall() {
        var ledger = RequestStateLedger()
        let yes: JSONValue = ["action": "accept", "content": ["approve": true]]
        let first = ModernApprovalPrompt.resume(
            retry(nil, answer: yes), call: call, seal: seal, ledger: &ledger, now: 1)
        #expect(first == .fresh)
    }

    @Test func clientCanAnswerNeedsFormElicitation() {
        func envelope(_ capabilities: JSONObject) -> ModernEnvelope {
            ModernEnvelope(protocolVersion: "2026-07-28", clientCapabilities: capabilities)
        }
        #expect(ModernApprovalPrompt.clientCanAnswer(envelope(["elicitation": [:]])))
        #expect(ModernApprovalPrompt.clientCanAnswer(envelope(["elicitation": ["form": [:], "url": [:]]])))
        #expect(!ModernApprovalPrompt.clientCanAnswer(envelope(["elicitation": ["url": [:]]])))
        #expect(!ModernApprovalPrompt.clientCanAnswer(envelope([:])))
    }
}

extension Result {
    fileprivate var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
