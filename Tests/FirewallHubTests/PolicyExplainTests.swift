import MCPWire
import Testing

@testable import FirewallHub

/// `PolicyEngine.explain` against `decide`: the explanation must never tell another story than the
/// decision, over many random policies and calls, and its details must agree with its own verdicts.
@Suite struct PolicyExplainTests {
    private static let tools = ["get_user", "delete_user", "execute_sql", "run", "list_items", "refund", "Get_x"]
    private static let globs = ["*", "get_*", "delete_*", "execute_sql", "list_*", "?un", "refund", "*_user", "Get_*"]
    private static let patterns = ["^select", "(?i)drop", "a", "^\\d+$", "x$", "(?i)^\\s*select\\b", "true", "^$"]
    private static let arguments = ["sql", "id", "opts"]
    private static let strings = ["select 1", "DROP table t", "a", "x\n", "42", "", "b", "select * from x"]

    private func randomValue(_ rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 2 ? 4 : 7), using: &rng) {
        case 0, 1: return .string(Self.strings.randomElement(using: &rng)!)
        case 2: return .number(["1", "1e5", "-0.5", "42"].randomElement(using: &rng)!)
        case 3: return [.bool(true), .bool(false), .null].randomElement(using: &rng)!
        case 4, 5:
            return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                object[Self.strings.randomElement(using: &rng)!] = randomValue(&rng, depth: depth + 1)
            }
            return .object(object)
        }
    }

    private func randomPolicy(_ rng: inout SeededGenerator) -> (PolicyConfig, PolicyAction?) {
        func action() -> PolicyAction { PolicyAction.allCases.randomElement(using: &rng)! }
        func someGlobs() -> [ToolGlob] {
            (0..<Int.random(in: 0...2, using: &rng)).map { _ in ToolGlob(Self.globs.randomElement(using: &rng)!) }
        }
        var policy = PolicyConfig(
            defaultAction: Bool.random(using: &rng) ? action() : nil, allow: someGlobs(), approve: someGlobs(),
            deny: someGlobs())
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let conditions = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                PolicyRule.ArgumentCondition(
                    argument: Self.arguments.randomElement(using: &rng)!,
                    pattern: try! ArgumentPattern.compile(Self.patterns.randomElement(using: &rng)!).get())
            }
            policy.rules.append(
                PolicyRule(
                    tool: ToolGlob(Self.globs.randomElement(using: &rng)!), arguments: conditions, action: action()))
        }
        return (policy, Bool.random(using: &rng) ? action() : nil)
    }

    private func engine(_ policy: PolicyConfig, hubDefault: PolicyAction?) -> PolicyEngine {
        let server = ServerConfig(
            name: "s", jsonPath: "servers.s", command: "x", args: [], env: [:], cwd: nil, policy: policy, approval: nil,
            timeouts: TimeoutConfig())
        return PolicyEngine(server: server, defaults: PolicyDefaults(defaultAction: hubDefault))
    }

    @Test func explanationsAgreeWithDecisionsOverRandomPoliciesAndCalls() {
        var rng = SeededGenerator(seed: 0x5EED_0017)
        let annotationChoices: [JSONObject?] = [
            nil, ["readOnlyHint": true], ["readOnlyHint": true, "destructiveHint": true], ["readOnlyHint": false],
            ["destructiveHint": false],
        ]
        var decidedBy: [String: Int] = [:]
        for round in 0..<3000 {
            let (policy, hubDefault) = randomPolicy(&rng)
            let engine = engine(policy, hubDefault: hubDefault)
            let tool = Self.tools.randomElement(using: &rng)!
            var arguments: JSONObject?
            if Bool.random(using: &rng) {
                var object = JSONObject()
                for name in Self.arguments where Bool.random(using: &rng) { object[name] = randomValue(&rng) }
                arguments = object
            }
            let annotations = annotationChoices.randomElement(using: &rng)!
            let decision = engine.decide(tool: tool, annotations: annotations, arguments: arguments)
            let trace = engine.explain(tool: tool, annotations: .known(annotations), arguments: arguments)
            #expect(trace.decision == decision, "round \(round): \(tool) \(String(describing: arguments))")
            checkConsistency(trace, policy: policy, round: round)
            decidedBy["\(trace.decidedBy)".prefix(while: { $0 != "(" }).description, default: 0] += 1

            // Unknown annotations: the decision without any, and the read-only alternative exactly when
            // the annotations would change it.
            let unknown = engine.explain(tool: tool, annotations: .unknown, arguments: arguments)
            #expect(unknown.decision == engine.decide(tool: tool, annotations: nil, arguments: arguments))
            let readOnly = engine.decide(tool: tool, annotations: ["readOnlyHint": true], arguments: arguments)
            if let alternative = unknown.ifReadOnly {
                #expect(alternative == readOnly && alternative != unknown.decision, "round \(round)")
            } else {
                #expect(readOnly == unknown.decision, "round \(round)")
            }
        }
        // The random policies reach every step, so the comparison covered each of them.
        for step in ["rule", "list", "serverDefault", "hubDefault", "builtIn"] {
            #expect((decidedBy[step] ?? 0) > 50, "step \(step) decided only \(decidedBy[step] ?? 0) times")
        }
    }

    private func checkConsistency(_ trace: PolicyTrace, policy: PolicyConfig, round: Int) {
        for (position, step) in trace.rules.enumerated() {
            #expect(step.index == position)
            #expect(step.toolMatches == policy.rules[step.index].tool.matches(trace.tool))
            if step.toolMatches {
                #expect(step.holds == step.conditions.allSatisfy(\.holds), "round \(round): rule verdict vs conditions")
            } else {
                #expect(!step.holds && step.conditions.isEmpty)
            }
            for condition in step.conditions { checkDisplay(condition, round: round) }
        }
        switch trace.decidedBy {
        case .rule(let index):
            #expect(trace.rules.last?.index == index && trace.rules.last?.holds == true)
            #expect(trace.rules.dropLast().allSatisfy { !$0.holds })
            #expect(trace.lists.isEmpty && trace.builtIn == nil)
            #expect(trace.rulesNotReached == policy.rules.count - index - 1)
        case .list(let action, let index):
            #expect(trace.rules.count == policy.rules.count && trace.rules.allSatisfy { !$0.holds })
            #expect(trace.lists.last?.action == action && trace.lists.last?.firstMatch == index)
            #expect(trace.lists.dropLast().allSatisfy { $0.firstMatch == nil })
            #expect(trace.lists.last?.globs[index].matches == true)
        case .serverDefault, .hubDefault, .builtIn:
            #expect(
                trace.lists.count == 3
                    && trace.lists.allSatisfy { $0.firstMatch == nil && !$0.globs.contains { $0.matches } })
            #expect((trace.builtIn != nil) == (trace.decidedBy == .builtIn))
        }
    }

    /// The texts shown agree with the verdict: a deny/approve condition holds when some text matched, an
    /// allow condition when there were texts and none missed.
    private func checkDisplay(_ condition: ArgumentExamination, round: Int) {
        guard condition.present else {
            #expect(!condition.holds)
            return
        }
        guard !condition.overBudget else { return }
        let shownFound = condition.texts.contains { $0.found } || condition.decisive?.found == true
        let shownMiss = condition.texts.contains { !$0.found } || condition.decisive?.found == false
        if condition.requireEvery {
            #expect(condition.holds == (condition.textCount > 0 && !shownMiss), "round \(round)")
        } else {
            #expect(condition.holds == shownFound, "round \(round)")
        }
    }

    @Test func aConditionShowsTheTextThatSettlesItEvenPastTheShownOnes() throws {
        let pattern = try ArgumentPattern.compile("(?i)drop").get()
        let condition = PolicyRule.ArgumentCondition(argument: "sql", pattern: pattern)
        let texts = (0..<30).map { JSONValue.string("select \($0)") } + ["DROP TABLE t"]
        let seen = condition.examine(.array(texts), requireEvery: false)
        #expect(seen.holds)
        #expect(seen.texts.count == PolicyEngine.shownTexts && seen.texts.allSatisfy { !$0.found })
        #expect(seen.decisive?.position == 30 && seen.decisive?.text == "DROP TABLE t")
        #expect(seen.textCount == 31)
        let missing = condition.examine(nil, requireEvery: false)
        #expect(!missing.present && !missing.holds)
        let empty = condition.examine(.array([]), requireEvery: true)
        #expect(!empty.holds && empty.textCount == 0)
    }

    @Test func aValueOverTheTextBudgetIsJudgedAsTheDecisionJudgesIt() throws {
        let condition = PolicyRule.ArgumentCondition(
            argument: "x", pattern: try ArgumentPattern.compile("^never$").get())
        let huge = JSONValue.array(Array(repeating: .string("a"), count: PolicyRule.ArgumentCondition.maxTexts + 5))
        let deny = condition.examine(huge, requireEvery: false)
        #expect(deny.overBudget && deny.holds == condition.holds(for: huge, requireEvery: false) && deny.holds)
        let allow = condition.examine(huge, requireEvery: true)
        #expect(allow.overBudget && !allow.holds)
    }
}
