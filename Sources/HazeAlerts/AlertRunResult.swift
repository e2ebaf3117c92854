import HazeModel

/// What an alert run did: its reports, what it committed and delivered, and
/// what the operator should know.
public struct AlertRunResult: Sendable {
    /// The new reports, in order (hour, rule, subject).
    public var events: [AlertEvent] = []
    /// The store's zone, for printing hours.
    public var zone: LocalZone
    /// The highest severity of the episodes open after the run among the
    /// subjects it covered: the exit status (0 none or info, 1 warning, 2 critical).
    public var highestSeverity: Severity?
    /// The store's newest hour, the last data hour evaluated, and "now".
    public var newest: Hour
    var dataThrough: Hour
    /// "Now" as the run's clock gave it.
    public var now: Hour
    /// False for a dry run: nothing was written.
    var committed = false
    /// Reports of an earlier run that was interrupted, appended to the log first.
    public var recovered = 0
    /// The state file's format before this run, when it was upgraded (1 → 2).
    public var upgradedFrom: Int?
    /// One entry per receiver: what was sent and what is kept.
    public var deliveries: [Delivery] = []
    /// Reports held back from every receiver by a silence, and from some by quiet hours (all logged, marked).
    public var silenced = 0
    /// Reports held back from some receivers by their quiet hours (still logged and kept for them).
    public var quiet = 0
    /// Open `feed` episodes of the covered subjects: where data stopped arriving.
    public var stoppedFeeds: [StoppedFeed] = []
    /// Things to tell the operator (hours skipped, kept orphan episodes, a look back).
    public var notes: [String] = []

    /// What one receiver got in this run.
    public struct Delivery: Sendable, Equatable {
        /// The receiver's id.
        public var receiver: String
        /// Reports delivered by this run, and in how many messages.
        public var sent: Int
        /// Messages the reports were sent in (a digest carries several).
        public var messages = 0
        /// Reports kept in the outbox for a later run, why, and the last error when one stopped it.
        public var kept: Int
        /// The last error when one stopped delivery (the reports stay in the outbox).
        public var error: String?
        /// Why reports were kept without an error (throttled, blocked until a time, the wait ran out).
        public var reason: String?

        package init(receiver: String, sent: Int, kept: Int, error: String?) {
            self.receiver = receiver
            self.sent = sent
            self.kept = kept
            self.error = error
        }
    }

    /// A `feed` episode still open: data of a subject stopped arriving.
    public struct StoppedFeed: Sendable, Equatable {
        /// The rule's id.
        public var rule: String
        /// The subject's key.
        public var subject: String
        /// The last hour with data, as written in the report ("—" when none in the window).
        public var lastData: String
        /// How long no data has arrived, as written in the report.
        public var silentHours: String
    }
}
