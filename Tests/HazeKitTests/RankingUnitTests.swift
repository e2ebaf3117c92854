import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeNet
@testable import HazeSources
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI

/// Issue 13: units of any layer, dated lists, control points, checked on the real
/// January 2019 data against `reference.py` (units formed day by day by `registry_ref.py`,
/// written from the README's rules) and against hand computations.
@Suite("Ranking units: layers, dated lists, control points", .onTestThreads, .serialized)
struct RankingUnitTests {
    static let january = Day(CivilDate(year: 2019, month: 1, day: 1)!) ..< Day(CivilDate(year: 2019, month: 2, day: 1)!)

    /// A registry directory made of the given files (path → content).
    static func registry(_ files: [String: String]) throws -> String {
        let dir = TestPaths.temporaryDirectory("haze-units-registry")
        for (path, content) in files {
            let full = dir + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
        return dir
    }

    static func rank(_ stations: String, _ arguments: [String]) throws -> (json: [String: Any], run: InProcess) {
        let run = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", stations, "--format", "json"] + arguments)
        guard run.status == 0 else { throw QueryError.noData("exit \(run.status): \(run.stderr)") }
        return (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:], run)
    }

    static func reference(_ stations: String, month: String, level: String, city: String?) async throws -> [String: [String: [String: Any]]] {
        var arguments = ["rank", "--data", TestPaths.cnemc, "--registry", stations, "--month", month, "--level", level,
                         "--day-hours", "1-24"]
        if let city { arguments += ["--city", city] }
        return try await Processes.python("reference.py", arguments) as? [String: [String: [String: Any]]] ?? [:]
    }

    /// reference.py's station-day means: code → pollutant → day → (mean, hours).
    static func daily(_ codes: [String]) async throws -> [String: [String: [String: [String: Double]]]] {
        try await Processes.python("reference.py", ["daily", "--data", TestPaths.cnemc, "--stations", codes.joined(separator: ","),
                                              "--day-hours", "1-24"])
            as? [String: [String: [String: [String: Double]]]] ?? [:]
    }

    /// The mean of the valid (≥ 20 h) daily means of `codes` on `day`, and how many there were.
    static func unitDay(_ daily: [String: [String: [String: [String: Double]]]], _ codes: [String], _ day: String) -> (Double?, Int) {
        let values = codes.compactMap { code -> Double? in
            guard let v = daily[code]?["PM2.5"]?[day], (v["hours"] ?? 0) >= 20 else { return nil }
            return v["mean"]
        }
        return (values.isEmpty ? nil : values.reduce(0, +) / Double(values.count), values.count)
    }

    static func csvRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    static func entries(_ json: [String: Any], _ pollutant: String = "PM2.5") -> [[String: Any]] {
        ((json["rankings"] as? [[String: Any]])?.first { $0["pollutant"] as? String == pollutant }?["entries"] as? [[String: Any]]) ?? []
    }

    // MARK: - Control points

    @Test("a unit's periods come out in date order without overlaps (a shared day stays with the earlier start), and its daily values are each day's members' mean")
    func periodsInDateOrder() throws {
        let store = try Store(directory: SharedStore.national.directory, access: .readOnly)
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        let beijing = try #require(registry.codes(everInCity: "北京").compactMap { registry[$0] }.filter { !$0.isControl }.nilIfEmpty)
        let day = { (d: Int) in Day(CivilDate(year: 2019, month: 1, day: d)!) }
        // Given out of order and overlapping: 5–20 with the first six stations, 1–10 with the next six, 18–25 with all.
        let unit = RankingUnit(name: "test", city: "北京", level: .city, periods: [
            .init(days: day(5) ..< day(21), stations: Array(beijing.prefix(6))),
            .init(days: day(1) ..< day(11), stations: Array(beijing.dropFirst(6).prefix(6))),
            .init(days: day(18) ..< day(26), stations: beijing),
        ])
        #expect(unit.periods.map(\.days) == [day(1) ..< day(11), day(11) ..< day(21), day(21) ..< day(26)])
        let aggregation = Aggregation(store: store)
        let january = Self.january
        let values = aggregation.unitDays(of: [unit], .pm25, days: january, rows: aggregation.dailyRows(january))[0]
        for (day, mean) in values {
            // Independently: the members the periods give that day, each station's own daily value.
            let members = unit.periods.first { $0.days.contains(day) }?.stations ?? []
            let valid = members.compactMap { station -> Double? in
                guard let series = store.index(of: SeriesKey(station: station.code, pollutant: .pm25)) else { return nil }
                let value = store.daily(series, on: day)
                return value.validHours >= 20 ? value.mean : nil
            }
            let expected = valid.isEmpty ? nil : valid.reduce(0, +) / Double(valid.count)
            #expect(mean == expected, "\(day)")
        }
        #expect(values.filter { $0.mean != nil }.count == 25)
    }

    @Test("every station of the 2020 list whose name says 对照点 is a control point, and the 2022-02-13 list's too")
    func controlPointsFlagged() throws {
        let registry = SharedStore.registry
        for (file, date) in [("2020-01-01.csv", CivilDate(year: 2019, month: 1, day: 15)!), ("2022-02-13.csv", CivilDate(year: 2023, month: 1, day: 1)!)] {
            // The names read straight from the file, not through the registry.
            let text = try String(contentsOfFile: TestPaths.stations + "/national/" + file, encoding: .utf8)
            let named = text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("对照点") }
                .map { String($0.split(separator: ",")[0]) }
            #expect(named.count >= 23, "\(file): \(named.count) stations named 对照点")
            for code in named {
                #expect(registry.station(code, on: Day(date))?.isControl == true, "\(file) \(code)")
            }
        }
        // The 2020 list names only 23; 107 more come from the 2022-02-13 list (stations/README.md): 130 in all.
        #expect(registry.lists.first?.codes.filter { registry.lists.first?[$0]?.isControl == true }.count == 130)
        #expect(registry.station("1146A", on: Day(CivilDate(year: 2019, month: 1, day: 15)!))?.isControl == true, "青浦淀山湖, Shanghai")
        #expect(registry.warnings.isEmpty)
    }

    @Test("a station named …对照点 without a control flag loads with a warning that every command prints")
    func unflaggedControlWarns() throws {
        let dir = try Self.registry(["x.csv": "code,name,city,control\n# a comment, with \"quotes\n9001A,湖边(对照点),X,0\n9002A,山顶对照点,X,1\n9003A,路口,X,\n"])
        let registry = try StationRegistry.load(directory: dir)
        #expect(registry.warnings.count == 1)
        #expect(registry.warnings.first?.source == dir + "/x.csv:3" && registry.warnings.first?.message.contains("9001A") == true)
        let run = InProcess(["stations", "--stations", dir])
        #expect(run.status == 0 && run.stderr.contains("haze: warning: \(dir)/x.csv:3: station 9001A '湖边(对照点)' is named a control point"))
    }

    @Test("Shanghai's January 2019 city PM2.5 excludes its control point 1146A and equals the reference")
    func shanghai() async throws {
        let codes = ["1141A", "1142A", "1143A", "1144A", "1145A", "1146A", "1147A", "1148A", "1149A", "1150A"]
        func reference(_ stations: [String]) async throws -> Double {
            let json = try await Processes.python("reference.py", ["unit", "--data", TestPaths.cnemc, "--stations",
                                                             stations.joined(separator: ","), "--month", "2019-01",
                                                             "--day-hours", "1-24"]) as? [String: Any]
            return try #require((json?["PM2.5"] as? [String: Any])?["mean"] as? Double)
        }
        let without = try await reference(codes.filter { $0 != "1146A" })
        let with = try await reference(codes)
        #expect(abs(without - with) > 0.5, "the control point matters: \(without) vs \(with)")
        let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--city", "上海市", "--pollutant", "pm2.5", "--resolution", "month",
                             "--from", "2019-01-01", "--to", "2019-01-31", "--format", "csv", "--decimals", "6"])
        let row = try #require(Self.csvRows(run.stdout).first)
        #expect(abs((Double(row[3]) ?? -1) - without) < 1e-6, "\(row) vs \(without)")
        #expect(Int(row[4]) == 31)
        let ranked = try Self.rank(TestPaths.stations, ["--month", "2019-01", "--level", "city", "--city", "上海", "--pollutant", "pm2.5"])
        let entry = try #require(Self.entries(ranked.json).first)
        #expect(entry["mean"] as? Int == GBT8170.roundToInteger(without))
        #expect(abs((entry["mean_of_valid_days"] as? Double ?? -1) - without) < 1e-4)
    }

    @Test("a station ranking lists control points apart, with their values, unranked")
    func stationRankingControlPoints() async throws {
        let (json, _) = try Self.rank(TestPaths.stations, ["--month", "2019-01", "--level", "station", "--city", "北京"])
        let ranked = Self.entries(json).compactMap { $0["unit"] as? String }
        #expect(ranked.count == 11 && !ranked.contains("1002A"))
        let coverage = try #require(json["coverage"] as? [String: Any])
        let control = try #require((coverage["control_points"] as? [[String: Any]])?.first)
        #expect(control["code"] as? String == "1002A")
        let reference = try await Processes.python("reference.py", ["monthly", "--data", TestPaths.cnemc, "--stations", "1002A",
                                                             "--month", "2019-01", "--day-hours", "1-24"]) as? [String: [String: [String: Any]]]
        let mean = try #require(reference?["1002A"]?["PM2.5"]?["mean"] as? Double)
        #expect((control["PM2.5"] as? [String: Any])?["mean"] as? Int == GBT8170.roundToInteger(mean))
        let table = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                               "--month", "2019-01", "--level", "station", "--city", "北京", "--pollutant", "pm2.5"])
        #expect(table.stdout.contains("对照点（不参与排名，不计入任何单元）：1002A 定陵 PM2.5 \(GBT8170.roundToInteger(mean))"))
    }

    // MARK: - Layers

    @Test("Zhoukou's four stations ranked on district and on zone give different rankings, each equal to the reference")
    func districtAndZone() async throws {
        let district = try Self.rank(TestPaths.stations, ["--month", "2019-01", "--city", "周口", "--level", "district"]).json
        let zone = try Self.rank(TestPaths.stations, ["--month", "2019-01", "--city", "周口", "--level", "zone"]).json
        #expect(RankingRealDataTests.compare(district, try await Self.reference(TestPaths.stations, month: "2019-01", level: "district", city: "周口")) == 2)
        #expect(RankingRealDataTests.compare(zone, try await Self.reference(TestPaths.stations, month: "2019-01", level: "zone", city: "周口")) == 6)
        #expect(Self.entries(district).compactMap { $0["unit"] as? String } == ["川汇区"])
        #expect(Set(Self.entries(zone).compactMap { $0["unit"] as? String }) == ["经济开发区", "川汇区", "东新区"])
        // 川汇区 as a district (4 stations) and as a zone (2070A and 2067A) are different units with different values.
        let asDistrict = Self.entries(district).first { $0["unit"] as? String == "川汇区" }?["mean_of_valid_days"] as? Double
        let asZone = Self.entries(zone).first { $0["unit"] as? String == "川汇区" }?["mean_of_valid_days"] as? Double
        #expect(asDistrict != nil && asZone != nil && asDistrict != asZone)
        let coverage = try #require(zone["coverage"] as? [String: Any])
        let without = (coverage["units_without_station"] as? [[String: Any]])?.compactMap { $0["unit"] as? String }
        #expect(without == ["临港开发区", "淮阳区"], "zones of later years, no station in 2019")
        // The README's example: January, by zone, with the figures it quotes (the reference's, above).
        let month = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                               "--month", "2019-01", "--city", "周口", "--level", "zone", "--pollutant", "pm2.5"])
        #expect(month.status == 0 && month.stdout.contains("2019年1月 周口市各功能区"), "\(month.stderr)")
        let readme = try String(contentsOfFile: TestPaths.root + "/README.md", encoding: .utf8)
        for line in month.stdout.split(separator: "\n") where line.contains("区  ") && line.first?.isWhitespace == true {
            #expect(readme.contains(String(line)), "README quotes the ranking as it is: \(line)")
        }
    }

    static let fourStations = """
    code,name,city,district,longitude,latitude,control
    1001A,万寿西宫,北京,,,,0
    1003A,东四,北京,,,,0
    1004A,天坛,北京,,,,0
    1005A,农展馆,北京,,,,0
    """

    static let zones = """
    # 1001A moves from 甲 to 乙 on 2019-01-16; 1005A has no zone after 2019-01-20.
    code,layer,unit,from,to
    1001A,zone,甲,,2019-01-15
    1001A,zone,乙,2019-01-16,
    1003A,zone,甲,,
    1004A,zone,乙,,
    1005A,zone,乙,,2019-01-20
    """

    @Test("a membership change on a date moves the station's days between units exactly at that date")
    func membershipChange() async throws {
        let dir = try Self.registry(["beijing.csv": Self.fourStations, "zones.csv": Self.zones])
        let daily = try await Self.daily(["1001A", "1003A", "1004A", "1005A"])
        func query(_ unit: String) throws -> [[String]] {
            let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", dir, "--unit", unit, "--layer", "zone",
                                 "--city", "北京", "--pollutant", "pm2.5", "--from", "2019-01-14", "--to", "2019-01-22",
                                 "--format", "csv", "--decimals", "6"])
            #expect(run.status == 0, "\(run.stderr)")
            return Self.csvRows(run.stdout)
        }
        let jia = try query("甲"), yi = try query("乙")
        #expect(jia.count == 9 && yi.count == 9)
        for (i, row) in jia.enumerated() {
            let day = row[0]
            let members = day <= "2019-01-15" ? ["1001A", "1003A"] : ["1003A"]
            let (mean, count) = Self.unitDay(daily, members, day)
            #expect(Double(row[3]).map { abs($0 - (mean ?? -1)) < 1e-6 } ?? (mean == nil), "甲 \(day)")
            #expect(Int(row[4]) == count, "甲 \(day) stations")
            let yiMembers = (day <= "2019-01-15" ? ["1004A"] : ["1001A", "1004A"]) + (day <= "2019-01-20" ? ["1005A"] : [])
            let (yiMean, yiCount) = Self.unitDay(daily, yiMembers, day)
            #expect(Double(yi[i][3]).map { abs($0 - (yiMean ?? -1)) < 1e-6 } ?? (yiMean == nil), "乙 \(day)")
            #expect(Int(yi[i][4]) == yiCount, "乙 \(day) stations")
        }
        // The month's ranking equals the reference's, which forms the units day by day on its own.
        let (json, run) = try Self.rank(dir, ["--month", "2019-01", "--city", "北京", "--level", "zone"])
        await #expect(RankingRealDataTests.compare(json, try Self.reference(dir, month: "2019-01", level: "zone", city: "北京")) == 4)
        // 1005A has no zone from the 21st: said, not dropped; --strict refuses.
        let coverage = try #require(json["coverage"] as? [String: Any])
        let missing = try #require((coverage["stations_without_unit"] as? [[String: Any]])?.first)
        #expect(missing["code"] as? String == "1005A" && missing["dates"] as? String == "2019-01-21…2019-01-31" && missing["days"] as? Int == 11)
        #expect(run.stderr.isEmpty)
        let strict = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", dir, "--month", "2019-01",
                                "--city", "北京", "--level", "zone", "--strict"])
        #expect(strict.status == 65 && strict.stderr.contains("--strict") && strict.stderr.contains("1005A"))
        let csv = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", dir, "--month", "2019-01",
                             "--city", "北京", "--level", "zone", "--format", "csv"])
        #expect(csv.status == 0 && csv.stderr.contains("station 1005A 农展馆 has no zone unit on 2019-01-21…2019-01-31 (11 days)"))
    }

    @Test("overlapping memberships in two units, bad dates and misnamed lists are refused with file and line")
    func membershipRefusals() throws {
        let overlap = try Self.registry(["s.csv": Self.fourStations, "z.csv": "code,layer,unit,from,to\n1001A,zone,甲,,2019-01-15\n1001A,zone,乙,2019-01-15,\n"])
        #expect { try StationRegistry.load(directory: overlap) } throws: { error in
            "\(error)".contains("1001A") && "\(error)".contains("甲") && "\(error)".contains("乙") && "\(error)".contains("z.csv:3")
        }
        let date = try Self.registry(["s.csv": Self.fourStations, "z.csv": "code,layer,unit,from,to\n1001A,zone,甲,2019-02-30,\n"])
        #expect { try StationRegistry.load(directory: date) } throws: { "\($0)".contains("z.csv:2: field 'from'") }
        let backwards = try Self.registry(["s.csv": Self.fourStations, "z.csv": "code,layer,unit,from,to\n1001A,zone,甲,2019-02-01,2019-01-01\n"])
        #expect { try StationRegistry.load(directory: backwards) } throws: { "\($0)".contains("z.csv:2: field 'to'") }
        let list = try Self.registry(["national/2019-13-01.csv": Self.fourStations])
        #expect { try StationRegistry.load(directory: list) } throws: { "\($0)".contains("YYYY-MM-DD.csv") }
        // The same unit twice, or a table's district repeated in a membership file, is not a conflict.
        let same = try Self.registry(["s.csv": Self.fourStations.replacingOccurrences(of: "1001A,万寿西宫,北京,,", with: "1001A,万寿西宫,北京,西城区,"),
                                      "z.csv": "code,layer,unit,from,to\n1001A,district,西城区,2019-01-01,\n"])
        #expect(try StationRegistry.load(directory: same)["1001A"]?.district == "西城区")
        let unknown = try Self.registry(["s.csv": Self.fourStations, "z.csv": "code,layer,unit,from,to\n9999A,zone,甲,,\n"])
        #expect(try StationRegistry.load(directory: unknown).warnings.first?.message.contains("no station 9999A") == true)
    }

    // MARK: - Dated lists

    @Test("a station added to a dated list mid-month counts only from that date; the month equals the reference")
    func stationAddedMidMonth() async throws {
        let national = try String(contentsOfFile: TestPaths.stations + "/national/2020-01-01.csv", encoding: .utf8)
        let beijing = national.split(separator: "\n").filter { $0.hasPrefix("code,") || $0.contains(",北京,") }.joined(separator: "\n") + "\n"
        let withoutGucheng = beijing.split(separator: "\n").filter { !$0.hasPrefix("1012A") }.joined(separator: "\n") + "\n"
        let dir = try Self.registry(["national/2019-01-01.csv": withoutGucheng, "national/2019-01-16.csv": beijing])
        let registry = try StationRegistry.load(directory: dir)
        #expect(registry.station("1012A", on: Day(CivilDate(year: 2019, month: 1, day: 15)!)) == nil)
        #expect(registry.station("1012A", on: Day(CivilDate(year: 2019, month: 1, day: 16)!)) != nil)
        #expect(registry.list(inForceOn: Day(CivilDate(year: 2018, month: 6, day: 1)!))?.effective.description == "2019-01-01", "before the oldest list the oldest applies")
        let assessed = TestPaths.beijingAssessmentStations
        let daily = try await Self.daily(assessed)
        let run = InProcess(["query", "--store", SharedStore.national.directory, "--stations", dir, "--city", "北京",
                             "--pollutant", "pm2.5", "--from", "2019-01-14", "--to", "2019-01-17", "--format", "csv", "--decimals", "6"])
        let rows = Self.csvRows(run.stdout)
        #expect(rows.count == 4, "\(run.stderr)")
        for row in rows {
            let members = row[0] < "2019-01-16" ? assessed.filter { $0 != "1012A" } : assessed
            let (mean, count) = Self.unitDay(daily, members, row[0])
            #expect(Double(row[3]).map { abs($0 - (mean ?? -1)) < 1e-6 } ?? false, "\(row)")
            #expect(Int(row[4]) == count)
        }
        let (json, _) = try Self.rank(dir, ["--month", "2019-01", "--level", "city", "--city", "北京"])
        await #expect(RankingRealDataTests.compare(json, try Self.reference(dir, month: "2019-01", level: "city", city: "北京")) == 2)
        // Counting 1012A all month would give another value: the date matters.
        let whole = try Self.registry(["national/2019-01-01.csv": beijing])
        let (all, _) = try Self.rank(whole, ["--month", "2019-01", "--level", "city", "--city", "北京"])
        #expect(Self.entries(all).first?["mean_of_valid_days"] as? Double != Self.entries(json).first?["mean_of_valid_days"] as? Double)
        // As a station, 1012A has January days only from the 16th.
        let (stations, _) = try Self.rank(dir, ["--month", "2019-01", "--level", "station", "--city", "北京"])
        let gucheng = Self.entries(stations).first { $0["unit"] as? String == "1012A" }
        #expect((gucheng?["valid_days"] as? Int ?? 99) <= 16 && gucheng?["valid"] as? Bool == false)
    }

    @Test("the shipped lists: the list in force decides, diff counts equal the prepared diff, 2019 and 2026 differ")
    func shippedLists() throws {
        let registry = SharedStore.registry
        let y2019 = Day(CivilDate(year: 2019, month: 6, day: 1)!), y2026 = Day(CivilDate(year: 2026, month: 10, day: 9)!)
        func count(_ city: String, _ day: Day) -> Int { registry.codes(everInCity: city).compactMap { registry.station($0, on: day) }.count }
        #expect(count("北京", y2019) == 12 && count("北京", y2026) == 23)
        #expect(count("周口", y2019) == 4 && count("周口", y2026) == 5)
        // Counts computed independently when the data were prepared (stations/provenance/diff-2020-2026.txt).
        let prepared = try String(contentsOfFile: TestPaths.stations + "/provenance/diff-2020-2026.txt", encoding: .utf8)
        for line in ["new codes (in 2026, not in 2020): 579", "gone codes (in 2020, not in 2026): 618", "renamed (same code, other name): 88",
                     "moved > 1 km (same code): 227", "same code, other city unit (after aliases): 2"] {
            #expect(prepared.contains(line))
        }
        let run = InProcess(["stations", "diff", "--stations", TestPaths.stations, "--from", "2020-01-01", "--to", "2026-10-09", "--format", "csv"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("579 added, 618 removed, 88 renamed, 227 moved > 1 km, 2 in another city"), "\(run.stderr)")
        let moved = Self.csvRows(run.stdout).first { $0[0] == "moved" && $0[1] == "1003A" }
        #expect(moved?[6] == "2.95", "东四 1003A: 116.434,39.9522 → 116.4174,39.9289")
        let city = InProcess(["stations", "diff", "--stations", TestPaths.stations, "--from", "2019-01-01", "--to", "2026-10-09", "--city", "周口", "--format", "csv"])
        let changes = Self.csvRows(city.stdout).map { "\($0[0]) \($0[1])" }
        #expect(changes == ["added 4121A", "added 4269A", "added 4296A", "added 4297A", "removed 2067A", "removed 2069A", "removed 2070A"])
    }

    @Test("city aliases resolve through chains once the file is read; rows that lead to the same city agree, others conflict")
    func aliasChains() throws {
        func load(_ aliases: String) throws -> StationRegistry {
            let directory = TestPaths.temporaryDirectory("haze-alias-chains")
            try Data("code,name,city,district,longitude,latitude\n9001A,甲站,甲市,甲区,116.0,39.0\n".utf8)
                .write(to: URL(fileURLWithPath: directory + "/stations.csv"))
            try Data(("alias,city\n" + aliases).utf8).write(to: URL(fileURLWithPath: directory + "/city-aliases.csv"))
            return try StationRegistry.load(directory: directory)
        }
        // The chain is written before its last link, and its first row repeated (before, that
        // repetition was a conflict: it was compared with the chain's end): every alias ends at 甲市.
        let chained = try load("甲市旧称,甲州\n甲州,甲市\n甲市旧称,甲州\n甲市旧称,甲市\n")
        #expect(chained.city(named: "甲市旧称") == "甲市" && chained.city(named: "甲州") == "甲市")
        #expect(throws: RegistryError.self) { try load("甲州,甲市\n甲州,乙市\n") }
    }

    @Test("city aliases, English suggestions, stations by name, and 'did you mean' for cities, units and layers")
    func namesAndSuggestions() throws {
        let registry = SharedStore.registry
        #expect(registry.city(named: "北京市") == "北京" && registry.city(named: "周口市") == "周口")
        #expect(registry.city(named: "延边州") == "延边朝鲜族自治州" && registry.city(named: "Beijing") == nil)
        #expect(registry.citySuggestions(for: "Beijing").first == "北京")
        #expect(Set(registry.citySuggestions(for: "suzhou")).isSuperset(of: ["苏州", "宿州"]))
        #expect(registry.lookup(station: "万寿西宫") == .found("1001A"))
        #expect(registry.lookup(station: "定陵") == .found("1002A"), "the 2022 list's 定陵(对照点)")
        #expect(registry.lookup(station: "1001a") == .found("1001A"))
        if case .ambiguous(let stations) = registry.lookup(station: "市监测站") { #expect(stations.count > 10) } else { Issue.record("市监测站 is ambiguous") }
        #expect(registry.lookup(station: "市监测站", city: "衡水") == .found("1075A"))
        let byName = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--station", "万寿西宫",
                                "--resolution", "month", "--from", "2019-01-01", "--to", "2019-01-31", "--format", "csv"])
        let byCode = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--station", "1001A",
                                "--resolution", "month", "--from", "2019-01-01", "--to", "2019-01-31", "--format", "csv"])
        #expect(byName.status == 0 && byName.stdout == byCode.stdout && !byName.stdout.isEmpty)
        let ambiguous = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--station", "市监测站"])
        #expect(ambiguous.status == 64 && ambiguous.stderr.contains("1075A 市监测站 (衡水)"))
        let city = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--month", "2019-01", "--city", "Beijing"])
        #expect(city.status == 65 && city.stderr.contains("no city 'Beijing' in the registry; did you mean '北京'"))
        let unit = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--unit", "东新", "--layer", "zone", "--city", "周口"])
        #expect(unit.status == 65 && unit.stderr.contains("did you mean '东新区'"), "\(unit.stderr)")
        let layer = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--month", "2019-01",
                               "--city", "周口", "--level", "zones"])
        #expect(layer.status == 65 && layer.stderr.contains("did you mean 'zone'"), "\(layer.stderr)")
        let district = InProcess(["query", "--store", SharedStore.national.directory, "--stations", TestPaths.stations, "--district", "朝阳", "--city", "北京"])
        #expect(district.status == 65 && district.stderr.contains("did you mean '朝阳区'"))
    }
}

private extension Array {
    /// Nil for an empty array, so `#require` stops a test that found nothing.
    var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}
