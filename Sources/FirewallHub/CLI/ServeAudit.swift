#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `serve`'s own records in the audit trail: the trail is opened, and `session_start` written, before
/// any server starts (so an unwritable trail stops a fail-closed hub before it can forward anything);
/// `session_end` when it stops. The router writes everything in between.
enum ServeAudit {
    /// `serve --audit PATH` over hub.json: the path replaces `audit.path` (relative to the current
    /// folder); the other audit settings stay as configured, or take their defaults.
    static func apply(auditPath: String?, to config: inout HubConfig) {
        guard let auditPath else { return }
        let path = LocalPath.absolute(auditPath)
        if config.audit == nil {
            config.audit = AuditConfig(path: path)
        } else {
            config.audit?.path = path
        }
    }

    /// The trail (nil when audit is off), with `session_start` written. A failure is returned only when
    /// `on_failure` is `fail_closed`; with `fail_open` it is logged and the hub goes on.
    static func start(config: HubConfig, log: HubLog) -> Result<AuditTrail?, AuditFailure> {
        guard let audit = config.audit else { return .success(nil) }
        let trail = AuditTrail(config: audit, redactor: AuditRedactor(config: config))
        let start = AuditSessionStart(
            hubVersion: HubVersion.version, pid: Int(getpid()), configPath: config.filePath,
            servers: config.servers.map(\.name))
        switch trail.admit(.sessionStart(start)) {
        case .recorded:
            log.debug("audit: session \(trail.session) recorded in \(audit.path)")
            return .success(trail)
        case .unrecorded(let failure):
            log.warning("audit: \(failure); going on without a record (audit.on_failure is fail_open)")
            return .success(trail)
        case .refused(let failure):
            log.error("audit: \(failure); not starting (audit.on_failure is fail_closed)")
            return .failure(failure)
        }
    }

    static func end(_ trail: AuditTrail?, log: HubLog) {
        guard let trail else { return }
        if case .failure(let failure) = trail.append(.sessionEnd(reason: "serve stopped")) {
            log.warning("audit: \(failure)")
        }
    }
}
