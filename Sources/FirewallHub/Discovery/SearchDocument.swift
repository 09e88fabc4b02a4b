import MCPWire

/// What of one tool's definition `search_tools` ranks on, split into weighted fields. Reads the
/// definition only; never decides anything about policy.
struct SearchDocument: Sendable, Equatable {
    /// The fields of a tool, each with its BM25F weight and length normalisation `b`.
    enum Field: Int, CaseIterable, Sendable {
        /// The tool's own name (`list_open_issues`).
        case name
        /// The server it comes from.
        case server
        /// `title` and `annotations.title`.
        case title
        case description
        /// Top-level `inputSchema.properties` names.
        case argumentNames
        /// Their descriptions and string `enum` values.
        case argumentText

        var weight: Double {
            switch self {
            case .name: return 4.0
            case .server: return 1.5
            case .title: return 2.5
            case .description: return 1.0
            case .argumentNames: return 1.2
            case .argumentText: return 0.5
            }
        }

        /// Short fields are normalised less: a name is as long as it needs to be.
        var lengthNormalisation: Double {
            switch self {
            case .name, .server, .title: return 0.3
            case .description, .argumentNames, .argumentText: return 0.75
            }
        }
    }

    /// Per field (indexed by `Field.rawValue`), the field's terms in order.
    var fields: [[String]]

    /// Text longer than this (per field) is not indexed: a hostile target cannot make indexing costly.
    static let maxFieldCharacters = 8_000
    /// At most this many arguments are read from a schema.
    static let maxArguments = 64

    init(server: String, tool: String, definition: JSONObject) {
        var fields = [[String]](repeating: [], count: Field.allCases.count)
        func add(_ field: Field, _ text: String?) {
            guard let text, !text.isEmpty, fields[field.rawValue].count < SearchTokenizer.maxTermsPerText else {
                return
            }
            let room = SearchTokenizer.maxTermsPerText - fields[field.rawValue].count
            fields[field.rawValue] += SearchTokenizer.terms(String(text.prefix(Self.maxFieldCharacters)), limit: room)
        }
        add(.name, tool)
        add(.server, server)
        add(.title, definition["title"]?.stringValue)
        add(.title, definition["annotations"]?["title"]?.stringValue)
        add(.description, definition["description"]?.stringValue)
        if let properties = definition["inputSchema"]?["properties"]?.objectValue {
            for member in properties.members.prefix(Self.maxArguments) {
                add(.argumentNames, member.key)
                add(.argumentText, member.value["description"]?.stringValue)
                add(.argumentText, member.value["title"]?.stringValue)
                for value in member.value["enum"]?.arrayValue?.prefix(32) ?? [] {
                    add(.argumentText, value.stringValue)
                }
            }
        }
        self.fields = fields
    }

    /// For each distinct term (in first-seen order), its count in every field packed 10 bits a field
    /// (`SearchIndex.Posting`), a count saturating at 1023.
    func termFrequencies() -> [(term: String, packed: UInt64)] {
        var order: [String] = []
        var packed: [String: UInt64] = [:]
        for field in Field.allCases {
            let shift = 10 * UInt64(field.rawValue)
            for term in fields[field.rawValue] {
                let current =
                    packed[term]
                    ?? {
                        order.append(term)
                        return 0
                    }()
                if (current >> shift) & 1023 < 1023 { packed[term] = current + (1 << shift) }
            }
        }
        return order.map { ($0, packed[$0]!) }
    }

    /// The first sentence (or line) of a description, at most `limit` characters: the one line a
    /// search result shows.
    static func oneLine(_ description: String?, limit: Int = 160) -> String {
        guard let description else { return "" }
        var line = ""
        var previous: Character = " "
        for c in description {
            if c == "\n" || c == "\r" {
                if line.isEmpty { continue }
                break
            }
            if previous == ".", c == " ", line.count > 20 { break }
            line.append(c)
            previous = c
        }
        line = String(line.drop { $0 == " " || $0 == "\t" })
        while line.last == " " || line.last == "\t" { line.removeLast() }
        if line.count > limit { line = String(line.prefix(limit - 1)) + "…" }
        return line
    }
}
