import HazeModel

extension RuleEvaluation {
    /// The rolling 24-hour mean (rounded, GB/T 8170) above factor × the GB 3095
    /// Grade II 24-hour limit in force on the hour's local date.
    static func rolling(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                        pollutant: Pollutant, minimumHours: Int, factor: Double) -> Condition {
        guard let mean = context.rolling24(subject, pollutant, ending: hour, minimumHours: minimumHours) else { return .unknown }
        let limit = Double(AirQualityStandard.inForce(on: context.zone.day(of: hour)).dailyLimit(pollutant)) * factor
        let rounded = GBT8170.roundToInteger(mean)
        guard Double(rounded) > limit else { return .inactive }
        return .active(level: 0, value: Double(rounded), facts: .rolling(pollutant: pollutant, value: rounded, limit: limit))
    }
}
