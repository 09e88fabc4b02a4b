/// Which way a held call is put to the human.
enum ApprovalChannel: Equatable {
    /// An `elicitation/create` form on the client: the human answers in the client's own UI.
    case elicitation
    /// A code sent through `approval.notify`; the model only learns that a code was sent.
    case outOfBand(notify: [String])
    /// The code in the tool result (MCP Action Firewall's flow): protects against accidents only.
    case agent(announced: Bool)
    /// No channel can reach a human: the call is refused with how to configure one.
    case unavailable
    /// The human was asked (an approval prompt) and did not answer, or the prompt failed, and no
    /// out-of-band channel is configured: the call is refused (asking again is the human's choice).
    case unanswered

    /// The channel for a held call.
    ///
    /// - Elicitation whenever it is enabled and the client declared form elicitation.
    /// - Otherwise `code_delivery`: `out_of_band` needs a notify command; `agent` is taken as asked.
    /// - Unset `code_delivery`: a notify command means out of band; without one the call is refused
    ///   unless `fallback` is `agent`.
    static func choose(_ approval: ApprovalConfig, clientElicitation: Bool, skipElicitation: Bool = false)
        -> ApprovalChannel
    {
        if approval.elicitation, clientElicitation, !skipElicitation { return .elicitation }
        return codeChannel(approval)
    }

    /// After an approval prompt failed or went unanswered: a channel that reaches the human alone
    /// (`approval.notify`), or none. Never a code in the result: the human was there to ask, and a
    /// silent downgrade to `agent` delivery would let the model approve its own call.
    static func fallbackAfterElicitation(_ approval: ApprovalConfig) -> ApprovalChannel {
        if let notify = approval.notify, approval.codeDelivery != .agent { return .outOfBand(notify: notify) }
        return .unanswered
    }

    /// The code-based channel, when no approval prompt is used for the call.
    static func codeChannel(_ approval: ApprovalConfig) -> ApprovalChannel {
        switch approval.codeDelivery {
        case .agent?: return .agent(announced: false)
        case .outOfBand?:
            if let notify = approval.notify { return .outOfBand(notify: notify) }
            return approval.fallback == .agent ? .agent(announced: true) : .unavailable
        case nil:
            if let notify = approval.notify { return .outOfBand(notify: notify) }
            return approval.fallback == .agent ? .agent(announced: true) : .unavailable
        }
    }
}
