import MCPWire

/// Puts an `elicitation/create` form to the human at `call`'s terminal, one field at a time, and builds
/// the `ElicitResult`. The hub's approval prompt is such a form (approve? remember?); a server's own
/// form arrives the same way, prefixed with its name by the hub. What is shown is made safe for a
/// terminal first (`VisibleText`): a server cannot move the cursor or hide text.
struct TerminalForm {
    enum Outcome {
        /// The `ElicitResult` to answer with.
        case answer(JSONValue)
        /// The hub withdrew the prompt (or the input ended while waiting): answer nothing.
        case withdrawn
    }

    let input: TerminalInput
    let show: (String) -> Void
    /// Checked while waiting for a line: true once the hub withdrew this prompt.
    let withdrawn: () -> Bool

    func ask(_ params: JSONObject) -> Outcome {
        show("\n" + VisibleText.of(params["message"]?.stringValue ?? "(the form has no message)") + "\n")
        guard params["mode"]?.stringValue ?? "form" == "form",
            let schema = params["requestedSchema"]?.objectValue,
            let properties = schema["properties"]?.objectValue
        else {
            show("This request is not a form the terminal can show; declining it.\n")
            return .answer(["action": "decline"])
        }
        let required = Set(schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var content = JSONObject()
        for member in properties {
            guard let field = member.value.objectValue else { continue }
            switch askField(member.key, field, required: required.contains(member.key)) {
            case .value(let value?): content[member.key] = value
            case .value(nil): break
            case .cancel: return .answer(["action": "cancel"])
            case .withdrawn: return .withdrawn
            case .unsupported:
                show(
                    "The field \"\(VisibleText.of(member.key))\" asks for an answer the terminal cannot take; declining.\n"
                )
                return .answer(["action": "decline"])
            }
        }
        return .answer(["action": "accept", "content": .object(content)])
    }

    private enum FieldAnswer {
        case value(JSONValue?)
        case cancel
        case withdrawn
        case unsupported
    }

    private func askField(_ key: String, _ field: JSONObject, required: Bool) -> FieldAnswer {
        let title = VisibleText.of(field["title"]?.stringValue ?? key)
        let description = field["description"]?.stringValue.map { "  (" + VisibleText.of($0) + ")" } ?? ""
        let defaultValue = field["default"]
        let choices = Self.choices(field)
        var prompt = title + description
        switch field["type"]?.stringValue {
        case "boolean":
            let fallback = defaultValue?.boolValue
            prompt += fallback == true ? " [Y/n]: " : fallback == false ? " [y/N]: " : " [y/n]: "
        case "string" where !choices.isEmpty:
            prompt +=
                "\n" + choices.enumerated().map { "  \($0 + 1)) \(VisibleText.of($1.title))" }.joined(separator: "\n")
            prompt +=
                "\nchoose 1-\(choices.count)" + (defaultValue?.stringValue.map { " [\(VisibleText.of($0))]" } ?? "")
                + ": "
        case "string", "number", "integer":
            prompt += (defaultValue.map { " [\(VisibleText.of($0.stringValue ?? $0.serialized()))]" } ?? "") + ": "
        default:
            return .unsupported
        }
        while true {
            show(prompt)
            let line: String
            switch input.readLine(timeout: nil, interrupted: withdrawn) {
            case .line(let text): line = text.trimmedOfSpaces
            case .endOfInput: return .cancel
            case .interrupted, .timedOut: return .withdrawn
            }
            if line.isEmpty {
                if let defaultValue { return .value(defaultValue) }
                if !required { return .value(nil) }
                show("an answer is required (end of input, Ctrl-D, cancels the form)\n")
                continue
            }
            if let value = Self.read(line, type: field["type"]?.stringValue, choices: choices) { return .value(value) }
            show("not understood; try again\n")
        }
    }

    /// Enum values with their display titles (`enum`, or `oneOf` of `{const, title}`).
    private static func choices(_ field: JSONObject) -> [(value: String, title: String)] {
        if let values = field["enum"]?.arrayValue?.compactMap(\.stringValue) {
            let names = field["enumNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return values.enumerated().map { ($1, $0 < names.count ? names[$0] : $1) }
        }
        let options = field["oneOf"]?.arrayValue ?? field["anyOf"]?.arrayValue ?? []
        return options.compactMap { option in
            guard let value = option["const"]?.stringValue else { return nil }
            return (value, option["title"]?.stringValue ?? value)
        }
    }

    private static func read(_ line: String, type: String?, choices: [(value: String, title: String)]) -> JSONValue? {
        switch type {
        case "boolean":
            switch line.lowercased() {
            case "y", "yes", "true": return true
            case "n", "no", "false": return false
            default: return nil
            }
        case "string" where !choices.isEmpty:
            if let number = Int(line), (1...choices.count).contains(number) {
                return .string(choices[number - 1].value)
            }
            return choices.first { $0.value == line || $0.title == line }.map { .string($0.value) }
        case "integer":
            return Int(line).map { .int($0) }
        case "number":
            guard case .number(let lexeme)? = try? JSONParser.parse(line) else { return nil }
            return .number(lexeme)
        default:
            return .string(line)
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmedOfSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
