import HazeModel
import HazeRegistry
import HazeStore

/// `haze query`: a subject's values over a date range at one resolution.
public struct StationQuery: Sendable {
    /// The station, unit or city queried.
    public var subject: Subject
    /// The pollutants, one row each per time.
    public var pollutants: [Pollutant]
    /// Inclusive local dates.
    public var from: CivilDate
    /// The last local date (inclusive).
    public var to: CivilDate
    /// Hourly values, daily means (MDA8 for O3), or monthly statistics.
    public var resolution: Resolution

    /// The values of `pollutants` for `subject` from `from` to `to` (both inclusive, local dates) at `resolution`.
    public init(subject: Subject, pollutants: [Pollutant], from: CivilDate, to: CivilDate, resolution: Resolution) {
        self.subject = subject
        self.pollutants = pollutants
        self.from = from
        self.to = to
        self.resolution = resolution
    }

    /// What a row's value is.
    public enum Statistic: Sendable, Equatable {
        /// An hourly value (a unit's: the mean of its stations').
        case hourly
        /// A daily mean (≥ 20 hours).
        case dailyMean
        /// O3's daily maximum 8-hour mean (HJ 663 §6.1.2 validity).
        case dailyMaximum8Hour
        /// A month's statistic: mean, CO's 95th or O3's 90th percentile.
        case period(PollutantStatistic.Kind)

        /// `hour`, `day mean`, `MDA8`, `month mean`, `P95`, `P90 of MDA8`.
        public var label: String {
            switch self {
            case .hourly: "hour"
            case .dailyMean: "daily mean"
            case .dailyMaximum8Hour: "MDA8"
            case .period(.mean): "mean"
            case .period(.percentile95): "P95 of daily means"
            case .period(.percentile90): "P90 of MDA8"
            }
        }
    }

    /// One output row.
    public struct Row: Sendable, Equatable {
        /// `2019-01-01T08:00+08:00`, `2019-01-01` or `2019-01`.
        public var time: String
        /// The subject's name.
        public var subject: String
        /// The pollutant.
        public var pollutant: Pollutant
        /// In the pollutant's stored unit (µg/m³; CO tenths of mg/m³), unrounded.
        public var value: Aggregate
        /// What the value is (an hourly value, a daily mean, MDA8, a month's statistic).
        public var statistic: Statistic = .hourly
    }

    /// Computes the rows, oldest first. Throws a `QueryError` for an unknown subject, a range the store does not hold, or damaged rows.
    public func run(store: Store, registry: StationRegistry) throws(QueryError) -> [Row] {
        let aggregation = Aggregation(store: store)
        let isUnit = subject.isUnit
        let firstDay = Day(from)
        let lastDay = Day(to)
        guard firstDay <= lastDay else { return [] }
        try RequestedRange.check(days: firstDay ... lastDay, hourly: resolution == .hour, store: store)
        // Members by day: the list in force and the memberships of each day decide.
        let unit = try registry.queryUnit(for: subject, days: firstDay ..< lastDay.advanced(by: 1))
        var rows: [Row] = []
        for pollutant in pollutants {
            var seriesByMembers: [[String]: [Int]] = [:]
            func series(on day: Day) -> [Int] {
                let members = unit.members(on: day)
                let key = members.map(\.code)
                if let known = seriesByMembers[key] { return known }
                let found = aggregation.series(of: members, pollutant)
                seriesByMembers[key] = found
                return found
            }
            if case .station(let code) = subject, series(on: firstDay).isEmpty, registry[code] == nil {
                throw .unknownStation(code)
            }
            switch resolution {
            case .hour:
                let start = store.zone.firstHour(of: firstDay)
                let end = store.zone.firstHour(of: lastDay.advanced(by: 1))
                try aggregation.requireIntact(start ..< end)
                for hour in start ..< end {
                    rows.append(Row(time: store.zone.format(hour), subject: subject.description, pollutant: pollutant,
                                    value: aggregation.hourly(series(on: store.zone.day(of: hour)), at: hour)))
                }
            case .day:
                try aggregation.requireIntact(firstDay ..< lastDay.advanced(by: 1))
                for day in firstDay ... lastDay {
                    let ids = series(on: day)
                    let value = ids.isEmpty ? .none : aggregation.assessedDay(ids, pollutant, on: day, asUnit: isUnit)
                    rows.append(Row(time: day.description, subject: subject.description, pollutant: pollutant, value: value,
                                    statistic: pollutant == .o3 ? .dailyMaximum8Hour : .dailyMean))
                }
            case .month:
                try aggregation.requireIntact(firstDay ..< lastDay.advanced(by: 1))
                for month in firstDay.month ... lastDay.month {
                    let days = max(month.days.lowerBound, firstDay) ..< min(month.days.upperBound, lastDay.advanced(by: 1))
                    let daily = days.map { day in
                        let ids = series(on: day)
                        return (day, ids.isEmpty ? nil : aggregation.assessedDay(ids, pollutant, on: day, asUnit: isUnit).validMean)
                    }
                    let statistic = PollutantStatistic(pollutant: pollutant, days: daily, validity: PeriodValidity(months: [month]))
                    rows.append(Row(time: month.description, subject: subject.description, pollutant: pollutant,
                                    value: Aggregate(mean: statistic.exact, count: statistic.validDays, isValid: statistic.isValid),
                                    statistic: .period(statistic.kind)))
                }
            }
        }
        return rows
    }
}
