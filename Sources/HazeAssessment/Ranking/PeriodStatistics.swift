import HazeModel

/// One unit's figures for one pollutant over a period (a month, a year, a run
/// of months): everything a ranking row shows, computed from daily values.
public struct PeriodStatistics: Sendable, Equatable {
    /// The mean of the valid daily values, unrounded.
    public var mean: Double?
    public var validDays: Int
    /// Valid days the period needs in all (27 a month, 25 in February, the
    /// sum of its months' for a run of months, 324 for a calendar year);
    /// every month must also meet its own minimum (see `shortfall`).
    public var requiredDays: Int
    /// Valid days in each month of the period.
    public var validDaysByMonth: [Int]
    /// What the period lacks (months short of 27 or 25 valid days, a year
    /// short of 324), nil when valid (GB 3095 Table 4).
    public var shortfall: PeriodValidity.Shortfall?
    /// Valid days whose rounded daily value exceeds the GB 3095 Grade II 24-hour
    /// limit in force on that day.
    public var exceedanceDays: Int
    /// The highest daily value (rounded) and the first day it occurred.
    public var highestDay: (value: Int, day: Day)?

    public var isValid: Bool { mean != nil && shortfall == nil }

    /// The published value: the mean rounded once, half to even (GB/T 8170).
    public var rounded: Int? { mean.map(GBT8170.roundToInteger) }

    public static func == (a: PeriodStatistics, b: PeriodStatistics) -> Bool {
        a.mean == b.mean && a.validDays == b.validDays && a.requiredDays == b.requiredDays
            && a.validDaysByMonth == b.validDaysByMonth && a.shortfall == b.shortfall
            && a.exceedanceDays == b.exceedanceDays && a.highestDay?.value == b.highestDay?.value
            && a.highestDay?.day == b.highestDay?.day
    }

    /// Statistics of daily values (nil = no valid value that day) over whole months.
    public init(days: [(day: Day, mean: Double?)], pollutant: Pollutant, validity: PeriodValidity) {
        var sum = 0.0
        var count = 0
        var byMonth = [Int](repeating: 0, count: validity.months.count)
        var exceedances = 0
        var highest: (mean: Double, day: Day)?
        for (day, mean) in days {
            guard let mean else { continue }
            sum += mean
            count += 1
            if let first = validity.months.first {
                let index = first.distance(to: day.month)
                if index >= 0 && index < byMonth.count { byMonth[index] += 1 }
            }
            if GBT8170.roundToInteger(mean) > AirQualityStandard.inForce(on: day).dailyLimit(pollutant) { exceedances += 1 }
            if highest.map({ mean > $0.mean }) ?? true { highest = (mean, day) }
        }
        self.mean = count == 0 ? nil : sum / Double(count)
        self.validDays = count
        self.validDaysByMonth = byMonth
        self.shortfall = validity.shortfall(byMonth)
        self.requiredDays = validity.isCalendarYear ? Validity.minimumDaysPerYear
                                                    : validity.months.map(Validity.minimumDays(in:)).reduce(0, +)
        self.exceedanceDays = exceedances
        self.highestDay = highest.map { (GBT8170.roundToInteger($0.mean), $0.day) }
    }
}

extension Aggregation {
    /// A unit's daily values over `days`: for a station unit its own valid
    /// daily mean, for a district or city the mean of its stations' ones.
    public func unitDays(_ unit: RankingUnit, _ pollutant: Pollutant, days: Range<Day>) -> [(day: Day, mean: Double?)] {
        let ids = series(of: unit.stations, pollutant)
        return days.map { day in (day, unitDay(ids, on: day).validMean) }
    }
}
