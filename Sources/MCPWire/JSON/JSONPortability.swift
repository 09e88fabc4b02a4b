/// JSON the hub accepts (`JSONParser`) that a peer's parser may not: what a forwarder should refuse
/// rather than pass on to be dropped or silently changed.
///
/// Measured on the parsers MCP servers are built on:
/// - numbers beyond IEEE-754 double range (|x| over about 1.8e308 after rounding): Rust's serde_json
///   and Go's encoding/json refuse the whole message; Python and JavaScript read `1e400` as infinity;
///   the official Python SDK drops a line holding an integer of more than 4,300 digits (Python's
///   int-from-text limit) and the caller waits for an answer that never comes;
/// - nesting: serde_json refuses a message nested 128 levels deep, the official Python SDK drops one
///   nested more than 200 levels deep. `maxDepth` leaves the envelope room under the lower of the two.
///
/// Numbers are otherwise kept as written; integers past 2^53 still lose precision in JavaScript.
public enum JSONPortability {
    /// Nested arrays and objects allowed inside a checked value (the value itself is level 1).
    public static let maxDepth = 100

    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        case numberOutOfRange(lexeme: String)
        case tooDeep(limit: Int)

        public var description: String {
            switch self {
            case .numberOutOfRange(let lexeme):
                let digits = lexeme.utf8.count
                let shown = digits > 40 ? String(lexeme.prefix(20)) + "…(\(digits) characters)" : lexeme
                return "the number \(shown) is outside the range MCP servers can read (IEEE-754 double, "
                    + "up to about 1.8e308); send it as a string"
            case .tooDeep(let limit):
                return "arrays and objects are nested more than \(limit) levels deep, deeper than MCP servers "
                    + "can read"
            }
        }
    }

    /// The first problem in `value` (depth first, in document order) and where it is, as a path from
    /// `root` (`params.arguments.items[3]`); nil when every part of `value` is portable.
    public static func firstProblem(in value: JSONValue, root: String) -> (path: String, problem: Problem)? {
        var path: [PathStep] = []
        guard let problem = check(value, depth: 1, path: &path) else { return nil }
        return (render(root, path), problem)
    }

    /// Whether a JSON number lexeme (RFC 8259 grammar) is finite as an IEEE-754 double after rounding.
    public static func fitsDouble(_ lexeme: String) -> Bool {
        // Almost every number: no exponent and too short to reach 1e308.
        let utf8 = lexeme.utf8
        if utf8.count <= 308, !utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            return true
        }
        let bytes = Array(utf8)
        var i = bytes.first == UInt8(ascii: "-") ? 1 : 0
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        let intStart = i
        while i < bytes.count, isDigit(bytes[i]) { i += 1 }
        let intDigits = bytes[intStart..<i]
        var fracDigits = bytes[i..<i]
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            let start = i + 1
            i = start
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            fracDigits = bytes[start..<i]
        }
        // The power of ten of the first significant digit, before the exponent.
        let power: Int
        if let k = intDigits.firstIndex(where: { $0 != UInt8(ascii: "0") }) {
            power = intDigits.endIndex - 1 - k
        } else if let j = fracDigits.firstIndex(where: { $0 != UInt8(ascii: "0") }) {
            power = -(j - fracDigits.startIndex + 1)
        } else {
            return true  // zero, whatever the exponent
        }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            let digits = bytes[i...].drop { $0 == UInt8(ascii: "0") }
            if digits.count > 9 { return negative }  // 1e-9999999999 is about zero; 1e9999999999 is not finite
            exponent = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            if negative { exponent = -exponent }
        }
        let magnitude = power + exponent
        if magnitude != 308 { return magnitude < 308 }
        return Double(lexeme)?.isFinite ?? false
    }

    private enum PathStep {
        case key(String)
        case index(Int)
    }

    private static func check(_ value: JSONValue, depth: Int, path: inout [PathStep]) -> Problem? {
        switch value {
        case .number(let lexeme):
            return fitsDouble(lexeme) ? nil : .numberOutOfRange(lexeme: lexeme)
        case .array(let items):
            if depth > maxDepth { return .tooDeep(limit: maxDepth) }
            for (index, item) in items.enumerated() where item.mayHoldProblem {
                path.append(.index(index))
                if let problem = check(item, depth: depth + 1, path: &path) { return problem }
                path.removeLast()
            }
            return nil
        case .object(let object):
            if depth > maxDepth { return .tooDeep(limit: maxDepth) }
            for member in object where member.value.mayHoldProblem {
                path.append(.key(member.key))
                if let problem = check(member.value, depth: depth + 1, path: &path) { return problem }
                path.removeLast()
            }
            return nil
        case .string, .bool, .null:
            return nil
        }
    }

    /// `root.key[3]["odd key"]`: identifier-like keys after a dot, others as JSON strings in brackets.
    private static func render(_ root: String, _ path: [PathStep]) -> String {
        var text = root
        for step in path {
            switch step {
            case .index(let index): text += "[\(index)]"
            case .key(let key):
                let plain =
                    !key.isEmpty && key.utf8.count <= 64
                    && key.utf8.allSatisfy { b in
                        b == UInt8(ascii: "_") || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
                            || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                    } && !(key.utf8.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false)
                if plain {
                    text += "." + key
                } else {
                    let shown = key.unicodeScalars.count > 64 ? String(key.unicodeScalars.prefix(64)) + "…" : key
                    text += "[" + JSONValue.string(shown).serialized() + "]"
                }
            }
        }
        return text
    }
}

extension JSONValue {
    /// Strings, booleans and null are always portable: the walk skips them without a call.
    fileprivate var mayHoldProblem: Bool {
        switch self {
        case .number, .array, .object: return true
        case .string, .bool, .null: return false
        }
    }
}
