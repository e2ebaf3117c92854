import HazeModel
import HazeAssessment

extension RuleEvaluation {
    /// A district's (or city's) month-to-date mean worse than the same days
    /// last year by ≥ p %, or — with `when_last` — last among its city's units.
    /// Month to date = the month's complete days up to this hour.
    static func trend(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                      pollutant: Pollutant, percent: Double, whenLast: Bool, minimumDays: Int) -> Condition {
        let zone = context.zone
        let today = zone.day(of: hour)
        let end = zone.hourOfDay(hour) == 23 ? today.advanced(by: 1) : today
        // Everything below depends on the day and the month-to-date's end only.
        return context.trend(streaks, day: today, end: end) {
            trendCondition(context.subject(subject.id), today: today, end: end, context, pollutant: pollutant, percent: percent,
                           whenLast: whenLast, minimumDays: minimumDays)
        }
    }

    private static func trendCondition(_ subject: AlertSubject, today: Day, end: Day, _ context: AlertContext,
                                       pollutant: Pollutant, percent: Double, whenLast: Bool, minimumDays: Int) -> Condition {
        let month = today.month
        let start = month.firstDay
        guard start < end else { return .unknown }
        let count = start.distance(to: end)
        func mean(_ unit: AlertSubject, _ from: Day, _ days: Int) -> (mean: Double, days: Int)? {
            let ids = context.aggregation.series(of: unit.stations, pollutant)
            let values = (0..<days).compactMap { context.aggregation.unitDay(ids, on: from.advanced(by: $0)).validMean }
            return values.count >= minimumDays ? (values.reduce(0, +) / Double(values.count), values.count) : nil
        }
        guard let now = mean(subject, start, count) else { return .unknown }
        let current = GBT8170.roundToInteger(now.mean)
        var facts: [String: String] = ["pollutant": pollutant.displayName, "value": String(current), "days": String(now.days)]
        var active = false
        var known = false
        if let lastYear = month.yearEarlier, let before = mean(subject, lastYear.firstDay, min(count, lastYear.dayCount)) {
            known = true
            let previous = GBT8170.roundToInteger(before.mean)
            facts["last_year"] = String(previous)
            if previous > 0 {
                let change = GBT8170.round(Double(current - previous) / Double(previous) * 100, decimals: 1)
                facts["change"] = (change > 0 ? "+" : "") + GBT8170.format(change, decimals: 1)
                if change >= percent { active = true }
            }
        }
        if whenLast {
            let peers = context.subjects(subject.scope).filter { $0.city == subject.city }
            let means = peers.map { peer -> Int? in
                let key = AlertContext.MemoKey(tag: 20 + (pollutant == .pm25 ? 0 : 1), subject: peer.id, hour: end.index,
                                               extra: minimumDays)
                return context.remember(key) { mean(peer, start, count).map { Double(GBT8170.roundToInteger($0.mean)) } }
                    .flatMap { Int(exactly: $0) }
            }
            let ranks = Ranks.ascending(means)
            if let index = peers.firstIndex(where: { $0.key == subject.key }), means.compactMap({ $0 }).count >= 2 {
                known = true
                let worst = means.compactMap { $0 }.max()
                facts["rank"] = String(ranks[index])
                facts["units"] = String(means.compactMap { $0 }.count)
                if means[index] == worst { active = true }
            }
        }
        guard known else { return .unknown }
        return active ? .active(level: 0, value: Double(current), facts: .text(facts)) : .inactive
    }
}

