import HazeModel

/// What an alert run did: its reports, what it committed and delivered, and
/// what the operator should know.
public struct AlertRunResult: Sendable {
    /// The new reports, in order (hour, rule, subject).
    public var events: [AlertEvent] = []
    public var zone: LocalZone
    /// The highest severity of the episodes open after the run among the
    /// subjects it covered: the exit status (0 none or info, 1 warning, 2 critical).
    public var highestSeverity: Severity?
    /// The store's newest hour, the last data hour evaluated, and "now".
    public var newest: Hour
    public var dataThrough: Hour
    public var now: Hour
    /// False for a dry run: nothing was written.
    public var committed = false
    /// Reports of an earlier run that was interrupted, appended to the log first.
    public var recovered = 0
    /// The state file's format before this run, when it was upgraded (1 → 2).
    public var upgradedFrom: Int?
    public var deliveries: [Delivery] = []
    /// Open `feed` episodes of the covered subjects: where data stopped arriving.
    public var stoppedFeeds: [StoppedFeed] = []
    /// Things to tell the operator (hours skipped, kept orphan episodes, a look back).
    public var notes: [String] = []

    public struct Delivery: Sendable, Equatable {
        public var receiver: String
        /// Reports sent (on success) or kept in the outbox for the next run (on failure).
        public var sent: Int
        public var kept: Int
        public var error: String?
    }

    public struct StoppedFeed: Sendable, Equatable {
        public var rule: String
        public var subject: String
        /// The last hour with data, as written in the report ("—" when none in the window).
        public var lastData: String
        public var silentHours: String
    }
}
