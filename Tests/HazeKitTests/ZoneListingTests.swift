import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeCLI

/// `haze stations --city 周口 --layer zone --on DATE`: the stations of the
/// national list in force that day with their zone membership of that day.
/// Expected rows worked by hand from the shipped files:
/// - stations/national/: 2020-01-01 and 2022-02-13 list 2067A 2068A 2069A 2070A
///   for 周口 (the oldest list also answers days before it); 2026-10-09 lists
///   2068A 4121A 4269A 4296A 4297A.
/// - stations/zhoukou-units.csv, layer zone (from, to inclusive; empty = open):
///   2067A 川汇区 (…2025-06-29); 2068A 东新区 (open); 2069A 经济开发区 (…2023-02-27),
///   临港开发区 (2023-02-28…2025-06-29); 2070A 川汇区 (…2025-06-29);
///   4121A 淮阳区 (2025-07-01…); 4269A 东新区 (2025-01-02…);
///   4296A 川汇区 (2025-01-02…); 4297A 临港开发区 (2025-01-02…).
@Suite("Stations listing: the zone memberships in force on --on", .onTestThreads)
struct ZoneListingTests {
    /// The day, and code → zone of every 周口 station listed that day ("" = no zone that day).
    static let cases: [(String, [String: String])] = [
        // The 2020-01-01 list (oldest) answers 2019: the four old stations, all in their first zones.
        ("2019-01-01", ["2067A": "川汇区", "2068A": "东新区", "2069A": "经济开发区", "2070A": "川汇区"]),
        // The last day of 经济开发区 and the first of 临港开发区 (the 2023-02-28 merger), both inclusive.
        ("2023-02-27", ["2067A": "川汇区", "2068A": "东新区", "2069A": "经济开发区", "2070A": "川汇区"]),
        ("2023-02-28", ["2067A": "川汇区", "2068A": "东新区", "2069A": "临港开发区", "2070A": "川汇区"]),
        // 2025-03-01: the new stations' zones have begun (2025-01-02) but the list in force (2022-02-13)
        // does not hold them yet, so only the old four are listed.
        ("2025-03-01", ["2067A": "川汇区", "2068A": "东新区", "2069A": "临港开发区", "2070A": "川汇区"]),
        ("2025-06-29", ["2067A": "川汇区", "2068A": "东新区", "2069A": "临港开发区", "2070A": "川汇区"]),
        // 2025-07-01: still the 2022-02-13 list, but 2067A, 2069A and 2070A's zones ended on 2025-06-29.
        ("2025-07-01", ["2067A": "", "2068A": "东新区", "2069A": "", "2070A": ""]),
        // The 2026-10-09 list: 2068A stays, four new stations.
        ("2026-10-09", ["2068A": "东新区", "4121A": "淮阳区", "4269A": "东新区", "4296A": "川汇区", "4297A": "临港开发区"]),
    ]

    @Test("CSV and JSON list the stations of the list in force with the zone of that day, hand-checked against stations/zhoukou-units.csv",
          arguments: 0 ..< cases.count)
    func zonesOn(index: Int) throws {
        let (day, want) = Self.cases[index]
        let arguments = ["stations", "--stations", TestPaths.stations, "--city", "周口", "--layer", "zone", "--on", day]
        let csv = InProcess(arguments + ["--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.first == ["code", "name", "city", "district", "longitude", "latitude", "control", "sensor", "zone_unit"])
        var got: [String: String] = [:]
        for cells in lines.dropFirst() where cells.count == 9 { got[cells[0]] = cells[8] }
        #expect(got == want, "\(day): \(got.sorted { $0.key < $1.key })")
        #expect(lines.count == want.count + 1, "\(day): one row per station")

        let json = InProcess(arguments + ["--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let byCode = Dictionary(uniqueKeysWithValues: rows.compactMap { row in (row["code"] as? String).map { ($0, row["zone_unit"] as? String ?? "<none>") } })
        #expect(byCode == want, "\(day) JSON")
        #expect(rows.allSatisfy { $0["city"] as? String == "周口" })
    }

    @Test("without --on the listing shows every zone membership with its dates, as written in stations/zhoukou-units.csv")
    func allMemberships() throws {
        let run = InProcess(["stations", "--stations", TestPaths.stations, "--city", "周口", "--layer", "zone", "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        var got: [String: String] = [:]
        var scanner = CSVScanner(bytes: Array(run.stdout.utf8))
        var fields: [CSVField] = []
        _ = scanner.nextRecord(into: &fields)
        while scanner.nextRecord(into: &fields) { got[scanner.string(fields[0])] = scanner.string(fields[8]) }
        #expect(got.count == 8)
        #expect(got["2069A"] == "经济开发区 (…2023-02-27); 临港开发区 (2023-02-28…2025-06-29)")
        #expect(got["2068A"] == "东新区 (always)")
        #expect(got["4121A"] == "淮阳区 (2025-07-01…)")
        #expect(got["2067A"] == "川汇区 (…2025-06-29)")
    }

    @Test("--layer district names its column district_unit: no second 'district' column in CSV, no key given twice in JSON")
    func districtLayerColumn() throws {
        let arguments = ["stations", "--stations", TestPaths.stations, "--city", "北京", "--layer", "district", "--on", "2019-01-15"]
        let csv = InProcess(arguments + ["--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let header = csv.stdout.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        #expect(header == ["code", "name", "city", "district", "longitude", "latitude", "control", "sensor", "district_unit"])
        let json = InProcess(arguments + ["--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 12)
        for row in rows { #expect(row["district"] as? String == row["district_unit"] as? String, "\(row)") }
    }
}
