/// Owns: where the hub is in its life — serving, shutting down (calls in flight may finish), stopping
/// its targets, finished. Never: decides what is in flight (the call table counts that) or stops a process.
///
/// Graceful shutdown (end of the client's stdin, SIGTERM, SIGINT; SIGHUP reloads hub.json instead):
/// 1. stop accepting: new client requests are answered with an error at once;
/// 2. grace: calls already in flight (forwarded, or waiting for a start-up or restart) may finish for up
///    to `graceSeconds`; the grace ends as soon as none is left, or at a second signal;
/// 3. every call still in flight is answered with an error (and cancelled at its target), so every
///    request gets exactly one answer;
/// 4. each target is stopped the MCP stdio way (stdin closed, SIGTERM, SIGKILL); the loop keeps running
///    (forwarding stderr) until every target has been reaped, then ends.
struct HubLifecycle {
    /// How long in-flight calls may take to finish once shutdown has begun.
    static let graceSeconds = 1.0

    private(set) var shuttingDown = false
    /// Step 4 has begun.
    private(set) var stoppingTargets = false
    var graceTimer: Int?
    /// The loop may end (the event sink stops delivering).
    var finished = false

    /// Step 1; false when shutdown had already begun.
    mutating func beginShutdown() -> Bool {
        defer { shuttingDown = true }
        return !shuttingDown
    }

    /// Step 3; false when it had already begun (or shutdown had not).
    mutating func beginStopping() -> Bool {
        guard shuttingDown, !stoppingTargets else { return false }
        stoppingTargets = true
        return true
    }
}
