/// Text from a server or the hub made safe to print on a terminal: line breaks and tabs kept, every
/// other control character (C0, DEL, C1), and the characters that reorder or hide text (bidirectional
/// and zero-width controls), shown as `\u{…}`. So a tool result cannot move the cursor, rewrite a line
/// or fake the hub's own messages.
enum VisibleText {
    static func of(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isHidden(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF: return true
        default: return false
        }
    }
}
