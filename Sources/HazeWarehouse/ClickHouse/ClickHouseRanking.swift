import HazeModel
import HazeRegistry
import HazeAssessment

/// `haze rank --engine clickhouse`: the monthly GB 3095 / HJ 663 ranking
/// computed by ClickHouse from the tables `haze export clickhouse` fills —
/// the same rules as `MonthlyRanking`, written as one SQL statement
/// (ClickHouse 18.16 and later: no window functions, ranks from arrays):
///
/// 1. each station-hour's newest copy (`argMax(…, version)`), valid ones only;
/// 2. a station-day is their mean, valid with ≥ 20 hours (GB 3095 Table 4);
/// 3. a unit-day is the mean of the valid station-days of the stations that
///    count in the unit that day (`membership`: list in force, memberships of the day);
/// 4. a unit-month is the mean of its unit-days, valid with ≥ 27 days (February ≥ 25);
///    exceedance days from each day's rounded value and the limit in force that day;
/// 5. values are rounded once, GB/T 8170 half to even (haze's tolerance of
///    1e-9 for halves computed in floating point); ranks ascending on the
///    rounded value, ties sharing a rank, units without a valid month last, jointly;
/// 6. the change against the same month a year earlier from the rounded
///    values, in tenths of a percent, rounded half to even in integers, and
///    its rank (most improved first).
///
/// Units are those with a counted station in the month. What is not ranked
/// (coverage notes) comes from the local registry, as `haze rank` says it.
public struct ClickHouseRanking: Sendable {
    /// The month ranked (its year-earlier month gives the change).
    public var month: Month
    /// The units ranked: cities, or the units of a layer, optionally within one city; not stations.
    public var scope: RankingScope

    /// The ranking of `scope` for `month`; nothing is asked of ClickHouse until `ranking(registry:target:)`.
    public init(month: Month, scope: RankingScope) {
        self.month = month
        self.scope = scope
    }

    /// Runs the ranking in ClickHouse. Throws `QueryError` as `MonthlyRanking`
    /// does (unknown city or layer, nothing ranked) and `ClickHouseError`.
    public func ranking(registry: StationRegistry, target: ClickHouseTarget) throws -> MonthlyRanking {
        try ranking(registry: registry, connection: ClickHouseConnection(target: target))
    }

    package func ranking(registry: StationRegistry, connection: ClickHouseConnection) throws -> MonthlyRanking {
        guard scope.level != .station else {
            throw QueryError.noData("rank --engine clickhouse ranks cities and the units of a layer; rank stations with haze's own engine")
        }
        let formed = try registry.rankingUnits(level: scope.level, city: scope.city, days: month.days, alsoFor: month.yearEarlier?.days)
        let city = scope.city.flatMap(registry.city(named:))
        let statement = sql(database: connection.target.database, city: city)
        let answer = try connection.run(statement, label: "the ranking query (SELECT … FROM \(connection.target.database).hourly)")
        let rows = ClickHouseConnection.tabSeparated(answer)
        var byPollutant: [Pollutant: [RankingEntry]] = [:]
        let earlier = month.yearEarlier
        for (number, row) in rows.enumerated() {
            func fail(_ reason: String) -> ClickHouseError {
                .answer(url: connection.target.shown, statement: "the ranking query", reason: "row \(number + 1): \(reason)")
            }
            guard row.count == Self.columns.count else { throw fail("\(row.count) fields, expected \(Self.columns.count)") }
            func int(_ i: Int) throws -> Int {
                guard let value = Int(row[i]) else { throw fail("\(Self.columns[i]) '\(row[i])' is not a whole number") }
                return value
            }
            func double(_ i: Int) throws -> Double? {
                if row[i] == "nan" || row[i] == "-nan" { return nil }
                guard let value = Double(row[i]), value.isFinite else { throw fail("\(Self.columns[i]) '\(row[i])' is not a number") }
                return value
            }
            func day(_ i: Int) -> Day? { CivilDate(parsing: row[i]).map(Day.init) }
            guard let pollutant = Pollutant.allCases.first(where: { $0.displayName == row[0] }) else { throw fail("unknown pollutant '\(row[0])'") }
            func statistics(_ base: Int, _ month: Month) throws -> PeriodStatistics {
                let days = try int(base)
                let highest = try day(base + 4).map { (value: try int(base + 3), day: $0) }
                return PeriodStatistics(month: month, mean: try double(base + 1), validDays: days,
                                        exceedanceDays: try int(base + 2), highestDay: highest)
            }
            let current = try statistics(4, month)
            let previous = try earlier.map { try statistics(11, $0) } ?? PeriodStatistics(month: month, mean: nil, validDays: 0, exceedanceDays: 0, highestDay: nil)
            // The SQL's validity and rounding must agree with haze's own reading of its counts.
            guard (try int(10) == 1) == current.isValid else { throw fail("validity \(row[10]) disagrees with \(current.validDays) valid days") }
            if current.isValid, try int(9) != current.rounded { throw fail("rounded \(row[9]) disagrees with the mean \(row[5])") }
            let hasChange = try int(16) == 1
            let unit = RankingUnit(name: row[2], city: row[1], level: scope.level, stations: [])
            byPollutant[pollutant, default: []].append(RankingEntry(
                unit: unit, current: current, lastYear: previous,
                change: hasChange ? Double(try int(17)) / 10 : nil, rank: try int(3),
                changeRank: hasChange ? try int(18) : nil))
        }
        let computed = scope.pollutants.sorted().map { pollutant in
            PollutantRanking(pollutant: pollutant, entries: (byPollutant[pollutant] ?? []).sorted {
                ($0.rank, $0.unit.label, $0.unit.city) < ($1.rank, $1.unit.label, $1.unit.city)
            })
        }
        let ranking = MonthlyRanking(month: month, scope: scope, computed: computed, coverage: formed.coverage)
        guard !ranking.rankings.isEmpty else {
            let what = ranking.unranked.map { $0.displayName }.joined(separator: ", ")
            let units = Set(computed.flatMap { $0.entries.map { "\($0.unit.city)/\($0.unit.name)" } }).count
            throw QueryError.nothingRanked("no \(scope.level.rawValue) has a valid \(what) month for \(month) in ClickHouse (\(units) unit(s) with members there; a month needs ≥ \(Validity.minimumDays(in: month)) valid days; export the month with haze export clickhouse first)")
        }
        return ranking
    }

    /// The answer's columns, in order.
    static let columns = ["pollutant", "city", "unit", "rank",
                          "valid_days", "mean", "exceedance_days", "highest", "highest_day", "rounded", "valid",
                          "ly_valid_days", "ly_mean", "ly_exceedance_days", "ly_highest", "ly_highest_day",
                          "has_change", "change_tenths", "change_rank"]

    /// GB/T 8170 to a whole number, half to even, with `GBT8170`'s tolerance for halves.
    static func rounded(_ x: String) -> String {
        "toInt64(if(abs(\(x) - floor(\(x)) - 0.5) <= 1e-9 * greatest(abs(\(x)), 1), "
            + "if(toInt64(floor(\(x))) % 2 = 0, floor(\(x)), floor(\(x)) + 1), "
            + "if(\(x) < 0, -floor(-(\(x)) + 0.5), floor(\(x) + 0.5))))"
    }

    static func date(_ day: Day) -> String { "toDate('\(day.date)')" }

    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The GB 3095 Grade II 24-hour limit in force on `day` for `pollutant` (column names).
    func dailyLimit(pollutant: String, day: String) -> String {
        func limits(_ standard: AirQualityStandard) -> String {
            "if(\(pollutant) = 'PM2.5', \(standard.dailyLimit(.pm25)), \(standard.dailyLimit(.pm10)))"
        }
        return "multiIf(\(day) < \(Self.date(Day(AirQualityStandard.edition2026Start))), \(limits(.gb3095_2012)), "
            + "\(day) < \(Self.date(Day(AirQualityStandard.finalLimitsStart))), \(limits(.gb3095_2026Transitional)), "
            + "\(limits(.gb3095_2026)))"
    }

    /// The statement. `city`: the registry's name of the city the ranking is limited to.
    func sql(database db: String, city: String?) -> String {
        let pollutants = scope.pollutants.sorted().map { Self.literal($0.displayName) }.joined(separator: ", ")
        let current = month.days
        let earlier = month.yearEarlier?.days ?? current
        func within(_ days: Range<Day>) -> String {
            "(day >= \(Self.date(days.lowerBound)) AND day <= \(Self.date(days.upperBound.advanced(by: -1))))"
        }
        let anyDay = "(\(within(current)) OR \(within(earlier)))"
        let cityFilter = city.map { " AND city = \(Self.literal($0))" } ?? ""
        let level = Self.literal(scope.level.rawValue)
        let members = """
            SELECT station, day, argMax(city, version) AS city, argMax(unit, version) AS unit
            FROM \(db).membership WHERE layer = \(level) AND \(anyDay)
            GROUP BY station, day HAVING unit != ''\(cityFilter)
            """
        let unitDays = """
            SELECT pollutant, city, unit, day, avg(station_mean) AS dm
            FROM (
              SELECT station, pollutant, day, sum(v) / count() AS station_mean
              FROM (
                SELECT station, pollutant, hour, day, argMax(value, version) AS v, argMax(valid, version) AS ok
                FROM \(db).hourly WHERE pollutant IN (\(pollutants)) AND \(anyDay)
                GROUP BY station, pollutant, hour, day
              ) WHERE ok = 1
              GROUP BY station, pollutant, day HAVING count() >= \(Validity.minimumHoursPerDay)
            ) ALL INNER JOIN (\(members)) USING (station, day)
            GROUP BY pollutant, city, unit, day
            """
        func months(_ days: Range<Day>, prefix p: String) -> String {
            """
            SELECT pollutant, city, unit, count() AS \(p)valid_days, sum(dm) / count() AS \(p)mean,
                   countIf(\(Self.rounded("dm")) > \(dailyLimit(pollutant: "pollutant", day: "day"))) AS \(p)exceedance_days,
                   \(Self.rounded("max(dm)")) AS \(p)highest, argMin(day, tuple(-dm, day)) AS \(p)highest_day
            FROM (\(unitDays)) WHERE \(within(days))
            GROUP BY pollutant, city, unit
            """
        }
        let minimumDays = "if(toMonth(\(Self.date(current.lowerBound))) = 2, 25, 27)"
        let minimumDaysEarlier = "if(toMonth(\(Self.date(earlier.lowerBound))) = 2, 25, 27)"
        let hasEarlier = month.yearEarlier == nil ? "0" : "1"
        let units = """
            SELECT city, unit, arrayJoin([\(pollutants)]) AS pollutant
            FROM (\(members)) WHERE \(within(current)) GROUP BY city, unit
            """
        let perUnit = """
            SELECT pollutant, city, unit, valid_days, mean, exceedance_days, highest, highest_day,
                   valid_days >= \(minimumDays) AS valid, \(Self.rounded("mean")) AS rounded,
                   ly_valid_days, ly_mean, ly_exceedance_days, ly_highest, ly_highest_day,
                   \(hasEarlier) AND ly_valid_days >= \(minimumDaysEarlier) AS ly_valid, \(Self.rounded("ly_mean")) AS ly_rounded,
                   valid AND ly_valid AND ly_rounded > 0 AS has_change,
                   1000 * (rounded - ly_rounded) AS n, ly_rounded AS d,
                   intDiv(n, if(d = 0, 1, d)) - if(n % if(d = 0, 1, d) < 0, 1, 0) AS q,
                   n - q * d AS r,
                   if(has_change, q + if(2 * r > d OR (2 * r = d AND q % 2 != 0), 1, 0), 0) AS change_tenths
            FROM (
              SELECT * FROM (\(units))
              ALL LEFT JOIN (\(months(current, prefix: ""))) USING (pollutant, city, unit)
            ) ALL LEFT JOIN (\(months(earlier, prefix: "ly_"))) USING (pollutant, city, unit)
            """
        return """
            SELECT pollutant, row.1 AS city, row.2 AS unit,
                   if(row.8, arrayCount(x -> x < row.9, values) + 1, length(values) + 1) AS rank,
                   row.3 AS valid_days, row.4 AS mean, row.5 AS exceedance_days, row.6 AS highest, row.7 AS highest_day,
                   row.9 AS rounded, row.8 AS valid,
                   row.10 AS ly_valid_days, row.11 AS ly_mean, row.12 AS ly_exceedance_days, row.13 AS ly_highest, row.14 AS ly_highest_day,
                   row.15 AS has_change, row.16 AS change_tenths,
                   if(row.15, arrayCount(x -> x < row.16, changes) + 1, 0) AS change_rank
            FROM (
              SELECT pollutant,
                     groupArray(tuple(city, unit, valid_days, mean, exceedance_days, highest, highest_day, valid, rounded,
                                      ly_valid_days, ly_mean, ly_exceedance_days, ly_highest, ly_highest_day,
                                      has_change, change_tenths)) AS rows,
                     groupArrayIf(rounded, valid) AS values,
                     groupArrayIf(change_tenths, has_change) AS changes
              FROM (\(perUnit))
              GROUP BY pollutant
            ) ARRAY JOIN rows AS row
            FORMAT TabSeparated
            """
    }
}
