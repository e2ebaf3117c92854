/// The `{placeholders}` a message template may use, per rule kind, and their
/// filling-in. Templates are checked against this list when rules load, so a
/// typo fails at load time, not at 3 a.m. in a cron mail.
enum AlertFacts {
    static let common: Set<String> = ["subject", "name", "city", "district", "time", "since", "level", "severity",
                                      "rule", "event"]

    static func available(for kind: AlertKind) -> Set<String> {
        switch kind {
        case .threshold: common.union(["pollutant", "value", "threshold", "hours"])
        case .rolling: common.union(["pollutant", "value", "limit", "hours"])
        case .episode: common.union(["aqi", "days", "days_over_300", "pm25", "pm10"])
        case .ratio: common.union(["pm10", "pm25", "ratio", "threshold", "hours", "value"])
        case .nightRise: common.union(["pm25", "pm10", "evening", "rise", "ratio", "hours", "value"])
        case .excess: common.union(["pollutant", "value", "median", "difference", "percent", "neighbours", "hours"])
        case .trend: common.union(["pollutant", "value", "last_year", "change", "rank", "units", "days"])
        case .data: common.union(["check", "hours", "value", "pm25", "pm10", "neighbours_min"])
        case .feed: common.union(["last", "silent", "hours", "value"])
        case .coverage: common.union(["reporting", "stations", "percent", "minimum", "hours", "value"])
        }
    }
}

/// What a rule found for one subject at one hour.
package enum Condition: Sendable, Equatable {
    /// The condition holds; `level` indexes the rule's levels.
    case active(level: Int, value: Double?, facts: ConditionFacts)
    /// The condition is known not to hold: an open episode closes.
    case inactive
    /// Not enough data to say: nothing changes (missing data never closes an episode).
    case unknown
}
