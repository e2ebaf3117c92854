import HazeModel

extension RuleEvaluation {
    /// Station coverage below a share: of the unit's assessment stations the
    /// store has series for, fewer than `minimumPercent` % reported (the
    /// pollutant, or either PM) for `hours` consecutive hours. An hour when
    /// none reported is unknown: a silent unit is a stopped feed, the `feed`
    /// rules' business, and must neither open nor close a coverage episode.
    static func coverage(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                         pollutant: Pollutant?, minimumPercent: Double, hours: Int) -> Condition {
        let watched = context.members(subject, reporting: pollutant)
        guard !watched.isEmpty else { return .unknown }
        func reporting(_ h: Hour) -> Int? {
            guard context.holds(h) else { return nil }
            var count = 0
            for member in watched {
                if let pollutant {
                    if context.value(member, pollutant, h) != nil { count += 1 }
                } else if context.value(member, .pm25, h) != nil || context.value(member, .pm10, h) != nil {
                    count += 1
                }
            }
            return count == 0 ? nil : count
        }
        func low(_ h: Hour) -> Bool? {
            reporting(h).map { Double($0) * 100 < minimumPercent * Double(watched.count) }
        }
        guard let state = ConsecutiveHours.judge(hours, at: hour, streak: context.streak(streaks), low) else { return .unknown }
        guard state, let count = reporting(hour) else { return .inactive }
        let percent = Double(count) * 100 / Double(watched.count)
        return .active(level: 0, value: percent,
                       facts: .coverage(reporting: count, stations: watched.count, percent: percent, minimum: minimumPercent, hours: hours))
    }
}
