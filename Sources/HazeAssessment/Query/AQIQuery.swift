import HazeModel
import HazeRegistry
import HazeStore

/// `haze query --indicator aqi`: a station's, district's or city's AQI over a
/// date range — real-time AQI by hour, daily AQI by day, and by month the
/// days per AQI level with 优良天数 and its ratio (HJ 633, the edition in
/// force on each date; RULES.md §4–§8).
public struct AQIQuery: Sendable {
    /// The station, unit or city whose AQI is computed.
    public var subject: Subject
    /// The first local date (inclusive).
    public var from: CivilDate
    /// The last local date (inclusive).
    public var to: CivilDate
    /// Hourly AQI, daily AQI, or monthly counts of days per level.
    public var resolution: Resolution

    /// The AQI of `subject` from `from` to `to` (both inclusive, local dates) at `resolution`.
    public init(subject: Subject, from: CivilDate, to: CivilDate, resolution: Resolution) {
        self.subject = subject
        self.from = from
        self.to = to
        self.resolution = resolution
    }

    /// One output row: an hour's or a day's AQI, or a month's AQI days.
    public struct Row: Sendable {
        /// The hour, day or month: `2019-01-01T08:00+08:00`, `2019-01-01` or `2019-01`.
        public var time: String
        /// The subject's name.
        public var subject: String
        /// Hour and day resolution.
        public var aqi: AQIResult?
        /// The values the AQI was computed from (stored units; day: exact daily values).
        public var concentrations: [AQIComponent: Double]
        /// Month resolution.
        public var days: AQIDayCounts?
    }

    /// Computes the rows, oldest first. Throws a `QueryError` for an unknown subject, a range the store does not hold, or damaged rows.
    public func run(store: Store, registry: StationRegistry) throws(QueryError) -> [Row] {
        let firstDay = Day(from)
        let lastDay = Day(to)
        guard firstDay <= lastDay else { return [] }
        // Members by day: the list in force and the memberships of each day decide.
        let aggregation = Aggregation(store: store)
        let dated = aggregation.unitSeries(of: try registry.queryUnit(for: subject, days: firstDay ..< lastDay.advanced(by: 1)))
        if case .station(let code) = subject, dated.monitored.isEmpty, registry[code] == nil {
            throw .unknownStation(code)
        }
        try RequestedRange.check(days: firstDay ... lastDay, hourly: resolution == .hour, store: store)
        var rows: [Row] = []
        switch resolution {
        case .hour:
            let start = store.zone.firstHour(of: firstDay)
            let end = store.zone.firstHour(of: lastDay.advanced(by: 1))
            try aggregation.requireIntact(start ..< end)
            for hour in start ..< end {
                let values = aggregation.hourlyConcentrations(dated.on(store.zone.day(of: hour)), at: hour)
                var concentrations: [AQIComponent: Double] = [:]
                for (pollutant, value) in values.entries { concentrations[.hourly(pollutant)] = Double(value) }
                rows.append(Row(time: store.zone.format(hour), subject: subject.description,
                                aqi: aggregation.realTimeAQI(dated.on(store.zone.day(of: hour)), at: hour), concentrations: concentrations, days: nil))
            }
        case .day:
            try aggregation.requireIntact(firstDay ..< lastDay.advanced(by: 1))
            for day in firstDay ... lastDay {
                let daily = aggregation.dailyIndicators(dated.on(day), on: day)
                rows.append(Row(time: day.description, subject: subject.description, aqi: daily.aqi,
                                concentrations: daily.values, days: nil))
            }
        case .month:
            try aggregation.requireIntact(firstDay ..< lastDay.advanced(by: 1))
            for month in firstDay.month ... lastDay.month {
                let days = max(month.days.lowerBound, firstDay) ..< min(month.days.upperBound, lastDay.advanced(by: 1))
                let counts = AQIDayCounts(days: days.map { ($0, aggregation.dailyIndicators(dated.on($0), on: $0).aqi) },
                                          validity: PeriodValidity(months: [month]))
                rows.append(Row(time: month.description, subject: subject.description, aqi: nil, concentrations: [:], days: counts))
            }
        }
        return rows
    }
}
