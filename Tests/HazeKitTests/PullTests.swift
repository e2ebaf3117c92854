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

/// `haze pull` against a real HTTP server on loopback (Tests/Fixtures/http_server.py).
@Suite("Pull: HTTP sources, faults, cursor, raw archive, OpenAQ", .onTestThreads, .serialized)
struct PullTests {
    /// A server directory holding day files; returns the server and the URL template.
    static func serve(_ files: [String]) throws -> (LoopbackServer, String) {
        let root = TestPaths.temporaryDirectory("haze-serve")
        for file in files {
            try FileManager.default.copyItem(atPath: file, toPath: root + "/" + (file as NSString).lastPathComponent)
        }
        let server = try LoopbackServer(serving: root)
        let suffix = files.first?.hasSuffix(".gz") == true ? ".csv.gz" : ".csv"
        return (server, "\(server.base)/china_sites_{yyyyMMdd}\(suffix)")
    }

    /// A generous deadline by default: only `faultInjection` is about timing (it
    /// gives 3 s); under the full suite's load the loopback server has answered
    /// 10 of 59 requests after 3 s.
    static func config(_ url: String, start: String, deadline: Int = 30, extra: String = "") throws -> String {
        let path = TestPaths.temporaryDirectory("haze-config") + "/haze.json"
        try """
        {"sources":[{"id":"cnemc","url":"\(url)","format":"cnemc-wide","start":"\(start)","concurrency":4,"deadline_seconds":\(deadline)\(extra)}]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func cursor(_ store: String) throws -> PullCursor? {
        let path = store + "/pull/cnemc.json"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try JSONDecoder().decode(PullCursor.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func rings(_ store: String) throws -> RingBytes { try RingBytes(store) }

    @Test("pulling the 59 day files from an empty store gives the store `haze ingest` gives; rebuild from raw/ gives it again")
    func pullEqualsIngest() throws {
        let (server, url) = try Self.serve(TestPaths.cnemcFiles)
        let config = try Self.config(url, start: "2019-01-01")
        let store = TestPaths.temporaryDirectory("haze-pull")
        #expect(SharedStore.initialise(store).status == 0)
        let run = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-02-28"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("59 fetched, 57 complete, 2 incomplete (2019-02-03 23/24 h, 2019-02-20 7/24 h)"))
        #expect(run.stdout.contains("stored \(TestPaths.cnemcValues)"))
        #expect(try Self.rings(store) == Self.rings(SharedStore.national.directory))
        #expect(server.requests.count == 59)
        // The cursor stops before the first incomplete day; the next run fetches only the incomplete ones.
        let cursor = try #require(try Self.cursor(store))
        #expect(cursor.completeThrough == "2019-02-02" && cursor.incomplete.keys.sorted() == ["2019-02-03", "2019-02-20"])
        let again = InProcess(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-02-28"])
        #expect(again.stdout.contains("2 fetched") && again.stdout.contains("stored 0"))
        #expect(again.stderr.contains("accepted as final"), "unchanged old incomplete days settle")
        #expect(server.requests.count == 61)
        // Rebuild from the raw archive alone.
        let before = try Self.rings(store)
        let rebuild = InProcess(["rebuild", "--store", store, "--stations", TestPaths.stations, "--quiet"])
        #expect(rebuild.status == 0 && rebuild.stdout.contains("59 raw payload(s)"))
        #expect(try Self.rings(store) == before)
    }

    @Test("faults: 500s, resets, a stalled and a trickling body, a truncated body, a redirect, a 404 — every run ends in time, nothing partial counts as complete, and recovery fills every gap")
    func faultInjection() throws {
        let files = TestPaths.cnemcFiles.filter { name in (10...14).contains { name.contains(String(format: "201901%02d", $0)) } }
        let (server, url) = try Self.serve(files)
        let config = try Self.config(url, start: "2019-01-10", deadline: 3)
        let store = SharedStore.emptyStore("haze-faults")
        let arguments = ["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-14"]
        func pull(_ mode: String) throws -> (InProcess, Double) {
            try server.setMode(mode)
            let started = Date()
            let run = InProcess(arguments)
            return (run, Date().timeIntervalSince(started))
        }
        for mode in ["fail500", "reset", "stall", "trickle", "truncate"] {
            let (run, seconds) = try pull(mode)
            #expect(run.status == 75, "\(mode): a failed pull exits 75 for cron to retry")
            #expect(run.stdout.contains("5 failed"), "\(mode): \(run.stdout)")
            #expect(seconds < 20, "\(mode): took \(seconds) s against a 3 s deadline per request")
            #expect(try Self.cursor(store)?.completeThrough == nil, "\(mode): the cursor did not move")
        }
        #expect(StoreStatus(store: try Store(directory: store, access: .readOnly)).series == 0, "nothing partial was stored")
        // A redirect is followed (GET), and a day not published yet is left for later.
        try "/\((files[3] as NSString).lastPathComponent)".write(toFile: server.root + "/.missing", atomically: true, encoding: .utf8)
        let (redirected, _) = try pull("redirect")
        #expect(redirected.status == 0 && redirected.stdout.contains("4 fetched, 4 complete, 1 not published yet"))
        #expect(redirected.stdout.contains("complete through 2019-01-12"), "the cursor never skips the missing day")
        #expect(server.requests.contains { $0.contains("redirected=1") })
        // The server recovers and publishes the missing day: the next pull fills the gap.
        try "".write(toFile: server.root + "/.missing", atomically: true, encoding: .utf8)
        let (recovered, _) = try pull("ok")
        #expect(recovered.status == 0 && recovered.stdout.contains("1 fetched, 1 complete") && recovered.stdout.contains("complete through 2019-01-14"))
        // Identical to ingesting the same files.
        let clean = SharedStore.emptyStore("haze-faults-clean")
        _ = InProcess(["ingest", "--quiet", "--store", clean, "--stations", TestPaths.stations] + files)
        #expect(try Self.rings(store) == Self.rings(clean))
    }

    @Test("two pulls started together: one takes the lock, the other exits cleanly (or waits with --wait); the store is intact")
    func concurrentPulls() async throws {
        let files = TestPaths.cnemcFiles.filter { name in (10...16).contains { name.contains(String(format: "201901%02d", $0)) } }
        let (server, url) = try Self.serve(files)
        let config = try Self.config(url, start: "2019-01-10")
        // Created first so both race for the same lock.
        let store = SharedStore.emptyStore("haze-concurrent")
        let arguments = ["pull", "--config", config, "--store", store, "--stations", TestPaths.stations, "--until", "2019-01-16"]
        let errors = (0..<2).map { _ in TestPaths.temporaryDirectory("haze-concurrent-err") + "/stderr" }
        let processes = errors.map { errorPath -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: TestPaths.haze)
            p.arguments = arguments
            p.standardOutput = FileHandle.nullDevice
            _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
            p.standardError = FileHandle(forWritingAtPath: errorPath)
            return p
        }
        for p in processes { try p.run() }
        let statuses = await OffPool.run { processes.map { Processes.waitForExit($0).status } }.sorted()
        let messages = try errors.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        // Either the second found the lock taken and said so, or the first had finished before it started.
        #expect(statuses == [0, 0] || (statuses == [0, 75] && messages.contains("another haze process is writing")),
                "\(statuses) \(messages)")
        let waited = try await Processes.haze(arguments + ["--wait", "30"])
        #expect(waited.status == 0)
        #expect(server.requests.count >= 7)
        let clean = SharedStore.emptyStore("haze-concurrent-clean")
        _ = InProcess(["ingest", "--quiet", "--store", clean, "--stations", TestPaths.stations] + files)
        #expect(try Self.rings(store) == Self.rings(clean))
    }

    @Test("http_proxy is honoured: a host that does not resolve is reached through the loopback proxy")
    func proxy() async throws {
        let files = TestPaths.cnemcFiles.filter { $0.contains("20190110") }
        let (server, _) = try Self.serve(files)
        let suffix = files[0].hasSuffix(".gz") ? ".csv.gz" : ".csv"
        let config = try Self.config("http://haze-proxy-test.invalid/china_sites_{yyyyMMdd}\(suffix)", start: "2019-01-10")
        let store = SharedStore.emptyStore("haze-proxy")
        var environment = ProcessInfo.processInfo.environment
        environment["http_proxy"] = server.base
        environment["no_proxy"] = ""
        let run = try await Processes.haze(["pull", "--config", config, "--store", store, "--stations", TestPaths.stations,
                                      "--until", "2019-01-10"], environment: environment)
        #expect(run.status == 0 && run.stdout.contains("1 fetched, 1 complete"), "\(run.stdout) \(run.stderr)")
        #expect(server.requests.contains { $0.contains("http://haze-proxy-test.invalid/") })
    }

    @Test("OpenAQ fixtures parse into the expected readings")
    func openAQFixtures() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixtures + "/openaq/responses_measurements.json")))
        let registry = StationRegistry(stations: [Station(code: "OAQ-2178", name: "Del Norte", city: "Albuquerque")])
        let context = ParseContext(source: "m.json", zone: .beijing, latestHour: Hour.now, registry: registry, unknownStations: .quarantine)
        let page = OpenAQParser(station: "OAQ-2178").parse(bytes, context: context)
        #expect(page.results == 2 && page.limit == 100)
        let values = page.batch.readings.map { "\(Hour(Int($0.hour))) \($0.value)" }
        // Labelled by the hour each period ends (12:00–13:00 → 13:00), as CNEMC labels its hours.
        #expect(values == ["2023-10-16T13:00Z 6", "2023-10-16T14:00Z 8"], "7.5 rounds half to even to 8")
        #expect(page.batch.keys == [SeriesKey(station: "OAQ-2178", pollutant: .pm25)])
        let noStation = OpenAQParser(station: nil).parse(bytes, context: context)
        #expect(noStation.batch.rejections.first?.reason.contains("names no station") == true)
        // The sensors response is not an hourly-values page: no PM hours in it.
        let sensors = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixtures + "/openaq/responses_sensors.json")))
        #expect(OpenAQParser(station: "OAQ-2178").parse(sensors, context: context).batch.readings.isEmpty)
    }

    @Test("an OpenAQ source is pulled page by page, sensor by sensor, into registry stations")
    func openAQPagination() throws {
        let root = TestPaths.temporaryDirectory("haze-openaq")
        try FileManager.default.createDirectory(atPath: root + "/v3/sensors/101", withIntermediateDirectories: true)
        func page(_ hours: [(String, Double)], limit: Int) -> String {
            let results = hours.map { time, value in
                "{\"period\":{\"label\":\"1hour\",\"interval\":\"01:00:00\",\"datetimeFrom\":{\"utc\":\"\(time)\"}},\"value\":\(value),\"parameter\":{\"id\":2,\"name\":\"pm25\",\"units\":\"µg/m³\"}}"
            }
            return "{\"meta\":{\"page\":1,\"limit\":\(limit),\"found\":3},\"results\":[\(results.joined(separator: ","))]}"
        }
        try page([("2023-10-16T12:00:00Z", 6), ("2023-10-16T13:00:00Z", 7.5)], limit: 2)
            .write(toFile: root + "/v3/sensors/101/hours@page=1", atomically: true, encoding: .utf8)
        try page([("2023-10-16T14:00:00Z", 9)], limit: 2)
            .write(toFile: root + "/v3/sensors/101/hours@page=2", atomically: true, encoding: .utf8)
        let server = try LoopbackServer(serving: root)
        let stations = TestPaths.temporaryDirectory("haze-openaq-stations")
        try "code,name,city,district,longitude,latitude,control\nOAQ-2178,Del Norte,Albuquerque,,,,0\n"
            .write(toFile: stations + "/openaq.csv", atomically: true, encoding: .utf8)
        let config = TestPaths.temporaryDirectory("haze-openaq-config") + "/haze.json"
        try """
        {"sources":[{"id":"openaq","format":"openaq-v3","start":"2023-10-16",
          "url":"\(server.base)/v3/sensors/{sensor}/hours?datetime_from={from}&datetime_to={to}&limit=2&page={page}",
          "headers":{"X-API-Key":"${OPENAQ_TEST_KEY}"},"environment":["OPENAQ_TEST_KEY"],"sensors":{"101":"OAQ-2178"}}]}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = TestPaths.temporaryDirectory("haze-openaq-store")
        let arguments = ["pull", "--config", config, "--store", store, "--stations", stations, "--until", "2023-10-16"]
        let missingKey = InProcess(arguments)
        #expect(missingKey.status == 65 && missingKey.stderr.contains("needs the environment variable OPENAQ_TEST_KEY"))
        let run = InProcess(arguments, environment: ["OPENAQ_TEST_KEY": "k"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 fetched") && run.stdout.contains("stored 3"))
        #expect(server.requests.filter { $0.contains("page=") }.count == 2)
        let opened = try Store(directory: store, access: .readOnly)
        let id = try #require(opened.index(of: SeriesKey(station: "OAQ-2178", pollutant: .pm25)))
        let first = Hour(CivilDate(year: 2023, month: 10, day: 16)!.dayNumber * 24 + 13)   // the first period ends at 13:00
        #expect((0..<3).map { opened.value(id, at: first.advanced(by: $0)) } == [6, 8, 9])
        #expect(run.stdout.contains("sensors through 101: 2023-10-16T23:00:00Z"))
        // A failed hourly request says why (it said only which sensor and page).
        try server.setMode("fail500")
        let failing = InProcess(["pull", "--config", config, "--store", store, "--stations", stations, "--until", "2023-10-17"],
                                environment: ["OPENAQ_TEST_KEY": "k"])
        #expect(failing.status == 75, "\(failing.stderr)")
        #expect((failing.stdout + failing.stderr).contains("sensor 101 from 2023-10-17T00:00:00Z page 1:") &&
                (failing.stdout + failing.stderr).contains("HTTP 500"), "\(failing.stdout)\(failing.stderr)")
    }

    @Test("a bad configuration names the file, the source and the field")
    func badConfiguration() throws {
        let path = TestPaths.temporaryDirectory("haze-badconfig") + "/haze.json"
        try "{\"sources\":[{\"id\":\"x\",\"url\":\"ftp://a\",\"format\":\"cnemc-wide\"}]}".write(toFile: path, atomically: true, encoding: .utf8)
        let run = InProcess(["pull", "--config", path, "--store", TestPaths.temporaryDirectory("haze-bc")])
        #expect(run.stderr.contains("haze.json: source 'x': field 'url': must be an http(s) URL"))
        let missing = InProcess(["pull", "--config", "/nonexistent/haze.json"])
        #expect(missing.stderr.contains("no pull configuration at /nonexistent/haze.json"))
    }
}
