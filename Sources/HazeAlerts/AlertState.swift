/// What `haze alert` remembers between runs (`<store>/alerts/state.json`).
///
/// Per subject: how far it has been evaluated, on the data timeline and on
/// the clock timeline (see `AlertTimeline`), and its open episodes. Per run:
/// the reports not yet appended to the log, and per receiver the reports it
/// has not accepted yet (the outbox).
package struct AlertState: Sendable, Equatable {
    /// The state file format this haze writes (1 = one shared cursor, before per-subject state).
    package static let formatVersion = 2

    /// Hours of data evaluated, per subject.
    var dataCursors = SubjectCursors()
    /// Clock hours the `feed` rules were evaluated at, per subject.
    var clockCursors = SubjectCursors()
    package var open: [OpenEpisode] = []
    /// Reports of the last run not yet appended to the log (NDJSON lines),
    /// and the log's length before them: a run killed between saving the
    /// state and appending finishes the append on the next run, exactly once.
    package var pending: [String] = []
    var logSize: Int?
    /// Per receiver id (`webhook` for `--webhook`): reports it has not
    /// accepted yet, oldest first.
    package var outbox: [String: [String]] = [:]

    package init() {}

    package func cursors(_ timeline: AlertTimeline) -> SubjectCursors {
        timeline == .data ? dataCursors : clockCursors
    }

    /// The highest severity among open episodes (of the subjects `covers`
    /// accepts), for the exit status.
    package func highestSeverity(_ rules: RuleSet, covers: (OpenEpisode) -> Bool = { _ in true }) -> Severity? {
        var byID: [String: AlertRule] = [:]
        for rule in rules.rules { byID[rule.id] = rule }
        return open.compactMap { episode in
            covers(episode) ? byID[episode.rule]?.severity(ofLevel: episode.level) : nil
        }.max()
    }

    /// Every report waiting in an outbox.
    var outboxCount: Int { outbox.values.reduce(0) { $0 + $1.count } }
}
