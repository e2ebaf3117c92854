import HazeModel

/// What `haze rank --indicator` ranks units by (RULES.md §11).
public enum RankingIndicator: String, Sendable, Hashable, CaseIterable {
    case pm25 = "pm2.5"
    case pm10
    case so2
    case no2
    case co
    case o3
    /// 综合指数 I_sum.
    case composite
    /// 优良天数比例, highest first.
    case goodDays = "good-days"
    /// Polluted days (AQI > 100), fewest first.
    case aqiDays = "aqi-days"

    /// Reads an indicator as `--indicator` takes it (`pm2.5`, `composite`, `good-days`, …, or a pollutant name such as `PM2.5`); nil for anything else.
    public init?(text: String) {
        if let found = RankingIndicator(rawValue: text.lowercased()) { self = found; return }
        if let pollutant = Pollutant(name: text) { self = .pollutant(pollutant); return }
        return nil
    }

    /// The indicator that ranks by a pollutant's period statistic.
    public static func pollutant(_ pollutant: Pollutant) -> RankingIndicator {
        switch pollutant {
        case .pm25: .pm25
        case .pm10: .pm10
        case .so2: .so2
        case .no2: .no2
        case .co: .co
        case .o3: .o3
        }
    }

    /// The pollutant of a concentration indicator.
    public var pollutant: Pollutant? {
        switch self {
        case .pm25: .pm25
        case .pm10: .pm10
        case .so2: .so2
        case .no2: .no2
        case .co: .co
        case .o3: .o3
        case .composite, .goodDays, .aqiDays: nil
        }
    }

    /// Good-day ratios rank highest first; everything else lowest first.
    package var higherIsBetter: Bool { self == .goodDays }

    /// Decimals of the ranked value (values are kept as integers scaled by 10^decimals).
    public var decimals: Int {
        switch self {
        case .composite: 2
        case .goodDays: 1
        case .aqiDays: 0
        case .pm25, .pm10, .so2, .no2, .co, .o3: pollutant?.decimals ?? 0
        }
    }

    /// A scaled value written out: `52`, `1.6`, `4.21`, `87.1`.
    public func format(_ scaled: Int) -> String {
        GBT8170.format(Double(scaled) / pow10(decimals), decimals: decimals)
    }

    /// A change written out: percent with one decimal (concentrations and the
    /// index), percentage points for the good-day ratio, days for polluted days.
    package func formatChange(_ change: Int) -> String {
        let sign = change > 0 ? "+" : ""
        if self == .aqiDays { return sign + String(change) }
        return sign + GBT8170.format(Double(change) / 10, decimals: 1)
    }

    func pow10(_ n: Int) -> Double { n == 0 ? 1 : (n == 1 ? 10 : 100) }

    /// The indicator's Chinese name for reports (`综合指数`, `优良天数比例`, …; a pollutant's display name).
    public var label: String {
        switch self {
        case .pm25, .pm10, .so2, .no2, .co, .o3: pollutant?.displayName ?? rawValue
        case .composite: "综合指数"
        case .goodDays: "优良天数比例"
        case .aqiDays: "污染天数"
        }
    }

    package var englishLabel: String {
        switch self {
        case .pm25, .pm10, .so2, .no2, .co, .o3: pollutant?.displayName ?? rawValue
        case .composite: "composite index"
        case .goodDays: "good-day ratio"
        case .aqiDays: "polluted days"
        }
    }

    /// The value of a unit's period (scaled), nil when it has none, and whether it is valid.
    func value(_ period: PeriodIndicators, limits: AirQualityStandard) -> (value: Int?, valid: Bool) {
        switch self {
        case .pm25, .pm10, .so2, .no2, .co, .o3:
            let statistic = period.statistic(pollutant ?? .pm25)
            return (statistic.rounded, statistic.isValid)
        case .composite:
            let index = period.composite(limits: limits)
            return (index.totalHundredths, index.isValid)
        case .goodDays:
            return (period.aqiDays.goodRatioTenths, period.aqiDays.isValid)
        case .aqiDays:
            return (period.aqiDays.validDays > 0 ? period.aqiDays.pollutedDays : nil, period.aqiDays.isValid)
        }
    }

    /// Year-on-year change from the published values (RULES.md §11): for
    /// concentrations and the index (this − last) / last × 100 in tenths of a
    /// percent (GB/T 8170, one decimal; none when last is 0); for the good-day
    /// ratio the difference in tenths of a percentage point; for polluted
    /// days the difference in days.
    func change(this: Int, last: Int) -> Int? {
        switch self {
        case .goodDays, .aqiDays: return this - last
        default:
            guard last > 0 else { return nil }
            return GBT8170.roundRatio(1000 * (this - last), last)
        }
    }
}
