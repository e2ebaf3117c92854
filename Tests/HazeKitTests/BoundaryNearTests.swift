import Foundation
import Testing
@testable import HazeModel
@testable import HazeCLI

/// `haze stations assign --near METRES` over the hand-made fixture
/// (Tests/Fixtures/boundaries/hand-made.geojson, plain lon/lat): a station
/// inside a polygon is flagged "near boundary" when its distance to the
/// nearest boundary is at most METRES, and "inside" beyond.
///
/// Distances by hand (R = 6371008.8 m, 1° = π/180·R = 111195.08 m):
/// - P12 (116.350, 40.003) in twin, south edge at 40.0: 0.003° = 333.6 m, less 1.2 m because the
///   edge is a great-circle arc between (116.3, 40.0) and (116.4, 40.0) whose middle bulges north
///   (tan φm = tan 40° / cos 0.05° → +1.19 m) → 332.4 m.
/// - P04 (116.100, 40.155) in ring, the hole's north edge at 40.15: 0.005° = 556.0 m − 1.2 m → 554.8 m.
/// - P08 (116.592, 40.050) in twin, the east edge (a meridian) at 116.6: 0.008° · cos 40.05° → 680.9 m.
/// - P11 (116.045, 40.045) in ring, nearest the hole's corner (116.05, 40.05):
///   √(425.6² + 556.0²) (0.005° · cos 40.045°, 0.005°) → 700.2 m.
/// - P01 (116.025, 40.100) in ring, the outer west edge and the hole's west edge both 0.025° · cos 40.1° → 2126.4 m.
/// - P07 (116.350, 40.050) in twin's west square, its east and west edges 0.05° · cos 40.05° → 4255.9 m.
@Suite("Boundary assignment: --near METRES flags stations within METRES of a boundary and not beyond", .onTestThreads)
struct BoundaryNearTests {
    /// Hand-computed distance of each station inside a polygon (above).
    static let inside: [String: Double] = ["P12": 332.4, "P04": 554.8, "P08": 680.9, "P11": 700.2, "P01": 2126.4, "P07": 4255.9]

    /// The fixture's points as a station table (no datum conversion: the fixture is plain lon/lat).
    static let registry: String = {
        let directory = TestPaths.temporaryDirectory("haze-near-points")
        let points = (try? String(contentsOfFile: TestPaths.fixtures + "/boundaries/hand-made-points.csv", encoding: .utf8)) ?? ""
        var table = "code,name,city,longitude,latitude\n"
        for line in points.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            table += "\(f[0]),point \(f[0]),X,\(f[1]),\(f[2])\n"
        }
        try? table.write(toFile: directory + "/points.csv", atomically: true, encoding: .utf8)
        return directory
    }()

    @Test("each threshold flags exactly the stations at most that far from a boundary", arguments: [300, 333, 400, 554, 555, 600, 690, 700, 701, 2200, 5000])
    func threshold(metres: Int) throws {
        let run = InProcess(["stations", "assign", "--stations", Self.registry, "--boundaries", TestPaths.fixtures + "/boundaries/hand-made.geojson",
                             "--property", "name", "--layer", "test", "--near", String(metres)])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = BoundaryAssignmentTests.review(run.stdout)
        #expect(rows.count == 12)
        var near = 0
        for (code, distance) in Self.inside {
            let status = rows[code]?["status"] ?? ""
            let expected = distance <= Double(metres) ? "near boundary" : "inside"
            #expect(status == expected, "\(code) at \(distance) m with --near \(metres): \(status)")
            if expected == "near boundary" {
                near += 1
                #expect(rows[code]?["note"]?.hasPrefix("near boundary: \(Int(distance.rounded())) m") == true, "\(code): \(rows[code]?["note"] ?? "")")
            }
        }
        // Points in no polygon stay "in no polygon" whatever the margin.
        for code in ["P02", "P03", "P05", "P06", "P09", "P10"] {
            #expect(rows[code]?["status"] == "in no polygon", "\(code) with --near \(metres)")
        }
        #expect(run.stderr.contains("\(6 - near) inside, \(near) near a boundary (≤ \(metres) m), 6 in no polygon"), "\(run.stderr)")
    }

    @Test("--near outside 1…100000 metres, or not a whole number, is refused before anything is read", arguments: ["0", "100001", "-5", "12.5", "abc"])
    func refused(value: String) {
        let run = InProcess(["stations", "assign", "--stations", Self.registry, "--boundaries", TestPaths.fixtures + "/boundaries/hand-made.geojson",
                             "--property", "name", "--layer", "test", "--near", value])
        #expect(run.status == 64, "\(value): \(run.status) \(run.stderr)")
        #expect(run.stderr.contains("--near") && run.stdout.isEmpty, "\(run.stderr)")
    }
}
