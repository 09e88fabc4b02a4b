import MCPWire

/// Who and when, stamped on every record by the trail.
struct AuditRecordContext: Sendable, Equatable {
    var time: AuditInstant
    /// This hub process's random session id.
    var session: String
    var client: AuditClient?
}

/// Turns an `AuditEvent` into the members of one JSON line (before `prev` and `hash`), in a fixed
/// order people can read: `v`, `time`, `kind`, `session`, `client`, then the event's own fields.
/// Pure: redaction is the only thing it does to what it copies.
enum AuditRecordBuilder {
    static let formatVersion = 1
    /// Redacted arguments longer than this (as compact JSON) are left out and only their size is
    /// written: the digest still names them exactly, and one huge call must not make the trail unusable.
    static let maxArgumentBytes = 64 << 10

    static func fields(for event: AuditEvent, context: AuditRecordContext, redactor: AuditRedactor) -> JSONObject {
        var o = header(kind: kind(of: event), context: context)
        switch event {
        case .sessionStart(let start):
            o["hub_version"] = .string(start.hubVersion)
            o["pid"] = .int(start.pid)
            o["config"] = .string(start.configPath)
            o["servers"] = .array(start.servers.map(JSONValue.string))
        case .sessionEnd(let reason):
            o["reason"] = .string(reason)
        case .client(let client):
            o["protocol_version"] = client.protocolVersion.map(JSONValue.string)
        case .decision(let call, let decision):
            addCall(call, to: &o)
            addDecision(decision, redactor: redactor, to: &o)
            addArguments(call.arguments, redactor: redactor, to: &o)
        case .approval(let call, let approval):
            addCall(call, to: &o)
            o["result"] = .string(approval.result.rawValue)
            o["channel"] = .string(approval.channel.rawValue)
            o["scope"] = approval.scope.map(JSONValue.string)
            o["grant"] = approval.grantID.map(JSONValue.string)
        case .outcome(let call, let outcome):
            addCall(call, to: &o)
            o["outcome"] = .string(outcome.kind.rawValue)
            if outcome.isError { o["is_error"] = .bool(true) }
            if outcome.errorCode != nil || outcome.errorMessage != nil {
                var error = JSONObject()
                error["code"] = outcome.errorCode.map(JSONValue.int)
                error["message"] = outcome.errorMessage.map { .string(redactor.redactText($0)) }
                o["error"] = .object(error)
            }
            o["duration_ms"] = .int(outcome.durationMilliseconds)
            o["result_bytes"] = outcome.resultBytes.map(JSONValue.int)
        case .configReload(let reload):
            o["config"] = .string(reload.path)
            o["applied"] = .bool(reload.applied)
            o["reason"] = reload.reason.map { .string(redactor.redactText($0)) }
            if !reload.added.isEmpty { o["added"] = .array(reload.added.map(JSONValue.string)) }
            if !reload.removed.isEmpty { o["removed"] = .array(reload.removed.map(JSONValue.string)) }
            if !reload.changed.isEmpty { o["changed"] = .array(reload.changed.map(JSONValue.string)) }
        case .pin(let pin):
            o["event"] = .string(pin.kind.rawValue)
            o["server"] = .string(pin.server)
            o["tool"] = pin.tool.map(JSONValue.string)
            if pin.tool == nil { o["subject"] = .string("instructions") }
            o["definition_hash"] = pin.hash.map(JSONValue.string)
            o["pinned_hash"] = pin.pinnedHash.map(JSONValue.string)
            o["summary"] = pin.summary.map(JSONValue.string)
            o["channel"] = pin.channel.map { .string($0.rawValue) }
        case .restart(let restart):
            o["server"] = .string(restart.server)
            o["reason"] = .string(redactor.redactText(restart.reason))
            o["attempt"] = .int(restart.attempt)
        }
        return o
    }

    /// The first record of a file that continues the chain of `previousFile` (after a rotation).
    static func rotationFields(previousFile: String, context: AuditRecordContext) -> JSONObject {
        var o = header(kind: "rotate", context: context)
        o["previous_file"] = .string(previousFile)
        return o
    }

    /// The record that follows a line cut short by a crash: it names those bytes by size and hash, so
    /// `audit verify` can tell a repaired torn write from a line someone inserted.
    static func repairFields(tornLine: some Collection<UInt8>, context: AuditRecordContext) -> JSONObject {
        var o = header(kind: "repair", context: context)
        o["torn_bytes"] = .int(tornLine.count)
        o["torn_sha256"] = .string(SHA256.hex(SHA256.hash(tornLine)))
        return o
    }

    static func kind(of event: AuditEvent) -> String {
        switch event {
        case .sessionStart: return "session_start"
        case .sessionEnd: return "session_end"
        case .client: return "client"
        case .decision: return "decision"
        case .approval: return "approval"
        case .outcome: return "outcome"
        case .configReload: return "config_reload"
        case .pin: return "pin"
        case .restart: return "restart"
        }
    }

    private static func header(kind: String, context: AuditRecordContext) -> JSONObject {
        var o = JSONObject()
        o["v"] = .int(formatVersion)
        o["time"] = .string(context.time.rfc3339)
        o["kind"] = .string(kind)
        o["session"] = .string(context.session)
        if let client = context.client {
            var c = JSONObject()
            c["name"] = .string(client.name)
            c["version"] = client.version.map(JSONValue.string)
            o["client"] = .object(c)
        }
        return o
    }

    private static func addCall(_ call: AuditCall, to o: inout JSONObject) {
        o["call"] = .string(call.callID)
        o["server"] = .string(call.server)
        o["tool"] = .string(call.tool)
        o["name"] = .string(call.exposedName)
        o["digest"] = .string(call.digestHex)
        o["traceparent"] = call.traceparent.map(JSONValue.string)
    }

    private static func addDecision(_ decision: AuditDecision, redactor: AuditRedactor, to o: inout JSONObject) {
        switch decision {
        case .allowed(let rule):
            verdict(&o, "allow", "forward", rule: rule)
        case .denied(let rule):
            verdict(&o, "deny", "refuse", rule: rule)
        case .held(let rule, let channel):
            verdict(&o, "approve", "hold", rule: rule)
            o["channel"] = .string(channel.rawValue)
        case .granted(let rule, let grantID, let scope):
            verdict(&o, "approve", "forward", rule: rule)
            o["grant"] = .string(grantID)
            o["scope"] = .string(scope)
        case .refused(let rule, let reason):
            verdict(&o, "approve", "refuse", rule: rule)
            o["reason"] = .string(redactor.redactText(reason))
        case .pinHeld(let reason):
            verdict(&o, "pin_hold", "refuse", rule: nil)
            o["reason"] = .string(reason)
        }
    }

    private static func verdict(_ o: inout JSONObject, _ decision: String, _ effect: String, rule: String?) {
        o["decision"] = .string(decision)
        o["effect"] = .string(effect)
        o["rule"] = rule.map(JSONValue.string)
    }

    private static func addArguments(_ arguments: JSONObject?, redactor: AuditRedactor, to o: inout JSONObject) {
        guard let arguments else { return }
        let redacted = JSONValue.object(redactor.redact(arguments))
        let size = redacted.serializedBytes().count
        if size > maxArgumentBytes {
            o["arguments_omitted_bytes"] = .int(size)
        } else {
            o["arguments"] = redacted
        }
    }
}
