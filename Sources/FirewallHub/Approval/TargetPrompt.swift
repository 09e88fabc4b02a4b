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

    /// The params of a target's `elicitation/create`, attributed to `server`. Every text a client may
    /// show (the message, and titles, descriptions, string defaults and option names anywhere in the
    /// form) is neutralized; field names and option values, which the answer must keep, are left as
    /// they are, but a form that names the firewall anywhere — in any spelling — is headed by a warning.
    static func elicitationParams(_ params: JSONObject, server: String) -> JSONObject {
        var params = params
        let message = params["message"]?.stringValue ?? ""
        var mentions = HubLookalike.mentionsHub(message)
        if let schema = params["requestedSchema"] {
            mentions = mentions || mentionsHub(anywhereIn: schema)
            params["requestedSchema"] = neutralizedSchema(schema, server: server)
        }
        let warning =
            mentions
            ? "(this text from server \"\(server)\" names the firewall; it is not the firewall, which never asks "
                + "for a code in a form) " : ""
        params["message"] = .string("[\(server)] " + warning + neutralized(message, server: server))
        return params
    }

    /// The texts a client may show of a form, neutralized, at any depth.
    private static func neutralizedSchema(_ value: JSONValue, server: String) -> JSONValue {
        switch value {
        case .object(var object):
            for member in object {
                switch (member.key, member.value) {
                case ("title", .string(let text)), ("description", .string(let text)), ("default", .string(let text)):
                    object[member.key] = .string(neutralized(text, server: server))
                case ("enumNames", .array(let names)):
                    object[member.key] = .array(
                        names.map { $0.stringValue.map { .string(neutralized($0, server: server)) } ?? $0 })
                default:
                    object[member.key] = neutralizedSchema(member.value, server: server)
                }
            }
            return .object(object)
        case .array(let items):
            return .array(items.map { neutralizedSchema($0, server: server) })
        default:
            return value
        }
    }

    /// Whether any key or string anywhere in `value` names the firewall.
    private static func mentionsHub(anywhereIn value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return HubLookalike.mentionsHub(text)
        case .array(let items): return items.contains { mentionsHub(anywhereIn: $0) }
        case .object(let object):
            return object.contains { HubLookalike.mentionsHub($0.key) || mentionsHub(anywhereIn: $0.value) }
        default: return false
        }
    }

    /// A 2026-07-28 `inputRequests` map of a target, with each elicitation attributed to `server`.
    static func inputRequests(_ requests: JSONObject, server: String) -> JSONObject {
        var requests = requests
        for member in requests {
            guard case .object(var request) = member.value else { continue }
            let params = request["params"]?.objectValue ?? JSONObject()
            switch request["method"] {
            case "elicitation/create": request["params"] = .object(elicitationParams(params, server: server))
            case "sampling/createMessage": request["params"] = .object(samplingParams(params).params)
            default: continue
            }
            requests[member.key] = .object(request)
        }
        return requests
    }

    /// A target's `sampling/createMessage` params with `includeContext` "allServers" or "thisServer"
    /// turned into "none": behind the hub, the client's "this server" is the hub, so either would hand
    /// one target the context of every server's conversation. `downgraded` is what was asked for.
    static func samplingParams(_ params: JSONObject) -> (params: JSONObject, downgraded: String?) {
        guard case .string(let context)? = params["includeContext"], context != "none" else { return (params, nil) }
        var params = params
        params["includeContext"] = "none"
        return (params, context)
    }

    /// A target's text with hiding characters removed, leading space trimmed, and the firewall's names
    /// marked as quoted by `server`.
    static func neutralized(_ text: String, server: String) -> String {
        var scalars = String.UnicodeScalarView(text.unicodeScalars.filter { !isHiding($0) })
        while let first = scalars.first, first.properties.isWhitespace || looksBlank(first) { scalars.removeFirst() }
        var visible = String(collapsingBlankLines(scalars))
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

    /// Characters that are not whitespace to Unicode but show as nothing (so they could hold the
    /// `[server]` prefix apart from the text that follows): braille blank, Hangul fillers, …
    static func looksBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2800, 0x3164, 0x115F, 0x1160, 0xFFA0, 0x00AD, 0x034F, 0x17B4, 0x17B5: return true
        default: return false
        }
    }

    /// At most one empty line in a row: blank lines (of whitespace or blank-looking characters) cannot
    /// push what follows out of view.
    private static func collapsingBlankLines(_ scalars: String.UnicodeScalarView) -> String.UnicodeScalarView {
        var out = String.UnicodeScalarView()
        var breaksInARow = 0
        var pendingBlank = String.UnicodeScalarView()
        for scalar in scalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{85}" {
                if scalar == "\r" { continue }
                breaksInARow += 1
                pendingBlank = String.UnicodeScalarView()
                if breaksInARow <= 2 { out.append("\n") }
            } else if breaksInARow > 0, scalar.properties.isWhitespace || looksBlank(scalar) {
                pendingBlank.append(scalar)
            } else {
                out.append(contentsOf: pendingBlank)
                pendingBlank = String.UnicodeScalarView()
                breaksInARow = 0
                out.append(scalar)
            }
        }
        return out
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
