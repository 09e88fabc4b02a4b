import MCPWire

/// The hash chain of the audit trail: how a record is sealed with `prev` and `hash`, and how a written
/// line is opened again and checked. Pure; the file handling is `AuditFile`'s.
///
/// `hash` is the lower-case hex SHA-256 of the record's canonical JSON (`JSONValue.canonicalBytes()`:
/// compact, keys sorted by UTF-8 bytes, numbers as written) with every member but `hash` itself,
/// `prev` included. `prev` is the `hash` of the record before it, or `genesis` for the first record.
enum AuditChain {
    /// `prev` of the very first record of a trail.
    static let genesis = String(repeating: "0", count: 64)

    /// A line parsed back into its record.
    struct Sealed: Equatable {
        var record: JSONObject
        var prev: String
        var hash: String
        var kind: String?

        /// Whether `hash` is the hash of the rest of the record.
        var hashMatches: Bool { AuditChain.hash(of: record) == hash }
    }

    /// Why a line is not a sealed record.
    enum LineProblem: Error, Equatable, CustomStringConvertible {
        case notJSON(String)
        case notAnObject
        case missingChainField(String)

        var description: String {
            switch self {
            case .notJSON(let why): return "not a JSON record (\(why))"
            case .notAnObject: return "not a JSON object"
            case .missingChainField(let name): return "no valid \"\(name)\" (64 lower-case hex digits)"
            }
        }
    }

    /// The hash of `record`, ignoring any `hash` member it has.
    static func hash(of record: JSONObject) -> String {
        var unsealed = record
        unsealed["hash"] = nil
        return SHA256.hex(SHA256.hash(JSONValue.object(unsealed).canonicalBytes()))
    }

    /// `fields` with `prev` and `hash` appended, as one line (newline included) and its hash.
    static func seal(_ fields: JSONObject, prev: String) -> (line: [UInt8], hash: String) {
        var record = fields
        record["hash"] = nil
        record["prev"] = .string(prev)
        let hash = hash(of: record)
        record["hash"] = .string(hash)
        var line = JSONValue.object(record).serializedBytes()
        line.append(0x0A)
        return (line, hash)
    }

    /// The record on one line (without its newline).
    static func open(_ line: some Collection<UInt8>) -> Result<Sealed, LineProblem> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(line))
        } catch {
            return .failure(.notJSON("\(error)"))
        }
        guard let record = value.objectValue else { return .failure(.notAnObject) }
        guard let prev = record["prev"]?.stringValue, isDigestHex(prev) else {
            return .failure(.missingChainField("prev"))
        }
        guard let hash = record["hash"]?.stringValue, isDigestHex(hash) else {
            return .failure(.missingChainField("hash"))
        }
        return .success(Sealed(record: record, prev: prev, hash: hash, kind: record["kind"]?.stringValue))
    }

    /// 64 lower-case hex digits.
    static func isDigestHex(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
