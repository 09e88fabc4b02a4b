import MCPWire

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `import --write`: a client's file with the imported entries taken out and the hub's entry put in,
/// everything else (other keys, entries left alone, their order) kept. Written only after a backup of
/// the original, by an atomic replace (`LocalFile.writeAtomically`), with the original's mode.
enum ClientFileRewrite {
    /// `document` with `names` removed from the object at each container path, and `entry` (if any)
    /// added under `entry.name` at `entry.container`.
    static func rewritten(
        _ document: JSONObject, removing: [(container: [String], names: [String])],
        adding entry: (container: [String], name: String, value: JSONObject)?
    ) -> JSONObject {
        var result = document
        for (container, names) in removing {
            result = updating(result, at: container[...]) { servers in
                for name in names { servers[name] = nil }
            }
        }
        if let entry {
            result = updating(result, at: entry.container[...]) { servers in
                servers[entry.name] = .object(entry.value)
            }
        }
        return result
    }

    /// A name for the hub's entry that no entry kept in `servers` has: `preferred`, else `preferred-hub`,
    /// `preferred-hub-2`, …
    static func entryName(_ preferred: String, keeping servers: [String]) -> String {
        if !servers.contains(preferred) { return preferred }
        var candidate = preferred + "-hub"
        var counter = 2
        while servers.contains(candidate) {
            candidate = "\(preferred)-hub-\(counter)"
            counter += 1
        }
        return candidate
    }

    private static func updating(
        _ object: JSONObject, at path: ArraySlice<String>, _ change: (inout JSONObject) -> Void
    ) -> JSONObject {
        var object = object
        guard let key = path.first else {
            change(&object)
            return object
        }
        let child = object[key]?.objectValue ?? JSONObject()
        object[key] = .object(updating(child, at: path.dropFirst(), change))
        return object
    }

    enum Failure: Error, CustomStringConvertible {
        case backup(String, LocalFile.WriteFailure)
        case replace(String, LocalFile.WriteFailure)

        var description: String {
            switch self {
            case .backup(let path, let failure): return "could not back up \(path) (\(failure)); the file is unchanged"
            case .replace(let path, let failure): return "could not replace \(path) (\(failure)); the file is unchanged"
            }
        }
    }

    /// Backs up `original` (the file's exact bytes) beside it, then replaces the file with `document`.
    /// Returns the backup's path.
    static func write(_ document: JSONObject, to link: String, original: [UInt8]) -> Result<String, Failure> {
        // A dotfile is often a symlink into a dotfiles repository: replace the file it points to.
        var path = link
        if let resolved = realpath(link, nil) {
            path = String(cString: resolved)
            free(resolved)
        }
        var backup = path + ".bak-mcp-firewall-hub"
        var counter = 1
        while LocalFile.kind(at: backup) != nil {
            backup = path + ".bak-mcp-firewall-hub.\(counter)"
            counter += 1
        }
        if case .failure(let failure) = LocalFile.writeAtomically(original, to: backup, mode: 0o600) {
            return .failure(.backup(backup, failure))
        }
        var info = stat()
        let mode = stat(path, &info) == 0 ? info.st_mode & 0o777 : 0o600
        let bytes = Array((JSONValue.object(document).prettyPrinted() + "\n").utf8)
        if case .failure(let failure) = LocalFile.writeAtomically(bytes, to: path, mode: mode) {
            return .failure(.replace(path, failure))
        }
        return .success(backup)
    }
}
