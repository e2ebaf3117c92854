import HazeModel
import HazeRegistry
import HazeStore

/// Runs the rules hour by hour and keeps the episodes: the engine behind both
/// the cron run and the replay, so the two cannot disagree.
public struct Alerter: Sendable {
    public let rules: RuleSet
    public let context: AlertContext

    public init(store: Store, registry: StationRegistry, rules: RuleSet, city: String? = nil) {
        self.rules = rules
        self.context = AlertContext(store: store, registry: registry, city: city)
    }

    /// Evaluates every rule at each hour, in order, updating `state`.
    public func evaluate(hours: [Hour], state: inout AlertState) -> [AlertEvent] {
        // Stored episodes refer to rules and subjects by name; the tracker by position.
        var positions: [String: (rule: Int, subjects: [String: Int])] = [:]
        for (position, rule) in rules.rules.enumerated() {
            let subjects = context.subjects(for: rule)
            positions[rule.id] = (position, Dictionary(subjects.map { ($0.key, $0.id) }, uniquingKeysWith: { a, _ in a }))
        }
        var tracker = EpisodeTracker(state: state) { episode in
            guard let entry = positions[episode.rule], let subject = entry.subjects[episode.subject] else { return nil }
            return EpisodeTracker.key(rule: entry.rule, subject: subject)
        }
        var events: [AlertEvent] = []
        let zone = context.zone
        for hour in hours {
            for (position, rule) in rules.rules.enumerated() {
                for subject in context.subjects(for: rule) {
                    let condition = RuleEvaluation.evaluate(rule, subject, at: hour, in: context)
                    if let event = tracker.observe(rule, position: position, subject, condition, at: hour, zone: zone) {
                        events.append(event)
                    }
                }
            }
            tracker.state.lastEvaluated = hour.index
            context.trimCaches()
        }
        state = tracker.state
        return events
    }

    /// The hours a cron run evaluates: after the last evaluated hour up to the
    /// newest (at most `catchUp`), or only the newest on a first run.
    public static func pendingHours(newest: Hour, lastEvaluated: Int?, catchUp: Int = 168) -> [Hour] {
        guard let last = lastEvaluated else { return [newest] }
        guard newest.index > last else { return [] }
        let first = max(last + 1, newest.index - catchUp + 1)
        return (first...newest.index).map(Hour.init)
    }
}
