import HazeModel

extension RuleEvaluation {
    /// Station coverage below a share: of the unit's assessment stations the
    /// store has series for, fewer than `minimumPercent` % reported (the
    /// pollutant, or either PM) for `hours` consecutive hours. An hour when
    /// none reported is unknown: a silent unit is a stopped feed, the `feed`
    /// rules' business, and must neither open nor close a coverage episode.
    static func coverage(_ rule: AlertRule, _ subject: AlertSubject, _ hour: Hour, _ context: AlertContext,
                         pollutant: Pollutant?, minimumPercent: Double, hours: Int) -> Condition {
        let pollutants = pollutant.map { [$0] } ?? [.pm25, .pm10]
        let watched = subject.members.filter { member in pollutants.contains { context.series(member, $0) >= 0 } }
        guard !watched.isEmpty else { return .unknown }
        func reporting(_ h: Hour) -> Int? {
            guard context.holds(h) else { return nil }
            let count = watched.filter { member in pollutants.contains { context.value(member, $0, h) != nil } }.count
            return count == 0 ? nil : count
        }
        func low(_ h: Hour) -> Bool? {
            reporting(h).map { Double($0) * 100 < minimumPercent * Double(watched.count) }
        }
        guard let state = ConsecutiveHours.judge(hours, at: hour, low) else { return .unknown }
        guard state, let count = reporting(hour) else { return .inactive }
        let percent = Double(count) * 100 / Double(watched.count)
        return .active(level: 0, value: percent,
                       facts: .coverage(reporting: count, stations: watched.count, percent: percent, minimum: minimumPercent, hours: hours))
    }
}
