import HazeModel
import HazeRegistry
import HazeStore

/// One row of a monthly ranking for one pollutant.
public struct RankingEntry: Sendable {
    public var unit: RankingUnit
    public var current: PeriodStatistics
    /// The same month a year earlier; `validDays == 0` when there are no data.
    public var lastYear: PeriodStatistics
    /// Change against last year in percent, from the published (rounded)
    /// values, one decimal; negative = improved. Nil unless both are valid.
    public var change: Double?
    public var rank: Int
    /// Rank by change (most improved = 1); nil when there is no change.
    public var changeRank: Int?
}

/// A unit listed with its values but not ranked (a control point of a station ranking).
public struct UnrankedEntry: Sendable {
    public var unit: RankingUnit
    public var values: [(pollutant: Pollutant, statistics: PeriodStatistics)]
}

/// The ranking of every unit for one pollutant, best first.
public struct PollutantRanking: Sendable {
    public var pollutant: Pollutant
    public var entries: [RankingEntry]
}

/// The bureau's monthly assessment (月度排名): units ranked by their monthly
/// PM2.5 and PM10 means, following GB 3095 validity and HJ 663 averaging.
///
/// A unit's monthly value is the mean of its valid daily values (each the
/// mean of its stations' valid daily means), valid with ≥ 27 days (February
/// ≥ 25). Values are rounded once, at the end (GB/T 8170); ranks are
/// ascending on the rounded value, ties share a rank, invalid units share the
/// last place. Last year's month comes from the daily ring, so it is there
/// after the hourly ring has wrapped.
public struct MonthlyRanking: Sendable {
    public var month: Month
    public var scope: RankingScope
    public var rankings: [PollutantRanking]
    public var composite: CompositeRanking?
    /// The GB 3095 edition in force on the month's first day (limits shown in reports).
    public var standard: AirQualityStandard
    /// The exceptional days left out of the PM means (`--exclude-exceptional`):
    /// the file, and its days within this month or the month a year earlier
    /// that apply to at least one ranked unit. Nil when none were asked for.
    public var exclusion: ExceptionalDays?
    /// What is not ranked: units without a station, stations without a unit,
    /// stations not in the list in force, control points.
    public var coverage: UnitCoverage
    /// Control points of a station ranking: their values, listed apart, never ranked.
    public var controlPoints: [UnrankedEntry]

    public init(store: Store, registry: StationRegistry, month: Month, scope: RankingScope,
                composite weights: CompositeWeights? = nil, excluding exceptional: ExceptionalDays? = nil) throws(QueryError) {
        let formed = try registry.rankingUnits(level: scope.level, city: scope.city, days: month.days,
                                               alsoFor: month.yearEarlier?.days)
        let aggregation = Aggregation(store: store)
        try aggregation.requireIntact(month.days)
        if let earlier = month.yearEarlier { try aggregation.requireIntact(earlier.days) }
        self.init(store: store, units: formed, month: month, scope: scope, composite: weights, excluding: exceptional)
    }

    init(store: Store, units formed: RankingUnits, month: Month, scope: RankingScope, composite weights: CompositeWeights?,
         excluding exceptional: ExceptionalDays? = nil) {
        let units = formed.units
        self.coverage = formed.coverage
        let aggregation = Aggregation(store: store)
        self.controlPoints = formed.controlPoints.map { unit in
            UnrankedEntry(unit: unit, values: scope.pollutants.map { pollutant in
                (pollutant, PeriodStatistics(days: aggregation.unitDays(unit, pollutant, days: month.days), pollutant: pollutant,
                                             requiredDays: Validity.minimumDays(in: month)))
            })
        }
        self.month = month
        self.scope = scope
        self.standard = AirQualityStandard.inForce(on: month.firstDay)
        let lastYearMonth = month.yearEarlier
        let excluded = units.map { exceptional?.days(forCity: $0.city) ?? [] }
        if let exceptional {
            let cities = Set(units.map(\.city))
            let months = [month] + (lastYearMonth.map { [$0] } ?? [])
            self.exclusion = ExceptionalDays(
                entries: months.flatMap { exceptional.entries(in: $0.days) }.filter { day in cities.contains { day.applies(to: $0) } },
                source: exceptional.source)
        }
        var rankings: [PollutantRanking] = []
        for pollutant in Set(scope.pollutants + (weights?.pollutants ?? [])).sorted() {
            // Exceptional days leave PM2.5 and PM10 means only (RULES.md §10); both are PM today.
            let excluded = [Pollutant.pm25, .pm10].contains(pollutant) ? excluded : units.map { _ in [] }
            let current = units.indices.map {
                PeriodStatistics(days: aggregation.unitDays(units[$0], pollutant, days: month.days), pollutant: pollutant,
                                 requiredDays: Validity.minimumDays(in: month), excluding: excluded[$0])
            }
            // Before 0001-01 there is no last year: no data, never a trap.
            let previous = units.indices.map { i in
                lastYearMonth.map {
                    PeriodStatistics(days: aggregation.unitDays(units[i], pollutant, days: $0.days), pollutant: pollutant,
                                     requiredDays: Validity.minimumDays(in: $0), excluding: excluded[i])
                } ?? PeriodStatistics(days: [], pollutant: pollutant, requiredDays: Validity.minimumDays(in: month))
            }
            rankings.append(Self.rank(units: units, current: current, previous: previous, pollutant: pollutant))
        }
        let standard = self.standard
        self.composite = weights.map { CompositeRanking(weights: $0, rankings: rankings, standard: standard) }
        self.rankings = rankings.filter { scope.pollutants.contains($0.pollutant) }
    }

    static func rank(units: [RankingUnit], current: [PeriodStatistics], previous: [PeriodStatistics],
                     pollutant: Pollutant) -> PollutantRanking {
        let ranks = Ranks.ascending(current.map { $0.isValid ? $0.rounded : nil })
        let changes: [Double?] = zip(current, previous).map { now, then in
            guard now.isValid, then.isValid, let a = now.rounded, let b = then.rounded, b > 0 else { return nil }
            return GBT8170.round(Double(a - b) / Double(b) * 100, decimals: 1)
        }
        let changeRanks = Ranks.ascending(changes)
        var entries = units.indices.map { i in
            RankingEntry(unit: units[i], current: current[i], lastYear: previous[i], change: changes[i], rank: ranks[i],
                         changeRank: changes[i] == nil ? nil : changeRanks[i])
        }
        entries.sort { ($0.rank, $0.unit.label) < ($1.rank, $1.unit.label) }
        return PollutantRanking(pollutant: pollutant, entries: entries)
    }

    public func ranking(for pollutant: Pollutant) -> PollutantRanking? {
        rankings.first { $0.pollutant == pollutant }
    }
}
