/// Decides whether bytes are JSON text `JSONParser` accepts, without building a `JSONValue`.
///
/// The hub parses every message a target server sends only to validate it and read its id, then
/// splices bytes; this answers the first half without a tree (no per-value allocation: one scratch
/// array per call holds the open containers and the raw key ranges of open objects).
///
/// It accepts exactly the parser's language: RFC 8259 strict, the same whitespace, number grammar,
/// escapes (surrogate pairs joined, lone surrogates rejected), UTF-8 checks, duplicate-key rule and
/// depth counting. The one case it does not decide is whether two keys of an object are equal when
/// one of them is written with an escape or non-ASCII bytes (the parser compares decoded `String`s,
/// which are equal under canonical equivalence: "\u212A" equals "K"), or when an object has more keys
/// than it compares; then it answers `.unsure` and the caller runs the parser.
public enum JSONValidator {
    public enum Verdict: Sendable, Equatable {
        /// `JSONParser.parse(bytes, maxDepth:)` would succeed.
        case valid
        /// `JSONParser.parse(bytes, maxDepth:)` would throw.
        case invalid
        /// Not decided (see `JSONValidator`): run the parser.
        case unsure
    }

    /// Objects with more keys than this are not checked for duplicates (`.unsure`): the check is a
    /// linear scan of the keys so far.
    static let maxComparedKeys = 32

    public static func check(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> Verdict {
        bytes.withUnsafeBufferPointer { check(buffer: $0, maxDepth: maxDepth) }
    }

    public static func check(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONParser.defaultMaxDepth)
        -> Verdict
    {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return .invalid }
        // The stack starts on the machine stack (enough for typical messages) and moves to the heap
        // only when a document nests deeper or has more keys open at once.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 128) { initial in
            var run = Run(bytes: buffer, base: base, maxDepth: maxDepth, stack: initial)
            defer { run.releaseStack() }
            return run.validate()
        }
    }
}

extension JSONValidator {
    /// One validation pass. Containers are tracked on an explicit stack of `Int`s, so nesting costs
    /// no recursion: each open container has a marker entry `(index of the enclosing marker) << 1 |
    /// isObject`, and an open object's keys follow its marker as (start, end) pairs of raw byte
    /// offsets (start -1 for a key written with escapes or non-ASCII bytes).
    private struct Run {
        let bytes: UnsafeBufferPointer<UInt8>
        let base: UnsafePointer<UInt8>
        let count: Int
        let maxDepth: Int
        var pos = 0
        /// `stackCount` entries in use out of `stackCapacity`; `stackOnHeap` when `stack` was
        /// allocated here (and must be released) rather than handed in.
        var stack: UnsafeMutablePointer<Int>
        var stackCount = 0
        var stackCapacity: Int
        var stackOnHeap = false
        /// Index in `stack` of the innermost open container's marker; -1 at the top level.
        var top = -1
        var depth = 0
        /// Set once a duplicate-key question is left open; the answer is then `.invalid` or `.unsure`.
        var unsure = false

        init(
            bytes: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, maxDepth: Int,
            stack: UnsafeMutableBufferPointer<Int>
        ) {
            self.bytes = bytes
            self.base = base
            self.count = bytes.count
            self.maxDepth = maxDepth
            self.stack = stack.baseAddress!
            self.stackCapacity = stack.count
        }

        mutating func releaseStack() {
            if stackOnHeap { stack.deallocate() }
            stackOnHeap = false
        }

        private mutating func push(_ entry: Int) {
            if stackCount == stackCapacity {
                let grown = UnsafeMutablePointer<Int>.allocate(capacity: stackCapacity * 2)
                grown.initialize(from: stack, count: stackCount)
                releaseStack()
                stack = grown
                stackCapacity *= 2
                stackOnHeap = true
            }
            stack[stackCount] = entry
            stackCount += 1
        }

        mutating func validate() -> Verdict {
            value: while true {
                skipWhitespace()
                guard pos < count else { return .invalid }
                switch base[pos] {
                case UInt8(ascii: "{"):
                    guard open(isObject: true) else { return .invalid }
                    skipWhitespace()
                    guard pos < count else { return .invalid }
                    if base[pos] != UInt8(ascii: "}") {
                        guard member() else { return .invalid }
                        continue value
                    }
                    pos += 1
                    close()
                case UInt8(ascii: "["):
                    guard open(isObject: false) else { return .invalid }
                    skipWhitespace()
                    guard pos < count else { return .invalid }
                    if base[pos] != UInt8(ascii: "]") { continue value }
                    pos += 1
                    close()
                case UInt8(ascii: "\""):
                    guard scanString() != nil else { return .invalid }
                case UInt8(ascii: "t"):
                    guard literal("true") else { return .invalid }
                case UInt8(ascii: "f"):
                    guard literal("false") else { return .invalid }
                case UInt8(ascii: "n"):
                    guard literal("null") else { return .invalid }
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard scanNumber() else { return .invalid }
                default:
                    return .invalid
                }
                // A value is complete: what may follow depends on the innermost open container.
                while true {
                    skipWhitespace()
                    if top < 0 { return pos != count ? .invalid : unsure ? .unsure : .valid }
                    guard pos < count else { return .invalid }
                    let c = base[pos]
                    pos += 1
                    let isObject = stack[top] & 1 == 1
                    if c == UInt8(ascii: ",") {
                        if isObject {
                            skipWhitespace()
                            guard member() else { return .invalid }
                        }
                        continue value
                    }
                    guard c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return .invalid }
                    close()
                }
            }
        }

        // MARK: Containers

        /// At `{` or `[`: the parser counts a container's depth as its nesting level (the top-level
        /// value is at 0, a container inside it at 1) and refuses one deeper than `maxDepth`.
        private mutating func open(isObject: Bool) -> Bool {
            depth += 1
            if depth > maxDepth { return false }
            push(top << 1 | (isObject ? 1 : 0))
            top = stackCount - 1
            pos += 1
            return true
        }

        private mutating func close() {
            let marker = stack[top]
            stackCount = top
            top = marker >> 1
            depth -= 1
        }

        /// At the first byte of a member (whitespace skipped): its key, the duplicate check, and the
        /// colon. The value is left to the caller.
        private mutating func member() -> Bool {
            guard pos < count, base[pos] == UInt8(ascii: "\"") else { return false }
            let keyStart = pos + 1
            guard let plain = scanString() else { return false }
            let keyEnd = pos - 1
            guard recordKey(keyStart, keyEnd, plain: plain) else { return false }
            skipWhitespace()
            guard pos < count, base[pos] == UInt8(ascii: ":") else { return false }
            pos += 1
            return true
        }

        /// False when the key is a duplicate of an earlier key of the innermost object. Keys of plain
        /// ASCII are equal exactly when their bytes are; a comparison involving any other key sets
        /// `unsure` (plain keys are still compared, so a byte-equal duplicate is still found).
        private mutating func recordKey(_ start: Int, _ end: Int, plain: Bool) -> Bool {
            let first = top + 1
            let keyCount = (stackCount - first) / 2
            if keyCount >= JSONValidator.maxComparedKeys {
                unsure = true
                return true
            }
            if !plain {
                if keyCount > 0 { unsure = true }
                push(-1)
                push(0)
                return true
            }
            let length = end - start
            var k = first
            while k < stackCount {
                let otherStart = stack[k]
                if otherStart < 0 {
                    unsure = true
                } else if stack[k + 1] - otherStart == length, sameBytes(otherStart, start, length) {
                    return false
                }
                k += 2
            }
            push(start)
            push(end)
            return true
        }

        private func sameBytes(_ a: Int, _ b: Int, _ length: Int) -> Bool {
            var i = 0
            while i < length {
                if base[a + i] != base[b + i] { return false }
                i += 1
            }
            return true
        }

        // MARK: Scalars

        private mutating func skipWhitespace() {
            while pos < count {
                switch base[pos] {
                case 0x20, 0x09, 0x0A, 0x0D: pos += 1
                default: return
                }
            }
        }

        /// The bytes of `text` at `pos`; advances `pos` past them.
        private mutating func literal(_ text: StaticString) -> Bool {
            let n = text.utf8CodeUnitCount
            guard pos + n <= count else { return false }
            let expected = text.utf8Start
            for k in 0..<n where base[pos + k] != expected[k] { return false }
            pos += n
            return true
        }

        /// The parser's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        private mutating func scanNumber() -> Bool {
            @inline(__always) func isDigit(_ i: Int) -> Bool { i < count && base[i] &- 0x30 < 10 }
            var i = pos
            if base[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return false }
            if base[i] == UInt8(ascii: "0") {
                i += 1
                if isDigit(i) { return false }
            } else {
                while isDigit(i) { i += 1 }
            }
            if i < count, base[i] == UInt8(ascii: ".") {
                i += 1
                guard isDigit(i) else { return false }
                while isDigit(i) { i += 1 }
            }
            if i < count, base[i] | 0x20 == UInt8(ascii: "e") {
                i += 1
                if i < count, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
                guard isDigit(i) else { return false }
                while isDigit(i) { i += 1 }
            }
            pos = i
            return true
        }

        /// At an opening quote: moves `pos` past the closing one. Nil when the string is not valid;
        /// otherwise whether it is plain (only ASCII bytes, no escapes: its bytes are its value).
        private mutating func scanString() -> Bool? {
            var plain = true
            var i = pos + 1
            while true {
                i = JSONStringRun.end(in: bytes, from: i, stopAtNonASCII: true)
                guard i < count else { return nil }
                let b = base[i]
                if b == UInt8(ascii: "\"") {
                    pos = i + 1
                    return plain
                }
                plain = false
                if b == UInt8(ascii: "\\") {
                    guard let n = escapeLength(at: i) else { return nil }
                    i += n
                } else {
                    if b < 0x20 { return nil }
                    guard let n = utf8SequenceLength(at: i) else { return nil }
                    i += n
                }
            }
        }

        /// The length of the escape at `i` (a backslash), a surrogate pair counting as one; nil when
        /// the parser refuses it.
        private func escapeLength(at i: Int) -> Int? {
            guard i + 1 < count else { return nil }
            switch base[i + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return 2
            case UInt8(ascii: "u"):
                guard let unit = hex4(at: i + 2) else { return nil }
                if unit & 0xFC00 == 0xD800 {
                    guard i + 7 < count, base[i + 6] == UInt8(ascii: "\\"), base[i + 7] == UInt8(ascii: "u"),
                        let low = hex4(at: i + 8), low & 0xFC00 == 0xDC00
                    else { return nil }
                    return 12
                }
                return unit & 0xFC00 == 0xDC00 ? nil : 6
            default:
                return nil
            }
        }

        private func hex4(at i: Int) -> UInt16? {
            guard i + 4 <= count else { return nil }
            var v: UInt16 = 0
            for k in i..<(i + 4) {
                guard let d = JSONBytes.hexDigit(base[k]) else { return nil }
                v = v << 4 | UInt16(d)
            }
            return v
        }

        private func utf8SequenceLength(at i: Int) -> Int? {
            JSONBytes.utf8SequenceLength(in: bytes, at: i)
        }
    }
}
