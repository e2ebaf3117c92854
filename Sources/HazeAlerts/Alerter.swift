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
package struct Alerter {
    package let rules: RuleSet
    package let context: AlertContext
    /// Per rule, the subjects it watches in this run (the filter applied).
    private let lists: [[AlertSubject]]
    /// Per rule, the index of its first subject's first streak in the context,
    /// and how many streaks each subject has (one per level).
    private let streakBase: [Int]
    private let streakStride: [Int]

    package init(store: Store, registry: StationRegistry, rules: RuleSet, filter: SubjectFilter = .everything) {
        self.rules = rules
        let context = AlertContext(store: store, registry: registry, filter: filter)
        self.context = context
        let lists = rules.rules.map { context.subjects(for: $0) }
        self.lists = lists
        var base: [Int] = []
        var total = 0
        for (position, rule) in rules.rules.enumerated() {
            base.append(total)
            total += lists[position].count * max(1, rule.levels.count)
        }
        self.streakBase = base
        self.streakStride = rules.rules.map { max(1, $0.levels.count) }
        context.reserveStreaks(total)
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
    package func evaluate(hours: [Hour], state: inout AlertState) -> [AlertEvent] {
        guard let first = hours.first?.index, let last = hours.last?.index, first <= last else { return [] }
        return run(hours: hours, state: &state, target: { _ in last }) { _, _ in first...last }.events
    }

    /// No episode open: where a replay starts.
    static func emptyTracker() -> EpisodeTracker { EpisodeTracker(open: []) { _ in nil } }

    /// The streaming replay's step: every rule for every covered subject at
    /// each hour of `hours` (ascending), the episodes carried in `tracker`
    /// (keyed by this alerter's rule positions and subject ids, which are the
    /// same for every alerter made from the same registry, rules and filter);
    /// each report is handed to `each` as it is made. No cursor is kept.
    func replay(_ hours: ClosedRange<Hour>, tracker: inout EpisodeTracker, each: (AlertEvent) -> Void) {
        for hour in hours { evaluate(hour, tracker: &tracker, table: nil, each: each) }
    }

    /// Every rule for every subject its list holds at one hour — only those
    /// whose slot's range in `table` holds the hour, when there is a table.
    private func evaluate(_ hour: Hour, tracker: inout EpisodeTracker, table: RangeTable?, each: (AlertEvent) -> Void) {
        let zone = context.zone
        for position in rules.rules.indices {
            let rule = rules.rules[position]
            let spans = table.map { rule.kind.timeline == .clock ? $0.clock : $0.data }
            let base = streakBase[position], stride = streakStride[position]
            // Subjects are read in place (a copy of each would cost a reference count per name).
            lists[position].withUnsafeBufferPointer { subjects in
                for i in subjects.indices {
                    if let spans {
                        guard let span = spans[subjects[i].slot], span.contains(hour.index) else { continue }
                    }
                    let subject = subjects[i].ref
                    let condition = RuleEvaluation.evaluate(rule, subject, at: hour, in: context, streaks: base + i * stride)
                    if let event = tracker.observe(rule, position: position, id: subject.id, condition, at: hour, zone: zone,
                                                   subject: { subjects[i] }) {
                        each(event)
                    }
                }
            }
        }
        context.trimCaches()
    }

    /// Cron style: each covered subject over the hours after its own cursor
    /// up to the plan's hour (its first evaluation: only that hour).
    package func evaluate(_ plan: Plan, state: inout AlertState) -> Outcome {
        var behind = 0
        var skipped = 0
        let cursors = (data: state.dataCursors, clock: state.clockCursors)
        let keys = context.slotKeys
        func range(_ timeline: AlertTimeline, _ slot: Int) -> ClosedRange<Int>? {
            let target = plan.target(timeline).index
            let cursor = timeline == .data ? cursors.data.cursor(of: keys[slot]) : cursors.clock.cursor(of: keys[slot])
            guard plan.fromCursors, let cursor else { return target...target }
            guard cursor < target else { return nil }
            let start = max(cursor + 1, target - plan.catchUp + 1)
            if start > cursor + 1 {
                behind += 1
                skipped = max(skipped, start - cursor - 1)
            }
            return start...target
        }
        // Every hour some subject needs, in order (each subject only inside its
        // own range): the union of the ranges, never the span between them —
        // the clock may run far past the data.
        var table = ranges(range)
        var hourSet = Set<Int>()
        for span in Set(table.data.compactMap { $0 } + table.clock.compactMap { $0 }) { hourSet.formUnion(span) }
        var outcome = run(hours: hourSet.sorted().map(Hour.init), state: &state, target: { plan.target($0).index },
                          table: &table)
        outcome.behind = behind
        outcome.skippedHours = skipped
        return outcome
    }

    /// The subjects the filter covers for rules of a timeline.
    package func coveredSubjects(_ timeline: AlertTimeline) -> [AlertSubject] {
        var seen = [Bool](repeating: false, count: context.slotKeys.count)
        var list: [AlertSubject] = []
        for (position, rule) in rules.rules.enumerated() where rule.kind.timeline == timeline {
            for subject in lists[position] where !seen[subject.slot] {
                seen[subject.slot] = true
                list.append(subject)
            }
        }
        return list
    }

    /// Per slot and timeline: the hours to evaluate (nil: none; the slot is
    /// not watched on that timeline when it is not covered).
    private struct RangeTable {
        var data: [ClosedRange<Int>?]
        var clock: [ClosedRange<Int>?]
        var covered: (data: [Bool], clock: [Bool])
    }

    private func ranges(_ range: (AlertTimeline, Int) -> ClosedRange<Int>?) -> RangeTable {
        let count = context.slotKeys.count
        var table = RangeTable(data: .init(repeating: nil, count: count), clock: .init(repeating: nil, count: count),
                               covered: (.init(repeating: false, count: count), .init(repeating: false, count: count)))
        for (position, rule) in rules.rules.enumerated() {
            let clock = rule.kind.timeline == .clock
            for subject in lists[position] {
                let slot = subject.slot
                if clock, !table.covered.clock[slot] {
                    table.covered.clock[slot] = true
                    table.clock[slot] = range(.clock, slot)
                } else if !clock, !table.covered.data[slot] {
                    table.covered.data[slot] = true
                    table.data[slot] = range(.data, slot)
                }
            }
        }
        return table
    }

    private func run(hours: [Hour], state: inout AlertState, target: (AlertTimeline) -> Int,
                     range: (AlertTimeline, Int) -> ClosedRange<Int>?) -> Outcome {
        var table = ranges(range)
        return run(hours: hours, state: &state, target: target, table: &table)
    }

    /// The common loop: hour by hour, rule by rule, subject by subject, each
    /// (rule, subject) only at the hours of its slot's range. Moves the covered
    /// subjects' cursors to `target` of their timeline (never backwards).
    private func run(hours: [Hour], state: inout AlertState, target: (AlertTimeline) -> Int,
                     table: inout RangeTable) -> Outcome {
        var outcome = Outcome()
        // Stored episodes refer to rules and subjects by name; the tracker by position.
        var positions: [String: (rule: Int, subjects: [String: Int])] = [:]
        for (position, rule) in rules.rules.enumerated() {
            positions[rule.id] = (position, Dictionary(lists[position].map { ($0.key, $0.id) }, uniquingKeysWith: { a, _ in a }))
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
        var events: [AlertEvent] = []
        for hour in hours {
            evaluate(hour, tracker: &tracker, table: table) { events.append($0) }
        }
        outcome.events = events
        state.open = (untouched + tracker.open).sorted(by: OpenEpisode.precedes)
        // Cursors of the covered subjects move to the target (never back).
        let keys = context.slotKeys
        for timeline in AlertTimeline.allCases {
            let covered = timeline == .data ? table.covered.data : table.covered.clock
            let old = state.cursors(timeline)
            var moved: [String: Int] = [:]
            for slot in covered.indices where covered[slot] {
                moved[keys[slot]] = max(old.cursor(of: keys[slot]) ?? Int.min, target(timeline))
            }
            if timeline == .data {
                state.dataCursors.advance(moved, complete: context.filter.isEverything)
            } else {
                state.clockCursors.advance(moved, complete: context.filter.isEverything)
            }
        }
        return outcome
    }

    /// Of episodes not evaluated: those whose rule or subject no longer exists.
    private func orphans(_ episodes: [OpenEpisode]) -> [OpenEpisode] {
        guard !episodes.isEmpty else { return [] }
        var known: [String: Set<String>] = [:]
        for rule in rules.rules { known[rule.id] = Set(context.allSubjects(for: rule).map(\.key)) }
        return episodes.filter { known[$0.rule]?.contains($0.subject) != true }
    }
}
