/// A setting that is valid but risky, as a security reviewer would flag it: where it is, what can go
/// wrong, and what to change. `ConfigReview` finds them; `check` prints them (and fails on them with
/// `--strict`). A warning never stops `serve`.
struct ConfigWarning: Sendable, Equatable, CustomStringConvertible {
    enum Kind: String, Sendable, CaseIterable {
        /// Approval codes are put in the tool result, where the model reads them.
        case agentCodes
        /// Tools nothing names are allowed.
        case allowByDefault
        /// An `allow` rule judges SQL or shell text with a regex.
        case regexAllowOnCode
        /// An `allow` rule's pattern is not anchored, so it matches inside any text.
        case unanchoredAllow
        /// A deny/approve pattern on SQL is case-sensitive.
        case caseSensitiveDeny
        /// A rule can never apply: an earlier one always decides first.
        case shadowedRule
        /// Two servers' tools can end up with the same name.
        case nameCollision
        /// A server without a `policy` block.
        case noPolicy
        /// Held calls of a server can never be approved: no channel reaches a human.
        case noApprovalChannel
        /// `code_delivery: out_of_band` without a notify command.
        case outOfBandWithoutNotify
        /// The notify command runs a shell over text the model chose.
        case shellNotify
        /// Approval codes a model could guess within one session.
        case guessableCodes
        /// An approval prompt that outlives the client's wait for the call.
        case longElicitation
        /// Tool names some clients refuse.
        case clientRejectsNames
        /// The server's command or working directory is not there (from here).
        case serverNotStartable
        /// hub.json holds literal secrets and other users can read it.
        case readableSecrets
        /// With `--start`: a literal tool name in the policy names no tool of the server.
        case unknownTool
        /// With `--start`: a rule's argument is not in the schema of any tool it applies to.
        case unknownArgument
        /// `pins.enabled: false`: a server can change what its tools tell the model unnoticed.
        case pinningOff
    }

    var kind: Kind
    var file: String
    /// Where the setting is, e.g. `servers.db.policy.rules[1]`; "" for the whole file.
    var jsonPath: String
    var message: String
    var fix: String

    var description: String {
        ([file, jsonPath].filter { !$0.isEmpty } + [message]).joined(separator: ": ")
    }
}
