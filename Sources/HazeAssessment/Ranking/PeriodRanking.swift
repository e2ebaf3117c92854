import HazeModel
import HazeRegistry
import HazeStore

/// A ranking over a run of months (a year, a quarter, any `--from/--to`):
/// the period mean and its rank per pollutant, how the unit stood in each of
/// the period's monthly assessments, and how many it came first in.
///
/// The period mean is valid when every month has ≥ 27 valid days (February
/// ≥ 25) and, for a whole calendar year, ≥ 324 in all (GB 3095 Table 4). A
/// pollutant no unit has a valid value of is not ranked (`unranked`); when
/// that is every pollutant, the initialiser throws `QueryError.nothingRanked`.
public struct PeriodRanking: Sendable {
    /// A unit's standing in one monthly assessment of the period.
    public enum MonthStanding: Sendable, Equatable {
        /// Ranked with a valid month.
        case ranked(Int)
        /// Data, but too few valid days for a valid month: no rank.
        case invalid(validDays: Int)
        /// No valid day at all.
        case noData

        /// The rank when ranked, else nil.
        public var rank: Int? { if case .ranked(let rank) = self { rank } else { nil } }
    }

    /// One unit's period statistic and rank.
    public struct Entry: Sendable {
        /// The unit ranked.
        public var unit: RankingUnit
        package var statistics: PeriodStatistics
        /// Its rank on the period statistic (1 = best; ties share a rank; invalid units share the last place).
        public var rank: Int
        /// Monthly assessments of the period in which the unit ranked first (ties included).
        package var monthsFirst: Int
        /// The unit's standing in each month of the period.
        package var monthlyRanks: [MonthStanding]
    }

    /// One pollutant's ranking.
    public struct PollutantEntries: Sendable {
        /// The pollutant ranked.
        public var pollutant: Pollutant
        /// Every unit, best first.
        public var entries: [Entry]
    }

    /// The months of the period, oldest first.
    public var months: [Month]
    /// The level, city and pollutants ranked.
    public var scope: RankingScope
    /// One ranking per pollutant that at least one unit has a valid period value of.
    public var rankings: [PollutantEntries]
    /// Pollutants asked for that no unit has a valid value of: no ranks are given.
    public var unranked: [Pollutant]
    /// The weighted score of the period means, when asked for (`--composite`).
    public var composite: CompositeRanking?
    /// Weights that were given but scored no unit (no unit has a valid mean of
    /// every weighted pollutant): the reports say so instead of leaving the score out.
    public var compositeUnscored: CompositeWeights?
    /// The GB 3095 limits in force on the period's last day.
    public var standard: AirQualityStandard
    /// Whether the period is a whole calendar year (then ≥ 324 valid days are also required).
    package var isCalendarYear: Bool
    /// What is not ranked (see `MonthlyRanking.coverage`), over the whole period.
    public var coverage: UnitCoverage
    /// Control points of a station ranking over the period: listed apart, never ranked.
    package var controlPoints: [UnrankedEntry]

    /// Ranks the units of `scope` over `first` … `last` (inclusive); `weights` adds a composite score.
    /// Throws `QueryError.nothingRanked` when no pollutant has a valid value for any unit (`.noData` when `last` is before `first`), or another `QueryError` for an unknown city, missing months or damaged rows.
    public init(store: Store, registry: StationRegistry, from first: Month, to last: Month,
                scope: RankingScope, composite weights: CompositeWeights? = nil) throws(QueryError) {
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
        let validity = PeriodValidity(months: months)
        isCalendarYear = validity.isCalendarYear
        standard = AirQualityStandard.inForce(on: days.upperBound.advanced(by: -1))
        let aggregation = Aggregation(store: store)
        for month in months {
            try aggregation.requireIntact(month.days)
            if let earlier = month.yearEarlier { try aggregation.requireIntact(earlier.days) }
        }
        let monthly = months.map { MonthlyRanking(store: store, units: formed, month: $0, scope: scope, composite: nil) }
        controlPoints = formed.controlPoints.map { unit in
            UnrankedEntry(unit: unit, values: scope.pollutants.map { pollutant in
                (pollutant, PeriodStatistics(days: aggregation.unitDays(unit, pollutant, days: days), pollutant: pollutant,
                                             validity: validity))
            })
        }
        let pollutants = Set(scope.pollutants + (weights?.pollutants ?? [])).sorted()
        // Every unit reads the same days: their rows once.
        let rows = aggregation.dailyRows(days)
        var all: [PollutantEntries] = []
        for pollutant in pollutants {
            let statistics = aggregation.unitDays(of: units, pollutant, days: days, rows: rows).map {
                PeriodStatistics(days: $0, pollutant: pollutant, validity: validity)
            }
            let ranks = Ranks.ascending(statistics.map { $0.isValid ? $0.rounded : nil })
            let standings: [[MonthStanding]] = units.map { unit in
                monthly.map { month in
                    guard let entry = month.candidates.first(where: { $0.pollutant == pollutant })?.entries.first(where: { $0.unit == unit }) else {
                        return .noData
                    }
                    if entry.current.isValid { return .ranked(entry.rank) }
                    return entry.current.validDays > 0 ? .invalid(validDays: entry.current.validDays) : .noData
                }
            }
            let entries = units.indices.map {
                Entry(unit: units[$0], statistics: statistics[$0], rank: ranks[$0],
                      monthsFirst: standings[$0].filter { $0 == .ranked(1) }.count, monthlyRanks: standings[$0])
            }.sorted { ($0.rank, $0.unit.label) < ($1.rank, $1.unit.label) }
            all.append(PollutantEntries(pollutant: pollutant, entries: entries))
        }
        if let weights {
            var byPollutant: [Pollutant: [RankingUnit: PeriodStatistics]] = [:]
            for ranking in all where weights.pollutants.contains(ranking.pollutant) {
                byPollutant[ranking.pollutant] = Dictionary(uniqueKeysWithValues: ranking.entries.map { ($0.unit, $0.statistics) })
            }
            let scored = CompositeRanking(weights: weights, units: units, statistics: byPollutant, standard: standard)
            composite = scored.entries.contains { $0.score != nil } ? scored : nil
            compositeUnscored = composite == nil ? weights : nil
        } else {
            composite = nil
            compositeUnscored = nil
        }
        let asked = all.filter { scope.pollutants.contains($0.pollutant) }
        rankings = asked.filter { $0.entries.contains { $0.statistics.isValid } }
        unranked = asked.filter { !$0.entries.contains { $0.statistics.isValid } }.map(\.pollutant)
        guard !rankings.isEmpty else {
            let what = unranked.map(\.displayName).joined(separator: ", ")
            let rule = isCalendarYear ? "≥ 324 valid days and ≥ 27 in every month (February ≥ 25)"
                                      : "≥ 27 valid days in every month (February ≥ 25)"
            if units.isEmpty, let why = coverage.whyNoUnits {
                throw .nothingRanked("no \(scope.level.rawValue) to rank for \(first)…\(last): \(why); nothing is ranked")
            }
            throw .nothingRanked("no \(scope.level.rawValue) has a valid \(what) value for \(first)…\(last) (\(units.count) unit(s); the period needs \(rule)); nothing is ranked")
        }
    }

    /// `2019-01 … 2019-12` or `2019` for a calendar year.
    public var label: String {
        guard let first = months.first, let last = months.last else { return "" }
        if isCalendarYear { return String(first.year) }
        return first == last ? first.description : "\(first)…\(last)"
    }
}
