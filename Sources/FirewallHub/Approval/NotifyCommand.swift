import MCPWire
import Synchronization

/// The user's `approval.notify` command: how an out-of-band approval code reaches the human.
///
/// Run as an argv (no shell), with its output discarded — a command that echoes its arguments must
/// not put the code in the hub's logs. Failures are reported without the code.
struct NotifyCommand: Sendable {
    let argv: [String]

    static let placeholders = [
        "{code}", "{session_code}", "{call_id}", "{server}", "{tool}", "{arguments}", "{summary}", "{call_file}",
    ]
    static let timeoutSeconds = 10.0

    /// What the placeholders stand for, for one held call.
    struct Values: Sendable {
        var held: HeldCall
        var call: FrozenCall
        var ttlSeconds: Int
        /// The whole frozen call on disk, when the summary had to shorten it (`HeldCallFile`).
        var fullCallPath: String?

        var table: [String: String] {
            let summary =
                call.definition.map {
                    PinPrompt.codeSummary($0, callID: held.id, code: held.code, ttlSeconds: ttlSeconds)
                }
                ?? ApprovalSummary(call: call, callID: held.id).text(
                    code: held.code, sessionCode: held.sessionCode, ttlSeconds: ttlSeconds, fullCallPath: fullCallPath)
            return [
                "{code}": held.code, "{session_code}": held.sessionCode ?? "", "{call_id}": held.id,
                "{server}": call.server, "{tool}": call.tool,
                "{arguments}": NotifyCommand.visibleJSON(.object(call.arguments ?? JSONObject())), "{summary}": summary,
                "{call_file}": fullCallPath ?? "",
            ]
        }
    }

    /// Compact JSON with every character that hides or reorders text (bidirectional controls, zero-width
    /// ones, line separators) written as a `\u` escape: the same value, but what a human reads is what runs.
    static func visibleJSON(_ value: JSONValue) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.serialized().unicodeScalars {
            if TargetPrompt.isHiding(scalar) || (0x2028...0x2029).contains(scalar.value) {
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The argv with every placeholder replaced in every element.
    func expanded(_ values: Values) -> [String] {
        let table = values.table
        return argv.map { element in
            var result = ""
            var rest = Substring(element)
            outer: while !rest.isEmpty {
                for placeholder in Self.placeholders where rest.hasPrefix(placeholder) {
                    result += table[placeholder]!
                    rest = rest.dropFirst(placeholder.count)
                    continue outer
                }
                result.append(rest.removeFirst())
            }
            return result
        }
    }

    /// Runs it; `completion` gets nil on success or a description of the failure (never the code).
    func run(
        _ values: Values, environment: [String: String], completion: @escaping @Sendable (String?) -> Void
    ) {
        let expanded = expanded(values)
        let spec = SpawnSpec(
            command: expanded[0], arguments: Array(expanded.dropFirst()), environment: environment)
        let reported = Mutex(false)
        let firstReport: @Sendable () -> Bool = {
            reported.withLock { done in
                defer { done = true }; return !done
            }
        }
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(spec) { event in
                guard case .exited(let status) = event, firstReport() else { return }
                completion(status.isSuccess ? nil : "the notify command \(argv[0]) failed (\(status))")
            }
        } catch {
            completion("the notify command \(argv[0]) could not start: \(Self.describe(error))")
            return
        }
        process.closeStdin()
        let name = argv[0]
        Task.detached {
            try? await Task.sleep(for: .seconds(Self.timeoutSeconds))
            guard !process.hasExited, firstReport() else { return }
            completion("the notify command \(name) did not finish within \(Int(Self.timeoutSeconds)) s")
            await process.shutdown(grace: .milliseconds(500))
        }
    }

    /// The spawn error without any argument (arguments may carry the code).
    private static func describe(_ error: SpawnError) -> String {
        switch error {
        case .executableNotFound(let command, _): return "\(command) was not found on PATH"
        case .notExecutable(let path): return "\(path) is not executable"
        case .workingDirectoryMissing: return "its working directory is missing"
        case .interpreterNotFound(let script, let interpreter):
            return "\(script) needs \(interpreter), which is missing"
        case .spawnFailed(let command, let errno): return "\(command) failed to start (errno \(errno))"
        }
    }
}
