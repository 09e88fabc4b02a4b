/// A BM25F index over tools with one inverted list per term across all servers, where each server's
/// documents can be replaced alone: a server's new tool list re-indexes only that server. Owns
/// postings and collection statistics; it ranks what it is given and never knows about policy (the
/// caller indexes only tools a client may find). Ranking is in SearchIndex+Ranking.swift.
struct SearchIndex: Sendable {
    /// One tool to index.
    struct Entry: Sendable, Equatable {
        /// The name the client sees (unique within the index).
        var name: String
        /// Lower-cased spellings a query may give verbatim to mean exactly this tool.
        var exactNames: [String]
        var document: SearchDocument
    }

    /// One document's counts of one term: 10 bits per field (BM25 saturates long before 1023).
    struct Posting: Sendable {
        var document: Int32
        var packed: UInt64

        func count(_ field: Int) -> Int { Int((packed >> (10 * UInt64(field))) & 1023) }
    }

    /// An indexed tool; its slot is its document number.
    struct Document: Sendable {
        var server: String
        var name: String
        /// Per field (by `SearchDocument.Field.rawValue`), the number of terms.
        var lengths: [Int]
        /// Its distinct terms, to take its postings out again.
        var terms: [String]
        var exactNames: [String]
    }

    /// Slot → document; nil slots are free.
    var documents: [Document?] = []
    private var freeSlots: [Int32] = []
    /// Server → its documents' slots, in entry order.
    private var slotsByServer: [String: [Int32]] = [:]
    /// Term → one posting per document holding it (document frequency = count).
    var postings: [String: [Posting]] = [:]
    /// Exact name → documents it names.
    var exact: [String: [Int32]] = [:]
    /// Per field, the sum of all documents' lengths.
    var totalLengths = [Int](repeating: 0, count: SearchDocument.Field.allCases.count)
    private(set) var documentCount = 0
    /// Every indexed term, sorted (for prefix matches).
    var vocabulary: [String] = []

    init() {}

    var servers: [String] { slotsByServer.keys.sorted() }

    /// Replaces the tools of each named server (an empty list removes the server), then refreshes
    /// the sorted vocabulary once.
    mutating func replace(_ servers: [(server: String, entries: [Entry])]) {
        var vocabularyChanged = false
        for (server, entries) in servers {
            vocabularyChanged = remove(server: server) || vocabularyChanged
            vocabularyChanged = add(server: server, entries) || vocabularyChanged
        }
        if vocabularyChanged { vocabulary = postings.keys.sorted() }
    }

    mutating func replace(server: String, entries: [Entry]) { replace([(server, entries)]) }

    /// Takes a server's documents out; true when a term left the vocabulary.
    private mutating func remove(server: String) -> Bool {
        guard let slots = slotsByServer.removeValue(forKey: server), !slots.isEmpty else { return false }
        let leaving = Set(slots)
        var terms = Set<String>()
        var names = Set<String>()
        for slot in slots {
            guard let document = documents[Int(slot)] else { continue }
            terms.formUnion(document.terms)
            names.formUnion(document.exactNames)
            for (f, length) in document.lengths.enumerated() { totalLengths[f] -= length }
            documents[Int(slot)] = nil
            freeSlots.append(slot)
            documentCount -= 1
        }
        var vocabularyChanged = false
        for term in terms {
            let kept = (postings[term] ?? []).filter { !leaving.contains($0.document) }
            postings[term] = kept.isEmpty ? nil : kept
            if kept.isEmpty { vocabularyChanged = true }
        }
        for name in names {
            let kept = (exact[name] ?? []).filter { !leaving.contains($0) }
            exact[name] = kept.isEmpty ? nil : kept
        }
        return vocabularyChanged
    }

    /// Indexes a server's entries; true when a new term entered the vocabulary.
    private mutating func add(server: String, _ entries: [Entry]) -> Bool {
        guard !entries.isEmpty else { return false }
        var vocabularyChanged = false
        var slots: [Int32] = []
        slots.reserveCapacity(entries.count)
        for entry in entries {
            let frequencies = entry.document.termFrequencies()
            let document = Document(
                server: server, name: entry.name, lengths: entry.document.fields.map(\.count),
                terms: frequencies.map(\.term), exactNames: entry.exactNames)
            let slot: Int32
            if let free = freeSlots.popLast() {
                slot = free
                documents[Int(slot)] = document
            } else {
                slot = Int32(documents.count)
                documents.append(document)
            }
            slots.append(slot)
            documentCount += 1
            for (f, length) in document.lengths.enumerated() { totalLengths[f] += length }
            for (term, packed) in frequencies {
                if postings[term] == nil { vocabularyChanged = true }
                postings[term, default: []].append(Posting(document: slot, packed: packed))
            }
            for name in entry.exactNames { exact[name, default: []].append(slot) }
        }
        slotsByServer[server] = slots
        return vocabularyChanged
    }
}
