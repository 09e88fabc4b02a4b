import MCPWire

/// Owns: the flow of a held call — choosing the channel that reaches the human (MRTR, an elicitation
/// prompt, a code out of band or, as a fallback, in the result), `firewall_confirm`, and running the
/// frozen call once approved. Never: keeps what waits (the approval desk does) or runs anything but
/// exactly the frozen call.
extension HubRouter {
    /// `note` says why beyond the rule (session policy's trigger), in the held-call result.
    func hold(_ request: ClientRequest, call: FrozenCall, target: TargetSession, note: String? = nil) {
        let approval = config.approval(for: target.config)
        // Open prompts count too: every way of waiting is bounded by approval.max_pending.
        if desk.isFull {
            let refusal = HoldRefusal.full(limit: config.approval.maxPending)
            log.warning("refused \(call.exposedName): \(HeldCallText.describe(refusal))")
            auditRecord(
                .decision(
                    auditCall(request.ticket, call), .refused(rule: call.rule, reason: HeldCallText.describe(refusal))))
            answer(request.ticket, result: HeldCallText.notHeld(call: call, refusal: refusal))
            return
        }
        if approval.elicitation, holdForModernClient(request, call: call) { return }
        // A modern client is never sent server→client requests (MRTR replaced them).
        let clientElicitation = ElicitationPrompt.clientSupportsForm(client.capabilities) && !request.isModern
        switch ApprovalChannel.choose(approval, clientElicitation: clientElicitation) {
        case .elicitation:
            askThroughElicitation(request, call: call, timeoutSeconds: approval.elicitationTimeoutSeconds)
        case let channel:
            holdWithCode(request, call: call, channel: channel, note: note)
        }
    }

    /// For a modern client that declared form elicitation, a held call answers an `InputRequiredResult`.
    /// Returns false when this request is not such (the other channels apply).
    private func holdForModernClient(_ request: ClientRequest, call: FrozenCall) -> Bool {
        guard let modern = request.modern, ModernApprovalPrompt.clientCanAnswer(modern) else { return false }
        guard
            auditAdmit(
                .decision(auditCall(request.ticket, call), .held(rule: call.rule, channel: .elicitation)),
                refusing: request.ticket)
        else { return true }
        let result = desk.holdModern(call, now: now())
        log.info("asking the user to approve \(call.exposedName) through the client (input_required; \(call.rule))")
        answer(request.ticket, result: .object(result))
        return true
    }

    /// Holds the call under a code and tells the model what happens next; the code goes to the human
    /// through `channel` (or, for `.agent`, in the result itself).
    func holdWithCode(_ request: ClientRequest, call: FrozenCall, channel: ApprovalChannel, note: String?) {
        let ttl = config.approval.codeTTLSeconds
        switch channel {
        case .elicitation, .unavailable:
            log.info("refused \(call.exposedName): it needs approval and no approval channel reaches a human")
            auditRecord(
                .decision(
                    auditCall(request.ticket, call),
                    .refused(rule: call.rule, reason: "no approval channel reaches a human")))
            answer(
                request.ticket,
                result: HeldCallText.noChannel(exposedName: call.exposedName, rule: call.rule, note: note))
        case .unanswered:
            log.info(
                "refused \(call.exposedName): the approval prompt was not answered, and no other channel reaches a human"
            )
            auditRecord(
                .decision(
                    auditCall(request.ticket, call),
                    .refused(rule: call.rule, reason: "the approval prompt was not answered")))
            answer(request.ticket, result: HeldCallText.unanswered(call: call, note: note ?? ""))
        case .agent(let announced):
            if announced && desk.firstAgentFallback() {
                log.warning(
                    "no approval channel reaches a human (no elicitation-capable client, no approval.notify); "
                        + "approval.fallback is \"agent\", so approval codes are shown to the model: "
                        + "this protects against accidents only")
            }
            guard
                auditAdmit(
                    .decision(auditCall(request.ticket, call), .held(rule: call.rule, channel: .codeToAgent)),
                    refusing: request.ticket),
                let held = holdInStore(request, call: call, withSessionCode: false)
            else { return }
            log.info("held \(call.exposedName) for approval as \(held.id), code in the result (\(call.rule))")
            answer(request.ticket, result: HeldCallText.held(call: call, held: held, ttlSeconds: ttl, note: note))
        case .outOfBand(let argv):
            guard
                auditAdmit(
                    .decision(auditCall(request.ticket, call), .held(rule: call.rule, channel: .codeOutOfBand)),
                    refusing: request.ticket),
                let held = holdInStore(request, call: call, withSessionCode: true)
            else { return }
            log.info("held \(call.exposedName) for approval as \(held.id), code sent out of band (\(call.rule))")
            var fullCallPath: String?
            if ApprovalSummary(call: call, callID: held.id).describeCall().cut {
                switch HeldCallFile.write(call, callID: held.id, environment: environment) {
                case .success(let path): fullCallPath = path
                case .failure(let failure):
                    log.warning("approval \(held.id): could not save the whole call for the user (\(failure))")
                }
            }
            let log = self.log
            let callID = held.id
            let values = NotifyCommand.Values(held: held, call: call, ttlSeconds: ttl, fullCallPath: fullCallPath)
            NotifyCommand(argv: argv).run(values, environment: environment) { failure in
                if let failure {
                    log.warning("approval \(callID): \(failure); the call stays held until its code expires")
                }
            }
            answer(
                request.ticket,
                result: HeldCallText.heldOutOfBand(call: call, callID: held.id, ttlSeconds: ttl, note: note))
        }
    }

    /// Holds `call` at the desk under a code, or answers with why it cannot wait (too many calls
    /// waiting, or codes locked after too many wrong ones) and returns nil.
    private func holdInStore(_ request: ClientRequest, call: FrozenCall, withSessionCode: Bool) -> HeldCall? {
        switch desk.hold(call, now: now(), withSessionCode: withSessionCode) {
        case .success(let held):
            return held
        case .failure(let refusal):
            log.warning("refused \(call.exposedName): \(HeldCallText.describe(refusal))")
            answer(request.ticket, result: HeldCallText.notHeld(call: call, refusal: refusal))
            return nil
        }
    }

    // MARK: - Elicitation

    private func askThroughElicitation(_ request: ClientRequest, call: FrozenCall, timeoutSeconds: Int) {
        guard
            auditAdmit(
                .decision(auditCall(request.ticket, call), .held(rule: call.rule, channel: .elicitation)),
                refusing: request.ticket)
        else { return }
        let (id, params) = desk.openPrompt(for: request, call: call)
        desk.setTimer(timers.start(after: Double(timeoutSeconds), .elicitation(id)), prompt: id)
        calls.park(request.ticket, .awaitingApproval)
        log.info("asking the user to approve \(call.exposedName) (\(call.rule))")
        sendToClient(.request(.init(id: .string(id), method: "elicitation/create", params: params)))
    }

    /// The client answered an approval prompt.
    func promptAnswered(_ prompt: ApprovalDesk.Prompt, _ outcome: JSONRPCMessage.Response.Outcome) {
        timers.cancel(prompt.timer)
        if let offer = prompt.definition {
            definitionPromptAnswered(prompt, offer: offer, outcome)
            return
        }
        switch outcome {
        case .error(let error):
            auditRecord(
                .approval(
                    auditCall(prompt.request.ticket, prompt.call),
                    AuditApproval(result: .unanswered, channel: .elicitation)))
            let note = "The client could not show the approval prompt (\(error.message))."
            holdWithCode(
                prompt.request, call: prompt.call,
                channel: ApprovalChannel.fallbackAfterElicitation(approvalConfig(prompt.call)), note: note)
        case .result(let result):
            switch ElicitationPrompt.read(result) {
            case .approved(let scope):
                let grant = desk.grant(scope, for: prompt.call, via: "elicitation", now: now())
                if let grant {
                    log.info("grant \(grant.id): \(prompt.call.server)/\(prompt.call.tool) for \(grant.scope)")
                }
                let approval = AuditApproval(
                    result: .approved, channel: .elicitation, scope: "\(scope)", grantID: grant?.id)
                guard
                    auditAdmit(
                        .approval(auditCall(prompt.request.ticket, prompt.call), approval),
                        refusing: prompt.request.ticket)
                else { return }
                log.info("the user approved \(prompt.call.exposedName); running it")
                runApproved(prompt.call, answering: prompt.request, meta: prompt.call.meta)
            case .declined(let reason):
                log.info("\(prompt.call.exposedName) was declined: \(reason)")
                auditRecord(
                    .approval(
                        auditCall(prompt.request.ticket, prompt.call),
                        AuditApproval(result: .denied, channel: .elicitation)))
                answer(prompt.request.ticket, result: HeldCallText.declined(call: prompt.call, reason: reason))
            }
        }
    }

    func promptTimedOut(_ id: String) {
        guard let prompt = desk.closePrompt(id) else { return }
        if let offer = prompt.definition {
            notifyClient(
                .init(
                    method: "notifications/cancelled",
                    params: ["requestId": .string(id), "reason": "no answer to the prompt in time"]))
            definitionPromptFailed(prompt, offer: offer, because: "The user did not answer the prompt in time.")
            return
        }
        let approval = approvalConfig(prompt.call)
        auditRecord(
            .approval(
                auditCall(prompt.request.ticket, prompt.call), AuditApproval(result: .unanswered, channel: .elicitation)
            ))
        notifyClient(
            .init(
                method: "notifications/cancelled",
                params: ["requestId": .string(id), "reason": "no answer to the approval prompt in time"]))
        let note =
            "No answer to the approval prompt within \(approval.elicitationTimeoutSeconds) s (approval.elicitation_timeout_seconds)."
        holdWithCode(
            prompt.request, call: prompt.call, channel: ApprovalChannel.fallbackAfterElicitation(approval), note: note)
    }

    /// Answers every call waiting on an approval prompt (the hub is shutting down).
    func failApprovalWaits(reason: String) {
        for prompt in desk.closeAllPrompts() {
            timers.cancel(prompt.timer)
            answer(prompt.request.ticket, result: HeldCallText.declined(call: prompt.call, reason: reason))
        }
    }

    private func approvalConfig(_ call: FrozenCall) -> ApprovalConfig {
        config.server(named: call.server).map { config.approval(for: $0) } ?? config.approval
    }

    // MARK: - firewall_confirm

    func handleConfirm(_ request: ClientRequest, arguments: JSONObject) {
        let confirm: ConfirmRequest
        switch ConfirmRequest.parse(arguments) {
        case .success(let parsed): confirm = parsed
        case .failure(let problem):
            answer(request.ticket, result: HeldCallText.confirmError(problem.message))
            return
        }
        let (outcome, grant) = desk.confirm(confirm, now: now())
        if case .denied(let call) = outcome {
            auditRecord(
                .approval(auditCall(request.ticket, call), AuditApproval(result: .denied, channel: codeChannel(call))))
        }
        guard case .approved(let call, let scope) = outcome else {
            log.info("firewall_confirm: \(HeldCallText.describe(outcome))")
            answer(request.ticket, result: HeldCallText.confirmOutcome(outcome))
            return
        }
        // The scope is what the human's code grants (its session code), never an argument the model chose.
        if let grant { log.info("grant \(grant.id): \(call.server)/\(call.tool) for \(grant.scope)") }
        log.info(
            call.definition == nil
                ? "approved \(call.exposedName) with its code; running it"
                : "the code for \(call.exposedName)'s held definition was given")
        let approval = AuditApproval(
            result: .approved, channel: codeChannel(call), scope: "\(scope)", grantID: grant?.id)
        guard auditAdmit(.approval(auditCall(request.ticket, call), approval), refusing: request.ticket) else { return }
        if let offer = call.definition {
            acceptDefinition(offer, channel: .codeOutOfBand, answering: request.ticket)
            return
        }
        // The replay keeps the original call's `_meta`; a progress token of the confirm call wins,
        // because that is the request the client is now waiting on.
        var meta = call.meta ?? JSONObject()
        if let token = request.params?["_meta"]?["progressToken"] { meta["progressToken"] = token }
        runApproved(call, answering: request, meta: meta.isEmpty ? nil : meta)
    }

    /// How a held call's code reached the human: out of band when the server's approval has a notify
    /// command, else in the result.
    private func codeChannel(_ call: FrozenCall) -> AuditChannel {
        approvalConfig(call).notify != nil ? .codeOutOfBand : .codeToAgent
    }

    /// Runs exactly the frozen call and answers `request` with the target's real result.
    func runApproved(_ call: FrozenCall, answering request: ClientRequest, meta: JSONObject?) {
        guard call.digestMatches, let target = pool.named(call.server) else {
            answer(
                request.ticket, result: HeldCallText.confirmError("the held call no longer matches what was approved"))
            return
        }
        guard target.state == .ready else {
            answer(
                request.ticket,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(call.exposedName): server \"\(target.name)\" is not available; the approval was used up"
                ))
            return
        }
        // hub.json may have been reloaded since the hold: a human's approval stands, but never over a
        // policy that now denies the call or a tool its server no longer offers.
        switch catalog.redecide(server: call.server, tool: call.tool, arguments: call.arguments) {
        case nil:
            answer(
                request.ticket,
                result: HeldCallText.confirmError("\(call.exposedName) is no longer offered; the approval was used up"))
            return
        case let decision? where decision.action == .deny:
            log.info("approved \(call.exposedName), but the policy now denies it (\(decision.rule)); not running it")
            answer(request.ticket, result: HeldCallText.denied(exposedName: call.exposedName, rule: decision.rule))
            return
        default: break
        }
        if let refusal = sessionRefusal(of: call) {
            answer(request.ticket, result: refusal)
            return
        }
        // Its definition may have changed while the call waited: an approval of the call is not an
        // acceptance of a new definition.
        if let refusal = pins.refusal(server: call.server, tool: call.tool, exposedName: call.exposedName) {
            log.info("approved \(call.exposedName), but its definition is now held by its pin; not running it")
            answer(request.ticket, result: HeldCallText.toolError(refusal))
            return
        }
        var replay = request
        replay.request.params = ["name": .string(call.tool)]
        let entry = CatalogEntry(
            exposedName: call.exposedName, server: call.server, tool: call.tool, definition: JSONObject())
        forwardCall(replay, to: target, entry: entry, arguments: call.arguments, meta: meta)
    }
}
