import HazeModel
import HazeRegistry
import HazeStore

/// Units ranked by one indicator over whole months (a month, a run of months,
/// a year): a pollutant's statistic, the composite index, the good-day ratio
/// or the number of polluted days (RULES.md §11).
///
/// Ranks are on the published (rounded) values, lowest first (the good-day
/// ratio highest first); equal values share the lowest rank (1, 2, 2, 4 —
/// 并列); units without a valid value are listed after the valid ones,
/// jointly last (集体名列最后一位). When no unit has a valid value there is no
/// ranking at all: `init` throws `QueryError.noData` (exit 65), so no unit is
/// ever "first" of nothing. Each unit also carries the same months a year
/// earlier — its value and rank among the same units — and the change
/// between the two, ranked (most improved first).
///
/// Limits (Sᵢ of the composite index) come from `AirQualityStandard`, a table
/// keyed by date: by default the set in force on the period's last day, and
/// the **same set for last year's period**, so that a year-on-year change
/// reflects concentrations, not a change of standard (e.g. 2026-06 against
/// 2025-06 uses GB 3095-2026's transitional limits for both). `limits`
/// forces one set for both.
public struct IndicatorRanking: Sendable {
    /// One unit's figures and place.
    public struct Entry: Sendable {
        /// The unit ranked.
        public var unit: RankingUnit
        /// Its figures over the period.
        public var current: PeriodIndicators
        package var lastYear: PeriodIndicators
        /// The ranked value, scaled by 10^`indicator.decimals`; nil without any data.
        public var value: Int?
        package var isValid: Bool
        /// The rank among the valid units; invalid units share the place after the last valid one.
        public var rank: Int
        package var lastYearValue: Int?
        package var lastYearValid: Bool
        package var lastYearRank: Int
        /// Scaled change (see `RankingIndicator.change`); nil unless both years are valid.
        public var change: Int?
        /// Rank by change, most improved first; nil without a change.
        package var changeRank: Int?
        /// All six pollutants meet Grade II in the current period (every exact
        /// Iᵢ ≤ 1 under `limits`); nil when the composite index is not valid.
        /// Such a unit never enters the "most deteriorated" list (197号).
        package var attainsGradeII: Bool?
    }

    /// What units are ranked by.
    public var indicator: RankingIndicator
    /// The months of the period, oldest first.
    public var months: [Month]
    /// The level, city and pollutants ranked.
    public var scope: RankingScope
    /// The limit set used for both years.
    public var limits: AirQualityStandard
    /// True when the limits were given, not taken from the period's last day.
    package var limitsForced: Bool
    /// Best first by value, or most improved first by change (`order`).
    public var entries: [Entry]
    /// Whether entries are ordered by value or by change on last year.
    public var order: RankingOrder
    /// The exceptional days left out of the PM statistics (`--exclude-exceptional`):
    /// the file, and its days within this period or last year's that apply to
    /// at least one ranked unit. Nil when none were asked for.
    package var exclusion: ExceptionalDays?

    package var lastYearMonths: [Month] { months.compactMap(\.yearEarlier) }
    /// The valid-day rules the period's statistics are judged by.
    public var validity: PeriodValidity { PeriodValidity(months: months) }

    /// Ranks the units of `scope` by `indicator` over `months`, against the same months a year earlier.
    /// Throws a `QueryError` when the registry has no unit for the scope, the store lacks the months, or a needed row is damaged.
    public init(store: Store, registry: StationRegistry, indicator: RankingIndicator, months: [Month],
                scope: RankingScope, limits: AirQualityStandard? = nil, order: RankingOrder = .value,
                excluding exceptional: ExceptionalDays? = nil) throws(QueryError) {
        guard let first = months.first, let last = months.last, first <= last else {
            throw .noData("no months to rank")
        }
        let earlier = months.compactMap(\.yearEarlier)
        let span = (earlier.first ?? first).firstDay ... last.days.upperBound.advanced(by: -1)
        try RequestedRange.check(days: span, hourly: false, store: store)
        let days = first.firstDay ..< last.days.upperBound
        let units = try registry.rankingUnits(level: scope.level, city: scope.city, days: days,
                                              alsoFor: earlier.isEmpty ? nil : span.lowerBound ..< days.lowerBound).units
        let aggregation = Aggregation(store: store)
        for month in months + earlier { try aggregation.requireIntact(month.days) }
        try self.init(aggregation: aggregation, units: units, indicator: indicator, months: months, scope: scope, limits: limits,
                      order: order, excluding: exceptional)
    }

    init(aggregation: Aggregation, units: [RankingUnit], indicator: RankingIndicator, months: [Month],
         scope: RankingScope, limits: AirQualityStandard?, order: RankingOrder = .value,
         excluding exceptional: ExceptionalDays? = nil) throws(QueryError) {
        guard let first = months.first, let last = months.last else { throw .noData("no months to rank") }
        self.indicator = indicator
        self.months = months
        self.scope = scope
        let earlier = months.compactMap(\.yearEarlier)
        self.order = order
        let series = units.map { aggregation.unitSeries(of: $0) }
        // Exceptional days leave the PM statistics of both years (RULES.md §10).
        let excluded = units.map { exceptional?.days(forCity: $0.city) ?? [] }
        if let exceptional {
            let cities = Set(units.map(\.city))
            self.exclusion = ExceptionalDays(
                entries: (months + earlier).flatMap { exceptional.entries(in: $0.days) }.filter { day in cities.contains { day.applies(to: $0) } },
                source: exceptional.source)
        }
        let current = units.indices.map { aggregation.periodIndicators(series[$0], months: months, excludedPM: excluded[$0]) }
        let previous = units.indices.map { aggregation.periodIndicators(series[$0], months: earlier, excludedPM: excluded[$0]) }
        let set = limits ?? AirQualityStandard.inForce(on: last.days.upperBound.advanced(by: -1))
        self.limits = set
        self.limitsForced = limits != nil
        let now = current.map { indicator.value($0, limits: set) }
        let then = previous.map { indicator.value($0, limits: set) }
        let published = now.map { $0.valid ? $0.value : nil }
        let publishedBefore = then.map { $0.valid ? $0.value : nil }
        guard published.contains(where: { $0 != nil }) else {
            let period = months.count == 1 ? first.description : "\(first)…\(last)"
            let withData = current.filter { period in
                indicator == .composite ? CompositeIndex.pollutants.contains { period.statistic($0).validDays > 0 }
                                        : indicator.value(period, limits: set).value != nil
            }.count
            throw .nothingRanked("no unit has a valid \(indicator.englishLabel) for \(period) (\(units.count) unit(s), \(withData) with some data but too few valid days); nothing is ranked")
        }
        let ranks = Self.ranks(published, higherIsBetter: indicator.higherIsBetter)
        let ranksBefore = Self.ranks(publishedBefore, higherIsBetter: indicator.higherIsBetter)
        let changes: [Int?] = zip(published, publishedBefore).map { a, b in
            guard let a, let b else { return nil }
            return indicator.change(this: a, last: b)
        }
        let changeRanks = Self.ranks(changes, higherIsBetter: indicator.higherIsBetter)
        entries = units.indices.map { i in
            Entry(unit: units[i], current: current[i], lastYear: previous[i], value: now[i].value, isValid: published[i] != nil,
                  rank: ranks[i], lastYearValue: then[i].value, lastYearValid: publishedBefore[i] != nil,
                  lastYearRank: ranksBefore[i], change: changes[i], changeRank: changes[i] == nil ? nil : changeRanks[i],
                  attainsGradeII: current[i].composite(limits: set).attainsGradeII)
        }.sorted(by: Self.ordering(order))
    }

    /// Best first; by change, most improved first and units without a change last.
    static func ordering(_ order: RankingOrder) -> (Entry, Entry) -> Bool {
        switch order {
        case .value: { ($0.rank, $0.unit.label) < ($1.rank, $1.unit.label) }
        case .change: { ($0.changeRank ?? Int.max, $0.rank, $0.unit.label) < ($1.changeRank ?? Int.max, $1.rank, $1.unit.label) }
        }
    }

    /// Min ranks, ascending (or descending); nil values jointly last.
    static func ranks(_ values: [Int?], higherIsBetter: Bool) -> [Int] {
        higherIsBetter ? Ranks.ascending(values.map { $0.map { -$0 } }) : Ranks.ascending(values)
    }

    /// Whether any unit had data for last year's period.
    package var lastYearHasData: Bool { entries.contains { $0.lastYearValue != nil } }

    /// `2019-01`, `2019-01…2019-03` or `2019` for a calendar year.
    public var label: String {
        guard let first = months.first, let last = months.last else { return "" }
        if validity.isCalendarYear { return String(first.year) }
        return first == last ? first.description : "\(first)…\(last)"
    }
}
