import MCPWire

/// A concrete resource (`resources/list` entry, read with `resources/read`). Text only.
public struct DemoResource: Sendable {
    public var uri: String
    public var name: String
    public var title: String?
    public var description: String?
    public var mimeType: String?
    /// The resource's current text.
    public var read: @Sendable () -> String

    public init(
        uri: String, name: String, title: String? = nil, description: String? = nil, mimeType: String? = nil,
        read: @escaping @Sendable () -> String
    ) {
        self.uri = uri
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.read = read
    }

    /// The resource's entry in a `resources/list` result.
    public var listEntry: JSONValue {
        var o = JSONObject()
        o["uri"] = .string(uri)
        o["name"] = .string(name)
        if let title { o["title"] = .string(title) }
        if let description { o["description"] = .string(description) }
        if let mimeType { o["mimeType"] = .string(mimeType) }
        return .object(o)
    }
}

/// A parameterized resource (`resources/templates/list` entry). Its `uriTemplate` uses RFC 6570
/// level 1 (simple `{var}` expansion), e.g. `notes://note/{title}`.
public struct DemoResourceTemplate: Sendable {
    /// Reads the resource named by the template's variables (percent-decoded); nil means "no such
    /// resource" (-32002). A thrown error answers -32603.
    public typealias Read = @Sendable (_ variables: [String: String]) throws -> String?

    public var uriTemplate: String
    public var name: String
    public var title: String?
    public var description: String?
    public var mimeType: String?
    public var read: Read
    /// Suggests values for one template variable (`completion/complete` with `ref/resource`).
    public var complete: DemoPrompt.Complete?

    public init(
        uriTemplate: String, name: String, title: String? = nil, description: String? = nil,
        mimeType: String? = nil, complete: DemoPrompt.Complete? = nil, read: @escaping Read
    ) {
        self.uriTemplate = uriTemplate
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.complete = complete
        self.read = read
    }

    public var listEntry: JSONValue {
        var o = JSONObject()
        o["uriTemplate"] = .string(uriTemplate)
        o["name"] = .string(name)
        if let title { o["title"] = .string(title) }
        if let description { o["description"] = .string(description) }
        if let mimeType { o["mimeType"] = .string(mimeType) }
        return .object(o)
    }

    /// The URI for these variable values (values percent-encoded as RFC 6570 simple expansion does).
    public func expand(_ variables: [String: String]) -> String {
        DemoURITemplate(uriTemplate).expand(variables)
    }

    /// The variables (percent-decoded) if `uri` matches the template, else nil.
    public func match(_ uri: String) -> [String: String]? {
        DemoURITemplate(uriTemplate).match(uri)
    }
}

/// The resources a server offers: fixed ones, ones computed at each listing, and templates.
public struct DemoResourceCatalog: Sendable {
    public var fixed: [DemoResource]
    /// Called on every `resources/list` and `resources/read`; its resources follow the fixed ones.
    public var dynamic: (@Sendable () -> [DemoResource])?
    public var templates: [DemoResourceTemplate]

    public init(
        fixed: [DemoResource] = [], dynamic: (@Sendable () -> [DemoResource])? = nil,
        templates: [DemoResourceTemplate] = []
    ) {
        self.fixed = fixed
        self.dynamic = dynamic
        self.templates = templates
    }

    /// Whether there is anything to offer (the `resources` capability is declared only then).
    public var isEmpty: Bool { fixed.isEmpty && dynamic == nil && templates.isEmpty }

    /// Every concrete resource right now, fixed first.
    public func all() -> [DemoResource] {
        fixed + (dynamic?() ?? [])
    }
}

/// RFC 6570 level 1: literals and `{name}` simple expansions. Values are percent-encoded except
/// unreserved characters (`A-Z a-z 0-9 - . _ ~`), so a matched value never contains `/`.
struct DemoURITemplate {
    private enum Part {
        case literal(String)
        case variable(String)
    }

    private let parts: [Part]

    init(_ template: String) {
        var parts: [Part] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            parts.append(.variable(String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
    }

    func expand(_ variables: [String: String]) -> String {
        parts.map { part in
            switch part {
            case .literal(let text): return text
            case .variable(let name): return Self.percentEncode(variables[name] ?? "")
            }
        }.joined()
    }

    func match(_ uri: String) -> [String: String]? {
        var values: [String: String] = [:]
        var rest = Substring(uri)
        for (i, part) in parts.enumerated() {
            switch part {
            case .literal(let text):
                guard rest.hasPrefix(text) else { return nil }
                rest = rest.dropFirst(text.count)
            case .variable(let name):
                // The value runs up to the next literal (or the end); it may not contain "/".
                var end = rest.endIndex
                if i + 1 < parts.count, case .literal(let next) = parts[i + 1] {
                    guard let found = rest.range(of: next) else { return nil }
                    end = found.lowerBound
                }
                let raw = rest[..<end]
                guard !raw.isEmpty, !raw.contains("/"), let decoded = Self.percentDecode(raw)
                else { return nil }
                values[name] = decoded
                rest = rest[end...]
            }
        }
        return rest.isEmpty ? values : nil
    }

    private static func percentEncode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) {
                out.append(c)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// `%XX` sequences decoded as UTF-8; nil for a malformed escape or invalid UTF-8.
    private static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
