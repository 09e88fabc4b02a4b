/// Owns: whether hub.json changed on disk since the running config was read. A change is acted on
/// once the file has stayed the same for one look (an editor's write in several steps is not read
/// half-written). Never: reads the file, or decides what a change means (`ConfigChange` does).
struct ConfigWatch: Equatable {
    /// Seconds between two looks at the file.
    static let interval = 1.0

    /// The file as it was when the running config was read.
    private(set) var loaded: LocalFile.Stamp?
    /// A different version seen at the last look, waiting to stay unchanged for one more.
    private var candidate: LocalFile.Stamp?

    init(loaded: LocalFile.Stamp?) {
        self.loaded = loaded
    }

    /// One look at the file: true when it changed and has settled (reload now). A missing file (an
    /// editor's rename in progress, or deleted) never triggers a reload.
    mutating func observe(_ current: LocalFile.Stamp?) -> Bool {
        guard let current, current != loaded else {
            candidate = nil
            return false
        }
        guard current == candidate else {
            candidate = current
            return false
        }
        loaded = current
        candidate = nil
        return true
    }

    /// The config was read again (SIGHUP, or after `observe` said so): this version is the running one.
    mutating func reloaded(_ stamp: LocalFile.Stamp?) {
        loaded = stamp
        candidate = nil
    }
}
