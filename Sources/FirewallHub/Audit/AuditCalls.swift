import MCPWire

/// Owns: the forwarded calls whose outcome the audit trail still owes a record for — their call
/// record, when they left, and whether the hub gave up waiting (time-out). Never: writes a record
/// (the router hands what it returns to `AuditTrail`), or keeps a call past its answer.
final class AuditCalls {
    private struct Open {
        var call: AuditCall
        var started: Double
        var timedOut = false
    }

    private var open: [CallTable.Ticket: Open] = [:]

    /// The audit id of the call answering client request `ticket` (joins decision, approval, outcome).
    static func callID(_ ticket: CallTable.Ticket) -> String { "c\(ticket)" }

    var isEmpty: Bool { open.isEmpty }

    /// `call` was forwarded for `ticket`: its outcome is recorded when the ticket is answered.
    func forwarded(_ ticket: CallTable.Ticket, _ call: AuditCall, now: Double) {
        open[ticket] = Open(call: call, started: now)
    }

    /// The call's time-out fired (its error answer follows).
    func timedOut(_ ticket: CallTable.Ticket) {
        open[ticket]?.timedOut = true
    }

    /// The outcome record for `ticket`, answered with `outcome` (`bytes`: its size as the target sent
    /// it, when known); nil when no forwarded call waits under it.
    func answered(
        _ ticket: CallTable.Ticket, _ outcome: JSONRPCMessage.Response.Outcome, bytes: Int?, now: Double
    ) -> AuditEvent? {
        guard let entry = open.removeValue(forKey: ticket) else { return nil }
        let duration = max(0, Int(((now - entry.started) * 1000).rounded()))
        var record = AuditOutcome(kind: .result, durationMilliseconds: duration, resultBytes: bytes)
        switch outcome {
        case .result(let value):
            record.isError = value["isError"] == .bool(true)
        case .error(let error):
            record.kind = entry.timedOut ? .timeout : .error
            record.errorCode = error.code
            record.errorMessage = error.message
        }
        return .outcome(entry.call, record)
    }

    /// The client cancelled `ticket`'s call: its record, if a forwarded call waited under it.
    func cancelled(_ ticket: CallTable.Ticket, now: Double) -> AuditEvent? {
        guard let entry = open.removeValue(forKey: ticket) else { return nil }
        let duration = max(0, Int(((now - entry.started) * 1000).rounded()))
        return .outcome(entry.call, AuditOutcome(kind: .cancelled, durationMilliseconds: duration))
    }
}
