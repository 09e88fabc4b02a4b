import MCPWire

/// A client request admitted to the call table: its ticket (the only way to answer it), the request as
/// the client sent it, and its era. A value handed from handler to handler within the dispatcher.
struct ClientRequest {
    let ticket: CallTable.Ticket
    var request: JSONRPCMessage.Request
    /// The 2026-07-28 envelope it carried; nil for a legacy request.
    let modern: ModernEnvelope?

    var id: RequestID { request.id }
    var method: String { request.method }
    var params: JSONObject? { request.params }
    var isModern: Bool { modern != nil }
    var era: ProtocolEra { modern == nil ? .legacy : .modern }
}
