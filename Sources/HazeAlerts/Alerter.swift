import HazeModel
import HazeRegistry
import HazeStore

/// Runs the rules hour by hour and keeps the episodes: the engine behind both
/// the cron run and the replay, so the two cannot disagree.
///
/// Each subject is evaluated from its own cursors (`AlertState.dataCursors`
/// for rules about the data, `clockCursors` for `feed` rules), and only the
/// subjects the context's filter covers are touched: their cursors move and
/// their episodes open, escalate and close; every other subject's cursors and
/// open episodes are kept exactly as they were.
///
/// Not `Sendable`: it evaluates through one `AlertContext` and its caches.
public struct Alerter {
    public let rules: RuleSet
    public let context: AlertContext

    public init(store: Store, registry: StationRegistry, rules: RuleSet, filter: SubjectFilter = .everything) {
        self.rules = rules
        self.context = AlertContext(store: store, registry: registry, filter: filter)
    }

    /// What one evaluation did besides reporting.
    package struct Outcome {
        var events: [AlertEvent] = []
        /// Subjects that had more hours to catch up than the plan allows, and the most hours one skipped.
        var behind = 0
        var skippedHours = 0
        /// Open episodes of rules no longer in the rule files, or of subjects
        /// no longer in the registry: kept in the state, not evaluated.
        var orphans: [OpenEpisode] = []
    }

    /// How far a cron run evaluates.
    package struct Plan {
        /// The last hour to evaluate per timeline: the newest data hour (or
        /// `--at`), and "now" for the clock.
        var through: (data: Hour, clock: Hour)
        /// At most this many hours per subject, the newest ones.
        var catchUp = 168
        /// False to ignore the cursors and evaluate only the `through` hours
        /// (a dry run looking at an hour the state has passed).
        var fromCursors = true

        func target(_ timeline: AlertTimeline) -> Hour { timeline == .data ? through.data : through.clock }
    }

    /// Replay style: every rule for every covered subject at each of `hours`
    /// (ascending), from `state`; the subjects' cursors end at the last hour.
    public func evaluate(hours: [Hour], state: inout AlertState) -> [AlertEvent] {
        guard let first = hours.first?.index, let last = hours.last?.index, first <= last else { return [] }
        return run(hours: hours, state: &state, target: { _ in last }) { _, _ in first...last }.events
    }

    /// Cron style: each covered subject over the hours after its own cursor
    /// up to the plan's hour (its first evaluation: only that hour).
    package func evaluate(_ plan: Plan, state: inout AlertState) -> Outcome {
        var behind = Set<String>()
        var skipped = 0
        let cursors = (data: state.dataCursors, clock: state.clockCursors)
        func range(_ timeline: AlertTimeline, _ key: String) -> ClosedRange<Int>? {
            let target = plan.target(timeline).index
            let cursor = timeline == .data ? cursors.data.cursor(of: key) : cursors.clock.cursor(of: key)
            guard plan.fromCursors, let cursor else { return target...target }
            guard cursor < target else { return nil }
            let start = max(cursor + 1, target - plan.catchUp + 1)
            if start > cursor + 1 {
                behind.insert(key)
                skipped = max(skipped, start - cursor - 1)
            }
            return start...target
        }
        // Every hour some subject needs, in order (each subject only inside its
        // own range): the union of the ranges, never the span between them —
        // the clock may run far past the data.
        var spans = Set<ClosedRange<Int>>()
        for rule in rules.rules {
            for subject in context.subjects(for: rule) {
                if let r = range(rule.kind.timeline, subject.stateKey) { spans.insert(r) }
            }
        }
        var hourSet = Set<Int>()
        for span in spans { hourSet.formUnion(span) }
        let hours = hourSet.sorted().map(Hour.init)
        var outcome = run(hours: hours, state: &state, target: { plan.target($0).index }, range: range)
        outcome.behind = behind.count
        outcome.skippedHours = skipped
        return outcome
    }

    /// The common loop: hour by hour, rule by rule, subject by subject, each
    /// (rule, subject) only at the hours `range` gives it. Moves the covered
    /// subjects' cursors to `target` of their timeline (never backwards).
    private func run(hours: [Hour], state: inout AlertState, target: (AlertTimeline) -> Int,
                     range: (AlertTimeline, String) -> ClosedRange<Int>?) -> Outcome {
        var outcome = Outcome()
        // Stored episodes refer to rules and subjects by name; the tracker by position.
        var positions: [String: (rule: Int, subjects: [String: Int])] = [:]
        var lists: [[AlertSubject]] = []
        var ranges: [[ClosedRange<Int>?]] = []
        var covered: [AlertTimeline: [String: Int]] = [.data: [:], .clock: [:]]
        for (position, rule) in rules.rules.enumerated() {
            let subjects = context.subjects(for: rule)
            lists.append(subjects)
            let timeline = rule.kind.timeline
            ranges.append(subjects.map { range(timeline, $0.stateKey) })
            positions[rule.id] = (position, Dictionary(subjects.map { ($0.key, $0.id) }, uniquingKeysWith: { a, _ in a }))
            let old = state.cursors(timeline)
            for subject in subjects {
                let key = subject.stateKey
                covered[timeline]?[key] = max(old.cursor(of: key) ?? Int.min, target(timeline))
            }
        }
        // The tracker takes the episodes of covered subjects; all others stay as they are.
        func key(_ episode: OpenEpisode) -> Int64? {
            guard let entry = positions[episode.rule], let subject = entry.subjects[episode.subject] else { return nil }
            return EpisodeTracker.key(rule: entry.rule, subject: subject)
        }
        var untouched: [OpenEpisode] = []
        var managed: [OpenEpisode] = []
        for episode in state.open {
            if key(episode) != nil { managed.append(episode) } else { untouched.append(episode) }
        }
        outcome.orphans = orphans(untouched)
        var tracker = EpisodeTracker(open: managed, keyOf: key)
        let zone = context.zone
        for hour in hours {
            for (position, rule) in rules.rules.enumerated() {
                let subjects = lists[position]
                let spans = ranges[position]
                for i in subjects.indices {
                    guard let span = spans[i], span.contains(hour.index) else { continue }
                    let subject = subjects[i]
                    let condition = RuleEvaluation.evaluate(rule, subject, at: hour, in: context)
                    if let event = tracker.observe(rule, position: position, subject, condition, at: hour, zone: zone) {
                        outcome.events.append(event)
                    }
                }
            }
            context.trimCaches()
        }
        state.open = (untouched + tracker.open).sorted(by: OpenEpisode.precedes)
        let complete = context.filter.isEverything
        state.dataCursors.advance(covered[.data] ?? [:], complete: complete)
        state.clockCursors.advance(covered[.clock] ?? [:], complete: complete)
        return outcome
    }

    /// The subjects the filter covers for rules of a timeline.
    package func coveredSubjects(_ timeline: AlertTimeline) -> [AlertSubject] {
        var seen = Set<String>()
        var list: [AlertSubject] = []
        for rule in rules.rules where rule.kind.timeline == timeline {
            for subject in context.subjects(for: rule) where seen.insert(subject.stateKey).inserted { list.append(subject) }
        }
        return list
    }

    /// Of episodes not evaluated: those whose rule or subject no longer exists.
    private func orphans(_ episodes: [OpenEpisode]) -> [OpenEpisode] {
        guard !episodes.isEmpty else { return [] }
        var known: [String: Set<String>] = [:]
        for rule in rules.rules { known[rule.id] = Set(context.allSubjects(for: rule).map(\.key)) }
        return episodes.filter { known[$0.rule]?.contains($0.subject) != true }
    }
}
