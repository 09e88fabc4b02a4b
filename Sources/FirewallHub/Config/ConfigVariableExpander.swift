/// Expands `${NAME}` and `${NAME:-default}` in hub.json strings (`command`, `args`, `env` values, `cwd`)
/// from an environment passed in by the caller (never the process environment directly).
///
/// - `NAME` is `[A-Za-z_][A-Za-z0-9_]*`.
/// - `${NAME}` needs NAME to be set (an empty value counts as set).
/// - `${NAME:-default}` uses `default` (literal text up to the first `}`) when NAME is unset or empty,
///   as in the shell.
/// - A `$` not followed by `{` is literal. There is no escape for a literal `${`.
///
/// Failures name the variable, never a value: expanded values are often secrets.
enum ConfigVariableExpander {
    enum Failure: Error, Equatable {
        /// `${NAME}` with NAME not set and no default.
        case notSet(variable: String)
        /// `${` not closed, or not followed by a valid variable name; `offset` counts characters from 0.
        case malformed(offset: Int, reason: String)
    }

    /// `text` expanded; `substituted` hears each (variable, value) taken from `environment` (not the
    /// defaults written in the file), for `ExpandedSecrets`.
    static func expand(
        _ text: String, environment: [String: String], substituted: (String, String) -> Void = { _, _ in }
    ) -> Result<String, Failure> {
        let chars = Array(text)
        var output = ""
        var i = 0
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "{" else {
                output.append(chars[i])
                i += 1
                continue
            }
            let start = i
            guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                return .failure(.malformed(offset: start, reason: "\"${\" without a closing \"}\""))
            }
            let inner = chars[(i + 2)..<close]
            var name = inner[...]
            var fallback: String?
            if let colon = inner.firstIndex(of: ":") {
                name = inner[..<colon]
                let rest = inner[(colon + 1)...]
                guard rest.first == "-" else {
                    return .failure(.malformed(offset: start, reason: "expected \":-\" after the variable name"))
                }
                fallback = String(rest.dropFirst())
            }
            guard isValidName(name) else {
                return .failure(
                    .malformed(
                        offset: start,
                        reason: "expected a variable name (letters, digits and _, not starting with a digit)"
                            + " after \"${\""
                    ))
            }
            let variable = String(name)
            if let fallback {
                let value = environment[variable] ?? ""
                if !value.isEmpty { substituted(variable, value) }
                output += value.isEmpty ? fallback : value
            } else if let value = environment[variable] {
                substituted(variable, value)
                output += value
            } else {
                return .failure(.notSet(variable: variable))
            }
            i = close + 1
        }
        return .success(output)
    }

    private static func isValidName(_ name: ArraySlice<Character>) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
