import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeIngest
@testable import HazeCLI

/// The `cnemc-hourly` parser on a hand-made snapshot (`Tests/Fixtures/cnemc-hourly/mixed.csv`,
/// its README lists the case on each line), and `haze stations --compare`.
@Suite("cnemc-hourly snapshots: the parser's refusals and stations --compare", .onTestThreads)
struct SnapshotTests {
    static let fixture = TestPaths.fixtures + "/cnemc-hourly/mixed.csv"
    static let registry = StationRegistry(stations: [Station(code: "1001A", name: "万寿西宫", city: "北京", district: ""),
                                                     Station(code: "1003A", name: "东四", city: "北京", district: "")])

    static func hour(_ hourOfDay: Int) -> Int {
        LocalZone.beijing.hour(day: Day(CivilDate(year: 2026, month: 10, day: 9)!), hourOfDay: hourOfDay).index
    }

    @Test("NA is missing (the series kept), / is not measured (no series), CO kept in tenths half to even, two hours in one file; a bad timepoint, a bad cell, an unknown station and a truncated row are refused with line and field")
    func parser() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
        let context = ParseContext(source: "mixed.csv", zone: .beijing, latestHour: Hour(600_000), registry: Self.registry,
                                   unknownStations: .quarantine)
        let batch = CNEMCHourlyParser().parse(bytes, context: context)
        struct Value: Hashable { var station: String; var pollutant: Pollutant; var hour: Int; var value: Int }
        let read = Set(batch.readings.map { r in
            let key = batch.keys[Int(r.key)]
            return Value(station: key.station, pollutant: key.pollutant, hour: Int(r.hour), value: Int(r.value))
        })
        // By hand from the fixture (CO in tenths of mg/m³: 0.7 → 7, 1.25 → 12 half to even, 1.1 → 11).
        let h5 = Self.hour(5), h6 = Self.hour(6)
        let expected: Set<Value> = [
            Value(station: "1001A", pollutant: .pm25, hour: h5, value: 91), Value(station: "1001A", pollutant: .pm10, hour: h5, value: 144),
            Value(station: "1001A", pollutant: .so2, hour: h5, value: 2), Value(station: "1001A", pollutant: .no2, hour: h5, value: 82),
            Value(station: "1001A", pollutant: .co, hour: h5, value: 7), Value(station: "1001A", pollutant: .o3, hour: h5, value: 41),
            Value(station: "1003A", pollutant: .pm25, hour: h5, value: 88), Value(station: "1003A", pollutant: .no2, hour: h5, value: 54),
            Value(station: "1003A", pollutant: .co, hour: h5, value: 12), Value(station: "1003A", pollutant: .o3, hour: h5, value: 69),
            Value(station: "1001A", pollutant: .pm25, hour: h6, value: 99), Value(station: "1001A", pollutant: .pm10, hour: h6, value: 150),
            Value(station: "1001A", pollutant: .so2, hour: h6, value: 3), Value(station: "1001A", pollutant: .no2, hour: h6, value: 80),
            Value(station: "1001A", pollutant: .co, hour: h6, value: 8), Value(station: "1001A", pollutant: .o3, hour: h6, value: 35),
            Value(station: "1003A", pollutant: .pm10, hour: h6, value: 140), Value(station: "1003A", pollutant: .o3, hour: h6, value: 60),
            Value(station: "1003A", pollutant: .no2, hour: h6, value: 50), Value(station: "1003A", pollutant: .co, hour: h6, value: 11),
        ]
        #expect(read == expected, "missing \(expected.subtracting(read)), extra \(read.subtracting(expected))")
        #expect(batch.readings.count == expected.count)
        // NA: 1003A measures PM10 (the series exists, the hour is missing); `/`: it does not measure SO2.
        #expect(batch.keys.contains(SeriesKey(station: "1003A", pollutant: .pm10)))
        #expect(!batch.keys.contains(SeriesKey(station: "1003A", pollutant: .so2)))
        #expect(batch.notMonitored == 2)
        // aqi, primarypollutant and the _24h/8-hour cells that are not NA: 7 (line 2) + 4 (line 3) + 7 (line 4).
        #expect(batch.derivedValuesSkipped == 18)
        let refused = batch.rejections.map { "\($0.source):\($0.line):\($0.field):\($0.station)" }
        #expect(refused.sorted() == (["mixed.csv:5:timepoint:1003A", "mixed.csv:7:pm2_5:1003A", "mixed.csv:8:row:"]
            + Array(repeating: "mixed.csv:6:stationcode:9999Z", count: 6)).sorted(), "\(refused)")
        #expect(batch.rejections.allSatisfy { $0.action == .rejected })
        let reasons = Dictionary(batch.rejections.map { ($0.field, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(reasons["timepoint"]?.contains("'2026-10-09T2500' is not a snapshot time") == true)
        #expect(reasons["row"]?.contains("truncated") == true)
        #expect(reasons["stationcode"]?.contains("9999Z is not in the station registry") == true)
        #expect(batch.rejections.first { $0.field == "pm2_5" }?.value == "9x")
        #expect(Set(batch.rejections.filter { $0.field == "stationcode" }.map(\.value)) == ["40", "30", "20", "10", "1", "0.3"])
        #expect(batch.notes.contains { $0.contains("2 different hours in one snapshot file") }, "\(batch.notes)")
        #expect(batch.notes.contains { $0.contains("`haze stations --compare mixed.csv`") }, "\(batch.notes)")
    }

    @Test("haze ingest of the snapshot stores the good values and quarantines every refused one with file, line and field; nothing is dropped")
    func ingestQuarantines() throws {
        let store = TestPaths.temporaryDirectory("haze-snapshot-bad")
        let run = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, Self.fixture])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("stored 20, unchanged 0, corrected 0, quarantined 9"), "\(run.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: store + "/quarantine").filter { $0.hasPrefix("mixed.csv.") }
        #expect(files.count == 1)
        let text = try String(contentsOfFile: store + "/quarantine/" + (files.first ?? ""), encoding: .utf8)
        var scanner = CSVScanner(bytes: Array(text.utf8))
        var fields: [CSVField] = []
        _ = scanner.nextRecord(into: &fields)
        let header = fields.map { scanner.trimmedString($0) }
        #expect(header == ["source", "line", "field", "station", "time", "pollutant", "value", "reason", "action"])
        var rows: [String] = []
        while scanner.nextRecord(into: &fields), fields.count == header.count {
            let cells = fields.map { scanner.trimmedString($0) }
            #expect(cells[0] == Self.fixture && cells[8] == "rejected", "\(cells)")
            rows.append("\(cells[1]):\(cells[2])")
        }
        #expect(rows.sorted() == ["5:timepoint", "6:stationcode", "6:stationcode", "6:stationcode", "6:stationcode",
                                  "6:stationcode", "6:stationcode", "7:pm2_5", "8:row"], "\(rows)")
    }

    @Test("haze stations --compare lists the snapshot's stations the registry in force on its date lacks (unknown, or only in another list) and the registry's stations absent from it")
    func compare() throws {
        let registry = TestPaths.temporaryDirectory("haze-compare-registry")
        let header = "code,name,city,district,longitude,latitude,control\n"
        try FileManager.default.createDirectory(atPath: registry + "/national", withIntermediateDirectories: true)
        try (header + "1001A,万寿西宫,北京,,116.3611,39.8786,0\n1003A,东四,北京,,116.4174,39.9289,0\n1012A,古城,北京,,116.184,39.9136,0\n")
            .write(toFile: registry + "/national/2020-01-01.csv", atomically: true, encoding: .utf8)
        try (header + "1001A,万寿西宫,北京,,116.3611,39.8786,0\n1005A,新城,北京,,116.5,40.0,0\n")
            .write(toFile: registry + "/national/2026-01-01.csv", atomically: true, encoding: .utf8)

        // The snapshot's date (2026-10-09): the 2026 list is in force.
        let run = InProcess(["stations", "--stations", registry, "--compare", Self.fixture, "--format", "csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = run.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2).joined(separator: ",") }
        #expect(rows == ["change,code", "not in registry,1003A", "not in registry,9999Z", "absent from file,1005A"], "\(run.stdout)")
        #expect(run.stdout.contains("not in the list in force on 2026-10-09") && run.stdout.contains("unknown to the registry"))
        #expect(run.stderr.contains("3 station(s), compared with the registry of 2026-10-09 (list in force: national/2026-01-01.csv): 2 not in the registry that day (1 unknown to it, 1 only on other days), 1 registry station(s) absent from the file"), "\(run.stderr)")

        // Another day: the 2020 list.
        let old = InProcess(["stations", "--stations", registry, "--compare", Self.fixture, "--on", "2020-06-01", "--format", "json"])
        #expect(old.status == 0, "\(old.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(old.stdout.utf8)) as? [String: Any])
        let changes = try #require(json["changes"] as? [[String: String]])
        #expect(changes.map { "\($0["change"] ?? ""),\($0["code"] ?? "")" } == ["not in registry,9999Z", "absent from file,1012A"])
        #expect(json["day"] as? String == "2020-06-01" && json["file_stations"] as? Int == 3)

        // Micro-sensors in the registry (a province's 20 000): a national snapshot holds none, so they are
        // counted, not listed one by one above the standard station really missing (review 2026-11-30).
        try "code,name,city,sensor\nW01,微站1,北京,1\nW02,微站2,北京,1\n".write(toFile: registry + "/sensors.csv", atomically: true, encoding: .utf8)
        let withSensors = InProcess(["stations", "--stations", registry, "--compare", Self.fixture, "--format", "csv"])
        let sensorRows = withSensors.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(2).joined(separator: ",") }
        #expect(sensorRows == ["change,code", "not in registry,1003A", "not in registry,9999Z", "absent from file,1005A"], "\(withSensors.stdout)")
        #expect(withSensors.stderr.contains("1 registry station(s) absent from the file; the file holds no micro-sensor: the registry's 2 micro-sensor(s) are not compared"),
                "\(withSensors.stderr)")
        // A file that holds one of them: the others absent are listed, marked.
        let snapshot = try String(contentsOfFile: Self.fixture, encoding: .utf8)
        let line = try #require(snapshot.split(separator: "\n").first { $0.contains(",1001A,") })
        let withW01 = TestPaths.temporaryDirectory("haze-compare-sensor") + "/snapshot.csv"
        try (snapshot + (snapshot.hasSuffix("\n") ? "" : "\n") + line.replacingOccurrences(of: ",1001A,", with: ",W01,") + "\n")
            .write(toFile: withW01, atomically: true, encoding: .utf8)
        let listed = InProcess(["stations", "--stations", registry, "--compare", withW01, "--format", "csv"])
        #expect(listed.stdout.contains("absent from file,W02,微站2,北京,,,micro-sensor\n") && !listed.stdout.contains(",W01,"), "\(listed.stdout)")
        #expect(!listed.stderr.contains("not compared"), "\(listed.stderr)")
        try FileManager.default.removeItem(atPath: registry + "/sensors.csv")

        // Not a snapshot; --compare with a listing-only option.
        let notSnapshot = InProcess(["stations", "--stations", registry, "--compare", TestPaths.fixtures + "/cnemc-hourly/README.md"])
        #expect(notSnapshot.status == 65 && notSnapshot.stderr.contains("no stations found"), "\(notSnapshot.stderr)")
        #expect(InProcess(["stations", "--stations", registry, "--compare", Self.fixture, "--layer", "zone"]).status == 64)
        #expect(InProcess(["stations", "diff", "--stations", registry, "--from", "2020-01-01", "--to", "2026-01-01", "--compare", Self.fixture]).status == 64)
    }
}
