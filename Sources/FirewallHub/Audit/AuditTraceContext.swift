import MCPWire

/// The W3C trace context a client may send in `params._meta.traceparent`. Only a well-formed value is
/// kept (it is copied into the audit record and must not carry anything else a client chooses).
enum AuditTraceContext {
    /// `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>` (lower-case, ids not all zero, version
    /// not `ff`); a later version may append `-…` fields, which are dropped. nil for anything else.
    static func traceparent(in meta: JSONObject?) -> String? {
        guard let text = meta?["traceparent"]?.stringValue else { return nil }
        let bytes = Array(text.utf8)
        guard bytes.count >= 55, bytes.count == 55 || (bytes.count > 55 && bytes[55] == UInt8(ascii: "-")) else {
            return nil
        }
        let fields = [0..<2, 3..<35, 36..<52, 53..<55]
        for dash in [2, 35, 52] where bytes[dash] != UInt8(ascii: "-") { return nil }
        for field in fields where !bytes[field].allSatisfy(isLowerHex) { return nil }
        let version = bytes[0..<2]
        if version.elementsEqual(Array("ff".utf8)) { return nil }
        // Version 00 has exactly four fields.
        if version.elementsEqual(Array("00".utf8)) && bytes.count != 55 { return nil }
        if bytes[3..<35].allSatisfy({ $0 == UInt8(ascii: "0") }) { return nil }
        if bytes[36..<52].allSatisfy({ $0 == UInt8(ascii: "0") }) { return nil }
        return String(decoding: bytes[0..<55], as: UTF8.self)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}
