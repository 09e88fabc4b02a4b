/// The ways a target may read one resource URI, so that a resource policy judges what the target will
/// open rather than one spelling of it (`SECRET://x` is `secret://x`; `file:///home/me/../../etc/passwd`
/// is `/etc/passwd` to a file server).
///
/// - the URI as the target receives it;
/// - its RFC 3986 §6.2.2 normal form: scheme and authority lower-cased, percent-escapes of unreserved
///   characters decoded (the others' hex upper-cased), dot segments removed from the path;
/// - a decoded reading, as a server that percent-decodes and then opens a path would see it: every
///   escape decoded, `\` read as `/`, runs of `/` collapsed, dot segments removed, scheme and authority
///   lower-cased.
enum URIReadings {
    /// The distinct readings, the URI itself first.
    static func of(_ uri: String) -> [String] {
        let parts = Components(Array(uri.utf8))
        var readings = [uri]
        for reading in [parts.normalized(), parts.decoded()] where !readings.contains(reading) {
            readings.append(reading)
        }
        return readings
    }

    /// `scheme:` `//authority` `path` `?query` `#fragment`, each with its delimiter, split on the raw bytes.
    private struct Components {
        var scheme: [UInt8] = []
        var authority: [UInt8] = []
        var path: [UInt8] = []
        var rest: [UInt8] = []

        init(_ bytes: [UInt8]) {
            var i = 0
            if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0, Self.isSchemeStart(bytes[0]),
                bytes[1..<colon].allSatisfy(Self.isSchemeByte)
            {
                scheme = Array(bytes[...colon])
                i = colon + 1
            }
            if bytes[i...].starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
                let end = bytes[(i + 2)...].firstIndex { $0 == UInt8(ascii: "/") || Self.endsPath($0) } ?? bytes.count
                authority = Array(bytes[i..<end])
                i = end
            }
            let pathEnd = bytes[i...].firstIndex(where: Self.endsPath) ?? bytes.count
            path = Array(bytes[i..<pathEnd])
            rest = Array(bytes[pathEnd...])
        }

        func normalized() -> String {
            let path = Self.removingDotSegments(Self.normalizingEscapes(path))
            return Self.text(
                Self.lowercased(scheme) + Self.lowercased(Self.normalizingEscapes(authority)) + path
                    + Self.normalizingEscapes(rest))
        }

        func decoded() -> String {
            var path: [UInt8] = []
            for b in Self.percentDecoded(self.path) {
                let b = b == UInt8(ascii: "\\") ? UInt8(ascii: "/") : b
                if b == UInt8(ascii: "/"), path.last == b { continue }
                path.append(b)
            }
            return Self.text(
                Self.lowercased(scheme) + Self.lowercased(Self.percentDecoded(authority))
                    + Self.removingDotSegments(path)
                    + Self.percentDecoded(rest))
        }

        private static func isSchemeStart(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b | 0x20)
        }

        private static func isSchemeByte(_ b: UInt8) -> Bool {
            isSchemeStart(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "+")
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
        }

        private static func endsPath(_ b: UInt8) -> Bool { b == UInt8(ascii: "?") || b == UInt8(ascii: "#") }

        private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

        private static func lowercased(_ bytes: [UInt8]) -> [UInt8] {
            bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
        }

        /// The escape `%XY` at `i` decoded, or nil when `bytes[i...]` does not start with one.
        private static func escape(in bytes: [UInt8], at i: Int) -> UInt8? {
            guard bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let high = hexValue(bytes[i + 1]),
                let low = hexValue(bytes[i + 2])
            else { return nil }
            return high << 4 | low
        }

        private static func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
            default: return nil
            }
        }

        private static func isUnreserved(_ b: UInt8) -> Bool {
            isSchemeStart(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "-")
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
        }

        /// Escapes of unreserved characters decoded; the others' hex digits upper-cased.
        private static func normalizingEscapes(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var i = 0
            while i < bytes.count {
                if let value = escape(in: bytes, at: i) {
                    if isUnreserved(value) {
                        out.append(value)
                    } else {
                        let hex = Array("0123456789ABCDEF".utf8)
                        out += [UInt8(ascii: "%"), hex[Int(value >> 4)], hex[Int(value & 0xF)]]
                    }
                    i += 3
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            return out
        }

        private static func percentDecoded(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var i = 0
            while i < bytes.count {
                if let value = escape(in: bytes, at: i) {
                    out.append(value)
                    i += 3
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            return out
        }

        /// RFC 3986 §5.2.4, on whole segments: `.` segments dropped, `..` drops the segment before it.
        private static func removingDotSegments(_ path: [UInt8]) -> [UInt8] {
            let absolute = path.first == UInt8(ascii: "/")
            let segments = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
                .dropFirst(absolute ? 1 : 0)
            guard segments.contains(where: { $0.elementsEqual([0x2E]) || $0.elementsEqual([0x2E, 0x2E]) }) else {
                return path
            }
            var output: [ArraySlice<UInt8>] = []
            for (index, segment) in segments.enumerated() {
                let isLast = index == segments.count - 1
                if segment.elementsEqual([0x2E]) || segment.elementsEqual([0x2E, 0x2E]) {
                    if segment.count == 2, !output.isEmpty { output.removeLast() }
                    if isLast { output.append([]) }  // "a/.." ends in a directory: "a/"
                } else {
                    output.append(segment)
                }
            }
            let joined = Array(output.joined(separator: [UInt8(ascii: "/")]))
            return absolute ? [UInt8(ascii: "/")] + joined : joined
        }
    }
}
