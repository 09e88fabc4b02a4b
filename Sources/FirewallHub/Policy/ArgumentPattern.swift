import Foundation

/// A compiled `NSRegularExpression` from a policy rule's `arguments`. Unanchored: the rule holds when
/// the expression finds a match anywhere in the value (use `^…$` to require the whole value).
// @unchecked Sendable: the only stored state is an immutable String and an NSRegularExpression, which
// Apple documents as immutable and safe to use from several threads at once.
struct ArgumentPattern: @unchecked Sendable, Equatable, CustomStringConvertible {
    let source: String
    private let regex: NSRegularExpression

    private init(source: String, regex: NSRegularExpression) {
        self.source = source
        self.regex = regex
    }

    struct Invalid: Error, Equatable {
        /// A human-readable reason, e.g. `expected ')'`.
        var reason: String
    }

    /// The compiled pattern, or why it does not compile.
    static func compile(_ source: String) -> Result<ArgumentPattern, Invalid> {
        do {
            return .success(ArgumentPattern(source: source, regex: try NSRegularExpression(pattern: source)))
        } catch {
            return .failure(Invalid(reason: diagnose(source)))
        }
    }

    func finds(in text: String) -> Bool {
        regex.firstMatch(in: text, options: [], range: NSRange(location: 0, length: text.utf16.count)) != nil
    }

    var description: String { source }

    static func == (lhs: ArgumentPattern, rhs: ArgumentPattern) -> Bool { lhs.source == rhs.source }

    /// NSRegularExpression's own error only says "The value is invalid"; Swift's regex parser, whose
    /// syntax is close to ICU's, explains most mistakes ("expected ')'").
    private static func diagnose(_ source: String) -> String {
        do {
            _ = try Regex(source)
            return "not accepted by the ICU regular-expression engine"
        } catch {
            return String(describing: error)
        }
    }
}
