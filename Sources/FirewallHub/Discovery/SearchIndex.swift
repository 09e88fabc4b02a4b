#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A BM25F index over tools, kept in one shard per server so that a server's new list re-indexes
/// only that server. Owns postings and collection statistics; it ranks what it is given and never
/// knows about policy (the caller indexes only tools a client may find).
///
/// Ranking: BM25F (per-field weights and length normalisation, `SearchDocument.Field`), a query
/// term also matching longer indexed terms it is a prefix of (at half weight), a mild bonus for
/// covering more of the query, and an exact name (`payments.refund`, `payments__refund`, `refund`)
/// ranked first. Ties are broken by name, then server: the same index and query always give the same list.
struct SearchIndex: Sendable {
    /// One tool to index.
    struct Entry: Sendable, Equatable {
        /// The name the client sees (unique within the index).
        var name: String
        /// Lower-cased spellings a query may give verbatim to mean exactly this tool.
        var exactNames: [String]
        var document: SearchDocument
    }

    struct Hit: Sendable, Equatable {
        var server: String
        var name: String
        var score: Double
    }

    /// BM25 term-frequency saturation.
    static let k1 = 1.2
    /// Weight of an indexed term that a query term is only a prefix of.
    static let prefixWeight = 0.5
    /// At most this many longer terms are tried for one query term.
    static let maxPrefixExpansions = 16
    /// At most this many distinct query terms are used.
    static let maxQueryTerms = 32
    static let exactNameBonus = 1_000.0

    /// One document's counts of one term: 10 bits per field (BM25 saturates long before 1023).
    private struct Posting: Sendable {
        var document: Int32
        var packed: UInt64

        init(document: Int, counts: [UInt16]) {
            self.document = Int32(document)
            packed = 0
            for (f, count) in counts.enumerated() { packed |= UInt64(min(count, 1023)) << (10 * UInt64(f)) }
        }

        func count(_ field: Int) -> Int { Int((packed >> (10 * UInt64(field))) & 1023) }
    }

    private struct Shard: Sendable {
        var names: [String] = []
        /// Per document, per field, the number of terms.
        var lengths: [[Int]] = []
        var postings: [String: [Posting]] = [:]
        var exact: [String: Int] = [:]
    }

    private var shards: [String: Shard] = [:]
    private var documentFrequency: [String: Int] = [:]
    private var totalLengths = [Int](repeating: 0, count: SearchDocument.Field.allCases.count)
    private(set) var documentCount = 0
    /// Every indexed term, sorted (for prefix matches).
    private var vocabulary: [String] = []

    init() {}

    /// Replaces the tools of each named server (an empty list removes the server), then refreshes
    /// the statistics once.
    mutating func replace(_ servers: [(server: String, entries: [Entry])]) {
        for (server, entries) in servers {
            if let old = shards.removeValue(forKey: server) { subtract(old) }
            guard !entries.isEmpty else { continue }
            let shard = Self.build(entries)
            add(shard)
            shards[server] = shard
        }
        vocabulary = documentFrequency.keys.sorted()
    }

    mutating func replace(server: String, entries: [Entry]) { replace([(server, entries)]) }

    var servers: [String] { shards.keys.sorted() }

    /// The best `limit` tools for `query`, best first; only `server`'s tools when it is given.
    func search(_ query: String, limit: Int, server: String? = nil) -> [Hit] {
        guard limit > 0, documentCount > 0 else { return [] }
        var queryTerms: [String] = []
        for term in SearchTokenizer.terms(query, limit: 256) where !queryTerms.contains(term) {
            queryTerms.append(term)
            if queryTerms.count == Self.maxQueryTerms { break }
        }
        let exactQuery = Self.normalizedExactName(query)
        let expansions = queryTerms.map(expand)
        let averages = totalLengths.map { Double($0) / Double(documentCount) }
        var hits: [Hit] = []
        for (serverName, shard) in shards where server == nil || server == serverName {
            var scores = [Double](repeating: 0, count: shard.names.count)
            var matched = [Int](repeating: 0, count: shard.names.count)
            var best = [Double](repeating: 0, count: shard.names.count)
            var touched: [Int] = []
            for termExpansions in expansions {
                for (term, weight, idf) in termExpansions {
                    for posting in shard.postings[term] ?? [] {
                        let d = Int(posting.document)
                        let score = weight * idf * Self.saturated(posting, shard.lengths[d], averages)
                        if best[d] == 0 { touched.append(d) }
                        if score > best[d] { best[d] = score }
                    }
                }
                for d in touched {
                    scores[d] += best[d]
                    matched[d] += 1
                    best[d] = 0
                }
                touched.removeAll(keepingCapacity: true)
            }
            let exactDocument = exactQuery.flatMap { shard.exact[$0] }
            for d in scores.indices where scores[d] > 0 || d == exactDocument {
                var score = scores[d]
                if !queryTerms.isEmpty { score *= 0.5 + 0.5 * Double(matched[d]) / Double(queryTerms.count) }
                if d == exactDocument { score += Self.exactNameBonus }
                hits.append(Hit(server: serverName, name: shard.names[d], score: score))
            }
        }
        hits.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.name != b.name { return a.name < b.name }
            return a.server < b.server
        }
        return Array(hits.prefix(limit))
    }

    /// A query as it would be written to name a tool verbatim, or nil when it is not one word.
    static func normalizedExactName(_ query: String) -> String? {
        let trimmed = query.drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed()
            .drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed()
        let name = String(trimmed).lowercased()
        return name.isEmpty || name.contains(" ") ? nil : name
    }

    // MARK: - Scoring

    /// The indexed terms a query term stands for, with their weight and inverse document frequency.
    private func expand(_ term: String) -> [(term: String, weight: Double, idf: Double)] {
        var result: [(String, Double, Double)] = []
        if let df = documentFrequency[term] { result.append((term, 1.0, idf(df))) }
        guard term.count >= 3 else { return result }
        var i = lowerBound(term)
        var added = 0
        while i < vocabulary.count, vocabulary[i].hasPrefix(term), added < Self.maxPrefixExpansions {
            if vocabulary[i] != term {
                result.append((vocabulary[i], Self.prefixWeight, idf(documentFrequency[vocabulary[i]] ?? 0)))
                added += 1
            }
            i += 1
        }
        return result
    }

    private func idf(_ df: Int) -> Double {
        log(1 + (Double(documentCount - df) + 0.5) / (Double(df) + 0.5))
    }

    /// BM25F: field-weighted, length-normalised term frequency, saturated by `k1`.
    private static func saturated(_ posting: Posting, _ lengths: [Int], _ averages: [Double]) -> Double {
        var tf = 0.0
        for field in SearchDocument.Field.allCases {
            let f = field.rawValue
            let count = posting.count(f)
            guard count > 0 else { continue }
            let b = field.lengthNormalisation
            let norm = averages[f] > 0 ? 1 - b + b * Double(lengths[f]) / averages[f] : 1
            tf += field.weight * Double(count) / norm
        }
        return tf / (k1 + tf)
    }

    private func lowerBound(_ term: String) -> Int {
        var low = 0
        var high = vocabulary.count
        while low < high {
            let mid = (low + high) / 2
            if vocabulary[mid] < term { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - Building

    private static func build(_ entries: [Entry]) -> Shard {
        var shard = Shard()
        for (d, entry) in entries.enumerated() {
            shard.names.append(entry.name)
            shard.lengths.append(entry.document.fields.map(\.count))
            for name in entry.exactNames where shard.exact[name] == nil { shard.exact[name] = d }
            for (term, counts) in entry.document.termFrequencies() {
                shard.postings[term, default: []].append(Posting(document: d, counts: counts))
            }
        }
        return shard
    }

    private mutating func add(_ shard: Shard) {
        documentCount += shard.names.count
        for lengths in shard.lengths {
            for (f, length) in lengths.enumerated() { totalLengths[f] += length }
        }
        for (term, postings) in shard.postings { documentFrequency[term, default: 0] += postings.count }
    }

    private mutating func subtract(_ shard: Shard) {
        documentCount -= shard.names.count
        for lengths in shard.lengths {
            for (f, length) in lengths.enumerated() { totalLengths[f] -= length }
        }
        for (term, postings) in shard.postings {
            let left = (documentFrequency[term] ?? 0) - postings.count
            documentFrequency[term] = left > 0 ? left : nil
        }
    }
}
