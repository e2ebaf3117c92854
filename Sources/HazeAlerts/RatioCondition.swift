import HazeModel

extension RuleEvaluation {
    /// Fugitive dust (散尘): PM10 ≥ threshold with PM2.5/PM10 ≤ r for N hours.
    static func ratio(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                      maximumRatio: Double, hours: Int) -> Condition {
        func ratioOK(_ h: Hour) -> Bool? {
            guard let pm25 = context.hourly(subject, .pm25, h), let pm10 = context.hourly(subject, .pm10, h), pm10 > 0 else { return nil }
            return pm25 / pm10 <= maximumRatio
        }
        // A missing PM2.5 leaves the hour unknown, not failed.
        let (level, state) = ladder(rule, hours: hours, at: hour, context: context, streaks: streaks, value: { context.hourly(subject, .pm10, $0) },
                                    qualifies: ratioOK)
        guard state == true else { return state == false ? .inactive : .unknown }
        let pm10 = context.hourly(subject, .pm10, hour) ?? 0
        let pm25 = context.hourly(subject, .pm25, hour) ?? 0
        return .active(level: level, value: pm10,
                       facts: .ratio(pm25: pm25, pm10: pm10, threshold: rule.levels[level].threshold ?? 0, hours: hours))
    }
}
