import MCPWire

/// A held call whose approval form is open on the client.
struct ElicitationWait {
    var request: JSONRPCMessage.Request
    var call: FrozenCall
    var timer: Int
}

/// Held calls: choosing the channel that reaches the human, the elicitation round trip,
/// `firewall_confirm`, grants, and running the frozen call once approved.
extension HubRouter {
    func hold(_ request: JSONRPCMessage.Request, call: FrozenCall, target: TargetSession) {
        let approval = config.approval(for: target.config)
        // Open prompts count too: every way of waiting is bounded by approval.max_pending.
        if approvals.pendingCount + pendingElicitations.count >= config.approval.maxPending {
            let refusal = HoldRefusal.full(limit: config.approval.maxPending)
            log.warning("refused \(call.exposedName): \(HeldCallText.describe(refusal))")
            respond(request.id, result: HeldCallText.notHeld(call: call, refusal: refusal))
            return
        }
        if approval.elicitation, holdForModernClient(request, call: call) { return }
        // A modern client is never sent server→client requests (MRTR replaced them).
        let clientElicitation = ElicitationPrompt.clientSupportsForm(clientCapabilities) && !isModern(request.id)
        switch ApprovalChannel.choose(approval, clientElicitation: clientElicitation) {
        case .elicitation:
            askThroughElicitation(request, call: call, timeoutSeconds: approval.elicitationTimeoutSeconds)
        case let channel:
            holdWithCode(request, call: call, channel: channel, note: nil)
        }
    }

    /// Holds the call under a code and tells the model what happens next; the code goes to the human
    /// through `channel` (or, for `.agent`, in the result itself).
    func holdWithCode(_ request: JSONRPCMessage.Request, call: FrozenCall, channel: ApprovalChannel, note: String?) {
        let ttl = config.approval.codeTTLSeconds
        switch channel {
        case .elicitation, .unavailable:
            log.info("refused \(call.exposedName): it needs approval and no approval channel reaches a human")
            respond(
                request.id, result: HeldCallText.noChannel(exposedName: call.exposedName, rule: call.rule, note: note))
        case .unanswered:
            log.info(
                "refused \(call.exposedName): the approval prompt was not answered, and no other channel reaches a human"
            )
            respond(request.id, result: HeldCallText.unanswered(call: call, note: note ?? ""))
        case .agent(let announced):
            if announced && !announcedAgentFallback {
                announcedAgentFallback = true
                log.warning(
                    "no approval channel reaches a human (no elicitation-capable client, no approval.notify); "
                        + "approval.fallback is \"agent\", so approval codes are shown to the model: "
                        + "this protects against accidents only")
            }
            guard let held = holdInStore(request, call: call, withSessionCode: false) else { return }
            log.info("held \(call.exposedName) for approval as \(held.id), code in the result (\(call.rule))")
            respond(request.id, result: HeldCallText.held(call: call, held: held, ttlSeconds: ttl, note: note))
        case .outOfBand(let argv):
            guard let held = holdInStore(request, call: call, withSessionCode: true) else { return }
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
            respond(
                request.id,
                result: HeldCallText.heldOutOfBand(call: call, callID: held.id, ttlSeconds: ttl, note: note))
        }
    }

    /// Holds `call` in the approval store, or answers `request` with why it cannot wait (too many
    /// calls waiting, or codes locked after too many wrong ones) and returns nil.
    private func holdInStore(_ request: JSONRPCMessage.Request, call: FrozenCall, withSessionCode: Bool) -> HeldCall? {
        switch approvals.hold(call, now: now(), withSessionCode: withSessionCode) {
        case .success(let held):
            return held
        case .failure(let refusal):
            log.warning("refused \(call.exposedName): \(HeldCallText.describe(refusal))")
            respond(request.id, result: HeldCallText.notHeld(call: call, refusal: refusal))
            return nil
        }
    }

    // MARK: - Elicitation

    private func askThroughElicitation(_ request: JSONRPCMessage.Request, call: FrozenCall, timeoutSeconds: Int) {
        nextHubRequest += 1
        // Hub-initiated ids are strings in their own namespace, with a random part: a client's answer
        // can only match the exact pending approval it was asked about.
        let id = "mcp-firewall-hub/approval/\(nextHubRequest)/" + SHA256.hex(SecureRandom.bytes(8))
        let timer = startTimer(after: Double(timeoutSeconds), .elicitation(id))
        pendingElicitations[id] = ElicitationWait(request: request, call: call, timer: timer)
        log.info("asking the user to approve \(call.exposedName) (\(call.rule))")
        sendToClient(
            .request(.init(id: .string(id), method: "elicitation/create", params: ElicitationPrompt.params(for: call))))
    }

    /// The client answered a request the hub sent it. Late, duplicate or unknown answers are dropped.
    func handleClientResponse(_ response: JSONRPCMessage.Response) {
        if case .string(let id)? = response.id, routeAnswerToTarget(id, response) || routeAnswerToBridge(id, response) {
            return
        }
        guard case .string(let id)? = response.id, let wait = pendingElicitations.removeValue(forKey: id) else {
            log.debug("ignored a client response to unknown id \(response.id?.description ?? "null")")
            return
        }
        cancelTimer(wait.timer)
        switch response.outcome {
        case .error(let error):
            let note = "The client could not show the approval prompt (\(error.message))."
            holdWithCode(
                wait.request, call: wait.call,
                channel: ApprovalChannel.fallbackAfterElicitation(approvalConfig(wait.call)), note: note)
        case .result(let result):
            switch ElicitationPrompt.read(result) {
            case .approved(let scope):
                if let grant = grants.grant(scope, for: wait.call, via: "elicitation", now: now()) {
                    log.info("grant \(grant.id): \(wait.call.server)/\(wait.call.tool) for \(grant.scope)")
                }
                log.info("the user approved \(wait.call.exposedName); running it")
                runApproved(wait.call, answering: wait.request, meta: wait.call.meta)
            case .declined(let reason):
                log.info("\(wait.call.exposedName) was declined: \(reason)")
                respond(wait.request.id, result: HeldCallText.declined(call: wait.call, reason: reason))
            }
        }
    }

    func elicitationTimedOut(_ id: String) {
        guard let wait = pendingElicitations.removeValue(forKey: id) else { return }
        let approval = approvalConfig(wait.call)
        sendToClient(
            .notification(
                .init(
                    method: "notifications/cancelled",
                    params: ["requestId": .string(id), "reason": "no answer to the approval prompt in time"])))
        let note =
            "No answer to the approval prompt within \(approval.elicitationTimeoutSeconds) s (approval.elicitation_timeout_seconds)."
        holdWithCode(
            wait.request, call: wait.call, channel: ApprovalChannel.fallbackAfterElicitation(approval), note: note)
    }

    /// The client cancelled a call whose approval prompt is open: close the prompt, never answer.
    func cancelApprovalWaits(for clientID: RequestID) {
        for (id, bridge) in inputBridges where bridge.clientID == clientID {
            inputBridges[id] = nil
            bridgeRequests = bridgeRequests.filter { $0.value.bridge != id }
        }
        for (id, wait) in pendingElicitations where wait.request.id == clientID {
            pendingElicitations[id] = nil
            cancelTimer(wait.timer)
            sendToClient(.notification(.init(method: "notifications/cancelled", params: ["requestId": .string(id)])))
        }
    }

    /// Answers every call waiting on an approval prompt (the hub is shutting down).
    func failApprovalWaits(reason: String) {
        for (_, wait) in pendingElicitations {
            cancelTimer(wait.timer)
            respond(wait.request.id, result: HeldCallText.declined(call: wait.call, reason: reason))
        }
        pendingElicitations = [:]
    }

    private func approvalConfig(_ call: FrozenCall) -> ApprovalConfig {
        config.server(named: call.server).map { config.approval(for: $0) } ?? config.approval
    }

    // MARK: - firewall_confirm

    func handleConfirm(_ request: JSONRPCMessage.Request, arguments: JSONObject) {
        let confirm: ConfirmRequest
        switch ConfirmRequest.parse(arguments) {
        case .success(let parsed): confirm = parsed
        case .failure(let problem):
            respond(request.id, result: HeldCallText.confirmError(problem.message))
            return
        }
        let outcome =
            confirm.deny
            ? approvals.deny(code: confirm.code, callID: confirm.callID, now: now())
            : approvals.confirm(code: confirm.code, callID: confirm.callID, now: now())
        guard case .approved(let call, let scope) = outcome else {
            log.info("firewall_confirm: \(HeldCallText.describe(outcome))")
            respond(request.id, result: HeldCallText.confirmOutcome(outcome))
            return
        }
        // The scope is what the human's code grants (its session code), never an argument the model chose.
        if let grant = grants.grant(scope, for: call, via: "session code (firewall_confirm)", now: now()) {
            log.info("grant \(grant.id): \(call.server)/\(call.tool) for \(grant.scope)")
        }
        log.info("approved \(call.exposedName) with its code; running it")
        // The replay keeps the original call's `_meta`; a progress token of the confirm call wins,
        // because that is the request the client is now waiting on.
        var meta = call.meta ?? JSONObject()
        if let token = request.params?["_meta"]?["progressToken"] { meta["progressToken"] = token }
        runApproved(call, answering: request, meta: meta.isEmpty ? nil : meta)
    }

    /// Runs exactly the frozen call and answers `request` with the target's real result.
    func runApproved(_ call: FrozenCall, answering request: JSONRPCMessage.Request, meta: JSONObject?) {
        guard call.digestMatches, let target = targets.first(where: { $0.name == call.server }) else {
            respond(request.id, result: HeldCallText.confirmError("the held call no longer matches what was approved"))
            return
        }
        guard target.state == .ready else {
            respond(
                request.id,
                error: JSONRPCError(
                    code: JSONRPCError.targetUnavailableCode,
                    message: "\(call.exposedName): server \"\(target.name)\" is not available; the approval was used up"
                ))
            return
        }
        var replay = request
        replay.params = ["name": .string(call.tool)]
        let entry = CatalogEntry(
            exposedName: call.exposedName, server: call.server, tool: call.tool, definition: JSONObject())
        forward(replay, to: target, entry: entry, arguments: call.arguments, meta: meta)
    }
}
