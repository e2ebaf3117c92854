import HazeModel

/// Evaluates a rule for one subject at one hour. Each kind's logic is in the
/// extension of the same name (`ThresholdCondition.swift`, …).
enum RuleEvaluation {
    /// `streaks`: the index of the (rule, subject)'s first streak in the
    /// context (one per level; -1: none, every lookback is read again).
    static func evaluate(_ rule: AlertRule, _ subject: SubjectRef, at hour: Hour,
                         in context: AlertContext, streaks: Int = -1) -> Condition {
        switch rule.kind {
        case .threshold(let pollutant, let hours):
            return threshold(rule, subject, hour, context, streaks: streaks, pollutant: pollutant, hours: hours)
        case .rolling(let pollutant, let minimumHours, let factor):
            return rolling(rule, subject, hour, context, streaks: streaks, pollutant: pollutant, minimumHours: minimumHours, factor: factor)
        case .episode(let minimumHours):
            return episode(rule, subject, hour, context, streaks: streaks, minimumHours: minimumHours)
        case .ratio(let maximumRatio, let hours):
            return ratio(rule, subject, hour, context, streaks: streaks, maximumRatio: maximumRatio, hours: hours)
        case .nightRise(let rise, let minimumRatio, let hours, let season, let evening, let night):
            return nightRise(rule, subject, hour, context, streaks: streaks, rise: rise, minimumRatio: minimumRatio, hours: hours,
                             season: season, eveningHours: evening, nightHours: night)
        case .excess(let pollutant, let percent, let difference, let hours, let neighbours):
            return excess(rule, subject, hour, context, streaks: streaks, pollutant: pollutant, percent: percent, difference: difference,
                          hours: hours, minimumNeighbours: neighbours)
        case .trend(let pollutant, let percent, let whenLast, let minimumDays):
            return trend(rule, subject, hour, context, streaks: streaks, pollutant: pollutant, percent: percent, whenLast: whenLast,
                         minimumDays: minimumDays)
        case .data(let check):
            return data(rule, subject, hour, context, streaks: streaks, check: check)
        case .feed(let hours):
            return feed(rule, subject, hour, context, streaks: streaks, hours: hours)
        case .coverage(let pollutant, let minimumPercent, let hours):
            return coverage(rule, subject, hour, context, streaks: streaks, pollutant: pollutant, minimumPercent: minimumPercent, hours: hours)
        }
    }

    /// The highest level whose threshold holds for `hours` consecutive hours,
    /// given a value per hour; the shared logic of threshold-like rules.
    static func ladder(_ rule: AlertRule, hours: Int, at hour: Hour, context: AlertContext, streaks: Int,
                       value: (Hour) -> Double?, qualifies extra: (Hour) -> Bool? = { _ in true }) -> (level: Int, state: Bool?) {
        var reached = -1
        var firstState: Bool?
        for (index, level) in rule.levels.enumerated() {
            let threshold = level.threshold ?? 0
            let state = ConsecutiveHours.judge(hours, at: hour, streak: context.streak(streaks < 0 ? -1 : streaks + index)) { h in
                guard let v = value(h), let ok = extra(h) else { return nil }
                return ok && v >= threshold
            }
            if index == 0 { firstState = state }
            if state == true { reached = index } else { break }
        }
        return (reached, firstState)
    }
}
