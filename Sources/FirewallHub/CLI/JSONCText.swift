/// JSON with comments (`//`, `/* */`) and trailing commas, as VS Code's mcp.json allows, turned into
/// strict JSON for the parser. Strings are copied untouched. Comments become spaces (so line and column
/// numbers stay right); a trailing comma before `}` or `]` becomes a space.
enum JSONCText {
    /// The strict JSON, and whether anything had to be removed (then rewriting the file would lose it).
    static func strict(_ bytes: [UInt8]) -> (json: [UInt8], hadExtras: Bool) {
        var out = bytes
        var hadExtras = false
        var i = 0
        var lastComma: Int?
        while i < out.count {
            let byte = out[i]
            switch byte {
            case UInt8(ascii: "\""):
                lastComma = nil
                i += 1
                while i < out.count, out[i] != UInt8(ascii: "\"") {
                    i += out[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i += 1
                continue
            case UInt8(ascii: "/") where i + 1 < out.count && out[i + 1] == UInt8(ascii: "/"):
                hadExtras = true
                while i < out.count, out[i] != 0x0A {
                    out[i] = 0x20
                    i += 1
                }
                continue
            case UInt8(ascii: "/") where i + 1 < out.count && out[i + 1] == UInt8(ascii: "*"):
                hadExtras = true
                out[i] = 0x20
                out[i + 1] = 0x20
                i += 2
                while i < out.count,
                    !(out[i] == UInt8(ascii: "*") && i + 1 < out.count && out[i + 1] == UInt8(ascii: "/"))
                {
                    if out[i] != 0x0A { out[i] = 0x20 }
                    i += 1
                }
                if i < out.count {
                    out[i] = 0x20
                    if i + 1 < out.count { out[i + 1] = 0x20 }
                    i += 2
                }
                continue
            case UInt8(ascii: ","):
                lastComma = i
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if let comma = lastComma {
                    out[comma] = 0x20
                    hadExtras = true
                }
                lastComma = nil
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            default:
                lastComma = nil
            }
            i += 1
        }
        return (out, hadExtras)
    }
}
