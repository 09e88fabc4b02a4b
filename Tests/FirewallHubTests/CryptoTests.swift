import Testing

@testable import FirewallHub

@Suite("SHA-256")
struct SHA256Tests {
    private func hex(_ bytes: some Collection<UInt8>) -> String { SHA256.hex(SHA256.hash(bytes)) }

    /// Bytes (i*7+3) mod 256, the same pattern the reference values below were computed from with
    /// python3 hashlib.sha256(bytes((i*7+3)%256 for i in range(n))).
    private func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) } }

    @Test func fipsVectors() {
        #expect(hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let long =
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
            + "mnopqrstnopqrstu"
        #expect(hex(Array(long.utf8)) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionA() {
        #expect(
            hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test(arguments: [
        (55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"),
        (56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"),
        (57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73"),
        (63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"),
        (64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"),
        (65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"),
        (119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"),
        (120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"),
        (127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"),
        (128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"),
        (129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4"),
        (200, "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(hex(pattern(length)) == expected)
    }

    @Test func incrementalMatchesOneShotForEverySplit() {
        let message = pattern(200)
        let expected = SHA256.hash(message)
        for split in [0, 1, 55, 56, 63, 64, 65, 100, 127, 128, 199, 200] {
            var hasher = SHA256.Hasher()
            hasher.update(message[0..<split])
            hasher.update(message[split...])
            #expect(hasher.finalize() == expected, "split at \(split)")
        }
        var byteByByte = SHA256.Hasher()
        for byte in message { byteByByte.update(CollectionOfOne(byte)) }
        #expect(byteByByte.finalize() == expected)
    }

    @Test func nonContiguousCollectionsHashLikeArrays() {
        let message = pattern(130)
        #expect(SHA256.hash(message.lazy.map { $0 }) == SHA256.hash(message))
        #expect(SHA256.hash("abc".utf8) == SHA256.hash(Array("abc".utf8)))
    }

    @Test func hexIsLowerCaseTwoCharsPerByte() {
        #expect(SHA256.hex([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(SHA256.hex([]) == "")
        #expect(SHA256.hash([UInt8]()).count == 32)
    }
}

@Suite("HMAC-SHA256 (RFC 4231)")
struct HMACSHA256Tests {
    private func tag(_ key: [UInt8], _ message: [UInt8]) -> String {
        SHA256.hex(HMACSHA256.authenticate(key: key, message: message))
    }

    private let largeKey = [UInt8](repeating: 0xAA, count: 131)

    @Test func case1() {
        #expect(
            tag([UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func case2() {
        #expect(
            tag(Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func case3() {
        #expect(
            tag([UInt8](repeating: 0xAA, count: 20), [UInt8](repeating: 0xDD, count: 50))
                == "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
    }

    @Test func case6KeyLongerThanBlock() {
        #expect(
            tag(largeKey, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func case7KeyAndDataLongerThanBlock() {
        let data =
            "This is a test using a larger than block-size key and a larger than block-size data. The key needs to "
            + "be hashed before being used by the HMAC algorithm."
        #expect(tag(largeKey, Array(data.utf8)) == "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
    }

    /// Reference values from python3 hmac.new(key, msg, hashlib.sha256).
    @Test func exactBlockSizeAndEmptyKeys() {
        #expect(
            tag((0..<64).map { UInt8($0) }, Array("block-size key".utf8))
                == "1dad230598e011a4e4eabc6c8da8f55ef9a66a8881d1e16e23ea116ae28231ec")
        #expect(tag([], []) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func verifyAcceptsOnlyTheRightTag() {
        let key = Array("k".utf8)
        let message = Array("m".utf8)
        var good = HMACSHA256.authenticate(key: key, message: message)
        #expect(HMACSHA256.verify(tag: good, key: key, message: message))
        good[31] ^= 1
        #expect(!HMACSHA256.verify(tag: good, key: key, message: message))
    }
}

@Suite("ConstantTime")
struct ConstantTimeTests {
    @Test func equalArrays() {
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
    }

    @Test func differentContent() {
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([0x80], [0x00]))
    }

    @Test func differentLengths() {
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(!ConstantTime.equals([], [0]))
    }
}

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test func bytesHaveRequestedCount() {
        for n in [0, 1, 7, 8, 9, 33] { #expect(SecureRandom.bytes(n).count == n) }
        // 2^-256 chance of a false failure.
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }

    @Test(arguments: [4, 6, 12])
    func digitsHaveLengthAndCharset(count: Int) {
        for _ in 0..<50 {
            let code = SecureRandom.digits(count)
            #expect(code.utf8.count == count)
            #expect(code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }, "\(code)")
        }
    }

    /// Crude: the expected count per digit is 2,000 with standard deviation 42, so 1,500…2,500 is
    /// about ±12 σ. It catches a broken or heavily biased generator, not subtle bias.
    @Test func singleDigitDistribution() {
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<5_000 {
            for byte in SecureRandom.digits(4).utf8 { counts[Int(byte - UInt8(ascii: "0"))] += 1 }
        }
        #expect(counts.reduce(0, +) == 20_000)
        for (digit, count) in counts.enumerated() {
            #expect((1_500...2_500).contains(count), "digit \(digit) appeared \(count) times")
        }
    }
}
