/// HMAC-SHA256 (RFC 2104 / FIPS 198-1).
enum HMACSHA256 {
    static let blockByteCount = SHA256.blockByteCount

    /// The 32-byte tag of `message` under `key`. Keys longer than the 64-byte block are hashed first.
    static func authenticate(key: [UInt8], message: some Collection<UInt8>) -> [UInt8] {
        var block = key.count > blockByteCount ? SHA256.hash(key) : key
        block.append(contentsOf: repeatElement(0, count: blockByteCount - block.count))

        var inner = SHA256.Hasher()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()

        var outer = SHA256.Hasher()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    /// Whether `tag` is the tag of `message` under `key`, compared in constant time.
    static func verify(tag: [UInt8], key: [UInt8], message: some Collection<UInt8>) -> Bool {
        ConstantTime.equals(authenticate(key: key, message: message), tag)
    }
}
