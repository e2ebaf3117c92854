import HazeStore

/// Why an alert run did not run, with what to do about it.
public enum AlertRunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An alert file is damaged or missing (`haze check --repair`).
    case damaged(AlertFileProblem)
    case store(StoreError)
    /// The store holds no data yet.
    case emptyStore(directory: String)
    /// `at` is after the store's newest hour (outside a dry run).
    case atAfterNewest(at: String, newest: String)
    /// `at` is before the hour some covered subjects have been evaluated to (outside a dry run).
    case atBeforeCursor(at: String, cursor: String, subjects: Int, example: String)
    /// An explicit "now" later than the system clock (outside a dry run).
    case nowInFuture(now: String, clock: String)
    /// The replay's dates are out of order or outside what can be evaluated.
    case invalidPeriod(String)
    /// While a replay ran, a writer's commit moved the hourly ring past hours
    /// it had still to evaluate (`next` … `last`); the ring now holds `window`.
    case replayOutrun(next: String, last: String, window: String)

    /// True for the errors that come from how the run was asked for (a usage error).
    public var isUsage: Bool {
        switch self {
        case .atAfterNewest, .atBeforeCursor, .nowInFuture, .invalidPeriod: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .damaged(let problem):
            return "alert state: \(problem)"
        case .store(let error):
            return "\(error)"
        case .emptyStore(let directory):
            return "the store at '\(directory)' is empty; ingest data first"
        case .atAfterNewest(let at, let newest):
            return "--at \(at) is after the store's newest hour \(newest): a run records what it evaluated, "
                + "so an hour with no data yet would be marked done before its data arrive. "
                + "Leave out --at to evaluate every hour up to the newest, or add --dry-run to look at \(at) without changing the alert state"
        case .atBeforeCursor(let at, let cursor, let subjects, let example):
            return "--at \(at) is before \(cursor), the hour the alert state has already evaluated for \(subjects) subject(s) "
                + "(e.g. \(example)); the alert state never goes back (episodes would close with negative durations and open twice). "
                + "Add --dry-run to look at an earlier hour, or use --replay --from … --to … for a period"
        case .nowInFuture(let now, let clock):
            return "--now \(now) is after the system clock's hour \(clock); a run cannot be made as of a time that has not come"
        case .invalidPeriod(let detail):
            return detail
        case .replayOutrun(let next, let last, let window):
            return "the replay stopped at \(next): while it ran, new data moved the hourly ring past the hours \(next) … \(last) "
                + "it had still to evaluate (the ring now holds \(window)); the reports before \(next) stand. "
                + "Replay from a later date, or keep more hours in the ring (`haze init --hours`)"
        }
    }
}
