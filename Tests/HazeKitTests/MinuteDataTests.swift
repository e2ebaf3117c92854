import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore
@testable import HazeIngest
@testable import HazeCLI

/// Minute data in the long CSV, gathered into hours by GB 3095-2012 Table 4
/// (an hourly mean needs ≥ 45 minutes). Every expected value is worked by hand
/// in the comments.
@Suite("Ingest: minute data made into hourly means (≥ 45 minutes, GB 3095 Table 4)", .onTestThreads)
struct MinuteDataTests {
    /// Writes `rows` under a long-CSV header and ingests them into a new store.
    static func ingest(_ rows: [String]) -> (store: String, run: InProcess) {
        let dir = TestPaths.temporaryDirectory("haze-minutes")
        let file = dir + "/minutes.csv"
        _ = FileManager.default.createFile(atPath: file, contents: Data((["station,time,pollutant,value"] + rows).joined(separator: "\n").utf8))
        let store = dir + "/store"
        return (store, InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, "--format", "long-minutes", file]))
    }

    static func minutes(_ hourStart: Int, _ range: ClosedRange<Int>, _ pollutant: String = "PM2.5", value: (Int) -> String) -> [String] {
        range.map { m in
            let (h, minute) = m == 60 ? (hourStart + 1, 0) : (hourStart, m)
            return "1001A,2019-01-01T\(String(format: "%02d:%02d", h, minute))+08:00,\(pollutant),\(value(m))"
        }
    }

    func stored(_ store: String, _ pollutant: Pollutant, hourEnding: Int) throws -> Int? {
        let opened = try Store(directory: store, access: .readOnly)
        guard let series = opened.index(of: SeriesKey(station: "1001A", pollutant: pollutant)) else { return nil }
        return opened.value(series, at: LocalZone.beijing.hour(day: Day(CivilDate(year: 2019, month: 1, day: 1)!), hourOfDay: hourEnding))
    }

    @Test("45 minutes make an hour (the mean of the values as written, half to even); 44 do not, and the note counts them")
    func fortyFiveMinutes() throws {
        // Hour ending 01:00: minutes 00:01 … 00:45, alternately 35.4 and 36.6:
        // 23 × 35.4 + 22 × 36.6 = 814.2 + 805.2 = 1619.4; / 45 = 35.9867 → 36.
        // (The values rounded first, 35 and 37, would give (805 + 814) / 45 = 35.98 → 36 too,
        // so the next hour tells them apart.)
        // Hour ending 02:00: 45 minutes of 35.5 → 35.5 → 36 (even); hour ending 03:00: 36.5 → 36.
        // Hour ending 04:00: 44 minutes only → missing.
        let rows = Self.minutes(0, 1...45) { $0 % 2 == 1 ? "35.4" : "36.6" }
            + Self.minutes(1, 1...45) { _ in "35.5" }
            + Self.minutes(2, 16...60) { _ in "36.5" }
            + Self.minutes(3, 1...44) { _ in "50" }
        let (store, run) = Self.ingest(rows)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try stored(store, .pm25, hourEnding: 1) == 36)
        #expect(try stored(store, .pm25, hourEnding: 2) == 36)
        #expect(try stored(store, .pm25, hourEnding: 3) == 36)
        #expect(try stored(store, .pm25, hourEnding: 4) == nil)
        #expect(run.stderr.contains("179 minute reading(s) made 3 hourly mean(s) (≥ 45 minutes in the hour, GB 3095-2012 Table 4); 1 station-hour(s) had fewer minutes and stay missing (their 44 minute value(s) are not stored)"), "\(run.stderr)")
    }

    @Test("a minute belongs to the hour it ends in: 01:00 to the hour ending 01:00, 00:00 to the hour ending 00:00")
    func hourLabels() {
        let midnight = Day(CivilDate(year: 2019, month: 1, day: 1)!).index * 1440 - 480 // 00:00 Beijing
        #expect(MinuteHours.hour(ofMinute: midnight).index * 60 == midnight)
        #expect(MinuteHours.hour(ofMinute: midnight + 1).index * 60 == midnight + 60)
        #expect(MinuteHours.hour(ofMinute: midnight + 60).index * 60 == midnight + 60)
        #expect(MinuteHours.hour(ofMinute: midnight + 61).index * 60 == midnight + 120)
    }

    @Test("CO minutes in mg/m³ kept in tenths (45 × 1.25 → 1.25 → 1.2, even); a minute given twice and a time with seconds are refused with line and field")
    func refusals() throws {
        let rows = Self.minutes(0, 1...45, "CO") { _ in "1.25" }
            + ["1001A,2019-01-01T00:05+08:00,CO,9", "1001A,2019-01-01T00:50:30+08:00,CO,1"]
        let (store, run) = Self.ingest(rows)
        #expect(run.status != 0 || run.stderr.contains("refused"), "\(run.stderr)")
        #expect(try stored(store, .co, hourEnding: 1) == 12)
        #expect(run.stderr.contains("minutes.csv:47: field 'time'") && run.stderr.contains("is already given on line 6"), "\(run.stderr)")
        #expect(run.stderr.contains("minutes.csv:48: field 'time'") && run.stderr.contains("is not on the minute (minute data are whole minutes)"), "\(run.stderr)")
    }

    @Test("without --format long-minutes a minute time is refused, naming the format to use; long-minutes is never guessed")
    func onlyWhenAsked() throws {
        let dir = TestPaths.temporaryDirectory("haze-minutes")
        let file = dir + "/m.csv"
        _ = FileManager.default.createFile(atPath: file, contents: Data("station,time,pollutant,value\n1001A,2019-01-01T00:30+08:00,PM2.5,30\n".utf8))
        let run = InProcess(["ingest", "--store", dir + "/store", "--stations", TestPaths.stations, file])
        #expect(run.stderr.contains("m.csv:2: field 'time'") && run.stderr.contains("minute data: --format long-minutes"), "\(run.stderr)")
        #expect(IngestFormat.detect(Array("station,time,pollutant,value\n".utf8)) == .longCSV)
    }

    @Test("an archived minute file is rebuilt as minutes: the raw archive keeps its format, and the hour comes back")
    func rebuildKeepsFormat() throws {
        let dir = TestPaths.temporaryDirectory("haze-minutes")
        let file = dir + "/sensors.csv"
        let rows = Self.minutes(0, 1...50) { _ in "40" }
        _ = FileManager.default.createFile(atPath: file, contents: Data((["station,time,pollutant,value"] + rows).joined(separator: "\n").utf8))
        let store = dir + "/store"
        let ingest = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, "--format", "long-minutes", "--archive", file])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(try stored(store, .pm25, hourEnding: 1) == 40)
        let rebuild = InProcess(["rebuild", "--store", store, "--stations", TestPaths.stations, "--quiet"])
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(try stored(store, .pm25, hourEnding: 1) == 40)
    }
}
