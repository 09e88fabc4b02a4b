import MCPWire
import Synchronization

/// The one owner of a hub process's audit trail: it stamps each event with time, session and client,
/// redacts it, and appends it to the shared file before returning. It keeps only the client identity
/// in memory; it never buffers a record (a record not on disk does not exist) and never logs one.
final class AuditTrail: Sendable {
    /// What a caller may do after offering a record (`admit`).
    enum Admission: Equatable {
        /// Written and flushed: go ahead.
        case recorded(Receipt)
        /// Not written, and `on_failure` is `fail_open`: go ahead, and log the failure.
        case unrecorded(AuditFailure)
        /// Not written, and `on_failure` is `fail_closed`: refuse the call with `refusal`.
        case refused(AuditFailure)

        var mayProceed: Bool {
            if case .refused = self { return false }
            return true
        }
    }

    struct Receipt: Equatable, Sendable {
        /// The `hash` of the record written.
        var hash: String
    }

    let session: String
    let onFailure: AuditConfig.OnFailure
    private let file: AuditFile
    private let redactor: AuditRedactor
    private let clock: @Sendable () -> AuditInstant
    private let client = Mutex<AuditClient?>(nil)

    init(
        config: AuditConfig, redactor: AuditRedactor, session: String = AuditTrail.newSessionID(),
        clock: @escaping @Sendable () -> AuditInstant = { AuditInstant.now() }
    ) {
        self.file = AuditFile(path: config.path, maxBytes: config.maxBytes, keep: config.keep)
        self.onFailure = config.onFailure
        self.redactor = redactor
        self.session = session
        self.clock = clock
    }

    var path: String { file.path }

    /// Writes `event` as one record and flushes it to disk before returning. A `.client` event also sets
    /// the client every later record names. Appends of one trail are serialized; other trails and
    /// other processes are excluded by the file lock.
    func append(_ event: AuditEvent) -> Result<Receipt, AuditFailure> {
        client.withLock { current in
            if case .client(let identified) = event { current = identified }
            let context = AuditRecordContext(time: clock(), session: session, client: current)
            let fields = AuditRecordBuilder.fields(for: event, context: context, redactor: redactor)
            return file.append([fields], context: context).map(Receipt.init(hash:))
        }
    }

    /// `append`, with `audit.on_failure` applied: what the router calls before it forwards a call.
    func admit(_ event: AuditEvent) -> Admission {
        switch append(event) {
        case .success(let receipt): return .recorded(receipt)
        case .failure(let failure): return onFailure == .failOpen ? .unrecorded(failure) : .refused(failure)
        }
    }

    /// The text of the error a refused call gets (JSON-RPC error message or tool-result text).
    static func refusal(_ failure: AuditFailure) -> String {
        "the call was not forwarded: the audit trail cannot record it (\(failure)); "
            + "audit.on_failure is fail_closed"
    }

    /// A fresh random session id: `h` and 16 hex digits.
    static func newSessionID() -> String {
        "h" + SHA256.hex(SecureRandom.bytes(8))
    }
}
