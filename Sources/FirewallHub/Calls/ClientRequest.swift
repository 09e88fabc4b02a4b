import MCPWire

/// Owns: nothing: a value (ticket, request, era) handed between the dispatcher's handlers.
/// Never: is answered except through its ticket.
///
/// A client request admitted to the call table: its ticket (the only way to answer it), the request as
/// the client sent it, and its era. A value handed from handler to handler within the dispatcher.
struct ClientRequest {
    let ticket: CallTable.Ticket
    var request: JSONRPCMessage.Request
    /// The 2026-07-28 envelope it carried; nil for a legacy request.
    let modern: ModernEnvelope?
    let era: ProtocolEra

    init(ticket: CallTable.Ticket, request: JSONRPCMessage.Request, modern: ModernEnvelope?) {
        self.ticket = ticket
        self.request = request
        self.modern = modern
        era = modern == nil ? .legacy : .modern
    }

    var id: RequestID { request.id }
    var method: String { request.method }
    var params: JSONObject? { request.params }
    var isModern: Bool { era == .modern }
}
