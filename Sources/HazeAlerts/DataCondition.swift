import HazeModel

extension RuleEvaluation {
    /// Station health: silence, flat lines, PM2.5 above PM10, sudden drops.
    static func data(_ rule: AlertRule, _ subject: SubjectRef, _ hour: Hour, _ context: AlertContext, streaks: Int,
                     check: DataCheck) -> Condition {
        // A station the store has never seen is not watched.
        let station = subject.station
        guard station >= 0, context.series(station, .pm25) >= 0 || context.series(station, .pm10) >= 0 else { return .unknown }
        switch check {
        case .missing(let hours):
            func silent(_ h: Hour) -> Bool? {
                guard context.holds(h) else { return nil }
                return context.value(station, .pm25, h) == nil && context.value(station, .pm10, h) == nil
            }
            guard let state = ConsecutiveHours.judge(hours, at: hour, streak: context.streak(streaks), silent) else { return .unknown }
            return state ? .active(level: 0, value: nil, facts: .missing(hours: hours)) : .inactive
        case .flat(let pollutant, let hours):
            guard let now = context.value(station, pollutant, hour) else { return .unknown }
            // N equal values are N - 1 equal neighbouring pairs.
            func sameAsBefore(_ h: Hour) -> Bool? {
                guard let a = context.value(station, pollutant, h), let b = context.value(station, pollutant, h.advanced(by: -1)) else { return nil }
                return a == b
            }
            guard let state = ConsecutiveHours.judge(hours - 1, at: hour, streak: context.streak(streaks), sameAsBefore) else { return .unknown }
            return state ? .active(level: 0, value: Double(now), facts: .flat(hours: hours, value: now))
                         : .inactive
        case .pm25AbovePM10(let tolerance, let hours):
            func above(_ h: Hour) -> Bool? {
                guard let pm25 = context.value(station, .pm25, h), let pm10 = context.value(station, .pm10, h) else { return nil }
                return Double(pm25) > Double(pm10) + tolerance
            }
            guard let state = ConsecutiveHours.judge(hours, at: hour, streak: context.streak(streaks), above) else { return .unknown }
            guard state, let pm25 = context.value(station, .pm25, hour), let pm10 = context.value(station, .pm10, hour) else { return .inactive }
            return .active(level: 0, value: Double(pm25), facts: .pm25AbovePM10(hours: hours, pm25: pm25, pm10: pm10))
        case .drop(let pollutant, let fraction, let hours, let minimumNeighbours):
            func low(_ h: Hour) -> Bool? {
                guard let value = context.value(station, pollutant, h) else { return nil }
                let others = context.neighbourLowest(of: station, pollutant, h)
                guard others.count >= minimumNeighbours, let lowest = others.lowest else { return nil }
                return Double(value) < Double(lowest) * fraction
            }
            guard let state = ConsecutiveHours.judge(hours, at: hour, streak: context.streak(streaks), low) else { return .unknown }
            guard state, let value = context.value(station, pollutant, hour) else { return .inactive }
            let lowest = context.neighbourLowest(of: station, pollutant, hour).lowest ?? 0
            return .active(level: 0, value: Double(value), facts: .drop(hours: hours, value: value, lowest: lowest))
        }
    }
}
