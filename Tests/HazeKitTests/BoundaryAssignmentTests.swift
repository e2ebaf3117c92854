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

/// `haze stations assign`: point-in-polygon over GeoJSON with holes and
/// MultiPolygons, distances to boundaries, GCJ-02, and Beijing's districts.
@Suite("Boundary assignment", .onTestThreads)
struct BoundaryAssignmentTests {
    static let boundaries = TestPaths.fixtures + "/boundaries"

    /// The review CSV's rows by code (comment lines skipped), keyed by header.
    static func review(_ text: String) -> [String: [String: String]] {
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [:] }
        var rows: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[cells[0]] = Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
        return rows
    }

    @Test("the hand-made fixture: hole, MultiPolygon, near-boundary and unassigned points, distances")
    func handMade() throws {
        // The points as a station table (the fixture is plain lon/lat: no datum conversion).
        let points = try String(contentsOfFile: Self.boundaries + "/hand-made-points.csv", encoding: .utf8)
        var expected: [String: (unit: String, metres: Double)] = [:]
        var table = "code,name,city,longitude,latitude\n"
        for line in points.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            expected[f[0]] = (f[3], Double(f[4]) ?? -1)
            table += "\(f[0]),point \(f[0]),X,\(f[1]),\(f[2])\n"
        }
        table += "P99,no position,X,,\n"
        let registry = TestPaths.temporaryDirectory("haze-assign-points")
        try table.write(toFile: registry + "/points.csv", atomically: true, encoding: .utf8)
        let run = InProcess(["stations", "assign", "--stations", registry, "--boundaries", Self.boundaries + "/hand-made.geojson",
                             "--property", "name", "--layer", "test"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("# Datum: the boundaries are WGS-84"))
        let rows = Self.review(run.stdout)
        #expect(rows.count == 13)
        for (code, want) in expected {
            let row = try #require(rows[code])
            #expect(row["unit"] == want.unit, "\(code): \(row["unit"] ?? "") vs \(want.unit)")
            // The fixture's distance is to the nearest boundary of any unit (its own edge or another's).
            let own = Double(row["boundary_m"] ?? "") ?? .infinity, other = Double(row["nearest_other_m"] ?? "") ?? .infinity
            #expect(abs(min(own, other) - want.metres) <= 1.5, "\(code): \(min(own, other)) m vs \(want.metres) m")
            let status = row["status"] ?? ""
            if want.unit.isEmpty {
                #expect(status == "in no polygon" && row["note"]?.hasPrefix("in no polygon; nearest") == true, "\(code)")
            } else {
                #expect(status == (want.metres <= 1000 ? "near boundary" : "inside"), "\(code): \(status)")
            }
        }
        #expect(rows["P99"]?["status"] == "no coordinates")
        // P02 lies in the hole of `ring`: outside it, although inside its outer square.
        #expect(rows["P02"]?["unit"] == "" && rows["P04"]?["unit"] == "ring")
        // By hand: P03 is 0.004° of latitude south of the hole's edge at 40.15 N, 116.05–116.15 E:
        // 0.004 · π/180 · 6371008.8 = 444.8 m, plus ≈ 1.2 m because the edge is a great-circle arc
        // bulging north between its end points (mid-point ≈ 40.15001 N).
        let p03 = try #require(Double(rows["P03"]?["nearest_other_m"] ?? ""))
        #expect(p03 >= 445 && p03 <= 447)
        #expect(rows["P08"]?["note"] == "near boundary: 681 m from the edge of twin; no unit in the registry yet")
        #expect(run.stderr.contains("13 station(s), datum wgs84: 2 inside, 4 near a boundary (≤ 1000 m), 6 in no polygon, 0 in several, 1 without coordinates"), "\(run.stderr)")
    }

    @Test("GCJ-02 by the public formula: published pairs, and nothing changes outside China")
    func gcj02() {
        func check(_ wgs: (Double, Double), _ gcj: (Double, Double), within tolerance: Double) {
            let got = Datum.gcj02(GeoPoint(longitude: wgs.0, latitude: wgs.1))
            #expect(abs(got.longitude - gcj.0) <= tolerance && abs(got.latitude - gcj.1) <= tolerance, "\(wgs) → \(got) vs \(gcj)")
        }
        // wandergis/coordtransform test/app.js (same constants, a = 6378245): wgs84togcj02(116.404, 39.915).
        check((116.404, 39.915), (116.41024449916938, 39.91640428150164), within: 1e-9)
        // googollee/eviltransform tests (Shanghai, Shenzhen, Beijing; they use a = 6378137, ≈ 1e-7° apart).
        check((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597), within: 2e-6)
        check((113.912316, 22.543847), (113.9171764808363, 22.540796131694766), within: 2e-6)
        check((116.377817, 39.911954), (116.38404722455657, 39.91334545536069), within: 2e-6)
        // An R package's test quoting AMap's own conversion API for (116.39089, 39.90734): (116.39713623, 39.90874539);
        // the formula agrees to half a metre.
        check((116.39089, 39.90734), (116.39713623, 39.90874539), within: 1e-5)
        #expect(Datum.gcj02(GeoPoint(longitude: 0, latitude: 0)) == GeoPoint(longitude: 0, latitude: 0))
        #expect(Datum.wgs84.fromWGS84(GeoPoint(longitude: 116.4, latitude: 39.9)) == GeoPoint(longitude: 116.4, latitude: 39.9))
        // The shift in Beijing is about 550 m.
        let shift = GreatCircle.distance(GeoPoint(longitude: 116.404, latitude: 39.915), Datum.gcj02(GeoPoint(longitude: 116.404, latitude: 39.915)))
        #expect(shift > 500 && shift < 650)
    }

    @Test("Beijing's 12 national stations of 2019 against Beijing's district polygons (GCJ-02) reproduce stations/beijing.csv or are flagged")
    func beijing() throws {
        let out = TestPaths.temporaryDirectory("haze-assign-beijing") + "/review.csv"
        let before = try FileManager.default.contentsOfDirectory(atPath: TestPaths.stations).sorted()
        let run = InProcess(["stations", "assign", "--stations", TestPaths.stations, "--boundaries", Self.boundaries + "/beijing-districts.geojson",
                             "--property", "name", "--datum", "gcj02", "--layer", "district", "--city", "北京", "--on", "2019-01-01", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("# Datum: the boundaries are GCJ-02; station WGS-84 coordinates were converted by the public GCJ-02 formula"))
        let rows = Self.review(text)
        // stations/beijing.csv read directly, not through the registry.
        let table = try String(contentsOfFile: TestPaths.stations + "/beijing.csv", encoding: .utf8)
        var districts: [String: String] = [:]
        for line in table.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("code") {
            let f = line.split(separator: ",").map(String.init)
            districts[f[0]] = f[3]
        }
        #expect(districts.count == 12 && Set(rows.keys) == Set(districts.keys))
        for (code, district) in districts {
            let row = try #require(rows[code])
            #expect(row["unit"] == district || row["status"] == "near boundary", "\(code): \(row["unit"] ?? "") vs \(district), \(row["status"] ?? "")")
            #expect(row["registry_unit"] == district)
        }
        // With the corrected coordinates all 12 agree; 1003A 东四 is 0.93 km from 朝阳区 and flagged.
        #expect(rows.values.allSatisfy { $0["unit"] == $0["registry_unit"] })
        #expect(rows["1003A"]?["status"] == "near boundary" && rows["1003A"]?["note"] == "near boundary: 927 m from 朝阳区")
        #expect(run.stderr.contains("Nothing was assigned"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: TestPaths.stations).sorted() == before, "assign writes only its --out")
        // The same file taken as WGS-84 (the wrong datum) is said so in the output.
        let wrong = InProcess(["stations", "assign", "--stations", TestPaths.stations, "--boundaries", Self.boundaries + "/beijing-districts.geojson",
                               "--property", "name", "--layer", "district", "--city", "北京", "--on", "2019-01-01"])
        #expect(wrong.stdout.contains("# Datum: the boundaries are WGS-84") && wrong.stderr.contains("datum wgs84"))
    }

    @Test("the 2020 list's coordinates put 1001A and 1003A in a neighbour district near the boundary (flagged) and 1012A 1 km into 海淀区")
    func olderCoordinates() throws {
        // Why stations/beijing.csv carries the newer coordinates (stations/README.md).
        let registry = TestPaths.temporaryDirectory("haze-assign-2020")
        let national = try String(contentsOfFile: TestPaths.stations + "/national/2020-01-01.csv", encoding: .utf8)
        try (national.split(separator: "\n").filter { $0.hasPrefix("code,") || $0.contains(",北京,") }.joined(separator: "\n") + "\n")
            .write(toFile: registry + "/national.csv", atomically: true, encoding: .utf8)
        let run = InProcess(["stations", "assign", "--stations", registry, "--boundaries", Self.boundaries + "/beijing-districts.geojson",
                             "--property", "name", "--datum", "gcj02", "--layer", "district"])
        let rows = Self.review(run.stdout)
        #expect(rows["1001A"]?["unit"] == "丰台区" && rows["1001A"]?["status"] == "near boundary" && rows["1001A"]?["nearest_other"] == "西城区")
        #expect(rows["1003A"]?["unit"] == "朝阳区" && rows["1003A"]?["status"] == "near boundary" && rows["1003A"]?["nearest_other"] == "东城区")
        #expect(rows["1012A"]?["unit"] == "海淀区" && rows["1012A"]?["nearest_other"] == "石景山区")
    }

    @Test("overlapping polygons, non-polygon geometries, missing names and broken JSON are refused or flagged, never guessed")
    func refusals() throws {
        let dir = TestPaths.temporaryDirectory("haze-assign-bad")
        try "code,name,city,longitude,latitude\nA1,a,X,116.35,40.05\n".write(toFile: dir + "/s.csv", atomically: true, encoding: .utf8)
        func square(_ name: String, _ x: Double) -> String {
            "{\"type\":\"Feature\",\"properties\":{\"name\":\"\(name)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[\(x),40.0],[\(x + 0.1),40.0],[\(x + 0.1),40.1],[\(x),40.1],[\(x),40.0]]]}}"
        }
        let cases: [(String, String)] = [
            ("overlap.geojson", "{\"type\":\"FeatureCollection\",\"features\":[\(square("甲", 116.3)),\(square("乙", 116.3))]}"),
            ("point.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"p\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[116,40]}}]}"),
            ("noname.geojson", "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"NAME\":\"甲\"},\"geometry\":null}]}"),
            ("broken.geojson", "{\"type\":\"FeatureCollection\",\"features\":[}"),
        ]
        for (name, content) in cases { try content.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
        let overlap = InProcess(["stations", "assign", "--stations", dir, "--boundaries", dir + "/overlap.geojson", "--property", "name", "--layer", "zone"])
        let row = Self.review(overlap.stdout)["A1"]
        #expect(row?["status"] == "in several polygons" && row?["unit"] == "" && overlap.stdout.contains(",\"in several polygons: 甲, 乙\"\n"))
        let point = InProcess(["stations", "assign", "--stations", dir, "--boundaries", dir + "/point.geojson", "--property", "name", "--layer", "zone"])
        #expect(point.status == 65 && point.stderr.contains("feature 1 (p) is a Point; only Polygon and MultiPolygon bound a unit"))
        let noName = InProcess(["stations", "assign", "--stations", dir, "--boundaries", dir + "/noname.geojson", "--property", "name", "--layer", "zone"])
        #expect(noName.status == 65 && noName.stderr.contains("feature 1 has no property 'name'") && noName.stderr.contains("NAME"))
        let broken = InProcess(["stations", "assign", "--stations", dir, "--boundaries", dir + "/broken.geojson", "--property", "name", "--layer", "zone"])
        #expect(broken.status == 65 && broken.stderr.contains("not valid JSON"))
        for (arguments, message) in [(["stations", "--from", "2019-01-01"], "haze stations: --from needs --to"),
                                     (["stations", "--property", "name"], "haze stations: --property needs --boundaries"),
                                     (["stations", "assign", "--boundaries", "x.geojson", "--property", "name"], "give --boundaries FILE --property NAME --layer LAYER"),
                                     (["stations", "diff", "--boundaries", "x", "--property", "name"], "--boundaries belongs to the listing or assign"),
                                     (["stations", "merge"], "expected no argument, `diff` or `assign`")] {
            let run = InProcess(arguments + ["--stations", dir])
            #expect(run.status == 64 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        let city = InProcess(["stations", "assign", "--stations", dir, "--boundaries", dir + "/overlap.geojson", "--property", "name", "--layer", "city"])
        #expect(city.status == 64)
        let datum = InProcess(["stations", "assign", "--stations", dir, "--boundaries", dir + "/overlap.geojson", "--property", "name", "--layer", "zone", "--datum", "bd09"])
        #expect(datum.status == 64 && datum.stderr.contains("wgs84 or gcj02"))
        // A review row without a unit does not load as a membership: someone has to decide.
        try "code,layer,unit,from,to\nA1,zone,,,\n".write(toFile: dir + "/review.csv", atomically: true, encoding: .utf8)
        #expect(throws: RegistryError.self) { try StationRegistry.load(directory: dir) }
    }
}
