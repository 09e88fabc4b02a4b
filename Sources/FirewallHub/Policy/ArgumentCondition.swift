import MCPWire

extension PolicyRule {
    /// `"sql": "(?i)\\bdrop\\b"`: the argument must be present and its texts must match the regex.
    ///
    /// A value's texts are every string in it, decoded (inside arrays and objects too, at any depth),
    /// every object key, every number as the client wrote it (`100000`, `1e5`), and `true`, `false`,
    /// `null`. So `["x\ndrop table t"]` is seen as the string it carries, not as JSON text in which
    /// `\n` glues an `n` to `drop`.
    ///
    /// Which texts must match depends on what the rule does, so that a value the rule did not foresee
    /// always ends on the safe side:
    /// - a `deny` or `approve` rule holds when ANY text matches (a second string cannot hide the
    ///   first: `["select 1", "drop table t"]` is denied by a rule on `drop`);
    /// - an `allow` rule holds only when the value has a text and EVERY text matches (a harmless
    ///   string cannot carry a harmful one past `^select`; an empty array or object allows nothing).
    ///
    /// At most `maxTexts` texts are examined per value: a value with more is judged as if a deny or
    /// approve pattern matched it and an allow pattern did not.
    struct ArgumentCondition: Sendable, Equatable {
        static let maxTexts = 10_000

        var argument: String
        var pattern: ArgumentPattern

        func holds(for value: JSONValue, requireEvery: Bool) -> Bool {
            var budget = Self.maxTexts
            var sawText = false
            // `visit` returns false to stop: the answer is then known (or the budget is spent).
            var answer: Bool?
            func visit(_ text: String) -> Bool {
                if budget == 0 {
                    answer = !requireEvery
                    return false
                }
                budget -= 1
                sawText = true
                let found = pattern.finds(in: text, strictly: requireEvery)
                if requireEvery && !found {
                    answer = false
                    return false
                }
                if !requireEvery && found {
                    answer = true
                    return false
                }
                return true
            }
            func walk(_ value: JSONValue) -> Bool {
                switch value {
                case .string(let text): return visit(text)
                case .number(let lexeme): return visit(lexeme)
                case .bool(let flag): return visit(flag ? "true" : "false")
                case .null: return visit("null")
                case .array(let items):
                    for item in items where !walk(item) { return false }
                    return true
                case .object(let object):
                    for member in object where !visit(member.key) || !walk(member.value) { return false }
                    return true
                }
            }
            _ = walk(value)
            if let answer { return answer }
            return requireEvery && sawText
        }
    }
}
