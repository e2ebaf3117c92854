import HazeModel
import HazeStore

/// One unit's figures for one pollutant over a period (a month, a year, a run
/// of months): everything a ranking row shows, computed from daily values.
public struct PeriodStatistics: Sendable, Equatable {
    /// The mean of the valid daily values, unrounded (exceptional days left out).
    public var mean: Double?
    /// Valid days, exceptional days included: validity is judged on them.
    package var validDays: Int
    /// The valid days averaged into `mean`: `validDays` less the exceptional days left out.
    package var daysUsed: Int
    /// Valid days the period needs in all (27 a month, 25 in February, the
    /// sum of its months' for a run of months, 324 for a calendar year);
    /// every month must also meet its own minimum (see `shortfall`).
    package var requiredDays: Int
    /// Valid days in each month of the period.
    package var validDaysByMonth: [Int]
    /// What the period lacks (months short of 27 or 25 valid days, a year
    /// short of 324), nil when valid (GB 3095 Table 4).
    package var shortfall: PeriodValidity.Shortfall?
    /// Valid days whose rounded daily value exceeds the GB 3095 Grade II 24-hour
    /// limit in force on that day.
    package var exceedanceDays: Int
    /// The highest daily value (rounded) and the first day it occurred.
    package var highestDay: (value: Int, day: Day)?

    package var isValid: Bool { mean != nil && shortfall == nil }

    /// The published value: the mean rounded once, half to even (GB/T 8170).
    public var rounded: Int? { mean.map(GBT8170.roundToInteger) }

    public static func == (a: PeriodStatistics, b: PeriodStatistics) -> Bool {
        a.mean == b.mean && a.validDays == b.validDays && a.daysUsed == b.daysUsed && a.requiredDays == b.requiredDays
            && a.validDaysByMonth == b.validDaysByMonth && a.shortfall == b.shortfall
            && a.exceedanceDays == b.exceedanceDays && a.highestDay?.value == b.highestDay?.value
            && a.highestDay?.day == b.highestDay?.day
    }

    /// Statistics computed elsewhere (inside ClickHouse, `rank --engine
    /// clickhouse`) for one month without exceptional days: validity and the
    /// days required follow from `validDays` by GB 3095 Table 4, as for
    /// statistics computed here.
    package init(month: Month, mean: Double?, validDays: Int, exceedanceDays: Int, highestDay: (value: Int, day: Day)?) {
        let validity = PeriodValidity(months: [month])
        self.mean = validDays == 0 ? nil : mean
        self.validDays = validDays
        self.daysUsed = validDays
        self.validDaysByMonth = [validDays]
        self.shortfall = validity.shortfall([validDays])
        self.requiredDays = Validity.minimumDays(in: month)
        self.exceedanceDays = exceedanceDays
        self.highestDay = validDays == 0 ? nil : highestDay
    }

    /// Statistics of daily values (nil = no valid value that day) over whole
    /// months. Days in `excluded` (exceptional events, RULES.md §10) are left
    /// out of the mean only: they still count as valid days, for validity,
    /// exceedance days and the highest day.
    public init(days: [(day: Day, mean: Double?)], pollutant: Pollutant, validity: PeriodValidity,
                excluding excluded: Set<Day> = []) {
        var sum = 0.0
        var count = 0
        var used = 0
        var byMonth = [Int](repeating: 0, count: validity.months.count)
        var exceedances = 0
        var highest: (mean: Double, day: Day)?
        // A day's month is worked out once per month met, not once per day
        // (a calendar date per valid day was a fifth of a ranking's statistics).
        var month: (days: Range<Day>, index: Int)?
        for (day, mean) in days {
            guard let mean else { continue }
            count += 1
            // An exceptional day is left out of the mean only.
            if excluded.isEmpty || !excluded.contains(day) {
                sum += mean
                used += 1
            }
            if let first = validity.months.first {
                if month.map({ !$0.days.contains(day) }) ?? true {
                    let dayMonth = day.month
                    month = (dayMonth.days, first.distance(to: dayMonth))
                }
                if let index = month?.index, index >= 0 && index < byMonth.count { byMonth[index] += 1 }
            }
            if GBT8170.roundToInteger(mean) > AirQualityStandard.inForce(on: day).dailyLimit(pollutant) { exceedances += 1 }
            if highest.map({ mean > $0.mean }) ?? true { highest = (mean, day) }
        }
        self.mean = used == 0 ? nil : sum / Double(used)
        self.validDays = count
        self.daysUsed = used
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
    /// daily mean, for a unit of a layer or a city the mean of the valid daily
    /// means of its members **on that day** (`RankingUnit.members(on:)`: the
    /// national list in force and the memberships of the day decide).
    /// `rows`: the days' rows read once for every unit of a ranking (read here when not given).
    func unitDays(_ unit: RankingUnit, _ pollutant: Pollutant, days: Range<Day>,
                  rows given: DailyRows? = nil) -> [(day: Day, mean: Double?)] {
        unitDays(of: [unit], pollutant, days: days, rows: given ?? dailyRows(days))[0]
    }

    /// Every unit's daily values over `days`, as `unitDays(_:_:days:rows:)`
    /// gives them, computed day by day: a day's row is read for all units
    /// while it is in the processor's cache (unit by unit, a national
    /// ranking went through every row once per unit and pollutant).
    func unitDays(of units: [RankingUnit], _ pollutant: Pollutant, days: Range<Day>,
                  rows: DailyRows) -> [[(day: Day, mean: Double?)]] {
        // Members change by period, not by day: their series are looked up once per
        // period. Periods are in date order and do not overlap (`RankingUnit.periods`).
        // A day without a row is no data whatever the members: without any row (a
        // month a year earlier the store never held) no series is looked up.
        // Every unit's periods and their series are kept flat (one array each): per
        // unit and day, nested arrays cost retains and releases that were most of the time.
        let anyRow = rows.rows.contains { $0 != nil }
        var pool: [Int] = []
        var periods: [(days: Range<Day>, series: Range<Int>)] = []
        var unitPeriods: [Range<Int>] = []
        unitPeriods.reserveCapacity(units.count)
        for unit in units {
            let first = periods.count
            for period in unit.periods where period.days.overlaps(days) {
                let start = pool.count
                if anyRow { pool += series(of: period.stations, pollutant) }
                periods.append((period.days, start ..< pool.count))
            }
            unitPeriods.append(first ..< periods.count)
        }
        var next = unitPeriods.map(\.lowerBound)
        var result: [[(day: Day, mean: Double?)]] = units.map { _ in
            var values: [(day: Day, mean: Double?)] = []
            values.reserveCapacity(days.count)
            return values
        }
        // Per day: each unit's group of series that day (-1: no members that day).
        var group = [Int](repeating: -1, count: units.count)
        var groups: [Range<Int>] = []
        groups.reserveCapacity(units.count)
        for day in days {
            let row = rows[day]
            groups.removeAll(keepingCapacity: true)
            for u in units.indices {
                var k = next[u]
                while k < unitPeriods[u].upperBound && periods[k].days.upperBound <= day { k += 1 }
                next[u] = k
                if k < unitPeriods[u].upperBound && periods[k].days.contains(day) {
                    group[u] = groups.count
                    groups.append(periods[k].series)
                } else {
                    group[u] = -1
                }
            }
            // A unit's day: the mean of its members' valid daily means (`unitDay`).
            let means = row?.validMeans(of: pool, groups: groups) ?? []
            for u in units.indices {
                let g = group[u]
                guard g >= 0, g < means.count, means[g].count > 0 else {
                    result[u].append((day, nil))
                    continue
                }
                result[u].append((day, means[g].sum / Double(means[g].count)))
            }
        }
        return result
    }

    /// The daily rows of `days`, each read (and its checksum checked) once.
    func dailyRows(_ days: Range<Day>) -> DailyRows {
        DailyRows(first: days.lowerBound, rows: days.map { try? store.dailyRow(on: $0) })
    }

    /// Daily rows of consecutive days; nil for a day outside the store or failing its checksum.
    struct DailyRows {
        let first: Day
        let rows: [DailyRow?]

        subscript(day: Day) -> DailyRow? {
            let k = day.index - first.index
            return k >= 0 && k < rows.count ? rows[k] : nil
        }
    }
}
