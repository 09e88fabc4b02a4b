/// Collects every problem found while checking hub.json, so that `check` (and `serve`'s refusal) can name
/// them all at once instead of the first. It owns only the list; the parsers decide what to record.
///
/// A parser that runs without a collector keeps the old behaviour: the first problem is thrown.
final class ConfigIssues {
    private(set) var errors: [ConfigError] = []

    init() {}

    func record(_ error: ConfigError) {
        // One mistake can be reached twice (a value checked by two steps): say it once.
        if !errors.contains(error) { errors.append(error) }
    }

    var count: Int { errors.count }
}

extension ConfigNode {
    /// Runs one independent check. With a collector its failure is recorded and nil returned, so checking
    /// goes on with the next key; without one the failure is thrown, as before.
    func attempt<T>(_ body: () throws(ConfigError) -> T) throws(ConfigError) -> T? {
        guard let issues else { return try body() }
        do {
            return try body()
        } catch {
            issues.record(error)
            return nil
        }
    }

    /// `attempt` for a check whose value is optional (a key that may be absent): absent and failed are
    /// both nil.
    func attemptIfPresent<T>(_ body: () throws(ConfigError) -> T?) throws(ConfigError) -> T? {
        guard let issues else { return try body() }
        do {
            return try body()
        } catch {
            issues.record(error)
            return nil
        }
    }

    /// Records `error` when collecting, else throws it.
    func report(_ error: ConfigError) throws(ConfigError) {
        guard let issues else { throw error }
        issues.record(error)
    }
}
