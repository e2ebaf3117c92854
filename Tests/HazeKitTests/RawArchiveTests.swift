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

/// The raw archive keeps every payload under an identity taken from what it
/// is, never from a base name, so `haze rebuild` loses nothing; quarantine
/// files are told apart the same way. (Issue 11, group 3.)
@Suite("Raw archive: every payload kept under its own identity", .onTestThreads, .serialized)
struct RawArchiveTests {
    static func rings(_ store: String) throws -> RingBytes { try RingBytes(store) }

    static func day(_ d: Int) -> String {
        let file = TestPaths.cnemcFiles.first { $0.contains(String(format: "201901%02d", d)) }
        return file ?? ""
    }

    /// The content of a day file, decompressed.
    static func content(_ path: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        return Gzip.isGzip(bytes) ? try Gzip.decompress(bytes) : bytes
    }

    static func rebuild(_ store: String) -> InProcess {
        InProcess(["rebuild", "--store", store, "--stations", TestPaths.stations, "--quiet"])
    }

    @Test("a source whose URL ends the same every day (…/{yyyyMMdd}/export) keeps every day; rebuild gives the pulled store back")
    func sameLastSegmentEveryDay() throws {
        let root = TestPaths.temporaryDirectory("haze-raw-export")
        for d in 10...12 {
            try FileManager.default.createDirectory(atPath: root + "/201901\(d)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.day(d), toPath: root + "/201901\(d)/export")
        }
        let server = try LoopbackServer(serving: root)
        let config = TestPaths.temporaryDirectory("haze-raw-export-config") + "/haze.json"
        try """
        {"sources":[{"id":"cnemc","url":"\(server.base)/{yyyyMMdd}/export","format":"cnemc-wide","start":"2019-01-10","deadline_seconds":30}]}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = SharedStore.emptyStore("haze-raw-export-store")
        let pull = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-12"])
        #expect(pull.status == 0, "\(pull.stderr)")
        #expect(pull.stdout.contains("3 fetched, 3 complete"), "\(pull.stdout)")
        let pulled = try Self.rings(store)
        let rebuild = Self.rebuild(store)
        #expect(rebuild.status == 0 && rebuild.stdout.contains("3 raw payload(s)"), "\(rebuild.stdout) \(rebuild.stderr)")
        #expect(try Self.rings(store) == pulled, "the rebuilt rings equal the pulled ones: no day was lost")
        // The archive lists each day with what it is.
        let listed = RawArchive(storeDirectory: store).payloads()
        #expect(listed.compactMap(\.payload?.date?.description) == ["2019-01-10", "2019-01-11", "2019-01-12"])
        #expect(listed.allSatisfy { $0.payload?.kind == .day && $0.payload?.source == "cnemc" && $0.payload?.format == .cnemcWide })
        #expect(listed.map(\.sequence) == [1, 2, 3])
        // Fetching the days again replaces their payloads in place: same files, same order.
        try FileManager.default.removeItem(atPath: store + "/pull/cnemc.json")
        let again = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-12"])
        #expect(again.stdout.contains("3 fetched"), "\(again.stdout)")
        #expect(RawArchive(storeDirectory: store).payloads().map(\.path) == listed.map(\.path))
    }

    @Test("ingest --archive of d1/today.csv and d2/today.csv keeps both; rebuild gives the ingested store back")
    func sameBaseNameInTwoFolders() throws {
        let input = TestPaths.temporaryDirectory("haze-raw-basename")
        for (folder, d) in [("d1", 10), ("d2", 11)] {
            try FileManager.default.createDirectory(atPath: input + "/" + folder, withIntermediateDirectories: true)
            try Data(try Self.content(Self.day(d))).write(to: URL(fileURLWithPath: input + "/\(folder)/today.csv"))
        }
        let store = SharedStore.emptyStore("haze-raw-basename-store")
        let run = InProcess(["ingest", "--quiet", "--archive", "--store", store, "--stations", TestPaths.stations,
                             input + "/d1/today.csv", input + "/d2/today.csv"])
        #expect(run.status == 0, "\(run.stderr)")
        let ingested = try Self.rings(store)
        let rebuild = Self.rebuild(store)
        #expect(rebuild.status == 0 && rebuild.stdout.contains("2 raw payload(s)"), "\(rebuild.stdout) \(rebuild.stderr)")
        #expect(try Self.rings(store) == ingested)
        // Archiving the same file again stores nothing new.
        _ = InProcess(["ingest", "--quiet", "--archive", "--store", store, "--stations", TestPaths.stations, input + "/d1/today.csv"])
        let listed = RawArchive(storeDirectory: store).payloads()
        #expect(listed.count == 2 && listed.allSatisfy { $0.payload?.kind == .file && $0.payload?.name == "today.csv" })
    }

    @Test("ingest --archive - archives standard input")
    func standardInputIsArchived() async throws {
        let input = TestPaths.temporaryDirectory("haze-raw-stdin") + "/day.csv"
        try Data(try Self.content(Self.day(10))).write(to: URL(fileURLWithPath: input))
        let store = SharedStore.emptyStore("haze-raw-stdin-store")
        let run = try await Processes.run("/bin/sh", ["-c", "'\(TestPaths.haze)' ingest --quiet --archive --store '\(store)' --stations '\(TestPaths.stations)' - < '\(input)'"])
        #expect(run.status == 0, "\(run.stderr)")
        let ingested = try Self.rings(store)
        let rebuild = Self.rebuild(store)
        #expect(rebuild.status == 0 && rebuild.stdout.contains("1 raw payload(s)"), "\(rebuild.stdout) \(rebuild.stderr)")
        #expect(try Self.rings(store) == ingested)
        #expect(RawArchive(storeDirectory: store).payloads().first?.payload?.name == "stdin")
    }

    @Test("d1/x.csv and d2/x.csv have their own quarantine files: a clean d2/x.csv leaves d1's alone")
    func quarantinePerSource() throws {
        let input = TestPaths.temporaryDirectory("haze-raw-quarantine")
        for folder in ["d1", "d2"] { try FileManager.default.createDirectory(atPath: input + "/" + folder, withIntermediateDirectories: true) }
        try "station,time,pollutant,value\n1001A,2019-01-05T10:00+08:00,PM2.5,abc\n1001A,2019-01-05T11:00+08:00,PM2.5,30\n"
            .write(toFile: input + "/d1/x.csv", atomically: true, encoding: .utf8)
        try "station,time,pollutant,value\n1003A,2019-01-05T10:00+08:00,PM2.5,20\n"
            .write(toFile: input + "/d2/x.csv", atomically: true, encoding: .utf8)
        let store = SharedStore.emptyStore("haze-raw-quarantine-store")
        let first = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, input + "/d1/x.csv"])
        #expect(first.status == 0 && first.stdout.contains("quarantined 1"))
        let files = { (try? FileManager.default.contentsOfDirectory(atPath: store + "/quarantine")) ?? [] }
        #expect(files().count == 1)
        let second = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, input + "/d2/x.csv"])
        #expect(second.status == 0 && second.stdout.contains("quarantined 0"))
        #expect(files().count == 1, "d2/x.csv (clean) did not delete d1/x.csv's quarantine")
        let kept = try String(contentsOfFile: store + "/quarantine/" + files()[0], encoding: .utf8)
        #expect(kept.contains(input + "/d1/x.csv") && kept.contains("abc"))
        // Two sources with problems: two files.
        try "station,time,pollutant,value\n1003A,2019-01-05T10:00+08:00,PM2.5,-4\n".write(toFile: input + "/d2/x.csv", atomically: true, encoding: .utf8)
        _ = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, input + "/d2/x.csv"])
        #expect(files().count == 2)
        // d1/x.csv fixed: only its own file goes.
        try "station,time,pollutant,value\n1001A,2019-01-05T10:00+08:00,PM2.5,25\n".write(toFile: input + "/d1/x.csv", atomically: true, encoding: .utf8)
        _ = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, input + "/d1/x.csv"])
        #expect(files().count == 1)
        #expect(try String(contentsOfFile: store + "/quarantine/" + files()[0], encoding: .utf8).contains(input + "/d2/x.csv"))
    }

    @Test("a quarantine file of the old naming is removed only by its own source")
    func legacyQuarantineFile() throws {
        let store = TestPaths.temporaryDirectory("haze-raw-legacy-quarantine")
        _ = InProcess(["init", "--store", store])
        try FileManager.default.createDirectory(atPath: store + "/quarantine", withIntermediateDirectories: true)
        let legacy = store + "/quarantine/x.csv.quarantine.csv"
        try "source,line,field,station,time,pollutant,value,reason,action\n/data/d1/x.csv,2,value,1001A,,PM2.5,abc,not a number,rejected\n"
            .write(toFile: legacy, atomically: true, encoding: .utf8)
        let input = TestPaths.temporaryDirectory("haze-raw-legacy-input")
        try FileManager.default.createDirectory(atPath: input + "/d2", withIntermediateDirectories: true)
        try "station,time,pollutant,value\n1003A,2019-01-05T10:00+08:00,PM2.5,20\n".write(toFile: input + "/d2/x.csv", atomically: true, encoding: .utf8)
        _ = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, input + "/d2/x.csv"])
        #expect(FileManager.default.fileExists(atPath: legacy), "another x.csv's old quarantine stays")
        let store2 = TestPaths.temporaryDirectory("haze-raw-legacy-quarantine2")
        _ = InProcess(["init", "--store", store2])
        try FileManager.default.createDirectory(atPath: store2 + "/quarantine", withIntermediateDirectories: true)
        try "source,line,field,station,time,pollutant,value,reason,action\n\(input)/d2/x.csv,2,value,1001A,,PM2.5,abc,not a number,rejected\n"
            .write(toFile: store2 + "/quarantine/x.csv.quarantine.csv", atomically: true, encoding: .utf8)
        _ = InProcess(["ingest", "--store", store2, "--stations", TestPaths.stations, input + "/d2/x.csv"])
        #expect(!FileManager.default.fileExists(atPath: store2 + "/quarantine/x.csv.quarantine.csv"), "its own old file is replaced")
    }

    @Test("an archive written in the previous layout (by base name) still rebuilds, alone and mixed with new payloads")
    func previousLayoutRebuilds() throws {
        // What haze wrote before: raw/<source>/<yyyy>/<MM>/<file>.gz, raw/<source>/openaq/<station>/…, raw/ingest/<file>.gz
        let store = TestPaths.temporaryDirectory("haze-raw-legacy")
        let stations = TestPaths.temporaryDirectory("haze-raw-legacy-stations")
        try FileManager.default.copyItem(atPath: TestPaths.stations + "/national", toPath: stations + "/national")
        try "code,name,city,district,longitude,latitude,control\nOAQ-2178,Del Norte,Albuquerque,,,,0\n"
            .write(toFile: stations + "/openaq.csv", atomically: true, encoding: .utf8)
        let raw = store + "/raw"
        for d in [10, 11] {
            try FileManager.default.createDirectory(atPath: raw + "/cnemc/2019/01", withIntermediateDirectories: true)
            try Data(try Gzip.compress(try Self.content(Self.day(d)), level: 1))
                .write(to: URL(fileURLWithPath: raw + "/cnemc/2019/01/china_sites_201901\(d).csv.gz"))
        }
        let page = """
        {"meta":{"limit":100},"results":[{"period":{"interval":"01:00:00","datetimeFrom":{"utc":"2019-01-10T12:00:00Z"}},"value":41,"parameter":{"name":"pm25","units":"µg/m³"}}]}
        """
        try FileManager.default.createDirectory(atPath: raw + "/openaq/openaq/OAQ-2178", withIntermediateDirectories: true)
        try Data(try Gzip.compress(Array(page.utf8))).write(to: URL(fileURLWithPath: raw + "/openaq/openaq/OAQ-2178/101_2019-01-10T000000Z_p1.json.gz"))
        try FileManager.default.createDirectory(atPath: raw + "/ingest", withIntermediateDirectories: true)
        try Data(try Gzip.compress(try Self.content(Self.day(12)))).write(to: URL(fileURLWithPath: raw + "/ingest/china_sites_20190112.csv.gz"))
        // The store those payloads make when ingested directly.
        let reference = TestPaths.temporaryDirectory("haze-raw-legacy-reference")
        _ = InProcess(["ingest", "--quiet", "--store", reference, "--stations", stations, Self.day(10), Self.day(11)])
        let referenceStore = try Store(directory: reference, access: .readWrite)
        let referenceIngester = Ingester(store: referenceStore, registry: try StationRegistry.load(directory: stations),
                                         options: IngestOptions(format: .openaqV3, station: "OAQ-2178"))
        _ = try referenceIngester.ingest(bytes: Array(page.utf8), name: "page")
        _ = try Ingester(store: referenceStore, registry: try StationRegistry.load(directory: stations)).ingest(.file(Self.day(12)))
        let listed = RawArchive(storeDirectory: store).payloads()
        #expect(listed.count == 4 && listed.allSatisfy(\.isLegacy))
        let openaq = try #require(listed.first { $0.payload?.format == .openaqV3 })
        #expect(openaq.payload?.station == "OAQ-2178" && openaq.payload?.sensor == "101", "the station comes from the old path")
        #expect(listed.compactMap(\.payload?.date?.description) == ["2019-01-10", "2019-01-11"])
        let rebuilt = InProcess(["rebuild", "--store", store, "--stations", stations, "--quiet"])
        #expect(rebuilt.status == 0 && rebuilt.stdout.contains("4 raw payload(s)"), "\(rebuilt.stdout) \(rebuilt.stderr)")
        let opened = try Store(directory: store, access: .readOnly)
        let id = try #require(opened.index(of: SeriesKey(station: "OAQ-2178", pollutant: .pm25)))
        #expect(opened.value(id, at: Hour(CivilDate(year: 2019, month: 1, day: 10)!.dayNumber * 24 + 13)) == 41, "12:00–13:00 is labelled 13:00")
        let station = try #require(opened.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
        let referenceOpened = try Store(directory: reference, access: .readOnly)
        let referenceStation = try #require(referenceOpened.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
        for d in 10...12 {
            let day = Day(CivilDate(year: 2019, month: 1, day: d)!)
            #expect(opened.daily(station, on: day) == referenceOpened.daily(referenceStation, on: day), "day \(d)")
        }
        // A new payload ingested after the upgrade joins them, after the old ones.
        _ = InProcess(["ingest", "--quiet", "--archive", "--store", store, "--stations", stations, Self.day(13)])
        let mixed = RawArchive(storeDirectory: store).payloads()
        #expect(mixed.count == 5 && mixed.last?.isLegacy == false && mixed.last?.sequence == 1)
        let again = InProcess(["rebuild", "--store", store, "--stations", stations, "--quiet"])
        #expect(again.status == 0 && again.stdout.contains("5 raw payload(s)"), "\(again.stdout) \(again.stderr)")
    }

    @Test("the listing gives what each payload is; rebuild ingests with the options it was ingested with (--unknown-stations store, --station)")
    func metadataDrivesRebuild() async throws {
        let store = TestPaths.temporaryDirectory("haze-raw-meta")
        let input = TestPaths.temporaryDirectory("haze-raw-meta-input")
        try "station,time,pollutant,value\nNEW-1,2019-01-05T10:00+08:00,PM2.5,33\n".write(toFile: input + "/new.csv", atomically: true, encoding: .utf8)
        let page = """
        {"meta":{"limit":100},"results":[{"period":{"interval":"01:00:00","datetimeFrom":{"utc":"2019-01-05T02:00:00Z"}},"value":12,"parameter":{"name":"pm25","units":"µg/m³"}}]}
        """
        try page.write(toFile: input + "/page.json", atomically: true, encoding: .utf8)
        _ = InProcess(["ingest", "--quiet", "--archive", "--unknown-stations", "store", "--store", store, "--stations", TestPaths.stations, input + "/new.csv"])
        _ = InProcess(["ingest", "--quiet", "--archive", "--station", "1001A", "--store", store, "--stations", TestPaths.stations, input + "/page.json"])
        let listed = RawArchive(storeDirectory: store).payloads()
        #expect(listed.map { $0.payload?.unknownStations } == [.store, .quarantine])
        #expect(listed.map { $0.payload?.station } == [nil, "1001A"])
        #expect(listed.allSatisfy { $0.payload?.size != nil && $0.payload?.contentHash != nil })
        let before = try Self.rings(store)
        #expect(Self.rebuild(store).status == 0)
        #expect(try Self.rings(store) == before, "the unregistered station and the OpenAQ page came back")
        // Every archived file is still plain gzip to other tools.
        let gz = try #require(listed.first?.path)
        let unzipped = try await Processes.run("/bin/sh", ["-c", "gzip -dc '\(gz)'"])
        #expect(unzipped.stdout.hasPrefix("station,time,pollutant,value\nNEW-1"))
    }

    @Test("a damaged payload is reported by rebuild, not silently used; two contents never share an entry")
    func damageAndCollisions() throws {
        let store = TestPaths.temporaryDirectory("haze-raw-damage")
        _ = InProcess(["init", "--store", store])
        let archive = RawArchive(storeDirectory: store)
        let a = Array("station,time,pollutant,value\n1001A,2019-01-05T10:00+08:00,PM2.5,1\n".utf8)
        let b = Array("station,time,pollutant,value\n1001A,2019-01-05T10:00+08:00,PM2.5,2\n".utf8)
        let first = try archive.store(.file(name: "a.csv", options: IngestOptions()), bytes: a)
        // Make the entry `a` would get hold other content, as a hash collision would.
        try FileManager.default.removeItem(atPath: first.path)
        let other = try archive.store(.file(name: "b.csv", options: IngestOptions()), bytes: b)
        try FileManager.default.moveItem(atPath: other.path, toPath: first.path)
        let fresh = RawArchive(storeDirectory: store)
        let second = try fresh.store(.file(name: "a.csv", options: IngestOptions()), bytes: a)
        #expect(second.path != first.path && second.key == (first.key ?? "") + "-2", "nothing is overwritten")
        #expect(try fresh.load(second) == a)
        // Damage: flip a byte of the payload.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: second.path)))
        bytes[bytes.count - 12] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: second.path))
        let noisy = InProcess(["rebuild", "--store", store, "--stations", TestPaths.stations])
        #expect(noisy.stdout.contains("2 raw payload(s) (1 could not be read and were skipped)"), "\(noisy.stdout) \(noisy.stderr)")
        #expect(noisy.stderr.contains(second.path), "\(noisy.stderr)")
    }

    @Test("the library call: an ingest run with its log and archive")
    func ingestRunLibraryCall() throws {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-raw-run"), access: .readWrite, creating: .standard)
        let run = IngestRun(store: store, registry: SharedStore.registry, archive: true)
        let report = try run.run([Self.day(10), Self.day(11), "/nonexistent/file.csv"])
        #expect(report.sources.count == 2 && report.missing == ["/nonexistent/file.csv"])
        #expect(report.summary.sources == 3 && report.summary.failedSources == 1 && report.readAnything)
        #expect(report.archived.count == 2 && report.archived.allSatisfy { $0.payload?.kind == .file })
        let log = try String(contentsOfFile: store.directory + "/ingest.log", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 1 && log.contains("\"archived\":2") && log.contains("\"sources\":3"))
    }
}
