import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeAssessment

/// Attacks on the `sensor` flag (review of 2026-11-30): a flag that would
/// silently take a national station out of its city's value, or silently
/// decide between two tables that disagree, is refused with both places named.
extension MicroSensorTests {
    static func load(_ files: [String: String], _ label: String) throws -> StationRegistry {
        let dir = TestPaths.temporaryDirectory(label)
        for (name, text) in files {
            let path = dir + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return try StationRegistry.load(directory: dir)
    }

    static let nationalList = """
        code,name,city,district,longitude,latitude,control
        1001A,万寿西宫,北京,,116.366,39.878,0
        1002A,定陵,北京,,116.17,40.29,1
        1003A,东四,北京,,116.434,39.952,0
        """

    @Test("a table flagging a station of a dated national list as a micro-sensor is refused, naming the list and the row")
    func sensorFlagOnANationalStation() throws {
        var thrown: RegistryError?
        do {
            _ = try Self.load(["national/2022-02-13.csv": Self.nationalList,
                               "北京.csv": "code,name,city,district,longitude,latitude,control,sensor\n1003A,东四,北京,东城区,,,0,1\n"],
                              "haze-sensor-national")
        } catch let error as RegistryError { thrown = error }
        let message = thrown.map { "\($0)" } ?? ""
        // Before: loaded, and 1003A silently left 北京's value (a national station counted nowhere).
        guard case .conflictingEntries(let code, let field, "standard station", "micro-sensor") = thrown else {
            Issue.record("expected a conflict, got \(message)")
            return
        }
        #expect(code == "1003A")
        #expect(field.contains("national/2022-02-13.csv") && field.contains("北京.csv:2"), "\(message)")
    }

    @Test("a dated national list with sensor=1 is refused: the list holds standard stations")
    func sensorColumnInANationalList() throws {
        let list = "code,name,city,district,longitude,latitude,control,sensor\n1001A,万寿西宫,北京,,,,0,0\n1003A,东四,北京,,,,0,1\n"
        var thrown: RegistryError?
        do { _ = try Self.load(["national/2022-02-13.csv": list], "haze-sensor-list") } catch let error as RegistryError { thrown = error }
        guard case .badRow(let file, 3, "sensor", let reason) = thrown else {
            Issue.record("expected a refused row, got \(thrown.map { "\($0)" } ?? "a registry")")
            return
        }
        #expect(file.hasSuffix("national/2022-02-13.csv") && reason.contains("standard monitoring stations"))
        // sensor=0 (or empty) in a list is fine: nothing changes.
        let fine = try Self.load(["national/2022-02-13.csv": "code,name,city,district,longitude,latitude,control,sensor\n1001A,万寿西宫,北京,,,,0,0\n1003A,东四,北京,,,,0,\n"],
                                 "haze-sensor-list-ok")
        #expect(fine.stations.filter(\.countsInUnits).map(\.code) == ["1001A", "1003A"])
    }

    @Test("two tables saying sensor=1 and sensor=0 for one code are refused with both rows; an empty cell says nothing")
    func tablesDisagreeOnSensor() throws {
        let header = "code,name,city,district,longitude,latitude,control,sensor\n"
        var thrown: RegistryError?
        do {
            _ = try Self.load(["a.csv": header + "A01,一号站,甲市,,,,0,0\n", "b.csv": header + "B01,二号站,甲市,,,,0,0\nA01,一号站,甲市,,,,0,1\n"],
                              "haze-sensor-disagree")
        } catch let error as RegistryError { thrown = error }
        // Before: merged silently into a sensor (A01 left 甲市's value).
        guard case .conflictingEntries("A01", let field, "0", "1") = thrown else {
            Issue.record("expected a conflict, got \(thrown.map { "\($0)" } ?? "a registry")")
            return
        }
        #expect(field.contains("a.csv:2") && field.contains("b.csv:3"), "\(field)")
        // Empty in one table, 1 in the other: the filled cell decides (as for every other field).
        let merged = try Self.load(["a.csv": header + "A01,一号站,甲市,,,,0,\n", "b.csv": header + "A01,,甲市,,,,0,Y\n"],
                                   "haze-sensor-empty")
        #expect(merged["A01"]?.isSensor == true)
        // A table without the column says nothing either.
        let noColumn = try Self.load(["a.csv": "code,name,city\nA01,一号站,甲市\n", "b.csv": header + "A01,,甲市,,,,0,1\n"],
                                     "haze-sensor-nocolumn")
        #expect(noColumn["A01"]?.isSensor == true)
    }

    @Test("sensor cells: 1/Y/yes/true (any case, spaces trimmed) mark a sensor; 2, 是, -1 are refused", arguments: [
        ("1", true), ("Y", true), ("yes ", true), (" TRUE", true), ("0", false), ("n", false), ("", false),
    ])
    func sensorCells(cell: String, isSensor: Bool) throws {
        let registry = try Self.load(["s.csv": "code,name,city,sensor\nW01,微站,甲市,\(cell)\n"], "haze-sensor-cell")
        #expect(registry["W01"]?.isSensor == isSensor)
    }

    @Test("a station flagged both control=1 and sensor=1 is refused, naming file, line and field")
    func controlAndSensorTogether() throws {
        do {
            _ = try Self.load(["s.csv": "code,name,city,control,sensor\nW01,微站,甲市,0,1\nW02,对照微站,甲市,1,1\n"],
                              "haze-sensor-control")
            Issue.record("a station that is both a control point and a micro-sensor was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("s.csv:3") && text.contains("field 'sensor'"), "\(text)")
            #expect(text.contains("W02"), "\(text)")
        }
    }

    @Test("a sensor cell of 2, 是 or -1 is refused with file, line and field", arguments: ["2", "是", "-1"])
    func refusedSensorCells(cell: String) throws {
        #expect(throws: RegistryError.self) {
            _ = try Self.load(["s.csv": "code,name,city,sensor\nW01,微站,甲市,\(cell)\n"], "haze-sensor-refused")
        }
    }
}

extension MicroSensorTests {
    /// A store of 2026-01-15 (hours 01–24 Beijing) with PM2.5 A01 10, A02 20, A03 (control) 90,
    /// B01 30, W01 500, W02 700 every hour; the registry of `files`.
    static func queryStore(_ label: String) throws -> (store: String, stations: String) {
        let (_, stations) = try registry()
        let dir = TestPaths.temporaryDirectory(label)
        var csv = "station,time,pollutant,value\n"
        for (code, value) in [("A01", 10), ("A02", 20), ("A03", 90), ("B01", 30), ("W01", 500), ("W02", 700)] {
            for hour in 1 ... 24 {
                let time = hour == 24 ? "2026-01-16T00:00+08:00" : String(format: "2026-01-15T%02d:00+08:00", hour)
                csv += "\(code),\(time),pm2.5,\(value)\n"
            }
        }
        try csv.write(toFile: dir + "/values.csv", atomically: true, encoding: .utf8)
        let ingest = InProcess(["ingest", "--quiet", "--store", dir + "/store", "--stations", stations, dir + "/values.csv"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return (dir + "/store", stations)
    }

    @Test("haze query of a city, district or town: its standard stations' value, and how many micro-sensors were left out")
    func queryOfAUnitSaysItsSensors() throws {
        let (store, stations) = try Self.queryStore("haze-sensor-query")
        func query(_ subject: [String]) -> InProcess {
            InProcess(["query", "--store", store, "--stations", stations, "--pollutant", "pm2.5", "--from", "2026-01-15", "--to", "2026-01-15",
                       "--format", "csv"] + subject)
        }
        // Value and stations counted: (10 + 20 + 30) / 3 = 20 of 3 for the city (the control point and sensors out); 东区: (10 + 20) / 2 = 15; 甲镇 the same; 乙镇 30.
        for (subject, value, sensors) in [(["--city", "甲市"], "20,3", 2), (["--district", "东区", "--city", "甲市"], "15,2", 1),
                                          (["--unit", "甲镇", "--layer", "town", "--city", "甲市"], "15,2", 1),
                                          (["--unit", "乙镇", "--layer", "town", "--city", "甲市"], "30,1", 1)] {
            let run = query(subject)
            #expect(run.status == 0, "\(subject): \(run.stderr)")
            #expect(run.stdout.split(separator: "\n").contains { $0.hasPrefix("2026-01-15,") && $0.contains(",PM2.5,\(value),") }, "\(subject): \(run.stdout)")
            // Before: nothing said that the sensors of the unit were left out.
            #expect(run.stderr.contains("\(sensors) micro-sensor(s) (微型站) not counted"), "\(subject): \(run.stderr)")
        }
        let station = query(["--station", "W01"])
        #expect(station.stdout.contains(",500"), "\(station.stdout)")
        #expect(station.stderr.contains("W01 东区微站1 is a micro-sensor") && !station.stderr.contains("not counted in its values"))
    }

    @Test("a town of micro-sensors only is said to have no assessment stations, not to be unknown")
    func unitOfSensorsOnly() throws {
        var files = Self.files
        files["甲市-towns.csv"]! += "\nW02,town2,丙镇,,\n"
        files["丁市.csv"] = "code,name,city,sensor\nW09,微站,丁市,1\n"
        let registry = try Self.load(files, "haze-sensor-only")
        // Before: "no town2 unit '丙镇' in the registry" (did you mean …).
        #expect(throws: QueryError.noAssessmentStations("甲市/丙镇")) {
            _ = try registry.members(of: .unit("丙镇", layer: "town2", city: "甲市"))
        }
        #expect(throws: QueryError.noAssessmentStations("丁市")) { _ = try registry.members(of: .city("丁市")) }
        #expect("\(QueryError.noAssessmentStations("丁市"))".contains("micro-sensors"))
        #expect(try registry.members(of: .station("W09")).map(\.code) == ["W09"])
    }
}

extension MicroSensorTests {
    @Test("ranking a city of micro-sensors only says why nothing is ranked (it blamed too few valid days)")
    func rankingACityOfSensorsOnly() throws {
        let dir = TestPaths.temporaryDirectory("haze-sensor-rank")
        try FileManager.default.createDirectory(atPath: dir + "/reg", withIntermediateDirectories: true)
        try "code,name,city,district,sensor\nW01,微站1,丁市,东区,1\nW02,微站2,丁市,东区,1\nA01,站,甲市,东区,0\n"
            .write(toFile: dir + "/reg/s.csv", atomically: true, encoding: .utf8)
        var csv = "station,time,pollutant,value\n"
        let first = Day(CivilDate(year: 2026, month: 1, day: 1)!)
        for (code, value) in [("W01", 50), ("W02", 70), ("A01", 30)] {
            for d in 0 ..< 31 {
                for hour in 1 ... 24 {
                    let day = first.advanced(by: d + (hour == 24 ? 1 : 0))
                    csv += "\(code),\(day.description)T\(CivilDate.pad(hour % 24, 2)):00+08:00,pm2.5,\(value)\n"
                }
            }
        }
        try csv.write(toFile: dir + "/v.csv", atomically: true, encoding: .utf8)
        #expect(InProcess(["ingest", "--quiet", "--store", dir + "/store", "--stations", dir + "/reg", dir + "/v.csv"]).status == 0)
        for level in ["city", "district", "station"] {
            let run = InProcess(["rank", "--store", dir + "/store", "--stations", dir + "/reg", "--month", "2026-01", "--level", level,
                                 "--city", "丁市", "--pollutant", "pm2.5"])
            #expect(run.status == 65)
            #expect(run.stderr.contains("no \(level) to rank for 2026-01: the stations in scope are 2 micro-sensor(s), which are never counted in a unit or ranked"),
                    "\(level): \(run.stderr)")
            #expect(!run.stderr.contains("valid days"), "\(level): \(run.stderr)")
        }
        let period = InProcess(["rank", "--store", dir + "/store", "--stations", dir + "/reg", "--from", "2026-01", "--to", "2026-01",
                                "--level", "city", "--city", "丁市", "--pollutant", "pm2.5"])
        #expect(period.status == 65 && period.stderr.contains("the stations in scope are 2 micro-sensor(s)"), "\(period.stderr)")
        // The other city still ranks, its month from A01 alone: 30 µg/m³, and the sensors said.
        let all = InProcess(["rank", "--store", dir + "/store", "--stations", dir + "/reg", "--month", "2026-01", "--level", "city",
                             "--pollutant", "pm2.5", "--format", "csv"])
        #expect(all.status == 0 && all.stdout.contains(",甲市,30,"), "\(all.stdout)")
        #expect(all.stderr.contains("2 micro-sensors (values stored): not ranked, counted in no unit"), "\(all.stderr)")
    }
}
