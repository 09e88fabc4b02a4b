import MCPWire

/// Every step `PolicyEngine.explain` saw while deciding one call: which rules were looked at and why each
/// held or not (argument by argument, with the texts a condition saw), which name list matched, the
/// defaults and the built-in step. Built from the same `evaluate` as the decision, so it can never tell
/// another story; it holds no secrets beyond the call's own arguments.
struct PolicyTrace: Sendable, Equatable {
    /// What the server said about the tool; `unknown` when the server was not asked (not started).
    enum Annotations: Sendable, Equatable {
        case known(JSONObject?)
        case unknown
    }

    struct RuleStep: Sendable, Equatable {
        var index: Int
        /// `servers.db.policy.rules[0] (execute_sql: sql =~ "…")`.
        var provenance: String
        var action: PolicyAction
        var toolGlob: String
        var toolMatches: Bool
        /// The glob matched and every condition held: this rule decided.
        var holds: Bool
        /// One per condition, in file order; empty when the tool glob did not match.
        var conditions: [ArgumentExamination]
    }

    struct ListStep: Sendable, Equatable {
        var action: PolicyAction
        /// Every glob of the list with its provenance and whether it matches (all of them are shown,
        /// the first match decides).
        var globs: [(pattern: String, provenance: String, matches: Bool)]
        var firstMatch: Int?

        static func == (a: ListStep, b: ListStep) -> Bool {
            a.action == b.action && a.firstMatch == b.firstMatch && a.globs.count == b.globs.count
                && zip(a.globs, b.globs).allSatisfy { $0 == $1 }
        }
    }

    /// Step 4's inputs.
    struct BuiltInStep: Sendable, Equatable {
        var readOnlyHint: JSONValue?
        var destructiveHint: JSONValue?
        /// The first destructive word in the tool's name (then annotations cannot allow it).
        var destructiveWord: String?
    }

    enum Step: Sendable, Equatable {
        case rule(Int)
        case list(PolicyAction, Int)
        case serverDefault
        case hubDefault
        case builtIn
    }

    var tool: String
    var decision: PolicyDecision
    var decidedBy: Step
    /// Rules looked at, in order, up to the one that decided.
    var rules: [RuleStep] = []
    /// How many rules come after the deciding one (never looked at).
    var rulesNotReached = 0
    /// Empty when a rule decided.
    var lists: [ListStep] = []
    /// `policy.default` and `defaults.default` as set (nil: not set), when the step was reached.
    var serverDefault: PolicyAction??
    var hubDefault: PolicyAction??
    /// Set when the built-in step decided.
    var builtIn: BuiltInStep?
    var annotations: Annotations
    /// When annotations are unknown and the built-in step decided: the decision if the server marks the
    /// tool `readOnlyHint: true` (and not `destructiveHint: true`), when it differs from `decision`.
    var ifReadOnly: PolicyDecision?

    /// Whether the decision could change with what the server says about the tool.
    var dependsOnAnnotations: Bool { ifReadOnly != nil }
}

/// What one argument condition saw in the call's value for its argument.
struct ArgumentExamination: Sendable, Equatable {
    var argument: String
    var pattern: String
    /// An `allow` rule needs every text to match; `deny` and `approve` rules any one.
    var requireEvery: Bool
    var present: Bool
    /// The verdict, from the same `holds` the decision used.
    var holds: Bool
    /// The first texts, in document order, and whether the pattern finds a match in each.
    var texts: [(text: String, found: Bool)]
    /// The text that settles the verdict (first match for any-rules, first miss for allow rules), when
    /// it is not among `texts`.
    var decisive: (position: Int, text: String, found: Bool)?
    /// Texts in the value (counting stops past `ArgumentCondition.maxTexts`).
    var textCount: Int
    /// More than `maxTexts` texts: judged as matched by deny/approve rules and not by allow rules.
    var overBudget: Bool

    static func == (a: ArgumentExamination, b: ArgumentExamination) -> Bool {
        a.argument == b.argument && a.pattern == b.pattern && a.requireEvery == b.requireEvery
            && a.present == b.present && a.holds == b.holds && a.textCount == b.textCount
            && a.overBudget == b.overBudget && a.texts.count == b.texts.count
            && zip(a.texts, b.texts).allSatisfy { $0 == $1 }
            && a.decisive?.position == b.decisive?.position
    }
}
