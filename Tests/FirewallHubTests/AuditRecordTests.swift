import MCPWire
import Testing

@testable import FirewallHub

/// What one audit record holds: redaction, digest, trace context, time format. No files.
@Suite struct AuditRecordTests {
    private let context = AuditRecordContext(
        time: AuditInstant(seconds: 1_748_772_000, milliseconds: 7), session: "h0123456789abcdef",
        client: AuditClient(name: "claude-code", version: "2.0.1", protocolVersion: nil))

    private func call(_ arguments: JSONObject?, meta: JSONObject? = nil) -> AuditCall {
        AuditCall(
            callID: "c7", server: "payments", tool: "refund", exposedName: "payments.refund", arguments: arguments,
            meta: meta)
    }

    @Test func aDecisionRecordNamesTheCallItsRuleAndTheFrozenCallsDigest() {
        let arguments = JSONObject([("amount", 500), ("customer", "cus_1")])
        let fields = AuditRecordBuilder.fields(
            for: .decision(call(arguments), .held(rule: "servers.payments.approve[0]", channel: .elicitation)),
            context: context, redactor: AuditRedactor())
        #expect(fields.keys.prefix(5) == ["v", "time", "kind", "session", "client"])
        #expect(fields["time"] == "2025-06-01T10:00:00.007Z")
        #expect(fields["kind"] == "decision")
        #expect(fields["client"]?["name"] == "claude-code")
        #expect(fields["client"]?["version"] == "2.0.1")
        #expect(fields["call"] == "c7")
        #expect(fields["name"] == "payments.refund")
        #expect(fields["decision"] == "approve")
        #expect(fields["effect"] == "hold")
        #expect(fields["channel"] == "elicitation")
        #expect(fields["rule"] == "servers.payments.approve[0]")
        let frozen = FrozenCall(
            server: "payments", tool: "refund", exposedName: "payments.refund", arguments: arguments, meta: nil,
            rule: "r")
        #expect(fields["digest"] == .string(frozen.digestHex))
        #expect(fields["arguments"] == .object(arguments))
    }

    @Test func everyVerdictHasItsDecisionAndEffect() {
        let verdicts: [(AuditDecision, String, String)] = [
            (.allowed(rule: "r"), "allow", "forward"), (.denied(rule: "r"), "deny", "refuse"),
            (.granted(rule: "r", grantID: "g2", scope: "session"), "approve", "forward"),
            (.refused(rule: "r", reason: "no channel"), "approve", "refuse"),
            (.pinHeld(reason: "description changed"), "pin_hold", "refuse"),
        ]
        for (verdict, decision, effect) in verdicts {
            let fields = AuditRecordBuilder.fields(
                for: .decision(call(nil), verdict), context: context, redactor: AuditRedactor())
            #expect(fields["decision"] == .string(decision))
            #expect(fields["effect"] == .string(effect))
        }
    }

    @Test func outcomesCarryDurationSizeAndARedactedError() {
        let redactor = AuditRedactor(secrets: ["sk_live_abcdefgh1234"])
        let fields = AuditRecordBuilder.fields(
            for: .outcome(
                call(nil),
                AuditOutcome(
                    kind: .error, errorCode: -32000, errorMessage: "bad key sk_live_abcdefgh1234",
                    durationMilliseconds: 41, resultBytes: 120)),
            context: context, redactor: redactor)
        #expect(fields["outcome"] == "error")
        #expect(fields["error"]?["code"] == .int(-32000))
        #expect(fields["error"]?["message"] == .string(AuditRedactor.marker))
        #expect(fields["duration_ms"] == 41)
        #expect(fields["result_bytes"] == 120)
    }

    @Test func aWellFormedTraceparentIsKeptAndAnythingElseDropped() {
        let good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        #expect(call(nil, meta: ["traceparent": .string(good)]).traceparent == good)
        for bad in [
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", good + "-extra", "00-4bf92f35\n",
            "x" + good.dropFirst(),
        ] {
            #expect(call(nil, meta: ["traceparent": .string(bad)]).traceparent == nil, "\(bad)")
        }
        let future = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next"
        #expect(call(nil, meta: ["traceparent": .string(future)]).traceparent == String(future.prefix(55)))
        let fields = AuditRecordBuilder.fields(
            for: .decision(call(nil, meta: ["traceparent": .string(good)]), .allowed(rule: "r")), context: context,
            redactor: AuditRedactor())
        #expect(fields["traceparent"] == .string(good))
    }

    @Test func hugeArgumentsAreLeftOutButStillNamedByTheDigest() {
        let big = JSONObject([("blob", .string(String(repeating: "x", count: AuditRecordBuilder.maxArgumentBytes)))])
        let fields = AuditRecordBuilder.fields(
            for: .decision(call(big), .allowed(rule: "r")), context: context, redactor: AuditRedactor())
        #expect(fields["arguments"] == nil)
        #expect((fields["arguments_omitted_bytes"]?.intValue ?? 0) > AuditRecordBuilder.maxArgumentBytes)
        #expect(fields["digest"] == .string(call(big).digestHex))
    }

    @Test func sealingChainsAndAnyChangeBreaksTheHash() throws {
        let first = AuditChain.seal(JSONObject([("kind", "a")]), prev: AuditChain.genesis)
        let second = AuditChain.seal(JSONObject([("kind", "b")]), prev: first.hash)
        let opened = try AuditChain.open(second.line.dropLast()).get()
        #expect(opened.prev == first.hash)
        #expect(opened.hashMatches)
        var edited = opened
        edited.record["kind"] = "c"
        #expect(!edited.hashMatches)
        #expect(first.line.last == 0x0A)
        #expect(!first.line.dropLast().contains(0x0A))
    }
}

@Suite struct AuditRedactorTests {
    @Test func credentialKeysAreRedactedAtAnyDepthWhateverTheirCase() {
        let redactor = AuditRedactor(keys: ["card_*"])
        let input: JSONObject = [
            "Authorization": "Bearer x", "nested": ["API_KEY": 12, "list": [["password": ["a": 1]]]],
            "card_number": "4242", "amount": 5,
        ]
        let out = JSONValue.object(redactor.redact(input))
        #expect(out["Authorization"] == .string(AuditRedactor.marker))
        #expect(out["nested"]?["API_KEY"] == .string(AuditRedactor.marker))
        #expect(out["nested"]?["list"]?.arrayValue?.first?["password"] == .string(AuditRedactor.marker))
        #expect(out["card_number"] == .string(AuditRedactor.marker))
        #expect(out["amount"] == 5)
    }

    @Test func aValueRegexReplacesTheWholeString() throws {
        let ssn = try ArgumentPattern.compile(#"\d{3}-\d{2}-\d{4}"#).get()
        let redactor = AuditRedactor(values: [ssn])
        let out = JSONValue.object(redactor.redact(["note": "ssn 123-45-6789 on file", "other": "fine"]))
        #expect(out["note"] == .string(AuditRedactor.marker))
        #expect(out["other"] == "fine")
    }

    @Test func envSecretsNeverAppearInValuesKeysOrNumbers() {
        let redactor = AuditRedactor(secrets: ["sk_live_0123456789", "42424242", "on"])
        let input: JSONObject = [
            "q": "use sk_live_0123456789 please", "pin": .number("42424242"), "flag": "on", "text": "online",
            "sk_live_0123456789": "as a key",
        ]
        let out = redactor.redact(input)
        let text = JSONValue.object(out).serialized()
        #expect(!text.contains("sk_live_0123456789"))
        #expect(!text.contains("42424242"))
        #expect(out["flag"] == .string(AuditRedactor.marker))
        #expect(out["text"] == "online", "a short env value is only redacted where a value equals it")
    }

    @Test func theConfigsEnvValuesAreTheSecrets() throws {
        let json = try JSONParser.parse(
            #"{"servers": {"a": {"command": "x", "env": {"KEY": "${K}"}}}, "audit": {"path": "/tmp/a.jsonl"}}"#)
        let config = try ConfigLoader.parse(json, filePath: "/etc/hub.json", environment: ["K": "expanded-secret-1"])
        let out = AuditRedactor(config: config).redact(JSONObject([("x", "expanded-secret-1")]))
        #expect(out["x"] == .string(AuditRedactor.marker))
    }
}

@Suite struct AuditTimeTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(AuditInstant(seconds: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(AuditInstant(seconds: 1_748_772_000, milliseconds: 999).rfc3339 == "2025-06-01T10:00:00.999Z")
    }

    @Test func parsesWhatPeopleTypeForSince() {
        let base = AuditInstant(seconds: 1_748_772_000)
        #expect(AuditInstant.parse("2025-06-01T10:00:00Z") == base)
        #expect(AuditInstant.parse("2025-06-01T10:00") == base)
        #expect(AuditInstant.parse("2025-06-01 12:00:00+02:00") == base)
        #expect(AuditInstant.parse("2025-06-01T05:00:00-0500") == base)
        #expect(
            AuditInstant.parse("2025-06-01T10:00:00.25Z") == AuditInstant(seconds: 1_748_772_000, milliseconds: 250))
        #expect(AuditInstant.parse("2025-06-01") == AuditInstant(seconds: 1_748_736_000))
        for bad in ["", "2025-6-01", "2025-06-01T25:00", "2025-06-01T10:00:00Zjunk", "yesterday", "2025-13-01"] {
            #expect(AuditInstant.parse(bad) == nil, "\(bad)")
        }
        #expect(AuditInstant.ago("90m", now: base) == AuditInstant(seconds: base.seconds - 5400))
        #expect(AuditInstant.ago("2d", now: base) == AuditInstant(seconds: base.seconds - 172_800))
        #expect(AuditInstant.ago("5x", now: base) == nil)
        #expect(AuditInstant.ago("-5m", now: base) == nil)
    }
}
