import HazeModel
import HazeStore

/// One pollutant's statistic over a period of whole months, as HJ 663 and the
/// national ranking rule assess it: the mean of the valid daily values for
/// SO2, NO2, PM10 and PM2.5, the 95th percentile of the daily means for CO and
/// the 90th percentile of the daily maximum 8-hour means for O3 (HJ 663
/// Appendix A's percentile), computed on the unrounded daily values and
/// rounded once (GB/T 8170: whole µg/m³, CO one decimal).
public struct PollutantStatistic: Sendable, Equatable {
    /// Which statistic GB 3095 assesses a pollutant's period by.
    public enum Kind: String, Sendable, Equatable {
        case mean
        case percentile95 = "p95"
        case percentile90 = "p90"

        /// The statistic of `pollutant`: the 95th percentile of daily means for CO, the 90th of MDA8 for O3, the mean for the rest.
        public static func of(_ pollutant: Pollutant) -> Kind {
            switch pollutant {
            case .co: .percentile95
            case .o3: .percentile90
            case .pm25, .pm10, .so2, .no2: .mean
            }
        }

        /// Short label: `mean`, `P95 of daily means`, `P90 of MDA8`.
        public func label(_ pollutant: Pollutant, chinese: Bool) -> String {
            switch self {
            case .mean: chinese ? "平均浓度" : "mean"
            case .percentile95: chinese ? "日均值第95百分位数" : "95th percentile of daily means"
            case .percentile90: chinese ? "日最大8小时平均第90百分位数" : "90th percentile of daily maximum 8-hour means"
            }
        }
    }

    /// The pollutant.
    public var pollutant: Pollutant
    /// Which statistic it is (mean, P95, P90).
    public var kind: Kind
    /// The statistic of the valid daily values, unrounded, in the stored unit
    /// (nil without any valid day).
    public var exact: Double?
    package var validDays: Int
    package var validDaysByMonth: [Int]
    /// Why the statistic is invalid (nil when valid).
    package var shortfall: PeriodValidity.Shortfall?
    /// Valid days whose rounded daily value is above the Grade II 24-hour
    /// limit in force that day (O3: the MDA8 above 160).
    package var exceedanceDays: Int
    /// The highest daily value (rounded, stored unit) and the first day it occurred.
    package var highestDay: (value: Int, day: Day)?

    package var isValid: Bool { exact != nil && shortfall == nil }

    /// The statistic rounded once (stored unit: whole µg/m³, CO tenths), valid or not.
    public var rounded: Int? { exact.map(GBT8170.roundToInteger) }

    /// The published value: rounded, and only when valid.
    public var published: Int? { isValid ? rounded : nil }

    public static func == (a: PollutantStatistic, b: PollutantStatistic) -> Bool {
        a.pollutant == b.pollutant && a.kind == b.kind && a.exact == b.exact && a.validDays == b.validDays
            && a.validDaysByMonth == b.validDaysByMonth && a.shortfall == b.shortfall && a.exceedanceDays == b.exceedanceDays
            && a.highestDay?.value == b.highestDay?.value && a.highestDay?.day == b.highestDay?.day
    }

    /// The statistic of a pollutant's daily values (nil = no valid value that
    /// day) over whole months; `excluded` days are left out of the statistic
    /// but still count for validity (RULES.md §10).
    public init(pollutant: Pollutant, days: [(day: Day, value: Double?)], validity: PeriodValidity,
                excluded: Set<Day> = []) {
        self.pollutant = pollutant
        self.kind = Kind.of(pollutant)
        var byMonth = [Int](repeating: 0, count: validity.months.count)
        var used: [Double] = []
        var exceedances = 0
        var highest: (value: Double, day: Day)?
        let firstMonth = validity.months.first
        for (day, value) in days {
            guard let value else { continue }
            if let firstMonth {
                let index = firstMonth.distance(to: day.month)
                if index >= 0 && index < byMonth.count { byMonth[index] += 1 }
            }
            if GBT8170.roundToInteger(value) > AirQualityStandard.inForce(on: day).dailyLimit(pollutant) { exceedances += 1 }
            if highest.map({ value > $0.value }) ?? true { highest = (value, day) }
            if !excluded.contains(day) { used.append(value) }
        }
        switch kind {
        case .mean: exact = used.isEmpty ? nil : used.reduce(0, +) / Double(used.count)
        case .percentile95: exact = Percentile.hj663(used, 95)
        case .percentile90: exact = Percentile.hj663(used, 90)
        }
        validDaysByMonth = byMonth
        validDays = byMonth.reduce(0, +)
        shortfall = validity.shortfall(byMonth)
        exceedanceDays = exceedances
        highestDay = highest.map { (GBT8170.roundToInteger($0.value), $0.day) }
    }
}

/// A unit's (or station's) days by AQI over a period: valid AQI days,
/// 优良天数 (AQI ≤ 100), polluted days (AQI > 100), days per level and per
/// primary pollutant, and 优良天数比例 = good / valid days × 100, one decimal
/// (RULES.md §8). Valid under the same month rule as the statistics.
public struct AQIDayCounts: Sendable, Equatable {
    package var validDays: Int
    package var goodDays: Int
    package var pollutedDays: Int
    package var byLevel: [AQILevel: Int]
    package var primaryDays: [AQIComponent: Int]
    package var validDaysByMonth: [Int]
    package var shortfall: PeriodValidity.Shortfall?

    package var isValid: Bool { validDays > 0 && shortfall == nil }

    /// 优良天数比例 in tenths of a percent (GB/T 8170 to one decimal), exactly.
    package var goodRatioTenths: Int? {
        validDays == 0 ? nil : GBT8170.roundRatio(1000 * goodDays, validDays)
    }

    package init(days: [(day: Day, aqi: AQIResult)], validity: PeriodValidity) {
        var byMonth = [Int](repeating: 0, count: validity.months.count)
        var levels: [AQILevel: Int] = [:]
        var primary: [AQIComponent: Int] = [:]
        var good = 0, polluted = 0
        let firstMonth = validity.months.first
        for (day, result) in days {
            guard let aqi = result.aqi, let level = result.level else { continue }
            if let firstMonth {
                let index = firstMonth.distance(to: day.month)
                if index >= 0 && index < byMonth.count { byMonth[index] += 1 }
            }
            levels[level, default: 0] += 1
            if aqi <= 100 { good += 1 } else { polluted += 1 }
            for item in result.primary { primary[item, default: 0] += 1 }
        }
        validDaysByMonth = byMonth
        validDays = byMonth.reduce(0, +)
        goodDays = good
        pollutedDays = polluted
        byLevel = levels
        primaryDays = primary
        shortfall = validity.shortfall(byMonth)
    }
}

/// Everything HJ 663 assesses for one unit over whole months: the daily
/// values, each pollutant's statistic and the AQI days; the composite index
/// follows from the statistics and a limit set (`composite(limits:)`).
public struct PeriodIndicators: Sendable {
    /// The months of the period and their valid-day rules.
    public var validity: PeriodValidity
    /// The unit's daily values, one per day with data.
    public var days: [DailyIndicators]
    package var statistics: [Pollutant: PollutantStatistic]
    package var aqiDays: AQIDayCounts

    /// The months of the period.
    public var months: [Month] { validity.months }

    /// The statistics of daily values over whole months (`days` cover them);
    /// `excludedPM` days are left out of the PM statistics (sand and dust,
    /// RULES.md §10) but never out of validity or the AQI days.
    public init(days: [DailyIndicators], months: [Month], excludedPM: Set<Day> = []) {
        let validity = PeriodValidity(months: months)
        self.validity = validity
        self.days = days
        var statistics: [Pollutant: PollutantStatistic] = [:]
        for pollutant in Pollutant.allCases {
            let excluded = Pollutant.particulates.contains(pollutant) ? excludedPM : []
            statistics[pollutant] = PollutantStatistic(pollutant: pollutant, days: days.map { ($0.day, $0.value(pollutant)) },
                                                       validity: validity, excluded: excluded)
        }
        self.statistics = statistics
        self.aqiDays = AQIDayCounts(days: days.map { ($0.day, $0.aqi) }, validity: validity)
    }

    /// The period statistic of `pollutant`; invalid (no valid days) when the unit has no data of it.
    public func statistic(_ pollutant: Pollutant) -> PollutantStatistic {
        statistics[pollutant] ?? PollutantStatistic(pollutant: pollutant, days: [], validity: validity)
    }

    /// The composite index of the period's published statistics, with the
    /// limits of `limits`.
    public func composite(limits: AirQualityStandard) -> CompositeIndex {
        CompositeIndex(published: Dictionary(uniqueKeysWithValues: Pollutant.allCases.map { ($0, statistic($0).published) }),
                       limits: limits)
    }

    /// The limit set of a period: the one in force on its last day (RULES.md §0).
    var limitsInForce: AirQualityStandard {
        AirQualityStandard.inForce(on: (months.last?.days.upperBound ?? Day(0)).advanced(by: -1))
    }
}

extension Aggregation {
    /// A unit's indicators over whole months.
    func periodIndicators(_ unit: UnitSeries, months: [Month], excludedPM: Set<Day> = []) -> PeriodIndicators {
        var days: [DailyIndicators] = []
        for month in months {
            for day in month.days { days.append(dailyIndicators(unit, on: day)) }
        }
        return PeriodIndicators(days: days, months: months, excludedPM: excludedPM)
    }

    /// A unit's indicators over whole months, each day from that day's members.
    func periodIndicators(_ unit: DatedUnitSeries, months: [Month], excludedPM: Set<Day> = []) -> PeriodIndicators {
        var days: [DailyIndicators] = []
        for month in months {
            for day in month.days { days.append(dailyIndicators(unit.on(day), on: day)) }
        }
        return PeriodIndicators(days: days, months: months, excludedPM: excludedPM)
    }
}
