import HazeModel

extension RuleEvaluation {
    /// Data stopped arriving: the subject's newest hour with data is more than
    /// `hours` hours before the hour evaluated. Evaluated on the clock
    /// timeline, so a cron run sees it when no new data has come. A subject
    /// with no data anywhere in the hourly window (stations that never
    /// reported) is unknown: nothing stopped there, and an open episode stays
    /// open rather than closing for want of data.
    static func feed(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                     hours: Int) -> Condition {
        guard let found = context.lastDataHour(subject, upTo: hour), let last = found else { return .unknown }
        let silent = hour.index - last.index
        guard silent > hours else { return .inactive }
        return .active(level: 0, value: Double(silent), facts: .text([
            "last": context.zone.format(last), "silent": String(silent), "hours": String(hours), "value": String(silent),
        ]))
    }
}
