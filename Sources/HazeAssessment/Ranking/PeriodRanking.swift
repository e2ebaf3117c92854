import HazeModel
import HazeRegistry
import HazeStore

/// A ranking over a run of months (a year, a quarter, any `--from/--to`):
/// the period mean and its rank per pollutant, and how many of the period's
/// monthly assessments each unit came first in.
public struct PeriodRanking: Sendable {
    public struct Entry: Sendable {
        public var unit: RankingUnit
        public var statistics: PeriodStatistics
        public var rank: Int
        /// Monthly assessments of the period in which the unit ranked first (ties included).
        public var monthsFirst: Int
        /// The unit's rank in each month of the period; nil for a month without any data.
        public var monthlyRanks: [Int?]
    }

    public struct PollutantEntries: Sendable {
        public var pollutant: Pollutant
        public var entries: [Entry]
    }

    public var months: [Month]
    public var scope: RankingScope
    public var rankings: [PollutantEntries]
    /// Whether the period is a whole calendar year (then ≥ 324 valid days are required).
    public var isCalendarYear: Bool
    /// What is not ranked (see `MonthlyRanking.coverage`), over the whole period.
    public var coverage: UnitCoverage
    /// Control points of a station ranking over the period: listed apart, never ranked.
    public var controlPoints: [UnrankedEntry]

    public init(store: Store, registry: StationRegistry, from first: Month, to last: Month,
                scope: RankingScope) throws(QueryError) {
        guard first <= last else { throw .noData("the period \(first)…\(last) ends before it starts") }
        let days = first.firstDay ..< last.days.upperBound
        try RequestedRange.check(days: days.lowerBound ... days.upperBound.advanced(by: -1), hourly: false, store: store)
        let earliest = first.yearEarlier?.firstDay ?? first.firstDay
        let formed = try registry.rankingUnits(level: scope.level, city: scope.city, days: days,
                                               alsoFor: earliest ..< days.lowerBound)
        let units = formed.units
        coverage = formed.coverage
        let months = Array(first ... last)
        self.months = months
        self.scope = scope
        isCalendarYear = months.count == 12 && first.month == 1
        let required = isCalendarYear ? Validity.minimumDaysPerYear
                                      : months.map(Validity.minimumDays(in:)).reduce(0, +)
        let aggregation = Aggregation(store: store)
        for month in months {
            try aggregation.requireIntact(month.days)
            if let earlier = month.yearEarlier { try aggregation.requireIntact(earlier.days) }
        }
        let monthly = months.map { MonthlyRanking(store: store, units: formed, month: $0, scope: scope, composite: nil) }
        controlPoints = formed.controlPoints.map { unit in
            UnrankedEntry(unit: unit, values: scope.pollutants.map { pollutant in
                (pollutant, PeriodStatistics(days: aggregation.unitDays(unit, pollutant, days: days), pollutant: pollutant,
                                             requiredDays: required))
            })
        }
        rankings = scope.pollutants.map { pollutant in
            let statistics = units.map {
                PeriodStatistics(days: aggregation.unitDays($0, pollutant, days: days), pollutant: pollutant,
                                 requiredDays: required)
            }
            let ranks = Ranks.ascending(statistics.map { $0.isValid ? $0.rounded : nil })
            let monthlyRanks: [[Int?]] = units.map { unit in
                monthly.map { month in
                    guard let entry = month.ranking(for: pollutant)?.entries.first(where: { $0.unit == unit }),
                          entry.current.validDays > 0 else { return nil }
                    return entry.rank
                }
            }
            let firsts: [Int] = units.indices.map { i in
                monthly.enumerated().filter { m, month in
                    monthlyRanks[i][m] == 1 && month.ranking(for: pollutant)?.entries.first { $0.unit == units[i] }?.current.isValid == true
                }.count
            }
            let entries = units.indices.map {
                Entry(unit: units[$0], statistics: statistics[$0], rank: ranks[$0], monthsFirst: firsts[$0],
                      monthlyRanks: monthlyRanks[$0])
            }.sorted { ($0.rank, $0.unit.label) < ($1.rank, $1.unit.label) }
            return PollutantEntries(pollutant: pollutant, entries: entries)
        }
    }

    /// `2019-01 … 2019-12` or `2019` for a calendar year.
    public var label: String {
        guard let first = months.first, let last = months.last else { return "" }
        if isCalendarYear { return String(first.year) }
        return first == last ? first.description : "\(first)…\(last)"
    }
}
