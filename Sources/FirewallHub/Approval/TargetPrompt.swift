import MCPWire

/// What a target asks the human (an `elicitation/create`, in either era) shown plainly as that
/// server's: its message starts with `[server] `, and nothing in it can pass for the firewall's own
/// prompt. It never changes what is asked (fields, modes, URLs), only how the text reads.
///
/// The firewall's own prompts always begin with `mcp-firewall-hub:` and only ask to approve a call
/// shown in full; they never ask for a code. A target's text is therefore:
/// - stripped of characters that hide or reorder text (bidirectional controls, zero-width ones) and of
///   leading blank space, so the `[server] ` prefix stays next to what it introduces;
/// - rewritten wherever it names the firewall (`mcp-firewall-hub`, `firewall_confirm`, any case, any
///   hidden characters between the letters), to say the server quoted it.
enum TargetPrompt {
    /// Names a target may not use as if it were the firewall speaking.
    static let hubNames = ["mcp-firewall-hub", "firewall_confirm"]

    /// The params of a target's `elicitation/create`, attributed to `server`.
    static func elicitationParams(_ params: JSONObject, server: String) -> JSONObject {
        var params = params
        let message = params["message"]?.stringValue ?? ""
        params["message"] = .string("[\(server)] " + neutralized(message, server: server))
        if case .object(var schema)? = params["requestedSchema"], case .object(var properties)? = schema["properties"] {
            for member in properties {
                guard case .object(var property) = member.value else { continue }
                for key in ["title", "description"] {
                    if case .string(let text)? = property[key] {
                        property[key] = .string(neutralized(text, server: server))
                    }
                }
                properties[member.key] = .object(property)
            }
            schema["properties"] = .object(properties)
            params["requestedSchema"] = .object(schema)
        }
        return params
    }

    /// A 2026-07-28 `inputRequests` map of a target, with each elicitation attributed to `server`.
    static func inputRequests(_ requests: JSONObject, server: String) -> JSONObject {
        var requests = requests
        for member in requests {
            guard case .object(var request) = member.value, request["method"] == "elicitation/create" else { continue }
            request["params"] = .object(
                elicitationParams(request["params"]?.objectValue ?? JSONObject(), server: server))
            requests[member.key] = .object(request)
        }
        return requests
    }

    /// A target's text with hiding characters removed, leading space trimmed, and the firewall's names
    /// marked as quoted by `server`.
    static func neutralized(_ text: String, server: String) -> String {
        var scalars = String.UnicodeScalarView(text.unicodeScalars.filter { !isHiding($0) })
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        var visible = String(scalars)
        for name in hubNames {
            visible = marking(name, in: visible, as: "\(name) (quoted by server \"\(server)\")")
        }
        return visible
    }

    /// Characters that change what a reader sees without being seen: bidirectional embeddings, overrides
    /// and isolates, marks, zero-width spaces and joiners, the word joiner and the BOM.
    static func isHiding(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF, 0x180E: return true
        default: return false
        }
    }

    /// `text` with each case-insensitive occurrence of `name` replaced by `replacement`.
    private static func marking(_ name: String, in text: String, as replacement: String) -> String {
        let lowered = Array(text.lowercased().unicodeScalars)
        let original = Array(text.unicodeScalars)
        let needle = Array(name.unicodeScalars)
        // lowercased() keeps one scalar per scalar for everything but a few letters; fall back to a
        // plain search on the original text when the lengths differ.
        guard lowered.count == original.count else { return text.replacingAll(name, with: replacement) }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < original.count {
            if i + needle.count <= lowered.count, Array(lowered[i..<(i + needle.count)]) == needle {
                out.append(contentsOf: replacement.unicodeScalars)
                i += needle.count
            } else {
                out.append(original[i])
                i += 1
            }
        }
        return String(out)
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
