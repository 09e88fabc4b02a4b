import MCPWire

/// Warnings about how held calls reach a human: codes the model sees, channels that cannot reach
/// anyone, notify commands a model's text can reach a shell through, guessable codes.
extension ConfigReview {
    static func approvalWarnings(_ config: HubConfig, document: JSONValue, into review: inout Collector) {
        var blocks: [(path: String, overrides: ApprovalOverrides?, effective: ApprovalConfig)] = [
            ("approval", nil, config.approval)
        ]
        for server in config.servers where server.approval != nil {
            blocks.append(("\(server.jsonPath).approval", server.approval, config.approval(for: server)))
        }
        for (index, block) in blocks.enumerated() {
            // The global block is judged on what it sets; a server's block on what it changes.
            let isGlobal = index == 0
            let setsDelivery =
                isGlobal ? document["approval"]?["code_delivery"] != nil : block.overrides?.codeDelivery != nil
            let setsFallback = isGlobal ? document["approval"]?["fallback"] != nil : block.overrides?.fallback != nil
            let setsNotify = isGlobal ? block.effective.notify != nil : block.overrides?.notify != nil
            let effective = block.effective
            if setsDelivery, effective.codeDelivery == .agent {
                review.add(
                    .agentCodes, at: block.path + ".code_delivery",
                    "approval codes are put in the tool result, where the model reads them: a misled or "
                        + "prompt-injected model can approve its own calls (this protects against accidents only)",
                    fix: "remove code_delivery and set approval.notify (codes out of band), or rely on clients "
                        + "with elicitation")
            }
            if setsFallback, effective.fallback == .agent, effective.codeDelivery != .agent {
                review.add(
                    .agentCodes, at: block.path + ".fallback",
                    "when no client form or notify command reaches a human, approval codes go to the model, "
                        + "which can then approve its own calls",
                    fix: "remove fallback (held calls are then refused with how to set up a channel), or set "
                        + "approval.notify")
            }
            if setsDelivery, effective.codeDelivery == .outOfBand, effective.notify == nil {
                review.add(
                    .outOfBandWithoutNotify, at: block.path + ".code_delivery",
                    "code_delivery is \"out_of_band\" but no notify command is set, so no code can be sent",
                    fix: "set approval.notify, e.g. [\"notify-send\", \"MCP approval\", \"{summary}\"]")
            }
            if setsNotify, let argv = effective.notify, let problem = shellNotifyProblem(argv) {
                review.add(
                    .shellNotify, at: block.path + ".notify",
                    "the notify command runs a shell over \(problem), which holds the call's arguments: the model "
                        + "chooses them, so a call can run commands on your machine",
                    fix: "pass placeholders as their own argv elements, never inside a shell script: "
                        + "[\"notify-send\", \"MCP approval\", \"{summary}\"]")
            }
            let setsTimeout =
                isGlobal
                ? document["approval"]?["elicitation_timeout_seconds"] != nil
                : block.overrides?.elicitationTimeoutSeconds != nil
            if setsTimeout, effective.elicitationTimeoutSeconds > 55 {
                review.add(
                    .longElicitation, at: block.path + ".elicitation_timeout_seconds",
                    "common clients give up on a tool call after about 60 s, so a prompt open for "
                        + "\(effective.elicitationTimeoutSeconds) s can outlive the call it asks about",
                    fix: "keep it at 50 (the default) or below 55")
            }
        }
        noChannelWarnings(config, into: &review)
        let chance = Double(config.approval.maxWrongCodes * 2) / pow10(config.approval.codeDigits)
        if chance > 0.001 {
            review.add(
                .guessableCodes, at: "approval.max_wrong_codes",
                "a model guessing codes has about a \(percent(chance)) chance per session of hitting a live code "
                    + "(\(config.approval.maxWrongCodes) wrong codes × 2 live codes in 10^\(config.approval.codeDigits))",
                fix: "lower max_wrong_codes (10 is the default) or raise code_digits")
        }
    }

    /// Servers whose held calls nothing can approve: no client form, no notify command, no agent codes.
    private static func noChannelWarnings(_ config: HubConfig, into review: inout Collector) {
        func unreachable(_ approval: ApprovalConfig) -> Bool {
            !approval.elicitation && approval.notify == nil && approval.codeDelivery != .agent
                && approval.fallback != .agent
        }
        let affected = config.servers.filter { unreachable(config.approval(for: $0)) }
        guard !affected.isEmpty else { return }
        let message =
            "approval.elicitation is false and no notify command is set, so every call the policy sends to "
            + "approval is refused (nothing can reach a human)"
        let fix =
            "set approval.notify (e.g. [\"notify-send\", \"MCP approval\", \"{summary}\"]) or enable elicitation; "
            + "or deny those tools outright"
        if affected.count == config.servers.count, unreachable(config.approval) {
            review.add(.noApprovalChannel, at: "approval.elicitation", message, fix: fix)
        } else {
            for server in affected {
                review.add(
                    .noApprovalChannel, at: server.jsonPath + ".approval", "for server \"\(server.name)\", " + message,
                    fix: fix)
            }
        }
    }

    /// What of a notify argv reaches a shell as script text: the placeholders carrying text a model or a
    /// server chose, inside the script of a `sh -c` (or similar). Nil when none does: a placeholder given
    /// to a script file as an argument is data, not code.
    static func shellNotifyProblem(_ argv: [String]) -> String? {
        let shells: Set<String> = [
            "sh", "bash", "zsh", "dash", "ksh", "fish", "csh", "tcsh", "pwsh", "powershell", "cmd",
        ]
        guard let program = argv.first, shells.contains(LocalPath.lastComponent(program)) else { return nil }
        func isScriptFlag(_ word: String) -> Bool {
            if ["/c", "/C", "-Command", "-command"].contains(word) { return true }
            return word.hasPrefix("-") && !word.hasPrefix("--") && word.dropFirst().allSatisfy(\.isLetter)
                && word.contains("c")
        }
        guard let flag = argv.indices.dropFirst().first(where: { isScriptFlag(argv[$0]) }), flag + 1 < argv.count
        else { return nil }
        let script = argv[flag + 1]
        let found = ["{summary}", "{arguments}", "{tool}", "{server}"].filter { script.contains($0) }
        return found.isEmpty ? nil : found.joined(separator: " and ")
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    private static func percent(_ fraction: Double) -> String {
        let tenths = Int((fraction * 1000).rounded())
        return tenths >= 10 ? "\(tenths / 10).\(tenths % 10) %" : "0.\(tenths) %"
    }
}
