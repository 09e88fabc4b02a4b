import MCPWire

/// What a waiter is waiting for.
enum WaitKind: Sendable {
    case response(RequestID)
    case message
    case stderr(String)
    case exit
}

/// What a waiter gets when satisfied.
enum WaitOutcome: Sendable {
    case response(JSONRPCMessage.Response)
    case message(JSONRPCMessage)
    case stderrSeen
    case exited(Int32)
}

/// Why a stream will deliver nothing more.
enum StreamEnd: Sendable {
    case exited(Int32)
    case closed
}

/// A continuation to resume once the lock is released.
struct Resumption: Sendable {
    let continuation: CheckedContinuation<WaitOutcome, any Error>
    let result: Result<WaitOutcome, any Error>

    func run() { continuation.resume(with: result) }
}

/// Everything one process session knows, owned by `ProcessSession`'s mutex. Pure bookkeeping: every
/// mutating method returns the continuations to resume instead of resuming them under the lock.
struct SessionState {
    struct Waiter {
        let token: UInt64
        let kind: WaitKind
        let awaiting: String
        let continuation: CheckedContinuation<WaitOutcome, any Error>
    }

    /// Builds the error for a waiter whose stream ended: (stream name, end, what it awaited, stderr tail).
    typealias EndError = (String, StreamEnd, String, String) -> any Error

    var stdoutLines: [String] = []
    var stderrBytes: [UInt8] = []
    var exitStatus: Int32?
    /// Exit and end of both streams have been observed (or waited for long enough).
    var finished = false
    var messagesEnd: StreamEnd?
    var stderrEnd: StreamEnd?

    private var queue: [JSONRPCMessage] = []
    private var queueHead = 0
    private var waiters: [Waiter] = []
    private var expectedIDs: Set<RequestID> = []
    private var arrivedResponses: [RequestID: JSONRPCMessage.Response] = [:]
    private var liveTokens: Set<UInt64> = []
    private var failedEarly: [UInt64: any Error] = [:]
    private var lastToken: UInt64 = 0
    private var lastRequestID = 0

    var stderrText: String { String(decoding: stderrBytes, as: UTF8.self) }

    func stderrTail(maxCharacters: Int = 4000) -> String {
        let text = stderrText
        return text.count <= maxCharacters ? text : "…" + String(text.suffix(maxCharacters))
    }

    mutating func makeRequestID() -> RequestID {
        lastRequestID += 1
        return .int(lastRequestID)
    }

    mutating func issueToken() -> UInt64 {
        lastToken += 1
        liveTokens.insert(lastToken)
        return lastToken
    }

    /// A response with `id` is about to be requested: route it to its waiter rather than the queue.
    mutating func expectResponse(_ id: RequestID) {
        expectedIDs.insert(id)
    }

    /// Takes every message nobody has consumed yet.
    mutating func takeQueued() -> [JSONRPCMessage] {
        let taken = Array(queue[queueHead...])
        queue = []
        queueHead = 0
        return taken
    }

    // MARK: Waiters

    mutating func register(_ waiter: Waiter, endError: EndError) -> Resumption? {
        if let error = failedEarly.removeValue(forKey: waiter.token) {
            return finish(waiter, .failure(error))
        }
        switch waiter.kind {
        case .response(let id):
            if let response = arrivedResponses.removeValue(forKey: id) {
                return finish(waiter, .success(.response(response)))
            }
            if let end = messagesEnd {
                return finish(waiter, .failure(endError("stdout", end, waiter.awaiting, stderrTail())))
            }
        case .message:
            if let message = popQueued() { return finish(waiter, .success(.message(message))) }
            if let end = messagesEnd {
                return finish(waiter, .failure(endError("stdout", end, waiter.awaiting, stderrTail())))
            }
        case .stderr(let needle):
            if stderrText.contains(needle) { return finish(waiter, .success(.stderrSeen)) }
            if let end = stderrEnd {
                return finish(waiter, .failure(endError("stderr", end, waiter.awaiting, stderrTail())))
            }
        case .exit:
            if finished, let status = exitStatus { return finish(waiter, .success(.exited(status))) }
        }
        waiters.append(waiter)
        return nil
    }

    /// Fails the waiter `token` (timeout, cancellation), or remembers the error if it has not registered yet.
    mutating func fail(token: UInt64, error: any Error) -> Resumption? {
        if let index = waiters.firstIndex(where: { $0.token == token }) {
            return finish(waiters.remove(at: index), .failure(error))
        }
        if liveTokens.contains(token) { failedEarly[token] = error }
        return nil
    }

    // MARK: Incoming data

    mutating func receive(line: String, message: JSONRPCMessage?) -> Resumption? {
        stdoutLines.append(line)
        guard let message else { return nil }
        if case .response(let response) = message, let id = response.id, expectedIDs.contains(id) {
            if let index = waiters.firstIndex(where: { if case .response(id) = $0.kind { true } else { false } }) {
                return finish(waiters.remove(at: index), .success(.response(response)))
            }
            arrivedResponses[id] = response
            return nil
        }
        if let index = waiters.firstIndex(where: { if case .message = $0.kind { true } else { false } }) {
            return finish(waiters.remove(at: index), .success(.message(message)))
        }
        queue.append(message)
        return nil
    }

    mutating func receive(stderr chunk: UnsafeRawBufferPointer) -> [Resumption] {
        stderrBytes.append(contentsOf: chunk)
        guard waiters.contains(where: { if case .stderr = $0.kind { true } else { false } }) else { return [] }
        let text = stderrText
        return resolveAll { waiter in
            if case .stderr(let needle) = waiter.kind, text.contains(needle) { return .success(.stderrSeen) }
            return nil
        }
    }

    /// No more stdout messages will come: fail response and message waiters.
    mutating func endMessages(_ end: StreamEnd, endError: EndError) -> [Resumption] {
        guard messagesEnd == nil else { return [] }
        messagesEnd = end
        let tail = stderrTail()
        return resolveAll { waiter in
            switch waiter.kind {
            case .response, .message: return .failure(endError("stdout", end, waiter.awaiting, tail))
            case .stderr, .exit: return nil
            }
        }
    }

    /// No more stderr will come: fail stderr waiters.
    mutating func endStderr(_ end: StreamEnd, endError: EndError) -> [Resumption] {
        guard stderrEnd == nil else { return [] }
        stderrEnd = end
        let tail = stderrTail()
        return resolveAll { waiter in
            if case .stderr = waiter.kind { return .failure(endError("stderr", end, waiter.awaiting, tail)) }
            return nil
        }
    }

    /// The process is reaped and its streams are done: end everything and resolve exit waiters.
    mutating func finishProcess(status: Int32, endError: EndError) -> [Resumption] {
        finished = true
        var resumptions = endMessages(.exited(status), endError: endError)
        resumptions += endStderr(.exited(status), endError: endError)
        resumptions += resolveAll { waiter in
            if case .exit = waiter.kind { return .success(.exited(status)) }
            return nil
        }
        return resumptions
    }

    // MARK: Private

    private mutating func popQueued() -> JSONRPCMessage? {
        guard queueHead < queue.count else { return nil }
        let message = queue[queueHead]
        queueHead += 1
        if queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        } else if queueHead >= 256, queueHead * 2 >= queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        return message
    }

    private mutating func resolveAll(
        _ decide: (Waiter) -> Result<WaitOutcome, any Error>?
    ) -> [Resumption] {
        var resumptions: [Resumption] = []
        var kept: [Waiter] = []
        for waiter in waiters {
            if let result = decide(waiter) {
                resumptions.append(finish(waiter, result))
            } else {
                kept.append(waiter)
            }
        }
        waiters = kept
        return resumptions
    }

    /// Retires `waiter`'s token (and its expected response id) and builds its resumption.
    private mutating func finish(_ waiter: Waiter, _ result: Result<WaitOutcome, any Error>) -> Resumption {
        liveTokens.remove(waiter.token)
        failedEarly[waiter.token] = nil
        if case .response(let id) = waiter.kind {
            expectedIDs.remove(id)
            arrivedResponses[id] = nil
        }
        return Resumption(continuation: waiter.continuation, result: result)
    }
}
