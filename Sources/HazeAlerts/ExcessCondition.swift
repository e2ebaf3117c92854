import HazeModel

extension RuleEvaluation {
    /// Local source (散乱污 near a station): the station above the median of
    /// its city's other assessment stations by ≥ p % and ≥ Δ µg/m³ for N hours.
    static func excess(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                       pollutant: Pollutant, percent: Double, difference: Double, hours: Int,
                       minimumNeighbours: Int) -> Condition {
        let station = subject.station
        guard station >= 0 else { return .unknown }
        func compare(_ h: Hour) -> (value: Int, median: Double, neighbours: Int)? {
            guard let value = context.value(station, pollutant, h),
                  let others = context.neighbourMedian(of: station, pollutant, h), others.count >= minimumNeighbours
            else { return nil }
            return (value, others.median, others.count)
        }
        func qualifies(_ h: Hour) -> Bool? {
            guard let c = compare(h) else { return nil }
            return Double(c.value) - c.median >= difference && Double(c.value) >= c.median * (1 + percent / 100)
        }
        guard let state = ConsecutiveHours.judge(hours, at: hour, streak: context.streak(streaks), qualifies) else { return .unknown }
        guard state, let c = compare(hour) else { return .inactive }
        return .active(level: 0, value: Double(c.value),
                       facts: .excess(pollutant: pollutant, value: c.value, median: c.median, percent: percent,
                                      neighbours: c.neighbours, hours: hours))
    }
}
