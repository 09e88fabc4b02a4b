import Testing

@testable import MCPWire

/// What a forwarder must not pass on: numbers beyond double range and nesting deeper than peers read.
@Suite struct JSONPortabilityTests {
    @Test(arguments: [
        "0", "-0", "1", "1.5", "-1e308", "1.7976931348623157e308", "1.797693134862315807e308",
        "-1.7976931348623157E+308",
        "9007199254740993", "1e-400", "0e999999999999", "0.0000e5000", "4.9e-324", "1e-99999999999",
        String(repeating: "9", count: 308), "0." + String(repeating: "1", count: 10_000), "123.456e-2",
    ])
    func numbersInsideDoubleRangeFit(_ lexeme: String) {
        #expect(JSONPortability.fitsDouble(lexeme))
    }

    @Test(arguments: [
        "1e309", "-1e309", "1.8e308", "1.7976931348623159e308", "17976931348623159e292", "1e99999999999",
        String(repeating: "9", count: 309), String(repeating: "1", count: 4301), String(repeating: "1", count: 5000),
        String(repeating: "1", count: 400) + ".5", "0.000001e315",
    ])
    func numbersBeyondDoubleRangeDoNot(_ lexeme: String) {
        #expect(!JSONPortability.fitsDouble(lexeme))
    }

    @Test func theProblemIsNamedByItsPath() throws {
        let five = String(repeating: "7", count: 5000)
        let value = try JSONParser.parse(
            #"{"name": "t", "arguments": {"ok": [1, 2.5], "list": [0, {"a b": [1, \#(five)]}]}}"#)
        let found = try #require(JSONPortability.firstProblem(in: value, root: "params"))
        #expect(found.path == #"params.arguments.list[1]["a b"][1]"#)
        #expect(found.problem == .numberOutOfRange(lexeme: five))
        #expect(found.problem.description.contains("77777777777777777777…(5000 characters)"))
        #expect(JSONPortability.firstProblem(in: try JSONParser.parse(#"{"a": [1e308, "1e999"]}"#), root: "p") == nil)
    }

    @Test func nestingIsBoundedByTheLimit() throws {
        func nested(_ depth: Int) throws -> JSONValue {
            try JSONParser.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        }
        #expect(JSONPortability.firstProblem(in: try nested(JSONPortability.maxDepth), root: "x") == nil)
        let deep = try #require(JSONPortability.firstProblem(in: try nested(JSONPortability.maxDepth + 1), root: "x"))
        #expect(deep.problem == .tooDeep(limit: JSONPortability.maxDepth))
        #expect(deep.path == "x" + String(repeating: "[0]", count: JSONPortability.maxDepth))
    }
}
