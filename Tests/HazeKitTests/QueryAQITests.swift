import Foundation
import Testing
@testable import HazeModel
@testable import HazeCLI

/// `haze query --indicator aqi` and `haze query --pollutant all` through the
/// command line, on the shared store of the 59 CNEMC files (hour labels
/// 1–24 make a day), for a Beijing station (1001A 万寿西宫) and a district
/// (朝阳区: 1005A, 1011A) in January 2019, parsed from the CSV and the JSON
/// output and compared with the independent reference: `reference.py
/// daily-stats` / `unit-stats` and `unit_hourly_ref.py` (RULES.md §4–§8),
/// always with `--day-hours 1-24`.
@Suite("Query: --indicator aqi by hour, day and month and --pollutant all by day, CSV and JSON, against the reference", .onTestThreads,
       .serialized, .enabled(if: TestPaths.cnemcHasGases, "needs the original CNEMC files (all six pollutants) in ../shared/data/cnemc"))
struct QueryAQITests {
    static let station = "1001A"
    static let district = "朝阳区"

    /// The two subjects: the query's options and the label in messages.
    enum Subject: String, CaseIterable, CustomTestStringConvertible {
        case station, district
        var options: [String] {
            self == .station ? ["--station", QueryAQITests.station] : ["--district", QueryAQITests.district, "--city", "北京"]
        }
        var testDescription: String { self == .station ? "station \(QueryAQITests.station)" : "district 北京/\(QueryAQITests.district)" }
    }

    static func python(_ script: String, _ arguments: [String]) async -> [String: Any] {
        do {
            return try await Processes.python(script, arguments) as? [String: Any] ?? [:]
        } catch {
            return ["error": "\(error)"]
        }
    }

    /// Real-time AQI per hour ("YYYY-MM-DD HH" = file date and hour label).
    static let stationHours = Once<[String: [String: Any]]> {
        let out = await python("reference.py", ["hourly-aqi", "--data", TestPaths.cnemc, "--stations", station,
                                          "--date-from", "2019-01-01", "--date-to", "2019-01-31"])
        return (out["stations"] as? [String: Any])?[station] as? [String: [String: Any]] ?? [:]
    }

    static let districtHours = Once<[String: [String: Any]]> {
        let out = await python("unit_hourly_ref.py", ["--data", TestPaths.cnemc, "--registry", TestPaths.stations, "--city", "北京",
                                                "--district", district, "--date-from", "2019-01-01", "--date-to", "2019-01-31"])
        return out["hours"] as? [String: [String: Any]] ?? [:]
    }

    /// Station-day statistics of 1001A (daily means with hours, MDA8 with windows).
    static let stationDays = Once<[String: [String: Any]]> {
        let out = await python("reference.py", ["daily-stats", "--data", TestPaths.cnemc, "--stations", station, "--day-hours", "1-24",
                                          "--date-from", "2019-01-01", "--date-to", "2019-01-31"])
        return (out["stations"] as? [String: Any])?[station] as? [String: [String: Any]] ?? [:]
    }

    /// `unit-stats` of January 2019: daily values, daily AQI, AQI days.
    static let stationMonth = Once<[String: Any]> {
        await python("reference.py", ["unit-stats", "--data", TestPaths.cnemc, "--registry", TestPaths.stations, "--stations", station,
                                "--month", "2019-01", "--day-hours", "1-24"])
    }
    static let districtMonth = Once<[String: Any]> {
        await python("reference.py", ["unit-stats", "--data", TestPaths.cnemc, "--registry", TestPaths.stations, "--city", "北京",
                                "--district", district, "--month", "2019-01", "--day-hours", "1-24"])
    }

    static func month(_ subject: Subject) async -> [String: Any] {
        subject == .station ? await stationMonth.value : await districtMonth.value
    }

    static func query(_ subject: Subject, _ arguments: [String], format: String) throws -> String {
        let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations]
                            + subject.options + arguments + ["--format", format])
        try #require(run.status == 0, "\(arguments) \(format): \(run.stderr)")
        return run.stdout
    }

    /// CSV records keyed by the header's names.
    static func csv(_ text: String) -> [[String: String]] {
        var scanner = CSVScanner(bytes: Array(text.utf8))
        var fields: [CSVField] = []
        guard scanner.nextRecord(into: &fields) else { return [] }
        let header = fields.map { scanner.string($0) }
        var rows: [[String: String]] = []
        while scanner.nextRecord(into: &fields) {
            var row: [String: String] = [:]
            for (name, field) in zip(header, fields) { row[name] = scanner.string(field) }
            rows.append(row)
        }
        return rows
    }

    static func json(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    /// One hour's or day's AQI as both outputs give it, in one shape.
    struct AQIRow: Equatable, CustomStringConvertible {
        var aqi: Int?
        var partial: Int?
        var level: Int?
        var primary: [String]
        var iaqi: [String: Int]
        var description: String { "AQI \(aqi.map(String.init) ?? "—") (partial \(partial.map(String.init) ?? "—")), level \(level.map(String.init) ?? "—"), primary \(primary), IAQI \(iaqi.sorted { $0.key < $1.key })" }
    }

    static func rows(csv text: String, items: [String]) -> [String: AQIRow] {
        var out: [String: AQIRow] = [:]
        for row in csv(text) {
            var iaqi: [String: Int] = [:]
            for item in items { if let value = Int(row["iaqi_" + item] ?? "") { iaqi[item] = value } }
            out[row["time"] ?? ""] = AQIRow(aqi: Int(row["aqi"] ?? ""), partial: Int(row["aqi_partial"] ?? ""), level: Int(row["level"] ?? ""),
                                            primary: (row["primary"] ?? "").split(separator: ",").map(String.init).sorted(), iaqi: iaqi)
        }
        return out
    }

    static func rows(json text: String) throws -> [String: AQIRow] {
        var out: [String: AQIRow] = [:]
        for row in try json(text) {
            out[row["time"] as? String ?? ""] = AQIRow(aqi: Reference.int(row["aqi"]), partial: Reference.int(row["aqi_partial"]),
                                                       level: Reference.int(row["level"]),
                                                       primary: ((row["primary"] as? [String]) ?? []).sorted(),
                                                       iaqi: (row["iaqi"] as? [String: Any] ?? [:]).compactMapValues { Reference.int($0) })
        }
        return out
    }

    static func expected(_ row: [String: Any]) -> AQIRow {
        AQIRow(aqi: Reference.int(row["aqi"]), partial: Reference.int(row["aqi_partial"]), level: Reference.int(row["level"]),
               primary: ((row["primary"] as? [String]) ?? []).sorted(),
               iaqi: (row["iaqi"] as? [String: Any] ?? [:]).compactMapValues { Reference.int($0) })
    }

    /// `2019-01-05T13:00+08:00` → `2019-01-05 13` (the store's hour is the file's hour label).
    static func referenceHour(_ time: String) -> String {
        String(time.prefix(10)) + " " + String(time.dropFirst(11).prefix(2))
    }

    @Test("--indicator aqi --resolution hour: every hour of January 2019 — AQI, partial AQI, level, primary pollutant(s) and the six IAQIs equal the reference, in CSV and JSON",
          arguments: Subject.allCases)
    func hourly(subject: Subject) async throws {
        let reference = subject == .station ? await Self.stationHours.value : await Self.districtHours.value
        #expect(reference.count == 31 * 24, "the reference's hours: \(reference.count)")
        let arguments = ["--indicator", "aqi", "--resolution", "hour", "--from", "2019-01-01", "--to", "2019-01-31"]
        let items = ["SO2", "NO2", "CO", "O3", "PM10", "PM2.5"]
        let csv = Self.rows(csv: try Self.query(subject, arguments, format: "csv"), items: items)
        let json = try Self.rows(json: try Self.query(subject, arguments, format: "json"))
        #expect(csv.count == 31 * 24 && json.count == 31 * 24)
        var primaries = 0, published = 0
        for (time, row) in csv {
            let want = try #require(reference[Self.referenceHour(time)], "\(time) in the reference")
            #expect(row == Self.expected(want), "\(subject) \(time) CSV: \(row) ≠ \(Self.expected(want))")
            #expect(json[time] == Self.expected(want), "\(subject) \(time) JSON")
            if !row.primary.isEmpty { primaries += 1 }
            if row.aqi != nil { published += 1 }
        }
        // Januaries in Beijing have both clean and polluted hours: the comparison covers both.
        #expect(primaries > 100 && published > 600, "\(primaries) hours with a primary pollutant, \(published) published")
    }

    @Test("by hand: 北京/朝阳区 at 2019-01-01 00:00 (label 0 of the 2019-01-01 file), from 1005A's and 1011A's rows")
    func districtHourByHand() async throws {
        // china_sites_20190101.csv, hour 0, 1005A / 1011A: PM2.5 55/54, PM10 78/91, SO2 15/21, NO2 67/76, O3 1/3, CO 1.1/1.1.
        // Means, rounded half to even: PM2.5 54.5 → 54, PM10 84.5 → 84, SO2 18, NO2 71.5 → 72, O3 2, CO 1.1.
        // IAQI (ceil): PM2.5 on 35…75 ↦ 50…100: 50 + 19·50/40 = 73.75 → 74; PM10 on 50…150: 50 + 34·50/100 = 67;
        // SO2 1 h 0…150 ↦ 0…50: 18/3 = 6; NO2 1 h 0…100: 72/2 = 36; O3 1 h 0…160: 2·50/160 = 0.625 → 1; CO 1 h 0…5: 1.1·10 = 11.
        // AQI 74 > 50, level 2 (良), primary PM2.5 alone.
        let rows = Self.rows(csv: try Self.query(.district, ["--indicator", "aqi", "--resolution", "hour", "--from", "2019-01-01", "--to", "2019-01-01"],
                                                 format: "csv"), items: ["SO2", "NO2", "CO", "O3", "PM10", "PM2.5"])
        #expect(rows["2019-01-01T00:00+08:00"] == AQIRow(aqi: 74, partial: 74, level: 2, primary: ["PM2.5"],
                                                         iaqi: ["PM2.5": 74, "PM10": 67, "SO2": 6, "NO2": 36, "O3": 1, "CO": 11]))
        #expect(Self.expected(await Self.districtHours.value["2019-01-01 00"] ?? [:]) == rows["2019-01-01T00:00+08:00"], "the reference agrees with the hand computation")
    }

    @Test("--indicator aqi --resolution day: every day of January 2019 — daily AQI (valid AQI days only), partial AQI, level, primary and the seven daily IAQIs equal the reference, in CSV and JSON",
          arguments: Subject.allCases)
    func daily(subject: Subject) async throws {
        let reference = try #require(await Self.month(subject)["daily"] as? [String: [String: Any]])
        #expect(reference.count == 31)
        let arguments = ["--indicator", "aqi", "--resolution", "day", "--from", "2019-01-01", "--to", "2019-01-31"]
        let items = ["SO2", "NO2", "CO", "PM10", "PM2.5", "O3_8h", "O3_1h"]
        let csv = Self.rows(csv: try Self.query(subject, arguments, format: "csv"), items: items)
        let json = try Self.rows(json: try Self.query(subject, arguments, format: "json"))
        #expect(csv.count == 31 && json.count == 31)
        var unpublished = 0
        for (day, want) in reference {
            #expect(csv[day] == Self.expected(want), "\(subject) \(day) CSV: \(csv[day].map(String.init(describing:)) ?? "no row") ≠ \(Self.expected(want))")
            #expect(json[day] == Self.expected(want), "\(subject) \(day) JSON")
            if want["aqi"] is NSNull { unpublished += 1 }
        }
        if subject == .station {
            // 1001A on 2019-01-01 has 4 valid 8-hour O3 means (< 14, MDA8 38 ≤ 160): not a valid AQI day.
            #expect(unpublished >= 1 && csv["2019-01-01"]?.aqi == nil && csv["2019-01-01"]?.partial == 63)
        }
    }

    @Test("--indicator aqi --resolution month: January 2019's valid AQI days, 优良天数, its ratio, polluted days, days per level and primary-pollutant days equal the reference, in CSV and JSON",
          arguments: Subject.allCases)
    func monthly(subject: Subject) async throws {
        let want = try #require(await Self.month(subject)["aqi_days"] as? [String: Any])
        let arguments = ["--indicator", "aqi", "--resolution", "month", "--from", "2019-01-01", "--to", "2019-01-31"]
        let csv = Self.csv(try Self.query(subject, arguments, format: "csv"))
        let json = try Self.json(try Self.query(subject, arguments, format: "json"))
        let c = try #require(csv.first)
        let j = try #require(json.first)
        #expect(csv.count == 1 && json.count == 1 && c["time"] == "2019-01" && j["time"] as? String == "2019-01")
        let levels = want["by_level"] as? [String: Any] ?? [:]
        for (name, key) in [("valid_days", "valid_days"), ("good_days", "good_days"), ("polluted_days", "polluted_days")] {
            #expect(Int(c[name] ?? "") == Reference.int(want[key]), "\(subject) CSV \(name)")
            #expect(Reference.int(j[name]) == Reference.int(want[key]), "\(subject) JSON \(name)")
        }
        let ratio = Reference.number(want["good_ratio"]).map { String(format: "%.1f", $0) }
        #expect(c["good_ratio_pct"] == ratio && Reference.number(j["good_ratio_pct"]).map { String(format: "%.1f", $0) } == ratio,
                "\(subject) ratio \(c["good_ratio_pct"] ?? "") vs \(ratio ?? "none")")
        #expect(c["valid"] == ((want["valid"] as? Bool) == true ? "true" : "false") && j["valid"] as? Bool == want["valid"] as? Bool)
        let jsonLevels = j["days_by_level"] as? [String: Any] ?? [:]
        for level in 1 ... 6 {
            #expect(Int(c["level_\(level)"] ?? "") == Reference.int(levels[String(level)]), "\(subject) CSV level \(level)")
            #expect(Reference.int(jsonLevels[String(level)]) == Reference.int(levels[String(level)]), "\(subject) JSON level \(level)")
        }
        let primary = (want["primary_days"] as? [String: Any] ?? [:]).compactMapValues { Reference.int($0) }
        #expect((j["primary_days"] as? [String: Any] ?? [:]).compactMapValues { Reference.int($0) } == primary, "\(subject) primary days")
        // The counts add up: every valid day is good or polluted and has one level.
        #expect(Reference.int(want["valid_days"]) == (Reference.int(want["good_days"]) ?? 0) + (Reference.int(want["polluted_days"]) ?? 0))
        #expect((Reference.int(want["polluted_days"]) ?? 0) > 0, "January 2019 has polluted days in Beijing")
    }

    /// Reference names of the query's pollutants (O3's day is its MDA8).
    static let referenceNames = ["PM2.5": "PM2.5", "PM10": "PM10", "SO2": "SO2", "NO2": "NO2", "CO": "CO", "O3": "O3_8h"]

    /// The expected value text, valid count and validity of one day and pollutant.
    static func expectedDaily(_ subject: Subject, day: String, pollutant: String) async -> (text: String, count: Int?, valid: Bool) {
        let name = referenceNames[pollutant] ?? pollutant
        let decimals = pollutant == "CO" ? 1 : 0
        if subject == .station {
            let entry = await stationDays.value[day]?[name] as? [String: Any] ?? [:]
            let valid = entry["valid"] as? Bool == true
            let text = valid ? Reference.number(entry["value"]).map { String(format: "%.\(decimals)f", $0) } ?? "" : ""
            return (text, Reference.int(entry[name == "O3_8h" ? "windows" : "hours"]), valid)
        }
        let daily = (await districtMonth.value["daily"] as? [String: [String: Any]])?[day] ?? [:]
        let rounded = daily["rounded"] as? [String: Any] ?? [:]
        let used = daily["stations_used"] as? [String: Any] ?? [:]
        let value = Reference.number(rounded[name])
        return (value.map { String(format: "%.\(decimals)f", $0) } ?? "", Reference.int(used[name]), value != nil)
    }

    @Test("--pollutant all --resolution day: the six pollutants' daily values (CO in mg/m³ with one decimal, O3 its MDA8), valid counts and validity equal the reference, in CSV and JSON",
          arguments: Subject.allCases)
    func pollutantsAll(subject: Subject) async throws {
        let arguments = ["--pollutant", "all", "--resolution", "day", "--from", "2019-01-01", "--to", "2019-01-31"]
        let csv = Self.csv(try Self.query(subject, arguments, format: "csv"))
        let json = try Self.json(try Self.query(subject, arguments, format: "json"))
        #expect(csv.count == 31 * 6 && json.count == 31 * 6)
        #expect(Set(csv.compactMap { $0["pollutant"] }) == Set(Self.referenceNames.keys))
        var invalid = 0
        for (c, j) in zip(csv, json) {
            let day = try #require(c["time"]), pollutant = try #require(c["pollutant"])
            #expect(j["time"] as? String == day && j["pollutant"] as? String == pollutant, "the CSV and the JSON list the same rows in the same order")
            let want = await Self.expectedDaily(subject, day: day, pollutant: pollutant)
            #expect(c["value"] == want.text, "\(subject) \(day) \(pollutant) CSV \(c["value"] ?? "") vs \(want.text)")
            let jsonText = Reference.number(j["value"]).map { String(format: "%.\(pollutant == "CO" ? 1 : 0)f", $0) } ?? ""
            #expect(jsonText == want.text, "\(subject) \(day) \(pollutant) JSON")
            #expect(Int(c["valid_count"] ?? "") == want.count && Reference.int(j["valid_count"]) == want.count,
                    "\(subject) \(day) \(pollutant) valid count \(c["valid_count"] ?? "") vs \(want.count.map(String.init) ?? "none")")
            #expect(j["valid"] as? Bool == want.valid, "\(subject) \(day) \(pollutant) valid")
            #expect(c["unit"] == (pollutant == "CO" ? "mg/m³" : "µg/m³") && j["unit"] as? String == c["unit"])
            if pollutant == "CO", !want.text.isEmpty {
                // One decimal, in mg/m³: Beijing's January CO is a few mg/m³, never hundreds.
                #expect(want.text.split(separator: ".").last?.count == 1 && (Double(want.text) ?? 99) < 20, "\(day) CO \(want.text)")
            }
            if !want.valid { invalid += 1 }
        }
        if subject == .station {
            // 1001A 2019-01-01: O3 has 4 valid 8-hour means, below 14 and MDA8 38 ≤ 160: invalid.
            #expect(invalid >= 1)
        }
    }
}
