/// A word-level diff of two texts for people, in `git diff --word-diff` style: unchanged words as they
/// are, removed ones as `[-…-]`, added ones as `{+…+}`. Pure. When the changed middle (after the common
/// start and end) is longer than `maxTokens` words and spaces, it is shown whole, old then new.
enum TextDiff {
    static let maxTokens = 2000

    static func words(from old: String, to new: String) -> String {
        let allOld = tokens(old)
        let allNew = tokens(new)
        var prefix = 0
        while prefix < min(allOld.count, allNew.count), allOld[prefix] == allNew[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(allOld.count, allNew.count) - prefix,
            allOld[allOld.count - 1 - suffix] == allNew[allNew.count - 1 - suffix]
        {
            suffix += 1
        }
        let head = allOld[..<prefix].joined()
        let tail = allOld[(allOld.count - suffix)...].joined()
        let a = Array(allOld[prefix..<(allOld.count - suffix)])
        let b = Array(allNew[prefix..<(allNew.count - suffix)])
        guard a.count <= maxTokens, b.count <= maxTokens else {
            return head + "[-" + a.joined() + "-]{+" + b.joined() + "+}" + tail
        }
        // Longest common subsequence table, filled from the end.
        let width = b.count + 1
        var table = [Int32](repeating: 0, count: (a.count + 1) * width)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i * width + j] =
                    a[i] == b[j]
                    ? table[(i + 1) * width + j + 1] + 1 : max(table[(i + 1) * width + j], table[i * width + j + 1])
            }
        }
        // The edit script, then whitespace kept between two changes is folded into them, so a run of
        // replaced words reads as one change rather than word, space, word.
        var ops: [(Op, Substring)] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                ops.append((.same, a[i]))
                i += 1
                j += 1
            } else if j < b.count, i == a.count || table[i * width + j + 1] >= table[(i + 1) * width + j] {
                ops.append((.added, b[j]))
                j += 1
            } else {
                ops.append((.removed, a[i]))
                i += 1
            }
        }
        var folded: [(Op, Substring)] = []
        for (index, op) in ops.enumerated() {
            if op.0 == .same, op.1.allSatisfy(\.isWhitespace), index > 0, index + 1 < ops.count,
                ops[index - 1].0 != .same, ops[index + 1].0 != .same
            {
                folded.append((.removed, op.1))
                folded.append((.added, op.1))
            } else {
                folded.append(op)
            }
        }
        var out = ""
        var removed = ""
        var added = ""
        for (op, token) in folded {
            switch op {
            case .same:
                if !removed.isEmpty { out += "[-" + removed + "-]" }
                if !added.isEmpty { out += "{+" + added + "+}" }
                (removed, added) = ("", "")
                out += token
            case .removed: removed += token
            case .added: added += token
            }
        }
        if !removed.isEmpty { out += "[-" + removed + "-]" }
        if !added.isEmpty { out += "{+" + added + "+}" }
        return head + out + tail
    }

    private enum Op { case same, removed, added }

    /// Runs of whitespace and runs of everything else, in order.
    static func tokens(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var inSpace: Bool?
        for index in text.indices {
            let space = text[index].isWhitespace
            if let current = inSpace, current != space {
                result.append(text[start..<index])
                start = index
            }
            inSpace = space
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result
    }
}
