import MCPWire

/// Owns: asking a person whether to accept a held tool definition when the agent calls it — in the
/// client's form (`PinPrompt`), else with a code sent through `approval.notify` — and what follows
/// from the answer. Never: accepts without a person's `accept: true` or out-of-band code (a code in a
/// tool result would let the model accept), accepts anything but the definition shown, or runs the
/// call that asked.
extension HubRouter {
    /// Asks the person whether to accept the held definition of `entry`: only a legacy client that
    /// declared form elicitation, with `approval.elicitation` on, one question per tool at a time,
    /// within `approval.max_pending`. False when no prompt was opened (the caller refuses).
    func askToAcceptDefinition(_ request: ClientRequest, entry: CatalogEntry, arguments: JSONObject?) -> Bool {
        guard let target = pool.named(entry.server), !request.isModern,
            ElicitationPrompt.clientSupportsForm(client.capabilities), !desk.isFull,
            !desk.asksAboutDefinition(server: entry.server, tool: entry.tool),
            let offer = pins.offer(server: entry.server, tool: entry.tool, exposedName: entry.exposedName)
        else { return false }
        let approval = config.approval(for: target.config)
        guard approval.elicitation else { return false }
        let call = FrozenCall(
            server: entry.server, tool: entry.tool, exposedName: entry.exposedName, arguments: arguments,
            meta: request.params?["_meta"]?.objectValue, rule: "its definition is held by its pin")
        let (id, params) = desk.openDefinitionPrompt(for: request, call: call, offer: offer)
        desk.setTimer(timers.start(after: Double(approval.elicitationTimeoutSeconds), .elicitation(id)), prompt: id)
        calls.park(request.ticket, .awaitingApproval)
        log.info(
            "asking the user whether to accept the \(offer.isNew ? "new tool" : "new definition of") \(entry.exposedName)"
        )
        sendToClient(.request(.init(id: .string(id), method: "elicitation/create", params: params)))
        return true
    }

    /// Holds the held definition of `entry` under a code sent to the person through `approval.notify`
    /// (only that channel: a code in the result would let the model accept it). One live code per
    /// definition: a second call gets the same handle. False when no code was sent (the caller refuses).
    func holdDefinitionForCode(_ request: ClientRequest, entry: CatalogEntry, arguments: JSONObject?, refusal: String)
        -> Bool
    {
        guard let target = pool.named(entry.server),
            case .outOfBand(let argv) = ApprovalChannel.codeChannel(config.approval(for: target.config)),
            let offer = pins.offer(server: entry.server, tool: entry.tool, exposedName: entry.exposedName)
        else { return false }
        let ttl = config.approval.codeTTLSeconds
        if let waiting = desk.heldDefinition(offer, now: now()) {
            answer(
                request.ticket,
                result: HeldCallText.definitionHeldOutOfBand(
                    refusal: refusal, offer: offer, callID: waiting, ttlSeconds: ttl))
            return true
        }
        var call = FrozenCall(
            server: entry.server, tool: entry.tool, exposedName: entry.exposedName, arguments: arguments,
            meta: nil, rule: "its definition is held by its pin")
        call.definition = offer
        guard case .success(let held) = desk.hold(call, now: now(), withSessionCode: false) else { return false }
        log.info("\(entry.exposedName): a code that accepts its held definition was sent out of band as \(held.id)")
        let log = self.log
        let callID = held.id
        NotifyCommand(argv: argv).run(
            NotifyCommand.Values(held: held, call: call, ttlSeconds: ttl, fullCallPath: nil), environment: environment
        ) { failure in
            if let failure { log.warning("pin \(callID): \(failure); the definition stays held") }
        }
        answer(
            request.ticket,
            result: HeldCallText.definitionHeldOutOfBand(
                refusal: refusal, offer: offer, callID: held.id, ttlSeconds: ttl))
        return true
    }

    /// The person answered the definition prompt: an acceptance pins exactly what was shown and
    /// releases it (the client hears its list changed); the call that asked is answered, not run.
    func definitionPromptAnswered(
        _ prompt: ApprovalDesk.Prompt, offer: PinOffer, _ outcome: JSONRPCMessage.Response.Outcome
    ) {
        switch outcome {
        case .error(let error):
            definitionPromptFailed(
                prompt, offer: offer, because: "The client could not show the prompt (\(error.message)).")
        case .result(let result) where PinPrompt.accepts(result):
            acceptDefinition(offer, channel: .elicitation, answering: prompt.request.ticket)
        case .result:
            definitionNotAccepted(prompt.request.ticket, offer: offer, because: "The user did not accept it.")
        }
    }

    /// The form could not ask (an error, or no answer in time): as for a call, a code goes out of band
    /// when `approval.notify` is set; otherwise the call that asked is refused.
    func definitionPromptFailed(_ prompt: ApprovalDesk.Prompt, offer: PinOffer, because reason: String) {
        let entry = CatalogEntry(
            exposedName: offer.exposedName, server: offer.server, tool: offer.tool, definition: JSONObject())
        let refusal = heldRefusal(offer) + " " + reason
        if holdDefinitionForCode(prompt.request, entry: entry, arguments: prompt.call.arguments, refusal: refusal) {
            return
        }
        definitionNotAccepted(prompt.request.ticket, offer: offer, because: reason)
    }

    /// A person accepted `offer` (in the form, or with its out-of-band code): exactly what was shown is
    /// pinned and released (the client hears its list changed); `ticket` is answered, nothing is run.
    func acceptDefinition(_ offer: PinOffer, channel: AuditChannel, answering ticket: CallTable.Ticket) {
        switch pins.accept(offer) {
        case .success(true):
            log.info("the user accepted the definition of \(offer.server).\(offer.tool) (\(offer.hash.prefix(12)))")
            auditRecord(
                .pin(
                    AuditPinEvent(
                        kind: .accepted, server: offer.server, tool: offer.tool, hash: offer.hash, channel: channel)))
            if let target = pool.named(offer.server), target.state == .ready { pinSighting(target) }
            let before = catalog.items(.tools)
            rebuildCatalog()
            if before != catalog.items(.tools) { notifyListChanged(.tools) }
            answer(
                ticket,
                result: HeldCallText.toolError(
                    "The user accepted the \(offer.isNew ? "new tool" : "new definition of") \(offer.exposedName); it "
                        + "is listed now. No call was run: read the tool's definition again (tools/list) and "
                        + "call it again only if it still fits the task."))
        case .success(false):
            definitionNotAccepted(
                ticket, offer: offer,
                because: "Its definition changed again before it could be pinned; nothing was accepted.")
        case .failure(let failure):
            log.error("pins: could not record the acceptance of \(offer.server).\(offer.tool): \(failure)")
            definitionNotAccepted(ticket, offer: offer, because: "The acceptance could not be recorded.")
        }
    }

    /// `ticket` is answered with a refusal saying why the definition is still held.
    func definitionNotAccepted(_ ticket: CallTable.Ticket, offer: PinOffer, because reason: String) {
        log.info("\(offer.exposedName): the definition stays held (\(reason))")
        answer(ticket, result: HeldCallText.toolError(heldRefusal(offer) + " " + reason))
    }

    /// What the model is told about `offer`'s tool while its definition is held.
    private func heldRefusal(_ offer: PinOffer) -> String {
        pins.refusal(server: offer.server, tool: offer.tool, exposedName: offer.exposedName)
            ?? "\(offer.exposedName) is held until a person accepts its definition."
    }
}
