import MCPWire

/// Owns: asking a person, through the client's form, whether to accept a held tool definition when the
/// agent calls it (`PinPrompt`), and what follows from the answer. Never: accepts without a person's
/// `accept: true`, accepts anything but the definition shown, or runs the call that asked.
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

    /// The person answered the definition prompt: an acceptance pins exactly what was shown and
    /// releases it (the client hears its list changed); the call that asked is answered, not run.
    func definitionPromptAnswered(
        _ prompt: ApprovalDesk.Prompt, offer: PinOffer, _ outcome: JSONRPCMessage.Response.Outcome
    ) {
        guard case .result(let result) = outcome, PinPrompt.accepts(result) else {
            definitionNotAccepted(prompt, offer: offer, because: "The user did not accept it.")
            return
        }
        switch pins.accept(offer) {
        case .success(true):
            log.info("the user accepted the definition of \(offer.server).\(offer.tool) (\(offer.hash.prefix(12)))")
            auditRecord(
                .pin(
                    AuditPinEvent(
                        kind: .accepted, server: offer.server, tool: offer.tool, hash: offer.hash,
                        channel: .elicitation)))
            if let target = pool.named(offer.server), target.state == .ready { pinSighting(target) }
            let before = catalog.items(.tools)
            rebuildCatalog()
            if before != catalog.items(.tools) { notifyListChanged(.tools) }
            answer(
                prompt.request.ticket,
                result: HeldCallText.toolError(
                    "The user accepted the \(offer.isNew ? "new tool" : "new definition of") \(offer.exposedName); it "
                        + "is listed now. This call was not run: read the tool's definition again (tools/list) and "
                        + "call it again only if it still fits the task."))
        case .success(false):
            definitionNotAccepted(
                prompt, offer: offer,
                because: "Its definition changed again before it could be pinned; nothing was accepted.")
        case .failure(let failure):
            log.error("pins: could not record the acceptance of \(offer.server).\(offer.tool): \(failure)")
            definitionNotAccepted(prompt, offer: offer, because: "The acceptance could not be recorded.")
        }
    }

    /// The call that asked is refused, with why the definition is still held.
    func definitionNotAccepted(_ prompt: ApprovalDesk.Prompt, offer: PinOffer, because reason: String) {
        log.info("\(offer.exposedName): the definition stays held (\(reason))")
        let refusal =
            pins.refusal(server: offer.server, tool: offer.tool, exposedName: offer.exposedName)
            ?? "\(offer.exposedName) is held until a person accepts its definition."
        answer(prompt.request.ticket, result: HeldCallText.toolError(refusal + " " + reason))
    }
}
