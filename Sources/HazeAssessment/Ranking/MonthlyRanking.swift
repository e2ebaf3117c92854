import HazeModel
import HazeRegistry
import HazeStore

/// One row of a monthly ranking for one pollutant.
public struct RankingEntry: Sendable {
    /// The unit ranked.
    public var unit: RankingUnit
    /// Its statistic of the month.
    public var current: PeriodStatistics
    /// The same month a year earlier; `validDays == 0` when there are no data.
    package var lastYear: PeriodStatistics
    /// Change against last year in percent, from the published (rounded)
    /// values, one decimal; negative = improved. Nil unless both are valid.
    public var change: Double?
    /// Its rank (1 = best, ascending on the rounded value; ties share a rank; invalid units share the last place).
    public var rank: Int
    /// Rank by change (most improved = 1); nil when there is no change.
    package var changeRank: Int?

    package init(unit: RankingUnit, current: PeriodStatistics, lastYear: PeriodStatistics, change: Double?, rank: Int, changeRank: Int?) {
        self.unit = unit
        self.current = current
        self.lastYear = lastYear
        self.change = change
        self.rank = rank
        self.changeRank = changeRank
    }
}

/// A unit listed with its values but not ranked (a control point of a station ranking).
package struct UnrankedEntry: Sendable {
    package var unit: RankingUnit
    package var values: [(pollutant: Pollutant, statistics: PeriodStatistics)]
}

/// The ranking of every unit for one pollutant, best first.
public struct PollutantRanking: Sendable {
    /// The pollutant ranked.
    public var pollutant: Pollutant
    /// Every unit, best first.
    public var entries: [RankingEntry]

    package init(pollutant: Pollutant, entries: [RankingEntry]) {
        self.pollutant = pollutant
        self.entries = entries
    }
}

/// The bureau's monthly assessment (月度排名): units ranked by their monthly
/// PM2.5 and PM10 means, following GB 3095 validity and HJ 663 averaging.
///
/// A unit's monthly value is the mean of its valid daily values (each the
/// mean of its stations' valid daily means), valid with ≥ 27 days (February
/// ≥ 25). Values are rounded once, at the end (GB/T 8170); ranks are
/// ascending on the rounded value, ties share a rank, invalid units share the
/// last place. A pollutant no unit has a valid month for is not ranked at all
/// (`unranked`); when that is every pollutant asked for, there is nothing to
/// rank and the initialiser throws `QueryError.nothingRanked`. Last year's month
/// comes from the daily ring, so it is there after the hourly ring has wrapped.
public struct MonthlyRanking: Sendable {
    /// The month assessed.
    public var month: Month
    /// The level, city and pollutants ranked.
    public var scope: RankingScope
    /// One ranking per pollutant that at least one unit has a valid month of.
    public var rankings: [PollutantRanking]
    /// Pollutants asked for that no unit has a valid value of: no ranks are given.
    public var unranked: [Pollutant]
    /// The weighted composite score ranking; nil unless weights were given.
    public var composite: CompositeRanking?
    /// Weights that were given but scored no unit (no unit has a valid mean of
    /// every weighted pollutant): the reports say so instead of leaving the score out.
    public var compositeUnscored: CompositeWeights?
    /// Every pollutant's entries, ranked or not (for a period's monthly standings).
    var candidates: [PollutantRanking] = []
    /// The GB 3095 limits in force on the month's last day (limits shown in
    /// reports, Sᵢ of the composite score); exceedance days use each day's own.
    public var standard: AirQualityStandard
    /// The exceptional days left out of the PM means (`--exclude-exceptional`):
    /// the file, and its days within this month or the month a year earlier
    /// that apply to at least one ranked unit. Nil when none were asked for.
    package var exclusion: ExceptionalDays?
    /// What is not ranked: units without a station, stations without a unit,
    /// stations not in the list in force, control points.
    public var coverage: UnitCoverage
    /// Control points of a station ranking: their values, listed apart, never ranked.
    package var controlPoints: [UnrankedEntry]

    /// Ranks the units of `scope` for `month`; `weights` adds a composite score, `exceptional` deducts sand-and-dust days from the PM statistics.
    /// Throws `QueryError.nothingRanked` when no pollutant has a valid month for any unit, or another `QueryError` for an unknown city, missing months or damaged rows.
    public init(store: Store, registry: StationRegistry, month: Month, scope: RankingScope,
                composite weights: CompositeWeights? = nil, excluding exceptional: ExceptionalDays? = nil) throws(QueryError) {
        let formed = try registry.rankingUnits(level: scope.level, city: scope.city, days: month.days,
                                               alsoFor: month.yearEarlier?.days)
        try self.init(store: store, formed: formed, month: month, scope: scope, composite: weights, excluding: exceptional)
    }

    /// The ranking of units already formed for `month` (`StationRegistry.rankingUnits`
    /// over the month, also for the month a year earlier), as the initialiser
    /// above makes it: `haze rank` forms them on another thread while this one
    /// opens the store (see `prepare`).
    package init(store: Store, formed: RankingUnits, month: Month, scope: RankingScope,
                 composite weights: CompositeWeights? = nil, excluding exceptional: ExceptionalDays? = nil) throws(QueryError) {
        let aggregation = Aggregation(store: store)
        try aggregation.requireIntact(month.days)
        if let earlier = month.yearEarlier { try aggregation.requireIntact(earlier.days) }
        self.init(store: store, units: formed, month: month, scope: scope, composite: weights, excluding: exceptional)
        guard !rankings.isEmpty else {
            let what = unranked.map(\.displayName).joined(separator: ", ")
            if formed.units.isEmpty, let why = formed.coverage.whyNoUnits {
                throw .nothingRanked("no \(scope.level.rawValue) to rank for \(month): \(why); nothing is ranked")
            }
            throw .nothingRanked("no \(scope.level.rawValue) has a valid \(what) month for \(month) (\(formed.units.count) unit(s); a month needs ≥ \(Validity.minimumDays(in: month)) valid days); nothing is ranked")
        }
    }

    /// What a ranking of `month` reads first that needs only the store: its
    /// daily rows and those a year earlier checked against their checksums,
    /// and the lookups of `pollutants`' series. Reports nothing — a damaged
    /// row is not marked checked, so the ranking meets it again and throws
    /// where it always does; for doing it while the registry loads.
    package static func prepare(store: Store, month: Month, pollutants: [Pollutant]) {
        store.prepareReading([month.days] + (month.yearEarlier.map { [$0.days] } ?? []), lookups: pollutants)
    }

    /// A ranking computed elsewhere (inside ClickHouse, `rank --engine
    /// clickhouse`): its rows as they came, without composite score,
    /// exceptional days or control points. Pollutants without a valid unit
    /// go to `unranked`, as here.
    package init(month: Month, scope: RankingScope, computed: [PollutantRanking], coverage: UnitCoverage) {
        self.month = month
        self.scope = scope
        self.standard = AirQualityStandard.inForce(on: month.days.upperBound.advanced(by: -1))
        self.coverage = coverage
        self.controlPoints = []
        self.composite = nil
        self.candidates = computed
        let asked = computed.filter { scope.pollutants.contains($0.pollutant) }
        self.rankings = asked.filter { $0.entries.contains { $0.current.isValid } }
        self.unranked = asked.filter { !$0.entries.contains { $0.current.isValid } }.map(\.pollutant)
    }

    init(store: Store, units formed: RankingUnits, month: Month, scope: RankingScope, composite weights: CompositeWeights?,
         excluding exceptional: ExceptionalDays? = nil) {
        let units = formed.units
        self.coverage = formed.coverage
        let aggregation = Aggregation(store: store)
        self.controlPoints = formed.controlPoints.map { unit in
            UnrankedEntry(unit: unit, values: scope.pollutants.map { pollutant in
                (pollutant, PeriodStatistics(days: aggregation.unitDays(unit, pollutant, days: month.days), pollutant: pollutant,
                                             validity: PeriodValidity(months: [month])))
            })
        }
        self.month = month
        self.scope = scope
        self.standard = AirQualityStandard.inForce(on: month.days.upperBound.advanced(by: -1))
        let lastYearMonth = month.yearEarlier
        let validity = PeriodValidity(months: [month])
        let excluded = units.map { exceptional?.days(forCity: $0.city) ?? [] }
        if let exceptional {
            let cities = Set(units.map(\.city))
            let months = [month] + (lastYearMonth.map { [$0] } ?? [])
            self.exclusion = ExceptionalDays(
                entries: months.flatMap { exceptional.entries(in: $0.days) }.filter { day in cities.contains { day.applies(to: $0) } },
                source: exceptional.source)
        }
        // Every unit reads the same days: their rows once.
        let rows = aggregation.dailyRows(month.days)
        let lastYearRows = lastYearMonth.map { aggregation.dailyRows($0.days) } ?? Aggregation.DailyRows(first: month.days.lowerBound, rows: [])
        var rankings: [PollutantRanking] = []
        for pollutant in Set(scope.pollutants + (weights?.pollutants ?? [])).sorted() {
            // Exceptional days leave the PM2.5 and PM10 means only (RULES.md §10).
            let excluded = [Pollutant.pm25, .pm10].contains(pollutant) ? excluded : units.map { _ in [] }
            let currentDays = aggregation.unitDays(of: units, pollutant, days: month.days, rows: rows)
            let current = units.indices.map {
                PeriodStatistics(days: currentDays[$0], pollutant: pollutant, validity: validity, excluding: excluded[$0])
            }
            // Before 0001-01 there is no last year: no data, never a trap.
            let previousDays = lastYearMonth.map { aggregation.unitDays(of: units, pollutant, days: $0.days, rows: lastYearRows) }
            let previous = units.indices.map { i in
                lastYearMonth.map {
                    PeriodStatistics(days: previousDays?[i] ?? [], pollutant: pollutant,
                                     validity: PeriodValidity(months: [$0]), excluding: excluded[i])
                } ?? PeriodStatistics(days: [], pollutant: pollutant, validity: validity)
            }
            rankings.append(Self.rank(units: units, current: current, previous: previous, pollutant: pollutant))
        }
        let standard = self.standard
        if let weights {
            var statistics: [Pollutant: [RankingUnit: PeriodStatistics]] = [:]
            for ranking in rankings where weights.pollutants.contains(ranking.pollutant) {
                statistics[ranking.pollutant] = Dictionary(uniqueKeysWithValues: ranking.entries.map { ($0.unit, $0.current) })
            }
            let scored = CompositeRanking(weights: weights, units: units, statistics: statistics, standard: standard)
            self.composite = scored.entries.contains { $0.score != nil } ? scored : nil
            self.compositeUnscored = self.composite == nil ? weights : nil
        } else {
            self.composite = nil
            self.compositeUnscored = nil
        }
        self.candidates = rankings
        let asked = rankings.filter { scope.pollutants.contains($0.pollutant) }
        self.rankings = asked.filter { $0.entries.contains { $0.current.isValid } }
        self.unranked = asked.filter { !$0.entries.contains { $0.current.isValid } }.map(\.pollutant)
    }

    static func rank(units: [RankingUnit], current: [PeriodStatistics], previous: [PeriodStatistics],
                     pollutant: Pollutant) -> PollutantRanking {
        let ranks = Ranks.ascending(current.map { $0.isValid ? $0.rounded : nil })
        let changes: [Double?] = zip(current, previous).map { now, then in
            guard now.isValid, then.isValid, let a = now.rounded, let b = then.rounded, b > 0 else { return nil }
            return Double(GBT8170.roundRatio(1000 * (a - b), b)) / 10   // exact, one decimal
        }
        let changeRanks = Ranks.ascending(changes)
        // Sorted as (rank, label) with the keys made once: sorting the entries
        // themselves moved large structs and recomputed labels at every comparison.
        let keys = units.indices.map { (ranks[$0], units[$0].label) }
        let order = units.indices.sorted { keys[$0] < keys[$1] }
        let entries = order.map { i in
            RankingEntry(unit: units[i], current: current[i], lastYear: previous[i], change: changes[i], rank: ranks[i],
                         changeRank: changes[i] == nil ? nil : changeRanks[i])
        }
        return PollutantRanking(pollutant: pollutant, entries: entries)
    }

    /// The ranking of `pollutant`; nil when it was not ranked (not asked for, or no valid month).
    public func ranking(for pollutant: Pollutant) -> PollutantRanking? {
        rankings.first { $0.pollutant == pollutant }
    }
}
