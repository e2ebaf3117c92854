import Foundation
import HazeModel
import HazeRegistry
import HazeStore

extension CompensationInput {
    /// The published PM2.5 and PM10 figures of a city's units and of the city
    /// itself (all its assessment stations), for the period and the same
    /// period a year earlier, from the store's daily values (HJ 663 unit
    /// means; GB 3095 validity: each month's minimum days summed, 324 for a
    /// calendar year). A figure that is not valid is absent, with the reason;
    /// other indicators are absent as not provided.
    public init(store: Store, registry: StationRegistry, period: CompensationPeriod, city: String,
                level: RankingLevel = .district) throws(QueryError) {
        let aggregation = Aggregation(store: store)
        func span(_ period: CompensationPeriod) -> (days: Range<Day>, required: Int)? {
            let months = period.months
            guard let first = months.first, let last = months.last else { return nil }
            let required = months.count == 12 && first.month == 1 ? Validity.minimumDaysPerYear
                                                                  : months.map(Validity.minimumDays(in:)).reduce(0, +)
            return (first.firstDay ..< last.days.upperBound, required)
        }
        guard let now = span(period) else { throw .noData("the period \(period) has no months") }
        let before = period.yearEarlier.flatMap(span)
        try RequestedRange.check(days: now.days.lowerBound ... now.days.upperBound.advanced(by: -1), hourly: false, store: store)
        try aggregation.requireIntact(now.days)
        if let before { try aggregation.requireIntact(before.days) }
        // Units are formed day by day from the lists and memberships in force.
        let units = try registry.rankingUnits(level: level, city: city, days: now.days, alsoFor: before?.days).units
        guard let cityUnit = try registry.rankingUnits(level: .city, city: city, days: now.days, alsoFor: before?.days).units.first else {
            throw .noAssessmentStations(city)
        }

        // One set of limits (Sᵢ of the composite index) for both years: those in
        // force on the period's last day (RULES.md §11).
        let limits = AirQualityStandard.inForce(on: now.days.upperBound.advanced(by: -1))
        let months = period.months, earlierMonths = period.yearEarlier?.months
        func figures(_ unit: RankingUnit) -> [CompensationIndicator: Figures] {
            let series = aggregation.unitSeries(of: unit)
            let current = aggregation.periodIndicators(series, months: months)
            let previous = earlierMonths.map { aggregation.periodIndicators(series, months: $0) }
            var out: [CompensationIndicator: Figures] = [:]
            for indicator in CompensationIndicator.allCases {
                let ranked = RankingIndicator(indicator)
                func published(_ figures: PeriodIndicators?) -> (Decimal?, Absence?) {
                    guard let figures else { return (nil, .noData) }
                    let (value, valid) = ranked.value(figures, limits: limits)
                    let days = ranked.pollutant.map { figures.statistic($0).validDays } ?? figures.aqiDays.validDays
                    guard let value, days > 0 else { return (nil, .noData) }
                    guard valid else {
                        return (nil, .invalid(validDays: days, requiredDays: figures.months.map(Validity.minimumDays(in:)).reduce(0, +)))
                    }
                    var scaled = Decimal(value)
                    for _ in 0 ..< ranked.decimals { scaled /= 10 }
                    return (scaled, nil)
                }
                let (now, nowAbsence) = published(current)
                let (last, lastAbsence) = published(previous)
                out[indicator] = Figures(current: now, lastYear: last, currentAbsence: nowAbsence, lastYearAbsence: lastAbsence)
            }
            return out
        }
        self.init(period: period, units: units.map { Subject(name: $0.name, figures: figures($0)) },
                  city: Subject(name: cityUnit.name, figures: figures(cityUnit)))
    }
}
