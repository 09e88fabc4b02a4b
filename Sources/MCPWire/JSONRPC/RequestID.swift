/// A JSON-RPC request id, kept exactly as the peer wrote it so it can be echoed back verbatim.
public enum RequestID: Hashable, Sendable, CustomStringConvertible {
    case string(String)
    /// An integer id, as its exact lexeme (`0`, `-3`, `12345678901234567890`).
    case number(String)

    public static func int(_ value: Int) -> RequestID { .number(String(value)) }

    /// Reads an id: a string or an integer. `null`, fractions, exponents and other types are not ids.
    public init?(json: JSONValue) {
        switch json {
        case .string(let s): self = .string(s)
        case .number(let lexeme):
            guard !lexeme.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
            self = .number(lexeme)
        default: return nil
        }
    }

    public var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .number(let n): return n
        }
    }
}
