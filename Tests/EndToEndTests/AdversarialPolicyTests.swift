import Foundation
import HubTestSupport
import MCPWire
import Testing

/// Issue 14, items 5, 6, 10 and 11, driven through the real hub as a hostile client or against a
/// hostile target: each test is the attack of the review (or its class) and what must happen instead.
@Suite struct AdversarialPolicyTests {
    // MARK: - Item 5: one message must not stall the router

    /// A target lists a template of nine adjacent expressions; the old matcher took O(n^9) steps on a
    /// 45-byte URI (15 s in a release build, minutes in a debug one) and nothing else was answered.
    @Test func aHostileResourceTemplateDoesNotStallTheRouter() async throws {
        let fixture = try HubFixture.fixtures([
            (
                "hostile",
                ["--resource-template", "t://{a}{b}{c}{d}{e}{f}{g}{h}{i}!", "--resource-template", "t://{a}/{b}"]
            ),
            ("plain", ["--resource", "plain://x"]),
        ])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let slow = "t://" + String(repeating: "x", count: 41)  // 45 bytes, does not match
        let slowest = "t://" + String(repeating: "x", count: 60_000) + "?!"  // passes the quick checks
        hub.sendRequest("resources/read", params: ["uri": .string(slow)], id: .string("slow"))
        hub.sendRequest("resources/read", params: ["uri": .string(slowest)], id: .string("slowest"))
        // Answered in order, promptly: the deadline is generous, the old matcher needed far longer.
        _ = try await hub.call("ping", timeout: .seconds(60))
        let plain = try await hub.call("resources/read", params: ["uri": "plain://x"])
        #expect(plain["contents"]?[0]?["text"] == "plain://x")
        #expect(await hub.waitForResponse(.string("slow"))?.outcome.errorCode == -32002)
        #expect(await hub.waitForResponse(.string("slowest"))?.outcome.errorCode == -32002)
        // Routing by template still works, past the hostile one.
        let matching = try await hub.call("resources/read", params: ["uri": "t://one/two"])
        #expect(matching["contents"]?[0]?["text"] == "a=one&b=two")
    }

    @Test func aURIOverTheLimitIsRefusedClearly() async throws {
        let fixture = try HubFixture.fixtures([("a", ["--resource-template", "big://{+rest}"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let uri = "big://" + String(repeating: "x", count: 70_000)
        let response = try await hub.request("resources/read", params: ["uri": .string(uri)])
        guard case .error(let error) = response.outcome else {
            Issue.record("a 70 kB URI was read: \(response.outcome)")
            return
        }
        #expect(error.code == -32602)
        #expect(error.message.contains("65536 bytes"))
    }

    // MARK: - Item 6: argument rules see every string inside a value

    /// The review's call: `{"sql": ["x\ndrop table t"]}` passed a `(?i)\b(drop|truncate)\b` deny rule,
    /// because the array was matched as compact JSON, where `\n` glues `n` to `drop`.
    @Test func aDenyRuleIsNotEscapedByWrappingTheStatement() async throws {
        let fixture = try HubFixture.standard()
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        for sql: JSONValue in [["x\ndrop table t"], ["sql": ["select 1", "truncate t"]]] {
            let result = try await hub.call(
                "tools/call", params: ["name": "payments.execute_sql", "arguments": ["sql": sql]])
            #expect(result.isToolError)
            #expect(result.firstText?.contains("Denied by mcp-firewall-hub") == true, "\(sql)")
        }
        // An allow rule is not satisfied by one select among other statements: the call is held.
        let held = try await hub.call(
            "tools/call",
            params: ["name": "payments.execute_sql", "arguments": ["sql": ["select 1", "delete from t"]]])
        #expect(held.firstText?.contains("PAUSED_FOR_APPROVAL") == true)
        #expect(!fixture.executedTools("payments").contains("execute_sql"))
    }

    // MARK: - Item 10: secrets and names

    /// `${VAR}` values expanded into `command`, `cwd` or `args` appeared in start-up failures (and the
    /// server's stderr repeated in them); now the reference is shown.
    @Test func startUpFailuresShowVariableReferencesNotValues() async throws {
        let secret = "tenant-4f9a1c-SECRET"
        let token = "sk_live_9xQ2SECRETTOKEN"
        let directory = try TempFiles.directory()
        defer { TempFiles.remove(directory) }
        let config: JSONValue = [
            "servers": [
                "nocmd": ["command": "/opt/${HUB_TEST_SECRET}/bin/server"],
                "nocwd": ["command": "/bin/sh", "args": ["-c", "exit 0"], "cwd": "/opt/${HUB_TEST_SECRET}/work"],
                "talks": [
                    "command": "/bin/sh",
                    "args": [
                        "-c", "echo \"starting with $1 in $2\" >&2; exit 3", "sh", "${HUB_TEST_TOKEN}",
                        "${HUB_TEST_SECRET}",
                    ],
                ],
            ]
        ]
        let url = try TempFiles.write(config.prettyPrinted(), name: "hub.json", in: directory)
        let environment = ["HUB_TEST_SECRET": secret, "HUB_TEST_TOKEN": token]
        let tools = try MCPProcess.launch(
            Binaries.url("mcp-firewall-hub"), arguments: ["tools", "--config", url.path], environment: environment)
        defer { tools.terminate() }
        tools.closeStdin()
        #expect(try await tools.waitForExit(timeout: .seconds(60)) == 1)
        let stderr = tools.stderrText
        #expect(!stderr.contains(secret) && !stderr.contains(token), "\(stderr)")
        #expect(stderr.contains("/opt/${HUB_TEST_SECRET}/bin/server"), "\(stderr)")
        #expect(stderr.contains("/opt/${HUB_TEST_SECRET}/work"), "\(stderr)")
        #expect(stderr.contains("starting with ${HUB_TEST_TOKEN} in ${HUB_TEST_SECRET}"), "\(stderr)")
    }

    /// For a `__` client, server `x`'s tool `y__z` and server `x__y`'s tool `z` were both `x__y__z`, and
    /// the first in config order silently won. Now neither gets the name, a warning names both, and
    /// each is called by its own stand-in.
    @Test func collidingJoinedNamesGoToNeitherServer() async throws {
        let fixture = try HubFixture.fixtures([("x", ["--tools", "y__z"]), ("x__y", ["--tools", "z"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(clientName: "claude-ai")
        let listed = try await hub.call("tools/list")["tools"]?.arrayValue ?? []
        let names = listed.compactMap { $0["name"]?.stringValue }
        #expect(!names.contains("x__y__z"), "\(names)")
        try await hub.waitForStderr(containing: #"server "x"'s tool "y__z" and server "x__y"'s tool "z""#)
        let unknown = try await hub.request(
            "tools/call", params: ["name": "x__y__z", "arguments": [:]])
        #expect(unknown.outcome.errorCode == -32602)
        for name in names where name != "firewall_confirm" {
            _ = try await hub.call("tools/call", params: ["name": .string(name), "arguments": ["who": .string(name)]])
        }
        #expect(fixture.executedTools("x") == ["y__z"])
        #expect(fixture.executedTools("x__y") == ["z"])
    }

    // MARK: - Item 11: what targets cannot parse is refused at once

    /// A 5,000-digit integer made the official Python SDK drop the line (Python reads at most 4,300
    /// digits), and the call waited `call_seconds`. The hub now answers -32602 naming the path.
    @Test func numbersAndNestingTargetsCannotReadAreRefusedNamingThePath() async throws {
        let fixture = try HubFixture.fixtures([("a", [])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        try await hub.initializeAndWaitForTargets()
        let digits = String(repeating: "9", count: 5000)
        let deep = String(repeating: "[", count: 120) + String(repeating: "]", count: 120)
        let cases: [(arguments: String, path: String)] = [
            (#"{"n": \#(digits)}"#, "params.arguments.n"),
            (#"{"list": [1, {"x": 1e400}]}"#, "params.arguments.list[1].x"),
            (#"{"tree": \#(deep)}"#, "params.arguments.tree" + String(repeating: "[0]", count: 98)),
        ]
        for (index, item) in cases.enumerated() {
            let line =
                #"{"jsonrpc":"2.0","id":"big\#(index)","method":"tools/call","params":{"name":"a.echo","arguments":\#(item.arguments)}}"#
            hub.sendRaw(line + "\n")
            let response = await hub.waitForResponse(.string("big\(index)"))
            guard case .error(let error)? = response?.outcome else {
                Issue.record("case \(index) was not refused: \(String(describing: response?.outcome))")
                continue
            }
            #expect(error.code == -32602)
            #expect(error.message.contains(item.path), "\(error.message)")
            #expect(error.data?["path"]?.stringValue == item.path)
        }
        // What every parser reads still goes through, exactly as written.
        let fine = try await hub.call(
            "tools/call",
            params: [
                "name": "a.echo",
                "arguments": ["n": .number("1.7976931348623157e308"), "big": .number("9007199254740993")],
            ])
        #expect(fine["structuredContent"]?["echo"]?["big"] == .number("9007199254740993"))
        #expect(fixture.executedTools("a") == ["echo"])
    }

    /// The client's answer to a target's own request is checked too: the target gets an error it can
    /// act on instead of a line its parser drops.
    @Test func aClientAnswerATargetCannotReadBecomesAnError() async throws {
        let fixture = try HubFixture(servers: [("notes", "demo-notes", [], ["default": "allow"])])
        defer { fixture.remove() }
        let hub = try fixture.launchHub()
        defer { hub.terminate() }
        _ = try await hub.initialize(capabilities: ["elicitation": [:]])
        hub.sendCall("notes.ask_user", arguments: ["question": "How many?"], id: .string("ask"))
        var ask: JSONRPCMessage.Request?
        while ask == nil {
            if case .request(let request) = try await hub.nextMessage(timeout: .seconds(30)),
                request.method == "elicitation/create"
            {
                ask = request
            }
        }
        hub.respond(
            to: ask!.id,
            result: ["action": "accept", "content": ["answer": .number(String(repeating: "1", count: 5000))]])
        let answer = try #require(await hub.waitForResponse(.string("ask")))
        let text = answer.outcome.result?.firstText ?? ""
        #expect(text.contains("result.content.answer"), "\(answer.outcome)")
    }
}

extension JSONValue {
    fileprivate subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }
}
