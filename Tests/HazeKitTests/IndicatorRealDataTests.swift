import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeAssessment
@testable import HazeReport
@testable import HazeCLI

/// The six pollutants, AQI and the composite index over the real CNEMC files
/// of January–February 2019, against the independent reference
/// (`Tests/Scripts/reference.py`, RULES.md) and against CNEMC's own AQI and
/// PMx_24h rows. Needs the original files (all 15 row types): the bundled
/// copy holds PM rows only.
@Suite("Indicators: real data against the reference and CNEMC's own rows", .onTestThreads, .serialized,
       .enabled(if: TestPaths.cnemcHasGases, "needs the original CNEMC files in ../shared/data/cnemc"))
struct IndicatorRealDataTests {
    /// The reference's names of the daily items.
    static let dailyNames: [(String, AQIComponent)] = [("SO2", .so2), ("NO2", .no2), ("CO", .co), ("PM10", .pm10),
                                                       ("PM2.5", .pm25), ("O3_8h", .o3_8h), ("O3_1h", .o3_1h)]
    /// The reference's names of the period statistics.
    static let statisticNames: [(String, Pollutant)] = [("SO2", .so2), ("NO2", .no2), ("CO", .co), ("PM10", .pm10),
                                                        ("PM2.5", .pm25), ("O3_8h", .o3)]

    static func referenceName(_ pollutant: Pollutant) -> String { pollutant == .o3 ? "O3_8h" : pollutant.displayName }

    /// `2019-01-02 13` (file date and hour label) → the stored hour.
    static func hour(_ key: String) -> Hour? {
        let parts = key.split(separator: " ")
        guard parts.count == 2, let date = CivilDate(parsing: parts[0]), let label = Int(parts[1]) else { return nil }
        return LocalZone.beijing.hour(day: Day(date), hourOfDay: label)
    }

    static func station(_ code: String) -> Station { Station(code: code, name: "", city: "") }

    @Test("real-time AQI of Beijing's 12 stations, every station-hour: IAQI per pollutant, AQI, primary pollutant, level and the 24-hour moving PM means equal the reference")
    func beijingHourly() async throws {
        let store = try SharedStore.open()
        let aggregation = Aggregation(store: store)
        let stations = try #require((await Reference.beijingHourly.value)["stations"] as? [String: [String: [String: Any]]])
        #expect(stations.count == 12)
        var compared = 0, published = 0, moving = 0
        for (code, rows) in stations.sorted(by: { $0.key < $1.key }) {
            let unit = aggregation.unitSeries(of: [Self.station(code)])
            for (key, row) in rows {
                let hour = try #require(Self.hour(key))
                let result = aggregation.realTimeAQI(unit, at: hour)
                #expect(result.aqi == Reference.int(row["aqi"]), "\(code) \(key) AQI")
                #expect(result.partial == Reference.int(row["aqi_partial"]), "\(code) \(key) partial")
                let iaqi = row["iaqi"] as? [String: Any] ?? [:]
                for pollutant in Pollutant.allCases {
                    #expect(result.iaqi[.hourly(pollutant)] == Reference.int(iaqi[pollutant.displayName]), "\(code) \(key) IAQI \(pollutant)")
                }
                #expect(result.primary.map(\.rawValue).sorted() == ((row["primary"] as? [String]) ?? []).sorted(), "\(code) \(key) primary")
                #expect(result.level?.rawValue == Reference.int(row["level"]), "\(code) \(key) level")
                for (name, pollutant) in [("PM2.5_24h", Pollutant.pm25), ("PM10_24h", .pm10)] {
                    let mean = aggregation.moving24(unit.series(pollutant), ending: hour).validMean
                    #expect(mean.map(GBT8170.roundToInteger) == Reference.int(row[name]), "\(code) \(key) \(name)")
                    if mean != nil { moving += 1 }
                }
                if result.aqi != nil { published += 1 }
                compared += 1
            }
        }
        #expect(compared == 12 * (59 * 24 - 18), "every station-hour with a pollutant row (all but 2019-02-03 h22 and 2019-02-20 h7–23): \(compared)")
        #expect(published > 15_000 && moving > 25_000, "\(published) AQIs, \(moving) moving means")
    }

    @Test("every Beijing station-day: daily means and hours, O3 MDA8 with its windows and validity, O3 1-h max, daily IAQI, AQI, primary and level equal the reference")
    func beijingDaily() async throws {
        let store = try SharedStore.open()
        let stations = try #require((await Reference.beijingDaily.value)["stations"] as? [String: [String: [String: Any]]])
        #expect((await Reference.beijingDaily.value)["day_hours"] as? String == "1-24")
        var compared = 0, byExceedance = 0, o3Valid = 0
        for (code, days) in stations {
            let series = Dictionary(uniqueKeysWithValues: Pollutant.allCases.compactMap { p in
                store.index(of: SeriesKey(station: code, pollutant: p)).map { (p, $0) }
            })
            for (date, want) in days {
                let day = Day(try #require(CivilDate(parsing: date)))
                let values = { (p: Pollutant) in series[p].map { store.daily($0, on: day) } }
                for pollutant in [Pollutant.so2, .no2, .co, .pm10, .pm25] {
                    let expected = want[pollutant.displayName] as? [String: Any] ?? [:]
                    let stored = values(pollutant) ?? .empty
                    #expect(stored.validHours == Reference.int(expected["hours"]), "\(code) \(date) \(pollutant) hours")
                    #expect(stored.isValid == (expected["valid"] as? Bool), "\(code) \(date) \(pollutant) valid")
                    if let mean = stored.mean, let value = Reference.number(expected["value"]) {
                        #expect(pollutant.format(mean) == GBT8170.format(value, decimals: pollutant.decimals), "\(code) \(date) \(pollutant)")
                        #expect(abs(pollutant.displayValue(mean) - (Reference.number(expected["mean"]) ?? -1)) < 1e-9)
                    }
                }
                let o3 = values(.o3)?.o3
                let mda8 = want["O3_8h"] as? [String: Any] ?? [:]
                #expect((o3?.windows ?? 0) == Reference.int(mda8["windows"]), "\(code) \(date) O3 windows")
                #expect(o3?.roundedMDA8 == Reference.int(mda8["value"]), "\(code) \(date) MDA8")
                #expect((o3?.isMDA8Valid(on: day.date) ?? false) == (mda8["valid"] as? Bool), "\(code) \(date) MDA8 valid")
                #expect((o3?.isValidByExceedance(on: day.date) ?? false) == (mda8["valid_by_exceedance"] as? Bool))
                let one = want["O3_1h"] as? [String: Any] ?? [:]
                #expect(o3?.maximumHour == Reference.int(one["value"]), "\(code) \(date) O3 1-h max")
                #expect((o3?.validMaximumHour != nil) == (one["valid"] as? Bool), "\(code) \(date) O3 1-h valid")
                if o3?.isValidByExceedance(on: day.date) == true { byExceedance += 1 }
                if o3?.isMDA8Valid(on: day.date) == true { o3Valid += 1 }
                let daily = DailyIndicators(station: values, on: day)
                let aqi = daily.aqi
                let iaqi = want["iaqi"] as? [String: Any] ?? [:]
                for (name, component) in Self.dailyNames {
                    #expect(aqi.iaqi[component] == Reference.int(iaqi[name]), "\(code) \(date) IAQI \(name)")
                }
                #expect(aqi.aqi == Reference.int(want["aqi"]), "\(code) \(date) AQI")
                #expect(aqi.partial == Reference.int(want["aqi_partial"]), "\(code) \(date) partial AQI")
                #expect(aqi.complete == (want["complete"] as? Bool), "\(code) \(date) complete")
                #expect(aqi.primary.map(\.rawValue).sorted() == ((want["primary"] as? [String]) ?? []).sorted(), "\(code) \(date) primary")
                #expect(aqi.level?.rawValue == Reference.int(want["level"]), "\(code) \(date) level")
                compared += 1
            }
        }
        #expect(compared == 12 * 59, "\(compared) station-days")
        #expect(o3Valid > 500, "\(o3Valid) valid MDA8 days")
        // January 2019 in Beijing has no MDA8 above 160: none is valid by exceedance.
        #expect(byExceedance == 0)
    }

    /// Compares one unit's period figures with the reference's `period_json`.
    static func compare(_ period: PeriodIndicators, _ want: [String: Any], _ label: String, daily: Bool) -> Int {
        var compared = 0
        let pollutants = want["pollutants"] as? [String: [String: Any]] ?? [:]
        for (name, pollutant) in statisticNames {
            let expected = pollutants[name] ?? [:]
            let statistic = period.statistic(pollutant)
            #expect(statistic.validDays == Reference.int(expected["valid_days"]), "\(label) \(name) valid days")
            #expect(statistic.isValid == (expected["valid"] as? Bool), "\(label) \(name) valid")
            #expect(statistic.published.map { pollutant.format(Double($0)) }
                    == Reference.number(expected["value"]).map { GBT8170.format($0, decimals: pollutant.decimals) }, "\(label) \(name) value")
            if let exact = statistic.exact, let reference = Reference.number(expected["exact"]) {
                #expect(abs(pollutant.displayValue(exact) - reference) < 1e-9, "\(label) \(name) exact")
            }
            compared += 1
        }
        let composite = want["composite"] as? [String: Any] ?? [:]
        let index = period.composite(limits: .gb3095_2012)
        #expect(index.totalHundredths.map { CompositeIndex.format(hundredths: $0) }
                == Reference.number(composite["Isum"]).map { GBT8170.format($0, decimals: 2) }, "\(label) I_sum")
        let singles = composite["I"] as? [String: Any] ?? [:]
        for (name, pollutant) in statisticNames {
            #expect(index.singleHundredths(pollutant).map { CompositeIndex.format(hundredths: $0) }
                    == Reference.number(singles[name]).map { GBT8170.format($0, decimals: 2) }, "\(label) I(\(name))")
        }
        #expect(index.major.map(referenceName).sorted() == ((composite["major"] as? [String]) ?? []).sorted(), "\(label) major")
        #expect(index.pmOnlyHundredths.map { CompositeIndex.format(hundredths: $0) }
                == Reference.number(composite["pm_index"]).map { GBT8170.format($0, decimals: 2) }, "\(label) PM-only index")
        #expect(index.attainsGradeII == composite["attains_grade_ii"] as? Bool, "\(label) attains Grade II")
        let days = want["aqi_days"] as? [String: Any] ?? [:]
        let counts = period.aqiDays
        #expect(counts.validDays == Reference.int(days["valid_days"]), "\(label) valid AQI days")
        #expect(counts.goodDays == Reference.int(days["good_days"]), "\(label) 优良天数")
        #expect(counts.pollutedDays == Reference.int(days["polluted_days"]), "\(label) polluted days")
        #expect(counts.goodRatioTenths.map { GBT8170.format(Double($0) / 10, decimals: 1) }
                == Reference.number(days["good_ratio"]).map { GBT8170.format($0, decimals: 1) }, "\(label) 优良天数比例")
        #expect(counts.isValid == (days["valid"] as? Bool), "\(label) AQI days valid")
        let levels = days["by_level"] as? [String: Any] ?? [:]
        for level in AQILevel.allCases {
            #expect((counts.byLevel[level] ?? 0) == Reference.int(levels[String(level.rawValue)]), "\(label) level \(level.rawValue) days")
        }
        let primary = days["primary_days"] as? [String: Any] ?? [:]
        #expect(Dictionary(uniqueKeysWithValues: counts.primaryDays.map { ($0.key.rawValue, $0.value) })
                == primary.compactMapValues { Reference.int($0) }, "\(label) primary days")
        guard daily else { return compared }
        let dailyWant = want["daily"] as? [String: [String: Any]] ?? [:]
        #expect(dailyWant.count == period.days.count, "\(label) days")
        for day in period.days {
            let expected = dailyWant[day.day.description] ?? [:]
            let values = expected["values"] as? [String: Any] ?? [:]
            for (name, component) in dailyNames {
                let mine = day.values[component].map { component.pollutant.displayValue($0) }
                let theirs = Reference.number(values[name])
                #expect((mine == nil) == (theirs == nil) && abs((mine ?? 0) - (theirs ?? 0)) < 1e-9, "\(label) \(day.day) \(name)")
            }
            let aqi = day.aqi
            #expect(aqi.aqi == Reference.int(expected["aqi"]), "\(label) \(day.day) AQI")
            #expect(aqi.primary.map(\.rawValue).sorted() == ((expected["primary"] as? [String]) ?? []).sorted(), "\(label) \(day.day) primary")
            #expect(aqi.level?.rawValue == Reference.int(expected["level"]), "\(label) \(day.day) level")
        }
        return compared
    }

    @Test("every Beijing district and the city, January and February 2019: statistics (means, CO P95, O3 P90), validity, composite index, major pollutant, PM-only index, 优良天数 and ratio, days per level, daily AQI equal the reference",
          arguments: ["2019-01", "2019-02"])
    func beijingUnits(month: String) async throws {
        let store = try SharedStore.open()
        let aggregation = Aggregation(store: store)
        let months = [try #require(Month(parsing: month))]
        var compared = 0
        for level in [RankingLevel.district, .city] {
            let reference = try #require((await Reference.beijingUnits.value)["\(level.rawValue) \(month)"]?["units"] as? [String: [String: Any]])
            let units = try SharedStore.registry.rankingUnits(level: level, city: "北京", days: months[0].days).units
            #expect(units.count == reference.count)
            for unit in units {
                let want = try #require(reference[unit.name], "\(unit.name) in the reference")
                let period = aggregation.periodIndicators(aggregation.unitSeries(of: unit), months: months)
                compared += Self.compare(period, want, "\(unit.name) \(month)", daily: true)
            }
        }
        #expect(compared == 9 * 6)
    }

    @Test("every city of the national list, January 2019: statistics, composite index, 优良天数 and days per level equal the reference")
    func nationalCities() async throws {
        let store = try SharedStore.open()
        let aggregation = Aggregation(store: store)
        let reference = try #require((await Reference.nationalCities.value)["units"] as? [String: [String: Any]])
        let january = [try #require(Month(year: 2019, month: 1))]
        let units = try SharedStore.registry.rankingUnits(level: .city, city: nil, days: january[0].days).units
        #expect(units.count == reference.count && units.count > 360)
        var compared = 0
        for unit in units {
            let want = try #require(reference[unit.name], "\(unit.name) in the reference")
            let period = aggregation.periodIndicators(aggregation.unitSeries(of: unit), months: january)
            compared += Self.compare(period, want, unit.name, daily: false)
        }
        #expect(compared == units.count * 6)
    }

    @Test("haze rank --indicator over Beijing's districts, January 2019: ranks, ties, values and validity equal the reference's ranking",
          arguments: ["composite", "good-days", "aqi-days", "co", "o3", "no2"])
    func rankings(indicator: String) async throws {
        let run = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--month", "2019-01", "--city", "北京", "--indicator", indicator, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let haze = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let reference = await Reference.beijingRank(indicator, month: "2019-01")
        let units = try #require(reference["units"] as? [String: [String: Any]])
        let entries = try #require(haze["entries"] as? [[String: Any]])
        #expect(entries.count == units.count)
        for entry in entries {
            let name = try #require(entry["unit"] as? String)
            let want = try #require(units[name])
            #expect(Reference.int(entry["rank"]) == Reference.int(want["rank"]), "\(indicator) \(name) rank")
            #expect(entry["valid"] as? Bool == want["valid"] as? Bool, "\(indicator) \(name) valid")
            #expect(Reference.number(entry["value"]) == Reference.number(want["value"]), "\(indicator) \(name) value")
            #expect(Reference.number(entry["change"]) == Reference.number(want["change"]), "\(indicator) \(name) change (none: no 2018 data)")
        }
    }

    @Test("CNEMC's own AQI rows, every station-hour of the 59 files: haze's real-time AQI agrees where the reference does, and every disagreement falls in the classes RULES.md §5.2 explains, in the same numbers")
    func aqiAgainstCNEMC() throws {
        let store = try SharedStore.open()
        let aggregation = Aggregation(store: store)
        let rows = CNEMCRows.loaded
        let units = rows.stations.map { aggregation.unitSeries(of: [Self.station($0)]) }
        let aqiRow = rows.rows["AQI"] ?? []
        var counts: [String: Int] = [:]
        let pollutants = Pollutant.allCases
        for i in 0 ..< rows.hours where aqiRow[i] {
            let hour = CNEMCRows.hour(i)
            let results = aggregation.realTimeAQI(units, at: hour)
            let row = store.row(at: hour)
            for (k, code) in rows.stations.enumerated() {
                let ours = results[k].aqi
                let theirs = rows.value("AQI", code, i)
                if ours == nil && theirs == nil { counts["both_missing", default: 0] += 1; continue }
                counts["compared", default: 0] += 1
                let present = pollutants.filter { p in units[k].series(p).first.flatMap { row?[$0] } != nil }
                if ours == theirs {
                    counts["equal", default: 0] += 1
                    if present.count < 6 { counts["equal_with_missing_pollutants_(AQI_from_the_others)", default: 0] += 1 }
                } else if theirs != nil && ours == nil {
                    counts[rows.pollutantRowsAbsent(i) ? "cnemc_aqi_but_no_pollutant_row_at_that_hour" : "cnemc_aqi_but_all_six_cells_empty", default: 0] += 1
                } else if theirs == nil {
                    counts["cnemc_aqi_empty_with_pollutants_present", default: 0] += 1
                } else if let so2 = units[k].series(.so2).first.flatMap({ row?[$0] }), so2 > 800 {
                    counts["SO2_1h_above_800_(HJ633-2012: 24h IAQI; CNEMC value shown)", default: 0] += 1
                } else {
                    counts["other", default: 0] += 1
                }
            }
        }
        let expected = try #require((Reference.compareHourly["aqi"] as? [String: Any])?["counts"] as? [String: Any])
        for key in ["compared", "equal", "equal_with_missing_pollutants_(AQI_from_the_others)", "both_missing",
                    "cnemc_aqi_but_no_pollutant_row_at_that_hour", "cnemc_aqi_empty_with_pollutants_present",
                    "SO2_1h_above_800_(HJ633-2012: 24h IAQI; CNEMC value shown)"] {
            #expect(counts[key] == Reference.int(expected[key]), "\(key): haze \(counts[key] ?? 0), reference \(expected[key] ?? "—")")
        }
        #expect(counts["other"] == nil && counts["cnemc_aqi_but_all_six_cells_empty"] == nil, "no unexplained disagreement: \(counts)")
        // 1,989,661 of 2,010,643 station-hours equal; the rest are CNEMC's publication gaps (20,161),
        // the truncated 2019-02-20 hour 7 (820) and one SO2 hour above 800 µg/m³ (1).
        #expect(counts["equal"] == 1_989_661)
    }

    @Test("CNEMC's PM2.5_24h and PM10_24h rows, every station-hour of the 59 files: haze's 24-hour moving means (≥ 20 hours) agree in the reference's numbers, 99.5 % where all 24 hours are present",
          arguments: [(Pollutant.pm25, "PM2.5_24h"), (.pm10, "PM10_24h")])
    func movingMeansAgainstCNEMC(pollutant: Pollutant, type: String) throws {
        let store = try SharedStore.open()
        let aggregation = Aggregation(store: store)
        let rows = CNEMCRows.loaded
        let present = rows.rows[type] ?? []
        let pollutantRows = rows.rows[pollutant.displayName] ?? []
        var absentBefore = [0]
        for i in 0 ..< rows.hours { absentBefore.append(absentBefore[i] + (pollutantRows[i] ? 0 : 1)) }
        var counts: [String: Int] = [:]
        let hours = CNEMCRows.hour(0) ..< CNEMCRows.hour(rows.hours)
        for code in rows.stations {
            let series = store.index(of: SeriesKey(station: code, pollutant: pollutant)).map { [$0] } ?? []
            let means = aggregation.moving24(series, over: hours)
            for i in 23 ..< rows.hours where present[i] {
                let theirs = rows.value(type, code, i)
                let window = means[i]
                let rounded = window.mean.map(GBT8170.roundToInteger)
                let ours = window.isValid ? rounded : nil
                if ours == nil && theirs == nil { counts["both_missing", default: 0] += 1; continue }
                counts["compared", default: 0] += 1
                if window.count == 24 && theirs != nil {
                    counts["compared_24_of_24_hours_present", default: 0] += 1
                    if ours == theirs { counts["equal_24_of_24_hours_present", default: 0] += 1 }
                }
                if ours == theirs { counts["equal", default: 0] += 1; continue }
                let absent = absentBefore[i + 1] - absentBefore[i - 23] > 0
                let key: String
                if theirs == nil {
                    key = "cnemc_empty_ours_" + (window.count == 24 ? "24h" : window.count >= 20 ? "20-23h" : "<20h")
                } else if absent {
                    key = "differs_window_contains_an_hour_row_absent_from_the_files"
                } else if ours == nil {
                    key = window.count == 0 ? "cnemc_value_no_hourly_value_in_window" : "cnemc_value_with_fewer_than_20_hours"
                } else if window.count < 24 {
                    key = "differs_window_has_empty_cells_(CNEMC_used_values_not_published_hourly)"
                } else {
                    key = "differs_full_24h_window"
                }
                counts[key, default: 0] += 1
            }
        }
        let expected = try #require(((Reference.compareHourly[type] as? [String: Any])?["min_hours_20"] as? [String: Any])?["counts"] as? [String: Any])
        for (key, value) in expected where !key.hasPrefix(" ") {
            #expect(counts[key] == Reference.int(value), "\(type) \(key): haze \(counts[key] ?? 0), reference \(value)")
        }
        let full = Double(counts["equal_24_of_24_hours_present"] ?? 0) / Double(max(1, counts["compared_24_of_24_hours_present"] ?? 0))
        #expect(full > 0.994, "\(type): \(full) of the full windows equal")
    }

    @Test("the cnemc-hourly snapshots of 2026-10-09 (HJ 633-2026): haze's real-time AQI and primary pollutant equal the file's where the reference's do, and differ only in the classes of RULES.md §5.4",
          .enabled(if: TestPaths.cnemcHourly != nil, "needs the cnemc-hourly snapshots in ../shared/data/cnemc-hourly"))
    func snapshots() throws {
        let directory = try #require(TestPaths.cnemcHourly)
        let store = TestPaths.temporaryDirectory("haze-snapshot")
        let run = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, "--unknown-stations", "store",
                             directory + "/2026-10-09T00.csv", directory + "/2026-10-09T05.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("cell(s) marked / (not measured at the station)"), "\(run.stdout)")
        let opened = try Store(directory: store, access: .readOnly)
        let aggregation = Aggregation(store: opened)
        let names = ["细颗粒物(PM2.5)": "PM2.5", "颗粒物(PM10)": "PM10", "二氧化硫(SO2)": "SO2", "二氧化氮(NO2)": "NO2",
                     "一氧化碳(CO)": "CO", "臭氧1小时(O3_1h)": "O3", "臭氧8小时(O3_8h)": "O3_8h"]
        for file in ["2026-10-09T00.csv", "2026-10-09T05.csv"] {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            var scanner = CSVScanner(bytes: Array(text.utf8))
            var fields: [CSVField] = []
            _ = scanner.nextRecord(into: &fields)
            let header = fields.map { scanner.trimmedString($0) }
            let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
            var counts: [String: Int] = [:]
            while scanner.nextRecord(into: &fields), fields.count == header.count {
                let code = scanner.trimmedString(fields[column["stationcode"]!])
                let hour = try #require(CNEMCHourlyParser.hour(scanner.trimmedString(fields[column["timepoint"]!])))
                let result = aggregation.realTimeAQI(aggregation.unitSeries(of: [Self.station(code)]), at: hour)
                let published = Int(scanner.trimmedString(fields[column["aqi"]!]))
                counts["rows", default: 0] += 1
                if result.aqi == published {
                    counts["aqi_equal", default: 0] += 1
                    if published == nil { counts["  both NA", default: 0] += 1 }
                    let primary = scanner.trimmedString(fields[column["primarypollutant"]!])
                    if published != nil && primary != "NA" {
                        counts["primary_compared", default: 0] += 1
                        let theirs = primary.split(separator: ",").map { names[String($0).trimmingCharacters(in: .whitespaces)] ?? String($0) }.sorted()
                        if theirs == result.primary.map(\.rawValue).sorted() { counts["primary_equal", default: 0] += 1 }
                    }
                } else if published != nil && result.aqi == nil && result.partial == published {
                    counts["cnemc_publishes_aqi<=100_with_a_pollutant_missing", default: 0] += 1
                } else if published == nil && result.aqi != nil {
                    counts["cnemc_NA_ours_value", default: 0] += 1
                } else {
                    counts["differs", default: 0] += 1
                }
            }
            let expected = try #require((Reference.compareSnapshot[file] as? [String: Any])?["counts"] as? [String: Any])
            for key in ["rows", "aqi_equal", "  both NA", "primary_compared", "primary_equal",
                        "cnemc_publishes_aqi<=100_with_a_pollutant_missing", "cnemc_NA_ours_value"] {
                #expect(counts[key] == Reference.int(expected[key]), "\(file) \(key): haze \(counts[key] ?? 0), reference \(expected[key] ?? "—")")
            }
            #expect(counts["differs"] == nil, "\(file): \(counts)")
        }
    }
}
