import MCPWire

extension PolicyEngine {
    /// Words that make a tool name look like it changes something. Matched case-insensitively as
    /// substrings of the original tool name (so "rm" also matches "format", "set" matches "settings":
    /// deliberately conservative). A name containing any of them is never auto-allowed by annotations.
    static let destructiveWords: [String] = [
        "delete", "drop", "remove", "refund", "pay", "transfer", "send", "write", "update", "create", "exec",
        "execute", "insert", "truncate", "alter", "destroy", "kill", "purge", "wipe", "reset", "revoke", "grant",
        "charge", "cancel", "move", "rename", "push", "merge", "deploy", "publish", "post", "put", "patch", "set",
        "upload", "run", "shell", "admin", "sudo", "rm", "format",
    ]

    /// Provenance strings of step 4.
    static let readOnlyProvenance = "annotation readOnlyHint"
    static let builtInProvenance = "built-in default"

    /// The first destructive word found in `tool`, if any.
    static func destructiveWord(in tool: String) -> String? {
        let lowered = tool.lowercased()
        return destructiveWords.first { lowered.contains($0) }
    }

    /// Step 4: allow a tool annotated `readOnlyHint: true` (and not `destructiveHint: true`) whose name
    /// holds no destructive word; approve everything else.
    static func builtInDecision(tool: String, annotations: JSONObject?) -> PolicyDecision {
        let readOnly = annotations?["readOnlyHint"] == .bool(true)
        let destructive = annotations?["destructiveHint"] == .bool(true)
        if readOnly && !destructive && destructiveWord(in: tool) == nil {
            return PolicyDecision(action: .allow, rule: readOnlyProvenance)
        }
        return PolicyDecision(action: .approve, rule: builtInProvenance)
    }
}
