import MCPWire

/// What differs between a pinned tool definition and the one a server lists now, item by item: text
/// fields, schema properties added / removed / changed, `required` entries, other schema keys, and
/// annotations. Pure. `summary` is one short line safe to show the model (names only, never the new
/// text); `readableLines` is the full diff for a human.
struct DefinitionChange: Equatable, Sendable {
    enum Item: Equatable, Sendable {
        /// `title` or `description`.
        case text(field: String, old: String?, new: String?)
        /// `inputSchema` / `outputSchema` appeared (`old` nil) or went away (`new` nil), or is not an object.
        case schema(field: String, old: JSONValue?, new: JSONValue?)
        case property(schema: String, name: String, old: JSONValue?, new: JSONValue?)
        case required(schema: String, name: String, nowRequired: Bool)
        case schemaKey(schema: String, key: String, old: JSONValue?, new: JSONValue?)
        case annotation(key: String, old: JSONValue?, new: JSONValue?)
    }

    var items: [Item]

    static func between(pinned: JSONObject, current: JSONObject) -> DefinitionChange {
        var items: [Item] = []
        for field in ["title", "description"] where !same(pinned[field], current[field]) {
            // A value that is not text is shown whole as JSON: a diff must never drop what is accepted.
            if !isAbsentOr(pinned[field], \.stringValue) || !isAbsentOr(current[field], \.stringValue) {
                items.append(.schema(field: field, old: pinned[field], new: current[field]))
            } else {
                items.append(.text(field: field, old: pinned[field]?.stringValue, new: current[field]?.stringValue))
            }
        }
        for field in ["inputSchema", "outputSchema"] {
            items += schemaItems(field, pinned[field], current[field])
        }
        items += annotationItems(pinned["annotations"], current["annotations"])
        return DefinitionChange(items: items)
    }

    private static func annotationItems(_ old: JSONValue?, _ new: JSONValue?) -> [Item] {
        if same(old, new) { return [] }
        // Annotations that are not an object are shown whole.
        guard isAbsentOr(old, \.objectValue), isAbsentOr(new, \.objectValue) else {
            return [.schema(field: "annotations", old: old, new: new)]
        }
        let oldAnnotations = old?.objectValue ?? JSONObject()
        let newAnnotations = new?.objectValue ?? JSONObject()
        return union(oldAnnotations.keys, newAnnotations.keys).filter { !same(oldAnnotations[$0], newAnnotations[$0]) }
            .map { .annotation(key: $0, old: oldAnnotations[$0], new: newAnnotations[$0]) }
    }

    private static func schemaItems(_ field: String, _ old: JSONValue?, _ new: JSONValue?) -> [Item] {
        if same(old, new) { return [] }
        guard let oldSchema = old?.objectValue, let newSchema = new?.objectValue else {
            return [.schema(field: field, old: old, new: new)]
        }
        // `properties` that is not an object, or `required` that is not an array of strings, is shown whole.
        let shapes =
            isAbsentOr(oldSchema["properties"], \.objectValue) && isAbsentOr(newSchema["properties"], \.objectValue)
            && isAbsentOr(oldSchema["required"], stringArray) && isAbsentOr(newSchema["required"], stringArray)
        guard shapes else { return [.schema(field: field, old: old, new: new)] }
        var items: [Item] = []
        let oldProperties = oldSchema["properties"]?.objectValue ?? JSONObject()
        let newProperties = newSchema["properties"]?.objectValue ?? JSONObject()
        for name in union(oldProperties.keys, newProperties.keys) where !same(oldProperties[name], newProperties[name])
        {
            items.append(.property(schema: field, name: name, old: oldProperties[name], new: newProperties[name]))
        }
        let oldRequired = Set(oldSchema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let newRequired = Set(newSchema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for name in newRequired.subtracting(oldRequired).sorted() {
            items.append(.required(schema: field, name: name, nowRequired: true))
        }
        for name in oldRequired.subtracting(newRequired).sorted() {
            items.append(.required(schema: field, name: name, nowRequired: false))
        }
        for key in union(oldSchema.keys, newSchema.keys)
        where key != "properties" && key != "required" && !same(oldSchema[key], newSchema[key]) {
            items.append(.schemaKey(schema: field, key: key, old: oldSchema[key], new: newSchema[key]))
        }
        return items
    }

    /// Absent, or of the shape `read` accepts.
    private static func isAbsentOr<T>(_ value: JSONValue?, _ read: (JSONValue) -> T?) -> Bool {
        value.map { read($0) != nil } ?? true
    }

    private static func stringArray(_ value: JSONValue) -> [String]? {
        guard let array = value.arrayValue else { return nil }
        let strings = array.compactMap(\.stringValue)
        return strings.count == array.count ? strings : nil
    }

    /// Equal as canonical JSON (key order does not count).
    static func same(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let a?, let b?): return a.canonicalBytes() == b.canonicalBytes()
        default: return false
        }
    }

    private static func union(_ a: [String], _ b: [String]) -> [String] {
        a + b.filter { !a.contains($0) }
    }

    /// Most items `summary` names; the rest are counted (`pins diff` shows every one).
    static let summaryItems = 4

    /// One line naming what changed, for the model and the audit trail: field and property names only
    /// (each an identifier of at most 40 characters, else described by its length), at most
    /// `summaryItems` of them, never new text: a server cannot write sentences into it.
    var summary: String {
        let named = items.prefix(Self.summaryItems).map { item -> String in
            switch item {
            case .text(let field, let old, let new):
                return old == nil ? "\(field) added" : new == nil ? "\(field) removed" : "\(field) changed"
            case .schema(let field, let old, let new):
                return old == nil ? "\(field) added" : new == nil ? "\(field) removed" : "\(field) replaced"
            case .property(let schema, let name, let old, let new):
                let what = old == nil ? "added" : new == nil ? "removed" : "changed"
                return "\(schema): property \(Self.safeName(name)) \(what)"
            case .required(let schema, let name, let nowRequired):
                return "\(schema): \(Self.safeName(name)) \(nowRequired ? "now required" : "no longer required")"
            case .schemaKey(let schema, let key, _, _):
                return "\(schema): \(Self.safeName(key)) changed"
            case .annotation(let key, let old, let new):
                return "annotations: \(Self.safeName(key)) \(Self.short(old)) -> \(Self.short(new))"
            }
        }
        let more = items.count - named.count
        return (named + (more > 0 ? ["\(more) more change(s)"] : [])).joined(separator: "; ")
    }

    /// The full diff for a human (CLI, approval prompt): every old and new value, word diffs for text.
    var readableLines: [String] {
        items.map { item -> String in
            switch item {
            case .text(let field, let old, let new):
                return "\(field): " + TextDiff.words(from: old ?? "", to: new ?? "")
            case .schema(let field, let old, let new):
                return "\(field): \(Self.json(old)) -> \(Self.json(new))"
            case .property(let schema, let name, let old, let new):
                if old == nil { return "\(schema): + property \(Self.quoted(name)): \(Self.json(new))" }
                if new == nil { return "\(schema): - property \(Self.quoted(name)): \(Self.json(old))" }
                return "\(schema): ~ property \(Self.quoted(name)): \(Self.json(old)) -> \(Self.json(new))"
            case .required(let schema, let name, let nowRequired):
                return "\(schema): \(Self.quoted(name)) \(nowRequired ? "is now required" : "is no longer required")"
            case .schemaKey(let schema, let key, let old, let new):
                return "\(schema): \(Self.quoted(key)): \(Self.json(old)) -> \(Self.json(new))"
            case .annotation(let key, let old, let new):
                return "annotations: \(key): \(Self.json(old)) -> \(Self.json(new))"
            }
        }
    }

    private static func json(_ value: JSONValue?) -> String { value.map { $0.serialized() } ?? "(none)" }
    private static func quoted(_ name: String) -> String { JSONValue.string(name).serialized() }

    private static func short(_ value: JSONValue?) -> String {
        guard let value else { return "(none)" }
        switch value {
        case .bool, .number, .null: return value.serialized()
        default: return "(a \(value.typeName))"
        }
    }

    /// `"name"` when it is an identifier (ASCII letters, digits, `_-.$@`) of at most 40 characters; else
    /// only its length, so a server cannot write text to the model through names.
    static func safeName(_ name: String) -> String {
        let identifier = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "_-.$@".unicodeScalars.contains($0)
        }
        let length = name.unicodeScalars.count
        if identifier, length <= 40 { return "\"" + name + "\"" }
        return "(a name of \(length) characters\(identifier ? "" : " with spaces or symbols"))"
    }
}
