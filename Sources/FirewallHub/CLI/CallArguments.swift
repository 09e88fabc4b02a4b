import MCPWire

/// `--args JSON` of `explain` and `call`: a JSON object, or nothing (no arguments).
enum CallArguments {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String?) -> Result<JSONObject?, Invalid> {
        guard let text else { return .success(nil) }
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            return .failure(Invalid(description: "--args is not valid JSON: \(error)"))
        }
        guard let object = value.objectValue else {
            return .failure(
                Invalid(description: "--args must be a JSON object such as '{\"id\": 1}', not \(value.typeName)"))
        }
        return .success(object)
    }
}
