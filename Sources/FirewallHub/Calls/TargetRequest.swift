import MCPWire

/// Owns: the words for why the hub sent a target a request, and what a forwarded call carries.
/// Never: holds state of its own (the call table keeps these values).
///
/// Why the hub sent a target a request (the call table keeps one per pending hub id).
enum TargetRequest {
    /// `initialize` or `server/discover`, opening the session (see TargetStartup).
    case opening(TargetStartup.Opening)
    case list(ListKind)
    /// A client's request forwarded to the target: its answer is the client's.
    case call(ForwardedCall)
    /// A call whose client got an `InputRequiredResult` (the target asked for input); its answer waits
    /// for the client's retry under this bridge's nonce (`EraBridge`); its progress token still reports.
    case bridged(String, progressToken: String?)
    /// A request the hub makes on its own behalf whose answer needs no routing (`logging/setLevel`).
    case internalRequest
    /// The hub's `subscriptions/listen` stream on a modern target (answered when the stream ends).
    case listen
    /// The hub's own `resources/subscribe` or `unsubscribe` to a legacy target, and who waits for it.
    case subscription([SubscriptionWaiter])
}

/// A client request forwarded to a target.
struct ForwardedCall {
    /// The client request it answers, and that request's era.
    var ticket: CallTable.Ticket
    var clientEra: ProtocolEra
    /// The name the client used (`payments.refund`, a prompt, a URI), for messages.
    var label: String
    var method: String
    /// The params as forwarded (before the hub's envelope): MRTR retries and bridges rebuild from them.
    var params: JSONObject
    /// The hub's progress token that stands for the client's, if it sent one.
    var progressToken: String?
    var timer: Int?
}
