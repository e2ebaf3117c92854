import HazeModel

extension RuleEvaluation {
    /// Heavy-pollution episode (重污染天气): consecutive 24-hour windows ending
    /// at this hour, a day apart (so a "day" may cross midnight), with PM AQI
    /// (HJ 633, by the date of each window) > 200. Yellow: ≥ 2 such days;
    /// orange: ≥ 3 with one > 300; red: ≥ 4 with two > 300, or any ≥ 500.
    static func episode(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                        minimumHours: Int) -> Condition {
        func aqi(_ end: Hour) -> Int? {
            context.windowAQI(subject, ending: end, minimumHours: minimumHours) {
                let pm25 = context.rolling24(subject, .pm25, ending: end, minimumHours: minimumHours)
                let pm10 = context.rolling24(subject, .pm10, ending: end, minimumHours: minimumHours)
                return AirQualityIndex.pmAQI(pm25: pm25, pm10: pm10, on: context.date(of: end))
            }
        }
        guard let current = aqi(hour) else { return .unknown }
        guard current > 200 else { return .inactive }
        var days = 0, over300 = 0, reached500 = false
        var window = hour
        while days < 10, let value = aqi(window), value > 200 {
            days += 1
            if value > 300 { over300 += 1 }
            if value >= 500 { reached500 = true }
            window = window.advanced(by: -24)
        }
        var level: Int?
        if days >= 2 { level = 0 }
        if days >= 3 && over300 >= 1 { level = 1 }
        if (days >= 4 && over300 >= 2) || reached500 { level = 2 }
        // One day over 200 is not yet an episode, but not a reason to close one either.
        guard let reached = level else { return .unknown }
        let capped = min(reached, rule.levels.count - 1)
        let pm25 = context.rolling24(subject, .pm25, ending: hour, minimumHours: minimumHours)
        let pm10 = context.rolling24(subject, .pm10, ending: hour, minimumHours: minimumHours)
        return .active(level: capped, value: Double(current),
                       facts: .episode(aqi: current, days: days, over300: over300, pm25: pm25, pm10: pm10))
    }
}
