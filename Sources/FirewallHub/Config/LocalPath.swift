#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// File-path strings, without Foundation. Each function reproduces what the hub used from Foundation
/// (named in its comment), so paths in messages did not change: a leading `~` or `~user` is expanded
/// from the password database, a relative path is taken from the current directory.
enum LocalPath {
    /// The absolute, standardized form of `path` (`URL(fileURLWithPath:).standardizedFileURL.path`):
    /// `.` and `..` resolved (never above `/`), repeated and trailing slashes removed.
    static func absolute(_ path: String) -> String {
        var components: [Substring] = []
        for component in urlPath(path).split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// `component` appended to `base` (`URL(fileURLWithPath: base).appendingPathComponent(component).path`):
    /// a relative base is taken from the current directory, an absolute one is kept as written.
    static func appending(_ component: String, to base: String) -> String {
        let directory = urlPath(base)
        return withoutTrailingSlash(directory.hasSuffix("/") ? directory + component : directory + "/" + component)
    }

    /// The directory holding `path` (`URL(fileURLWithPath: path).deletingLastPathComponent().path`).
    static func parentDirectory(_ path: String) -> String {
        var text = Substring(urlPath(path))
        while text.hasSuffix("/") { text = text.dropLast() }
        while let last = text.last, last != "/" { text = text.dropLast() }
        while text.hasSuffix("/") { text = text.dropLast() }
        return text.isEmpty ? "/" : String(text)
    }

    /// The last component (`NSString.lastPathComponent`): `/usr/bin/uvx` → `uvx`, `a/b/` → `b`, `/` → `/`.
    static func lastComponent(_ path: String) -> String {
        if path == "/" { return path }
        var text = Substring(path)
        if text.hasSuffix("/") {
            while text.hasSuffix("/") { text = text.dropLast() }
            if text.isEmpty { return "" }
        }
        guard let slash = text.lastIndex(of: "/") else { return String(text) }
        return String(text[text.index(after: slash)...])
    }

    /// Everything before the last component (`NSString.deletingLastPathComponent`): `/a/b` → `/a`,
    /// `/a` → `/`, `a` → ``; repeated slashes are collapsed.
    static func deletingLastComponent(_ path: String) -> String {
        if path == "/" { return path }
        let isAbsolute = path.hasPrefix("/")
        var components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else { return "" }
        components.removeLast()
        let joined = components.joined(separator: "/")
        return isAbsolute ? "/" + joined : joined
    }

    /// The current working directory (`FileManager.default.currentDirectoryPath`); `""` if it cannot be
    /// determined (it was removed, or is not reachable).
    static func currentDirectory() -> String {
        var capacity = Int(PATH_MAX) + 1
        while true {
            let result: String? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
                guard getcwd(buffer.baseAddress, buffer.count) != nil else { return nil }
                return String(cString: buffer.baseAddress!)
            }
            if let result { return result }
            guard errno == ERANGE, capacity < 1 << 20 else { return "" }
            capacity *= 2
        }
    }

    // MARK: - Private

    /// What `URL(fileURLWithPath:)` stores: `~` expanded; a relative path appended to the current
    /// directory with `.` and `..` resolved (repeated slashes kept); an absolute path as written.
    private static func urlPath(_ path: String) -> String {
        let expanded = expandingTilde(path)
        if expanded.hasPrefix("/") { return expanded }
        let directory = currentDirectory()
        return removingDotSegments(directory.hasSuffix("/") ? directory + expanded : directory + "/" + expanded)
    }

    private static func withoutTrailingSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// `~` and `~/…` from the current user's home, `~name` and `~name/…` from that user's; unchanged when
    /// the user is unknown.
    private static func expandingTilde(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        let afterTilde = path.dropFirst()
        let user = afterTilde.prefix { $0 != "/" }
        let rest = afterTilde.dropFirst(user.count)
        let home: String?
        if user.isEmpty {
            home = getpwuid(getuid()).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
        } else {
            home = getpwnam(String(user)).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
        }
        guard let home, !home.isEmpty else { return path }
        return home + rest
    }

    /// RFC 3986 §5.2.4 on an absolute path: `.` segments dropped, `..` removes the segment before it.
    private static func removingDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                _ = output.popLast()
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }
}
