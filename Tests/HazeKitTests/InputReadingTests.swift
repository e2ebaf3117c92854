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

/// Input is read whole and as meant, or refused and counted: never silently
/// misread or dropped. (Issue 11, group 6.)
@Suite("Input: read whole, read as meant, or refused and counted", .onTestThreads, .serialized)
struct InputReadingTests {
    let registry = SharedStore.registry

    static func value(_ store: Store, _ station: String, _ pollutant: Pollutant, utc: String) -> Int? {
        guard let id = store.index(of: SeriesKey(station: station, pollutant: pollutant)),
              case .success(let hour) = ISOHour.parse(utc, defaultZone: .utc) else { return nil }
        return store.value(id, at: hour)
    }

    @Test("CNEMC hours are Beijing time whatever zone the store counts days in: 2019-01-01 hour 0 is 2018-12-31T16:00Z")
    func cnemcIsBeijingTime() throws {
        let directory = TestPaths.temporaryDirectory("haze-input-utc")
        #expect(InProcess(["init", "--store", directory, "--utc-offset", "0"]).status == 0)
        let file = TestPaths.temporaryDirectory("haze-input-utc-file") + "/china_sites_20190101.csv"
        try "date,hour,type,1001A\n20190101,0,PM2.5,41\n20190101,0,PM10,77\n20190101,23,PM2.5,12\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = InProcess(["ingest", "--quiet", "--store", directory, "--stations", TestPaths.stations, file])
        #expect(run.status == 0 && run.stdout.contains("stored 3"), "\(run.stdout) \(run.stderr)")
        let store = try Store(directory: directory, access: .readOnly)
        #expect(Self.value(store, "1001A", .pm25, utc: "2018-12-31T16:00Z") == 41)
        #expect(Self.value(store, "1001A", .pm10, utc: "2018-12-31T16:00Z") == 77)
        #expect(Self.value(store, "1001A", .pm25, utc: "2019-01-01T15:00Z") == 12)
        #expect(Self.value(store, "1001A", .pm25, utc: "2019-01-01T00:00Z") == nil)
    }

    @Test("pollutant spellings: PM₂.₅, PM2,5, full-width forms are understood; PM1.0 is not PM10")
    func spellings() throws {
        for name in ["PM2.5", "pm2.5", "pm25", "PM2_5", "PM 2.5", "PM₂.₅", "PM2,5", "ＰＭ２．５", "ｐｍ２．５", "PM2.50"] {
            #expect(Pollutant(name: name) == .pm25, "\(name)")
        }
        for name in ["PM10", "pm10", "PM10.0", "ＰＭ１０", "PM₁₀", "pm_10", "PM-10"] { #expect(Pollutant(name: name) == .pm10, "\(name)") }
        for name in ["PM1.0", "PM1", "PM2.5_24h", "PM10_24h", "AQI", "SO2_24h", "O3_8h", "PM", "", "PM2.5μ", "pm4"] {
            #expect(Pollutant(name: name) == nil, "\(name)")
        }
    }

    @Test("every row is stored, refused or counted: unrecognised spellings are quarantined, other pollutants and empty values counted")
    func skippedRowsAreCounted() throws {
        let store = TestPaths.temporaryDirectory("haze-input-spell")
        let file = TestPaths.temporaryDirectory("haze-input-spell-file") + "/long.csv"
        try """
        station,time,pollutant,value
        1001A,2019-01-05T01:00+08:00,PM₂.₅,11
        1001A,2019-01-05T02:00+08:00,"PM2,5",12
        1001A,2019-01-05T03:00+08:00,ＰＭ２．５,13
        1001A,2019-01-05T04:00+08:00,ＰＭ１０,14
        1001A,2019-01-05T05:00+08:00,PM2.5μ,15
        1001A,2019-01-05T06:00+08:00,SO2_24h,16
        1001A,2019-01-05T07:00+08:00,PM1.0,17
        1001A,2019-01-05T08:00+08:00,PM2.5,

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let run = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, file])
        #expect(run.status == 0)
        #expect(run.stdout.contains("stored 4") && run.stdout.contains("quarantined 1"), "\(run.stdout)")
        #expect(run.stdout.contains("not stored: 2 row(s) of values CNEMC derives or other measurements (AQI, PM2.5_24h, O3_8h …), 1 row(s) without a value"), "\(run.stdout)")
        #expect(run.stderr.contains("unrecognised pollutant 'PM2.5μ'"), "\(run.stderr)")
        let opened = try Store(directory: store, access: .readOnly)
        #expect(Self.value(opened, "1001A", .pm25, utc: "2019-01-04T17:00Z") == 11)
        #expect(Self.value(opened, "1001A", .pm25, utc: "2019-01-04T18:00Z") == 12)
        #expect(Self.value(opened, "1001A", .pm25, utc: "2019-01-04T19:00Z") == 13)
        #expect(Self.value(opened, "1001A", .pm10, utc: "2019-01-04T20:00Z") == 14)
        #expect(Self.value(opened, "1001A", .pm10, utc: "2019-01-04T23:00Z") == nil, "PM1.0 is not stored as PM10")
        let log = try String(contentsOfFile: store + "/ingest.log", encoding: .utf8)
        #expect(log.contains("\"skipped_other_pollutants\":2") && log.contains("\"skipped_without_value\":1"))
        // The wide format: a re-exported type spelling is read, an unknown one refused by row.
        let wide = TestPaths.temporaryDirectory("haze-input-spell-wide") + "/w.csv"
        try "date,hour,type,1001A\n20190106,0,PM₂.₅,21\n20190106,0,AQI,50\n20190106,0,PM2.5μ,22\n".write(toFile: wide, atomically: true, encoding: .utf8)
        let wideRun = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, wide])
        #expect(wideRun.stdout.contains("stored 1") && wideRun.stdout.contains("quarantined 1") && wideRun.stdout.contains("1 row(s) of values CNEMC derives"), "\(wideRun.stdout)")
        #expect(wideRun.stderr.contains("unrecognised type 'PM2.5μ'"), "\(wideRun.stderr)")
    }

    /// `text` with every LF made CR LF.
    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        for b in bytes {
            if b == 0x0A { out.append(0x0D) }
            out.append(b)
        }
        return out
    }

    /// The wide parser's batch, on its fast rows and cell by cell, as one comparable text.
    static func wideBatch(_ bytes: [UInt8], fastRows: Bool) -> String {
        let context = ParseContext(source: "f.csv", zone: .beijing, latestHour: Hour.now, registry: SharedStore.registry,
                                   unknownStations: .quarantine)
        let batch = CNEMCWideParser(fastRows: fastRows).parse(bytes, context: context)
        return "\(batch.readings) \(batch.keys) \(batch.valuesRead) \(batch.linesRead) \(batch.rejections) \(batch.notes) \(batch.hoursPerDate)"
    }

    @Test("CNEMC wide files read the same with LF and CR LF line ends: a trailing empty field (`PM2.5,`) counts as a field both ways",
          arguments: [
              "date,hour,type,1001A\n20190101,0,PM2.5,\n20190101,0,PM10,5\n",
              "date,hour,type,1001A,1003A,\n20190101,1,PM2.5,5,6,\n20190101,1,PM10,7,8,\n",
              "date,hour,type,1001A\n20190101,2,PM2.5\n20190101,2,PM10,9\n",
              "date,hour,type,1001A\n20190101,3,PM10,4\n20190101,3,PM2.5,",
              "date,hour,type,1001A\n20190101,3,PM10,4\n20190101,3,PM2.5",
          ])
    func lineEndsReadTheSame(text: String) {
        let lf = Array(text.utf8)
        for fastRows in [true, false] {
            #expect(Self.wideBatch(lf, fastRows: fastRows) == Self.wideBatch(Self.crlf(lf), fastRows: fastRows), "fast rows: \(fastRows)")
        }
        // One station column: `PM2.5,` is its (empty) cell; `PM2.5` alone has none and is quarantined.
        let batch = CNEMCWideParser().parse(lf, context: ParseContext(source: "f.csv", zone: .beijing, latestHour: Hour.now,
                                                                      registry: SharedStore.registry, unknownStations: .quarantine))
        let rowsRefused = batch.rejections.filter { $0.field == "row" }.count
        #expect(rowsRefused == (text.contains("PM2.5\n") || text.hasSuffix("PM2.5") ? 1 : 0), "\(batch.rejections)")
    }

    @Test("a real day file reads the same with LF and with CR LF line ends")
    func realDayFileLineEnds() throws {
        let original = try IngestSource.file(try #require(TestPaths.cnemcFiles.first)).load().bytes
        let lf = original.filter { $0 != 0x0D }
        #expect(lf.count < original.count || !original.contains(0x0D))
        #expect(Self.wideBatch(lf, fastRows: true) == Self.wideBatch(Self.crlf(lf), fastRows: true))
    }

    /// `bytes` with its line ends (LF or CR LF) made CR alone, as classic Mac OS wrote text.
    static func crOnly(_ bytes: [UInt8]) -> [UInt8] {
        bytes.filter { $0 != 0x0D }.map { $0 == 0x0A ? 0x0D : $0 }
    }

    @Test("lines ending with CR alone (classic Mac OS) are read as lines in every text format, with a note; never one header line and nothing stored")
    func crOnlyLineEnds() throws {
        // A real day file: the same batch as with LF.
        let day = try IngestSource.file(try #require(TestPaths.cnemcFiles.first)).load().bytes.filter { $0 != 0x0D }
        #expect(Self.wideBatch(Self.crOnly(day), fastRows: true) == Self.wideBatch(day, fastRows: true))
        #expect(Self.wideBatch(Self.crOnly(day), fastRows: false) == Self.wideBatch(day, fastRows: false))
        // Each format through the ingest, detected: what its LF text stores, and a note saying why.
        let long = "station,time,pollutant,value\n1001A,2019-01-05T09:00+08:00,PM2.5,5\n1001A,2019-01-05T10:00+08:00,PM10,6\n"
        let hourly = try String(contentsOfFile: TestPaths.fixtures + "/cnemc-hourly/mixed.csv", encoding: .utf8)
        for (name, text) in [("day.csv", String(decoding: day, as: UTF8.self)), ("long.csv", long), ("hourly.csv", hourly)] {
            var stored: [Int] = []
            for bytes in [Array(text.utf8), Self.crOnly(Array(text.utf8))] {
                let store = try Store(directory: TestPaths.temporaryDirectory("haze-cr"), access: .readWrite, creating: .standard)
                let options = IngestOptions(unknownStations: .store, latestHour: Hour(500_000))
                let report = try Ingester(store: store, registry: registry, options: options).ingest(.payload(name: name, bytes: bytes))
                #expect(report.failure == nil, "\(name): \(report.failure ?? "")")
                stored.append(report.stored)
                let noted = report.notes.contains("\(name): its lines end with CR alone (classic Mac OS: no LF in the file); each CR was read as a line break")
                #expect(noted == (bytes.contains(0x0D) && !bytes.contains(0x0A)), "\(name): \(report.notes)")
            }
            #expect(stored[0] > 0 && stored[1] == stored[0], "\(name): \(stored)")
        }
        // A station list.
        let list = try String(contentsOfFile: TestPaths.fixtures + "/registry/bom-crlf/zhoukou.csv", encoding: .utf8)
        let directory = TestPaths.temporaryDirectory("haze-cr-registry")
        #expect(FileManager.default.createFile(atPath: directory + "/zhoukou.csv", contents: Data(Self.crOnly(Array(list.utf8)))))
        let stations = try StationRegistry.load(directory: directory, cache: nil)
        #expect(stations.stations.map(\.code) == ["2067A", "2068A", "2069A", "2070A"])
    }

    @Test("a FIFO, <(cat f) and /dev/stdin are read to their end")
    func streams() async throws {
        let directory = TestPaths.temporaryDirectory("haze-input-stream")
        let csv = "station,time,pollutant,value\n1001A,2019-01-05T10:00+08:00,PM2.5,20\n1001A,2019-01-05T11:00+08:00,PM2.5,30\n"
        try csv.write(toFile: directory + "/in.csv", atomically: true, encoding: .utf8)
        let haze = "'\(TestPaths.haze)' ingest --stations '\(TestPaths.stations)'"
        let commands = [
            "fifo": "mkfifo '\(directory)/p' && (cat '\(directory)/in.csv' > '\(directory)/p' &) && \(haze) --store '\(directory)/s1' '\(directory)/p'",
            "process substitution": "\(haze) --store '\(directory)/s2' <(cat '\(directory)/in.csv')",
            "/dev/stdin": "\(haze) --store '\(directory)/s3' /dev/stdin < '\(directory)/in.csv'",
            "stdin gzip": "gzip -c '\(directory)/in.csv' | \(haze) --store '\(directory)/s4' -",
        ]
        for (label, command) in commands.sorted(by: { $0.key < $1.key }) {
            let run = try await Processes.run("/bin/bash", ["-c", command])
            #expect(run.status == 0 && run.stdout.contains("stored 2"), "\(label): \(run.stdout) \(run.stderr)")
        }
    }

    /// A gzip bomb: `members` copies of one gzip member of 1 MiB of zeros (about 1 KiB each).
    static func bomb(mebibytes members: Int) throws -> [UInt8] {
        let member = try Gzip.compress([UInt8](repeating: 0, count: 1 << 20), level: 9)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(member.count * members)
        for _ in 0..<members { bytes += member }
        return bytes
    }

    @Test("a gzip bomb (1 GiB of zeros in about 1 MB) is refused at the limit, in bounded memory")
    func gzipBomb() async throws {
        let directory = TestPaths.temporaryDirectory("haze-input-bomb")
        let bomb = try Self.bomb(mebibytes: 1024)
        #expect(bomb.count < 2_000_000)
        try Data(bomb).write(to: URL(fileURLWithPath: directory + "/bomb.csv.gz"))
        #expect(throws: Gzip.Failure.tooLarge(limit: 8 << 20)) { try Gzip.decompress(bomb, limit: 8 << 20) }
        // Through the binary, with its peak memory measured by a parent that has no other child.
        let script = "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            + "print(r.returncode); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.stdout.write(r.stdout + r.stderr)"
        let run = try await Processes.run("/usr/bin/env", ["python3", "-c", script, TestPaths.haze, "ingest", "--max-size", "16",
                                                   "--store", directory + "/store", "--stations", TestPaths.stations, directory + "/bomb.csv.gz"])
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "65", "nothing could be read: \(run.stdout)")
        let peakKiB = Int(lines.dropFirst().first ?? "") ?? .max
        #expect(peakKiB < 200 * 1024, "peak RSS \(peakKiB) KiB")
        #expect(run.stdout.contains("bomb.csv.gz: decompresses to more than 16 MiB, the limit for one input"), "\(run.stdout)")
        // A plain input over the limit, from a pipe: refused too.
        let piped = try await Processes.run("/bin/bash", ["-c", "head -c 3000000 /dev/zero | '\(TestPaths.haze)' ingest --max-size 1 --store '\(directory)/store' --stations '\(TestPaths.stations)' -"])
        #expect(piped.status == 65 && piped.stderr.contains("stdin: is more than 1 MiB"), "\(piped.stderr)")
    }

    @Test("a response with Content-Encoding: gzip is decoded and stored, not called truncated")
    func contentEncoding() throws {
        let root = TestPaths.temporaryDirectory("haze-input-encoding")
        let file = try #require(TestPaths.cnemcFiles.first { $0.contains("20190110") })
        // A .csv.gz served with Content-Encoding: gzip on top (the decoded body is smaller than the Content-Length).
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        if !Gzip.isGzip(bytes) { bytes = try Gzip.compress(bytes) }
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/china_sites_20190110.csv.gz"))
        let server = try LoopbackServer(serving: root)
        try server.setMode("gzip-encoding")
        let config = TestPaths.temporaryDirectory("haze-input-encoding-config") + "/haze.json"
        try """
        {"sources":[{"id":"cnemc","url":"\(server.base)/china_sites_{yyyyMMdd}.csv.gz","format":"cnemc-wide","start":"2019-01-10","deadline_seconds":30}]}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = SharedStore.emptyStore("haze-input-encoding-store")
        let run = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-10"])
        #expect(run.status == 0 && run.stdout.contains("1 fetched, 1 complete"), "\(run.stdout) \(run.stderr)")
        #expect(!run.stderr.contains("truncated") && server.requests.count == 1, "one request, no retry")
        let clean = SharedStore.emptyStore("haze-input-encoding-clean")
        _ = InProcess(["ingest", "--quiet", "--store", clean, "--stations", TestPaths.stations, file])
        #expect(try RingBytes(store) == RingBytes(clean))
    }

    @Test("the library call: a pull run returns its report")
    func pullRunLibraryCall() throws {
        let root = TestPaths.temporaryDirectory("haze-input-pullrun")
        let file = try #require(TestPaths.cnemcFiles.first { $0.contains("20190110") })
        try FileManager.default.copyItem(atPath: file, toPath: root + "/day")
        let server = try LoopbackServer(serving: root)
        let config = TestPaths.temporaryDirectory("haze-input-pullrun-config") + "/haze.json"
        try """
        {"sources":[{"id":"cnemc","url":"\(server.base)/day","format":"cnemc-wide","start":"2019-01-10","deadline_seconds":30}]}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-input-pullrun-store"), access: .readWrite, creating: .standard)
        let run = PullRun(configuration: try PullConfiguration.load(path: config), store: store, registry: registry, environment: [:])
        let report = try run.run(until: CivilDate(year: 2019, month: 1, day: 10))
        #expect(report.sources.count == 1 && !report.anyFailed)
        #expect(report.sources[0].complete == [CivilDate(year: 2019, month: 1, day: 10)!])
        #expect(throws: PullError.self) { try run.run(source: "nope") }
    }
}
