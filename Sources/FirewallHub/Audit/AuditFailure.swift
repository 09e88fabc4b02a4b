#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a record could not be appended to the audit trail. Rendered once, where the call is refused
/// (or, with `on_failure: fail_open`, where the failure is logged). Never carries record contents.
enum AuditFailure: Error, Equatable, CustomStringConvertible {
    case cannotCreateFolder(path: String, errno: Int32)
    case cannotOpen(path: String, errno: Int32)
    case cannotLock(path: String, errno: Int32)
    case cannotRead(path: String, errno: Int32)
    case cannotWrite(path: String, errno: Int32)
    case cannotSync(path: String, errno: Int32)
    case cannotRotate(path: String, errno: Int32)
    /// The file's last line is not a record the chain can continue from (edited or not an audit file).
    case unusableTail(path: String, reason: String)

    var description: String {
        switch self {
        case .cannotCreateFolder(let path, let code): return "cannot create the folder of \(path): \(Self.text(code))"
        case .cannotOpen(let path, let code): return "cannot open \(path): \(Self.text(code))"
        case .cannotLock(let path, let code): return "cannot lock \(path): \(Self.text(code))"
        case .cannotRead(let path, let code): return "cannot read \(path): \(Self.text(code))"
        case .cannotWrite(let path, let code): return "cannot write \(path): \(Self.text(code))"
        case .cannotSync(let path, let code): return "cannot flush \(path) to disk: \(Self.text(code))"
        case .cannotRotate(let path, let code): return "cannot rotate \(path): \(Self.text(code))"
        case .unusableTail(let path, let reason):
            return "the last record of \(path) cannot be continued (\(reason)); "
                + "check it with `mcp-firewall-hub audit verify \(path)` and move the file aside"
        }
    }

    private static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
