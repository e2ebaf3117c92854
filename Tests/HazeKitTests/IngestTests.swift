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

@Suite("Ingest: bad input is refused with file, line and field; good rows are kept", .onTestThreads)
struct BadInputTests {
    let registry = SharedStore.registry

    struct Result {
        var report: SourceReport
        var store: Store
        var quarantine: String
    }

    func ingest(_ name: String, options: IngestOptions = IngestOptions()) throws -> Result {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-bad"), access: .readWrite, creating: .standard)
        let path = TestPaths.fixtures + "/bad/" + name
        let report = try Ingester(store: store, registry: registry, options: options).ingest(.file(path))
        let quarantine = report.quarantineFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        return Result(report: report, store: store, quarantine: quarantine)
    }

    func value(_ store: Store, _ station: String, _ pollutant: Pollutant, _ local: String) -> Int? {
        guard let id = store.index(of: SeriesKey(station: station, pollutant: pollutant)),
              case .success(let hour) = ISOHour.parse(local, defaultZone: .beijing) else { return nil }
        return store.value(id, at: hour)
    }

    @Test func garbageLines() throws {
        let r = try ingest("garbage-lines.csv")
        #expect(r.report.stored == 6 && r.report.quarantined == 2)
        #expect(r.report.rejections[0].message.contains("garbage-lines.csv:3: field 'row'"))
        #expect(r.report.rejections[0].reason.contains("expected date,hour,type"))
        #expect(r.quarantine.contains(",4,row,") && r.quarantine.contains("@@@@"))
        #expect(value(r.store, "1004A", .pm10, "2019-01-05T00:00") == 60)
    }

    @Test func wrongColumnCount() throws {
        let r = try ingest("wrong-columns.csv")
        #expect(r.report.stored == 3 && r.report.quarantined == 2)
        #expect(r.report.rejections.map(\.line) == [2, 3])
        #expect(r.report.rejections[0].reason == "expected 3 station fields, found 2; row quarantined")
        #expect(r.report.rejections[1].reason.contains("found 4"))
        #expect(value(r.store, "1004A", .pm25, "2019-01-05T02:00") == 32)
    }

    @Test func textInNumbers() throws {
        let r = try ingest("text-in-numbers.csv")
        #expect(r.report.stored == 3 && r.report.quarantined == 3)
        let bad = r.report.rejections.map { "\($0.line):\($0.field)=\($0.value)" }
        #expect(bad == ["2:1003A=abc", "3:1001A=4x", "3:1004A=1e3"])
        #expect(r.report.rejections.allSatisfy { $0.reason == "not a number" })
        #expect(value(r.store, "1003A", .pm10, "2019-01-05T03:00") == 53)
    }

    @Test func negativeAndOutOfRange() throws {
        let r = try ingest("negative-and-99999.csv")
        #expect(r.report.stored == 3 && r.report.quarantined == 3)
        #expect(r.report.rejections[0].reason == "negative concentration")
        #expect(r.report.rejections[1].reason.contains("99999 µg/m³ is above the 0–10000"))
        #expect(r.report.rejections[2].field == "1003A" && r.report.rejections[2].pollutant == "PM10")
        #expect(value(r.store, "1001A", .pm25, "2019-01-05T04:00") == nil)
    }

    @Test func unknownStation() throws {
        let r = try ingest("unknown-station.csv")
        #expect(r.report.stored == 2 && r.report.quarantined == 2)
        #expect(r.report.rejections.allSatisfy { $0.station == "9999Z" && $0.reason.contains("not in the station registry") })
        #expect(r.report.notes.contains { $0.contains("1 station column(s) not in the registry (9999Z)") })
        // Quarantined values can be re-ingested later: station, time, pollutant and value are all there.
        #expect(r.quarantine.contains("9999Z,2019-01-05T05:00+08:00,PM2.5,25,"))
        let skipped = try ingest("unknown-station.csv", options: IngestOptions(unknownStations: .skip))
        #expect(skipped.report.quarantined == 0 && skipped.report.unknownSkipped == 2)
        let stored = try ingest("unknown-station.csv", options: IngestOptions(unknownStations: .store))
        #expect(stored.report.stored == 4 && value(stored.store, "9999Z", .pm10, "2019-01-05T05:00") == 55)
    }

    @Test func badDatesAndHours() throws {
        let r = try ingest("bad-date.csv")
        #expect(r.report.stored == 3 && r.report.quarantined == 4)
        #expect(r.report.rejections.map(\.field) == ["date", "hour", "date", "hour"])
        #expect(r.report.rejections[0].reason == "'20190231' is not a date (YYYYMMDD)")
        #expect(r.report.rejections[1].reason == "'24' is not an hour 0–23")
    }

    @Test("a byte-order mark and CRLF line ends are read like plain UTF-8", arguments: ["bom.csv", "crlf.csv"])
    func bomAndCRLF(name: String) throws {
        let r = try ingest(name)
        #expect(r.report.stored == 6 && r.report.quarantined == 0 && r.report.format == .cnemcWide)
        #expect(r.report.quarantineFile == nil)
    }

    @Test func gbkLongCSV() throws {
        let r = try ingest("gbk-long.csv")
        #expect(r.report.stored == 2 && r.report.quarantined == 1)
        #expect(r.report.notes.contains { $0.contains("GBK/GB18030") && $0.contains("iconv") })
        #expect(r.report.rejections[0].line == 4 && r.report.rejections[0].field == "station")
    }

    @Test func emptyFile() throws {
        let r = try ingest("empty.csv")
        #expect(r.report.failure?.contains("empty.csv: the file is empty") == true)
        #expect(r.report.stored == 0)
    }

    @Test func longCSVProblems() throws {
        let r = try ingest("long-mixed.csv")
        #expect(r.report.format == .longCSV)
        // The SO2 row is one of the six pollutants now: stored.
        #expect(r.report.stored == 4 && r.report.otherRowsSkipped == 0)
        #expect(value(r.store, "1001A", .so2, "2019-01-05T10:00") == 9)
        let bad = r.report.rejections.map { "\($0.line):\($0.field)" }
        #expect(bad == ["3:time", "4:time", "6:value", "8:row", "9:station"])
        #expect(r.report.quarantined == 5)
        #expect(value(r.store, "1004A", .pm10, "2019-01-05T10:00") == 70, "70.5 rounds half to even; 02:00Z is 10:00 Beijing")
    }

    @Test("the summary counts every value in exactly one place")
    func summaryLine() throws {
        let dir = TestPaths.temporaryDirectory("haze-bad-cli")
        let run = InProcess(["ingest", "--store", dir, TestPaths.fixtures + "/bad"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("ingest: 11 source(s)"))
        #expect(run.stdout.contains("1 source(s) could not be read"))
        #expect(run.stderr.contains("empty.csv: the file is empty"))
        #expect(run.stderr.contains("refused: ") && run.stderr.contains("wrong-columns.csv:2: field 'row'"))
        // Every file with problems has its quarantine file.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/quarantine")
        #expect(files.count == 8)
    }

    @Test("a truncated day file keeps its hours and says which are missing")
    func truncatedFile() throws {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-trunc"), access: .readWrite, creating: .standard)
        let path = TestPaths.cnemcFiles.first { $0.contains("20190220") }!
        let report = try Ingester(store: store, registry: registry).ingest(.file(path))
        #expect(report.failure == nil && report.quarantined == 0)
        #expect(report.notes.contains { $0.contains("2019-02-20 PM2.5, PM10") && $0.contains(": no rows for hour(s) 7–23") && $0.contains("looks truncated") })
        let id = try #require(store.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
        // Hour labels 1–24: labels 1…6 of the 20th are its day, label 0 belongs to the 19th.
        #expect(store.daily(id, on: Day(CivilDate(year: 2019, month: 2, day: 20)!)).validHours == 6)
        #expect(store.daily(id, on: Day(CivilDate(year: 2019, month: 2, day: 19)!)).validHours == 1)
    }

    @Test("PM2.5 above PM10 in the same hour is stored and flagged")
    func pm25AbovePM10() throws {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-flag"), access: .readWrite, creating: .standard)
        let csv = "date,hour,type,1001A,1003A\n20190105,9,PM2.5,80,20\n20190105,9,PM10,60,40\n"
        let report = try Ingester(store: store, registry: registry).ingest(.payload(name: "flag.csv", bytes: Array(csv.utf8)))
        #expect(report.stored == 4 && report.flagged == 1 && report.quarantined == 0)
        let quarantine = try String(contentsOfFile: try #require(report.quarantineFile), encoding: .utf8)
        #expect(quarantine.contains("flag.csv,2,1001A,1001A,2019-01-05T09:00+08:00,PM2.5,80 > PM10 60,"))
        #expect(quarantine.hasSuffix(",kept\n"))
    }

    @Test("a station code with a NUL or another control character in a CNEMC header is a bad code: its column quarantined with file, line and column named, the rest stored — also with --unknown-stations store",
          arguments: [UnknownStationPolicy.store, .quarantine])
    func controlCharacterInStationCode(policy: UnknownStationPolicy) throws {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-nul"), access: .readWrite, creating: .standard)
        let bad: [(code: String, name: String)] = [("10\u{0}02A", "NUL, U+0000"), ("10\u{1}02B", "U+0001"), ("10\t02C", "tab, U+0009"),
                                                   ("10\u{1B}02D", "U+001B"), ("10\u{7F}02E", "DEL, U+007F"), ("10\u{85}02F", "U+0085")]
        let header = "date,hour,type,1001A," + bad.map(\.code).joined(separator: ",") + ",1003A"
        let cells = (0 ..< bad.count).map { _ in "50" }.joined(separator: ",")
        let csv = header + "\n20190105,9,PM2.5,11," + cells + ",12\n20190105,9,PM10,21," + cells + ",22\n"
        let report = try Ingester(store: store, registry: registry, options: IngestOptions(unknownStations: policy))
            .ingest(.payload(name: "nul.csv", bytes: Array(csv.utf8)))
        #expect(report.stored == 4 && report.quarantined == 2 * bad.count, "\(report.rejections)")
        #expect(store.series.map(\.station).sorted() == ["1001A", "1001A", "1003A", "1003A"], "no bad code reached the store")
        for (n, (code, name)) in bad.enumerated() {
            // As messages show it: control characters as \u{…}.
            let label = code.unicodeScalars.map { $0.properties.generalCategory == .control
                ? "\\u{\(String($0.value, radix: 16, uppercase: true))}" : String($0) }.joined()
            #expect(report.notes.contains("nul.csv:1: column \(n + 5) '\(label)': station code contains a control character (\(name)); its values are quarantined"),
                    "\(report.notes)")
        }
        let rejection = try #require(report.rejections.first)
        #expect(rejection.field == "10\\u{0}02A" && rejection.line == 2, "\(rejection)")
        #expect(rejection.reason == "station code contains a control character (NUL, U+0000) (column 5 of the header); column quarantined")
        #expect(!rejection.reason.contains("longer than"))
        let quarantinePath = try #require(report.quarantineFile)
        let quarantine = try #require(FileManager.default.contents(atPath: quarantinePath))
        #expect(!quarantine.contains(0) && !quarantine.contains(0x1B), "control characters are never written raw into the quarantine")
        // The store itself names the problem, should a caller hand it such a code.
        #expect {
            _ = try store.resolve([SeriesKey(station: "A\u{0}", pollutant: .pm25)])
        } throws: { error in
            "\(error)" == "'A\\u{0}': station code contains a control character (NUL, U+0000); no series was added"
        }
        // A long CSV's station cell too.
        let long = "station,time,pollutant,value\n10\u{0}01A,2019-01-05T09:00+08:00,PM2.5,5\n1001A,2019-01-05T10:00+08:00,PM2.5,6\n"
        let longReport = try Ingester(store: store, registry: registry, options: IngestOptions(unknownStations: policy))
            .ingest(.payload(name: "nul-long.csv", bytes: Array(long.utf8)))
        #expect(longReport.stored == 1 && longReport.quarantined == 1)
        #expect(longReport.rejections.first?.reason == "station code contains a control character (NUL, U+0000)")
    }

    @Test("PM2.5 above PM10 is flagged for every hour read, also hours the same write stores and then moves out of the hourly window",
          arguments: [false, true])
    func pm25AbovePM10PushedOut(reversed: Bool) throws {
        // A ring of 48 hours and a file of four days: the write moves the window past the first two.
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-flag-window"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 48, dailyCapacity: 8))
        var lines: [String] = []
        for day in 5 ... 8 {
            for hour in 0 ..< 24 {
                let time = String(format: "2019-01-%02dT%02d:00+08:00", day, hour)
                let (pm25, pm10) = (day, hour) == (5, 3) || (day, hour) == (8, 5) ? (80, 60) : (20, 40)
                lines.append("1001A,\(time),PM2.5,\(pm25)")
                lines.append("1001A,\(time),PM10,\(pm10)")
            }
        }
        if reversed { lines.reverse() }  // out of hour order: the write sorts them
        let csv = "station,time,pollutant,value\n" + lines.joined(separator: "\n") + "\n"
        let report = try Ingester(store: store, registry: registry).ingest(.payload(name: "window.csv", bytes: Array(csv.utf8)))
        #expect(report.stored == 192 && report.quarantined == 0, "\(report.notes)")
        #expect(store.value(0, at: LocalZone.beijing.hour(day: Day(CivilDate(year: 2019, month: 1, day: 5)!), hourOfDay: 3)) == nil,
                "the first hours left the ring in the same write")
        #expect(report.flagged == 2)
        let quarantine = try String(contentsOfFile: try #require(report.quarantineFile), encoding: .utf8)
        #expect(quarantine.contains("2019-01-05T03:00+08:00,PM2.5,80 > PM10 60,"), "\(quarantine)")
        #expect(quarantine.contains("2019-01-08T05:00+08:00,PM2.5,80 > PM10 60,"), "\(quarantine)")
    }

    @Test("readings dated in the future are refused (they would push real data out)")
    func futureReadings() throws {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-future"), access: .readWrite, creating: .standard)
        let csv = "station,time,pollutant,value\n1001A,2099-01-01T00:00+08:00,PM2.5,5\n1001A,2019-01-01T00:00+08:00,PM2.5,5\n"
        let report = try Ingester(store: store, registry: registry).ingest(.payload(name: "f.csv", bytes: Array(csv.utf8)))
        #expect(report.stored == 1 && report.quarantined == 1)
        #expect(report.rejections[0].reason.contains("in the future"))
    }

    @Test("gzip input is read transparently; a corrupt one is reported")
    func gzip() throws {
        let text = Array("station,time,pollutant,value\n1001A,2019-01-01T00:00+08:00,PM10,12\n".utf8)
        let compressed = try Gzip.compress(text)
        #expect(try Gzip.decompress(compressed) == text)
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-gz"), access: .readWrite, creating: .standard)
        let ingester = Ingester(store: store, registry: registry)
        #expect(try ingester.ingest(.payload(name: "a.csv.gz", bytes: compressed)).stored == 1)
        let broken = Array(compressed.prefix(compressed.count - 12))
        #expect(try ingester.ingest(.payload(name: "b.csv.gz", bytes: broken)).failure?.contains("truncated") == true)
    }
}
