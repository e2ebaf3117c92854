import HazeModel

extension RuleEvaluation {
    /// Hourly value ≥ threshold for ≥ N consecutive hours.
    static func threshold(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                          pollutant: Pollutant, hours: Int) -> Condition {
        let (level, state) = ladder(rule, hours: hours, at: hour, context: context, streaks: streaks) { context.hourly(subject, pollutant, $0) }
        guard state == true else { return state == false ? .inactive : .unknown }
        let value = context.hourly(subject, pollutant, hour) ?? 0
        return .active(level: level, value: value,
                       facts: .threshold(pollutant: pollutant, value: value, threshold: rule.levels[level].threshold ?? 0, hours: hours))
    }
}
