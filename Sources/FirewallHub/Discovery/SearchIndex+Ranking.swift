#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ranking a query against the index: BM25F (per-field weights and length normalisation,
/// `SearchDocument.Field`), a query term also matching longer indexed terms it is a prefix of (at
/// half weight), a mild bonus for covering more of the query, and an exact name (`payments.refund`,
/// `payments__refund`, `refund`) first. Ties go by name, then server: the same index and query
/// always give the same list. Reads the index only.
extension SearchIndex {
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

    /// The best `limit` tools for `query`, best first; only `server`'s tools when it is given.
    func search(_ query: String, limit: Int, server: String? = nil) -> [Hit] {
        guard limit > 0, documentCount > 0 else { return [] }
        var queryTerms: [String] = []
        for term in SearchTokenizer.terms(query, limit: 256) where !queryTerms.contains(term) {
            queryTerms.append(term)
            if queryTerms.count == Self.maxQueryTerms { break }
        }
        let averages = totalLengths.map { Double($0) / Double(documentCount) }
        var scores = [Double](repeating: 0, count: documents.count)
        var matched = [Int32](repeating: 0, count: documents.count)
        var best = [Double](repeating: 0, count: documents.count)
        var touched: [Int32] = []
        var termTouched: [Int32] = []
        for term in queryTerms {
            for (expansion, weight, idf) in expand(term) {
                for posting in postings[expansion] ?? [] {
                    let d = Int(posting.document)
                    let score = weight * idf * Self.saturated(posting, documents[d]!.lengths, averages)
                    if best[d] == 0 { termTouched.append(posting.document) }
                    if score > best[d] { best[d] = score }
                }
            }
            for slot in termTouched {
                let d = Int(slot)
                if scores[d] == 0 { touched.append(slot) }
                scores[d] += best[d]
                matched[d] += 1
                best[d] = 0
            }
            termTouched.removeAll(keepingCapacity: true)
        }
        let exactSlots = SearchIndex.normalizedExactName(query).flatMap { exact[$0] } ?? []
        for slot in exactSlots where scores[Int(slot)] == 0 { touched.append(slot) }
        var top: [Hit] = []
        for slot in touched {
            let d = Int(slot)
            guard let document = documents[d], server == nil || document.server == server else { continue }
            var score = scores[d]
            if !queryTerms.isEmpty { score *= 0.5 + 0.5 * Double(matched[d]) / Double(queryTerms.count) }
            if exactSlots.contains(slot) { score += Self.exactNameBonus }
            Self.insert(Hit(server: document.server, name: document.name, score: score), into: &top, limit: limit)
        }
        return top
    }

    /// A query as it would be written to name a tool verbatim, or nil when it is not one word.
    static func normalizedExactName(_ query: String) -> String? {
        let trimmed = query.drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed()
            .drop { $0 == " " || $0 == "\t" || $0 == "\n" }.reversed()
        let name = String(trimmed).lowercased()
        return name.isEmpty || name.contains(" ") ? nil : name
    }

    static func ranksBefore(_ a: Hit, _ b: Hit) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.name != b.name { return a.name < b.name }
        return a.server < b.server
    }

    /// Keeps `top` the best `limit` hits, in order.
    private static func insert(_ hit: Hit, into top: inout [Hit], limit: Int) {
        if top.count == limit, let last = top.last, !ranksBefore(hit, last) { return }
        var i = top.count
        while i > 0, ranksBefore(hit, top[i - 1]) { i -= 1 }
        top.insert(hit, at: i)
        if top.count > limit { top.removeLast() }
    }

    /// The indexed terms a query term stands for, with their weight and inverse document frequency.
    private func expand(_ term: String) -> [(term: String, weight: Double, idf: Double)] {
        var result: [(String, Double, Double)] = []
        if let list = postings[term] { result.append((term, 1.0, idf(list.count))) }
        guard term.count >= 3 else { return result }
        var i = lowerBound(term)
        var added = 0
        while i < vocabulary.count, vocabulary[i].hasPrefix(term), added < Self.maxPrefixExpansions {
            if vocabulary[i] != term {
                result.append((vocabulary[i], Self.prefixWeight, idf(postings[vocabulary[i]]?.count ?? 0)))
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
}
