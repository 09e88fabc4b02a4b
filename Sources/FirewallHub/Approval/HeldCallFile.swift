import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The whole frozen call of a held call, saved for the human when the out-of-band text had to shorten
/// it: `<state dir>/held/<hub pid>-<call id>.json`, mode 0600 in a 0700 folder. Never holds a code.
enum HeldCallFile {
    /// Files older than this are removed whenever a new one is written.
    static let keepSeconds = 24 * 3600

    /// Writes the file and returns its path, or nil (with why) when it could not be written.
    static func write(_ call: FrozenCall, callID: String, environment: [String: String]) -> Result<
        String, LocalFile.WriteFailure
    > {
        guard let state = StateDirectory.path(environment: environment) else {
            return .failure(LocalFile.WriteFailure(step: "no $XDG_STATE_HOME or $HOME to keep it in", code: ENOENT))
        }
        let folder = state + "/held"
        if case .failure(let failure) = LocalFile.makeDirectories(folder) { return .failure(failure) }
        removeOldFiles(in: folder)
        let path = folder + "/\(getpid())-\(callID).json"
        let document: JSONValue = [
            "call_id": .string(callID), "server": .string(call.server), "tool": .string(call.tool),
            "exposed_name": .string(call.exposedName), "arguments": .object(call.arguments ?? JSONObject()),
            "digest": .string(SHA256.hex(call.digest)), "rule": .string(call.rule),
        ]
        switch LocalFile.writeAtomically(Array((document.prettyPrinted() + "\n").utf8), to: path) {
        case .success: return .success(path)
        case .failure(let failure): return .failure(failure)
        }
    }

    private static func removeOldFiles(in folder: String) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(".json") else { continue }
            var info = stat()
            let path = folder + "/" + name
            guard stat(path, &info) == 0 else { continue }
            #if canImport(Darwin)
                let modified = Int(info.st_mtimespec.tv_sec)
            #else
                let modified = Int(info.st_mtim.tv_sec)
            #endif
            if Int(now.tv_sec) - modified > keepSeconds { _ = unlink(path) }
        }
    }
}
