import HazeModel

extension RuleEvaluation {
    /// Scattered coal (散煤): in the heating season, PM2.5 at night hours above
    /// the same evening's mean by ≥ `rise`, PM2.5-dominated (PM2.5/PM10 ≥ r),
    /// for ≥ N consecutive night hours.
    static func nightRise(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                          rise: Double, minimumRatio: Double, hours: Int, season: SeasonWindow,
                          eveningHours: [Int], nightHours: [Int]) -> Condition {
        let zone = context.zone
        guard nightHours.contains(zone.hourOfDay(hour)), season.contains(context.date(of: hour)) else { return .inactive }
        /// The evening a night hour belongs to: the same day after noon, else the day before.
        func eveningMean(for h: Hour) -> Double? {
            let day = zone.hourOfDay(h) >= 12 ? zone.day(of: h) : zone.day(of: h).advanced(by: -1)
            var sum = 0.0, count = 0
            for hourOfDay in eveningHours {
                guard let value = context.hourly(subject, .pm25, zone.hour(day: day, hourOfDay: hourOfDay)) else { continue }
                sum += value
                count += 1
            }
            return count == 0 ? nil : sum / Double(count)
        }
        func qualifies(_ h: Hour) -> Bool? {
            guard nightHours.contains(zone.hourOfDay(h)) else { return false }
            guard let pm25 = context.hourly(subject, .pm25, h), let pm10 = context.hourly(subject, .pm10, h), pm10 > 0,
                  let evening = eveningMean(for: h) else { return nil }
            return pm25 - evening >= rise && pm25 / pm10 >= minimumRatio
        }
        guard let state = ConsecutiveHours.judge(hours, at: hour, streak: context.streak(streaks), qualifies) else { return .unknown }
        guard state, let pm25 = context.hourly(subject, .pm25, hour), let pm10 = context.hourly(subject, .pm10, hour),
              let evening = eveningMean(for: hour) else { return .inactive }
        return .active(level: 0, value: pm25, facts: .nightRise(pm25: pm25, pm10: pm10, evening: evening, hours: hours))
    }
}
