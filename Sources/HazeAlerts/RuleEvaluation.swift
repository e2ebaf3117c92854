import HazeModel

/// Evaluates a rule for one subject at one hour. Each kind's logic is in the
/// extension of the same name (`ThresholdCondition.swift`, …).
enum RuleEvaluation {
    static func evaluate(_ rule: AlertRule, _ subject: AlertSubject, at hour: Hour,
                         in context: AlertContext) -> Condition {
        switch rule.kind {
        case .threshold(let pollutant, let hours):
            return threshold(rule, subject, hour, context, pollutant: pollutant, hours: hours)
        case .rolling(let pollutant, let minimumHours, let factor):
            return rolling(rule, subject, hour, context, pollutant: pollutant, minimumHours: minimumHours, factor: factor)
        case .episode(let minimumHours):
            return episode(rule, subject, hour, context, minimumHours: minimumHours)
        case .ratio(let maximumRatio, let hours):
            return ratio(rule, subject, hour, context, maximumRatio: maximumRatio, hours: hours)
        case .nightRise(let rise, let minimumRatio, let hours, let season, let evening, let night):
            return nightRise(rule, subject, hour, context, rise: rise, minimumRatio: minimumRatio, hours: hours,
                             season: season, eveningHours: evening, nightHours: night)
        case .excess(let pollutant, let percent, let difference, let hours, let neighbours):
            return excess(rule, subject, hour, context, pollutant: pollutant, percent: percent, difference: difference,
                          hours: hours, minimumNeighbours: neighbours)
        case .trend(let pollutant, let percent, let whenLast, let minimumDays):
            return trend(rule, subject, hour, context, pollutant: pollutant, percent: percent, whenLast: whenLast,
                         minimumDays: minimumDays)
        case .data(let check):
            return data(rule, subject, hour, context, check: check)
        case .feed(let hours):
            return feed(rule, subject, hour, context, hours: hours)
        case .coverage(let pollutant, let minimumPercent, let hours):
            return coverage(rule, subject, hour, context, pollutant: pollutant, minimumPercent: minimumPercent, hours: hours)
        }
    }

    /// The highest level whose threshold holds for `hours` consecutive hours,
    /// given a value per hour; the shared logic of threshold-like rules.
    static func ladder(_ rule: AlertRule, hours: Int, at hour: Hour, value: (Hour) -> Double?,
                       qualifies extra: (Hour) -> Bool? = { _ in true }) -> (level: Int, state: Bool?) {
        var reached = -1
        var firstState: Bool?
        for (index, level) in rule.levels.enumerated() {
            let threshold = level.threshold ?? 0
            let state = ConsecutiveHours.judge(hours, at: hour) { h in
                guard let v = value(h), let ok = extra(h) else { return nil }
                return ok && v >= threshold
            }
            if index == 0 { firstState = state }
            if state == true { reached = index } else { break }
        }
        return (reached, firstState)
    }
}
