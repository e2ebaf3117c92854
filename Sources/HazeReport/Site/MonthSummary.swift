import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// What the site shows of one month of one ranking level: each unit's
/// published (rounded) mean, validity, valid days and rank per pollutant,
/// and the city's own monthly value. Kept in the site's manifest with the
/// fingerprint of the daily values it was made from, so an hourly run ranks
/// only the months whose data changed.
struct MonthSummary: Equatable, Sendable {
    struct Entry: Equatable, Sendable {
        var unit: String
        var rounded: Int?
        var valid: Bool
        var validDays: Int
        var requiredDays: Int
        /// 0 for the city's own value (not ranked).
        var rank: Int
    }

    var month: Month
    var level: RankingLevel
    /// Per pollutant, in ranking order.
    var rankings: [Pollutant: [Entry]]
    /// The city's own monthly value per pollutant.
    var city: [Pollutant: Entry]

    var hasData: Bool { city.values.contains { $0.validDays > 0 } }

    /// Whether the month's ranking ranks anything (some unit has a valid month).
    var isRanked: Bool { !rankings.isEmpty }

    func entry(_ pollutant: Pollutant, unit: String) -> Entry? { rankings[pollutant]?.first { $0.unit == unit } }

    /// Ranks the month (`MonthlyRanking`) and reads the city's value (`StationQuery`).
    init(store: Store, registry: StationRegistry, city: String, level: RankingLevel, month: Month) throws(QueryError) {
        self.month = month
        self.level = level
        // A month no unit has a valid value for ranks nothing: its history has no ranks.
        let ranking: MonthlyRanking?
        do {
            ranking = try MonthlyRanking(store: store, registry: registry, month: month, scope: RankingScope(level: level, city: city))
        } catch where error.isNothingRanked {
            ranking = nil
        }
        var rankings: [Pollutant: [Entry]] = [:]
        for pollutantRanking in ranking?.rankings ?? [] {
            rankings[pollutantRanking.pollutant] = pollutantRanking.entries.map {
                Entry(unit: $0.unit.label, rounded: $0.current.rounded, valid: $0.current.isValid, validDays: $0.current.validDays,
                      requiredDays: $0.current.requiredDays, rank: $0.rank)
            }
        }
        self.rankings = rankings
        let rows = try StationQuery(subject: .city(city), pollutants: Pollutant.allCases, from: month.firstDay.date,
                                    to: month.days.upperBound.advanced(by: -1).date, resolution: .month).run(store: store, registry: registry)
        var cityValues: [Pollutant: Entry] = [:]
        for row in rows {
            cityValues[row.pollutant] = Entry(unit: city, rounded: row.value.mean.map(GBT8170.roundToInteger), valid: row.value.isValid,
                                              validDays: row.value.count, requiredDays: Validity.minimumDays(in: month), rank: 0)
        }
        self.city = cityValues
    }

    /// The fingerprint of everything a month's summary is made from: the
    /// daily values of every station of the city for the month and the same
    /// month a year earlier (the ranking's year-on-year), and who belongs to
    /// which unit.
    static func inputs(store: Store, stations: [Station], month: Month) -> String {
        var f = Fingerprint()
        f.add("month-summary-1 " + HazeVersion.current)
        for station in stations {
            f.add(station.code + "|" + station.district + "|" + (station.isControl ? "c" : station.isSensor ? "s" : "a"))
        }
        let series = stations.flatMap { s in Pollutant.allCases.map { store.index(of: SeriesKey(station: s.code, pollutant: $0)) ?? -1 } }
        for m in [month, month.yearEarlier].compactMap({ $0 }) {
            for day in m.days {
                for s in series {
                    let value = s < 0 ? DailyValue.empty : store.daily(s, on: day)
                    f.add(value.sum << 5 | value.validHours)
                }
            }
        }
        return f.hex
    }

    // MARK: JSON (the manifest's cache)

    func json() -> JSONValue {
        func entry(_ e: Entry) -> JSONValue {
            .array([.string(e.unit), e.rounded.map(JSONValue.int) ?? .null, .bool(e.valid), .int(e.validDays), .int(e.requiredDays), .int(e.rank)])
        }
        return .object([
            ("month", .string(month.description)), ("level", .string(level.rawValue)),
            ("rankings", .object(Pollutant.allCases.compactMap { p in rankings[p].map { (p.key, .array($0.map(entry))) } })),
            ("city", .object(Pollutant.allCases.compactMap { p in city[p].map { (p.key, entry($0)) } })),
        ])
    }

    init?(json: JSONValue) {
        func entry(_ value: JSONValue?) -> Entry? {
            guard let a = value?.arrayValue, a.count == 6, let unit = a[0].stringValue, let valid = a[2].boolValue,
                  let days = a[3].numberValue, let required = a[4].numberValue, let rank = a[5].numberValue else { return nil }
            let rounded = a[1].numberValue.flatMap { Int(exactly: $0) }
            guard let d = Int(exactly: days), let r = Int(exactly: required), let k = Int(exactly: rank) else { return nil }
            return Entry(unit: unit, rounded: rounded, valid: valid, validDays: d, requiredDays: r, rank: k)
        }
        guard let monthText = json["month"]?.stringValue, let month = Month(parsing: monthText),
              let levelText = json["level"]?.stringValue, let level = RankingLevel(rawValue: levelText),
              let rankingFields = json["rankings"]?.objectFields, let cityFields = json["city"]?.objectFields else { return nil }
        var rankings: [Pollutant: [Entry]] = [:]
        for (key, value) in rankingFields {
            guard let p = Pollutant(name: key), let list = value.arrayValue else { return nil }
            let entries = list.compactMap { entry($0) }
            guard entries.count == list.count else { return nil }
            rankings[p] = entries
        }
        var city: [Pollutant: Entry] = [:]
        for (key, value) in cityFields {
            guard let p = Pollutant(name: key), let e = entry(value) else { return nil }
            city[p] = e
        }
        self.month = month
        self.level = level
        self.rankings = rankings
        self.city = city
    }
}
