import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeNet
@testable import HazeAssessment
@testable import HazeReport
@testable import HazeWarehouse

/// `haze export clickhouse` and `haze rank --engine clickhouse` against a real
/// ClickHouse (Debian's clickhouse-server, started by the tests on loopback):
/// the SQL ranking equals haze's own for every unit and month of the sample,
/// re-runs add nothing visible, a changed hour replaces its values, a server
/// lost mid-way loses and duplicates nothing, and errors name the URL and
/// ClickHouse's own text.
@Suite("ClickHouse", .onTestThreads)
struct ClickHouseTests {
    /// The shared server with the national store's PM2.5 and PM10 exported to
    /// database `national` (nil: clickhouse-server is not installed).
    struct Exported: Sendable {
        var server: ClickHouseServer
        var summary: ClickHouseExport.Summary
    }

    static let national = Once<Result<Exported, ClickHouseServer.Failure>?> {
        guard ClickHouseServer.executable != nil else { return nil }
        return await OffPool.run { () -> Result<Exported, ClickHouseServer.Failure> in
            do {
                let server = try ClickHouseServer.start()
                let target = try ClickHouseTarget(url: server.url, database: "national", environment: [:])
                let summary = try ClickHouseExport(pollutants: Pollutant.particulates)
                    .run(storeDirectory: SharedStore.national.directory, registry: SharedStore.registry, target: target)
                return .success(Exported(server: server, summary: summary))
            } catch {
                return .failure(ClickHouseServer.Failure(description: "\(error)"))
            }
        }
    }

    /// The shared export, or nil after recording why there is none (a skip,
    /// or a failure when HAZE_REQUIRE_CLICKHOUSE=1 or the server would not run).
    static func exported() async throws -> Exported? {
        guard let result = await national.value else {
            #expect(!ClickHouseServer.required, "HAZE_REQUIRE_CLICKHOUSE=1 but clickhouse-server is not installed")
            if !ClickHouseServer.required { print("ClickHouse tests skipped: \(ClickHouseServer.missing)") }
            return nil
        }
        return try result.get()
    }

    /// A server of the test's own (nil when not installed, after the same check).
    static func ownServer() async throws -> ClickHouseServer? {
        guard ClickHouseServer.executable != nil else {
            #expect(!ClickHouseServer.required, "HAZE_REQUIRE_CLICKHOUSE=1 but clickhouse-server is not installed")
            return nil
        }
        return try await OffPool.run { try ClickHouseServer.start() }
    }

    /// A store of three January days (the bundled CNEMC fixtures).
    static func smallStore() throws -> String {
        let directory = TestPaths.temporaryDirectory("clickhouse-store")
        let files = (1...3).map { TestPaths.fixtures + "/cnemc/china_sites_2019010\($0).csv.gz" }
        let run = InProcess(["ingest", "--store", directory, "--stations", TestPaths.stations] + files)
        try #require(run.status == 0, "\(run.stderr)")
        return directory
    }

    /// Every PM value of a store, by "station|pollutant|hour" (hour as epoch seconds).
    static func storeValues(_ directory: String) throws -> [String: Double] {
        let store = try Store(directory: directory, access: .readOnly)
        var values: [String: Double] = [:]
        guard let window = store.hourlyWindow else { return values }
        for hour in window {
            guard let row = store.row(at: hour) else { continue }
            for s in store.series.indices where Pollutant.particulates.contains(store.series[s].pollutant) {
                if let v = row[s] { values["\(store.series[s].station)|\(store.series[s].pollutant.displayName)|\(hour.index * 3600)"] = Double(v) }
            }
        }
        return values
    }

    /// What ClickHouse shows (newest copy of each key, valid ones), by the same keys.
    static func clickHouseValues(_ server: ClickHouseServer, _ database: String) throws -> [String: Double] {
        let text = try server.query("SELECT station, pollutant, toUInt32(hour), value FROM \(database).hourly FINAL WHERE valid = 1 FORMAT TabSeparated")
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            values["\(f[0])|\(f[1])|\(f[2])"] = Double(f[3])
        }
        return values
    }

    // MARK: The ranking

    @Test("rank --engine clickhouse equals haze's ranking for every unit and month: Beijing's districts and every city, 2019-01 and 2019-02",
          arguments: [("2019-01", RankingLevel.district), ("2019-01", .city), ("2019-02", .district), ("2019-02", .city)])
    func rankingEqualsHaze(month text: String, level: RankingLevel) async throws {
        guard let exported = try await Self.exported() else { return }
        let month = try #require(Month(parsing: text))
        let scope = RankingScope(level: level, city: level == .district ? "北京" : nil)
        let store = try SharedStore.open()
        let registry = SharedStore.registry
        let haze = try MonthlyRanking(store: store, registry: registry, month: month, scope: scope)
        let target = try ClickHouseTarget(url: exported.server.url, database: "national", environment: [:])
        let engine = try await OffPool.run { try ClickHouseRanking(month: month, scope: scope).ranking(registry: registry, target: target) }
        #expect(engine.rankings.map(\.pollutant) == haze.rankings.map(\.pollutant))
        #expect(engine.unranked == haze.unranked)
        for (ours, theirs) in zip(haze.rankings, engine.rankings) {
            func key(_ e: RankingEntry) -> String { "\(e.unit.city)/\(e.unit.name)" }
            let byUnit = Dictionary(uniqueKeysWithValues: theirs.entries.map { (key($0), $0) })
            #expect(Set(byUnit.keys) == Set(ours.entries.map(key)), "\(text) \(level) \(ours.pollutant.displayName): the same units")
            if level == .city { #expect(ours.entries.count > 300, "every city of the sample") }
            for entry in ours.entries {
                guard let other = byUnit[key(entry)] else { continue }
                let what = "\(text) \(ours.pollutant.displayName) \(key(entry))"
                #expect(other.rank == entry.rank, "\(what): rank")
                #expect(other.current.rounded == entry.current.rounded && other.current.isValid == entry.current.isValid, "\(what): value")
                #expect(other.current.validDays == entry.current.validDays, "\(what): valid days")
                #expect(other.current.exceedanceDays == entry.current.exceedanceDays, "\(what): exceedance days")
                #expect(other.current.highestDay?.value == entry.current.highestDay?.value
                        && other.current.highestDay?.day == entry.current.highestDay?.day, "\(what): highest day")
                #expect(abs((other.current.mean ?? -1) - (entry.current.mean ?? -1)) < 1e-9, "\(what): mean")
                #expect(other.lastYear.validDays == entry.lastYear.validDays && other.change == entry.change
                        && other.changeRank == entry.changeRank, "\(what): last year and change")
            }
        }
        // And so every format haze writes is the same, byte for byte.
        let ours = MonthlyRankingReport(ranking: haze, language: .zh), theirs = MonthlyRankingReport(ranking: engine, language: .zh)
        #expect(theirs.csv() == ours.csv())
        #expect(theirs.json() == ours.json())
        #expect(theirs.table() == ours.table())
    }

    @Test("haze rank --engine clickhouse prints what haze rank prints; without --url or with --indicator it is a usage error")
    func rankCommand() async throws {
        guard let exported = try await Self.exported() else { return }
        let common = ["rank", "--month", "2019-01", "--city", "北京", "--stations", TestPaths.stations, "--format", "csv"]
        let haze = InProcess(common + ["--store", SharedStore.national.directory])
        let engine = await OffPool.run { InProcess(common + ["--engine", "clickhouse", "--url", exported.server.url, "--database", "national"]) }
        #expect(engine.status == 0, "\(engine.stderr)")
        #expect(engine.stdout == haze.stdout && !haze.stdout.isEmpty)
        #expect(engine.stderr == haze.stderr, "the same coverage notes")
        let noURL = InProcess(common + ["--engine", "clickhouse"])
        #expect(noURL.status == 64 && noURL.stderr.contains("--url"))
        let indicator = InProcess(["rank", "--month", "2019-01", "--city", "北京", "--engine", "clickhouse", "--url", exported.server.url, "--indicator", "pm2.5"])
        #expect(indicator.status == 64, "\(indicator.stderr)")
        let station = InProcess(["rank", "--month", "2019-01", "--city", "北京", "--engine", "clickhouse", "--url", exported.server.url, "--level", "station"])
        #expect(station.status == 64, "\(station.stderr)")
    }

    // MARK: Idempotent and incremental

    @Test("a re-run sends nothing; a run with a fresh cursor sends everything again and adds nothing visible")
    func rerun() async throws {
        guard let server = try await Self.ownServer() else { return }
        defer { server.stop() }
        let directory = try Self.smallStore()
        let registry = SharedStore.registry
        let target = try ClickHouseTarget(url: server.url, database: "rerun", environment: [:])
        let (first, second, fresh) = try await OffPool.run {
            let export = ClickHouseExport(pollutants: Pollutant.particulates, batchRows: 5000)
            let first = try export.run(storeDirectory: directory, registry: registry, target: target)
            let second = try export.run(storeDirectory: directory, registry: registry, target: target)
            let fresh = try ClickHouseExport(pollutants: Pollutant.particulates, cursorName: "again")
                .run(storeDirectory: directory, registry: registry, target: target)
            return (first, second, fresh)
        }
        let values = try Self.storeValues(directory)
        #expect(first.hoursSent == 72 && first.values == values.count && first.rows == values.count)
        #expect(first.batches > 10, "bounded batches: \(first.batches)")
        #expect(second.hoursSent == 0 && second.rows == 0 && second.membershipRows == 0 && second.stationRows == 0 && second.batches == 0)
        #expect(second.hoursUnchanged == 72)
        #expect(fresh.hoursSent == 72 && fresh.rows == values.count && fresh.version > first.version)
        let shown = try await OffPool.run { try Self.clickHouseValues(server, "rerun") }
        #expect(shown == values, "ClickHouse shows each value once, as stored")
        let keys = try await OffPool.run {
            try server.query("SELECT count(), uniqExact(station, pollutant, hour) FROM rerun.hourly FINAL FORMAT TabSeparated")
        }
        #expect(keys == "\(values.count)\t\(values.count)\n")
        let cursor = directory + "/export/clickhouse/clickhouse.json"
        #expect(FileManager.default.fileExists(atPath: cursor))
    }

    @Test("a corrected value: only its hour is sent again, in full, and ClickHouse shows the new value")
    func changedHour() async throws {
        guard let server = try await Self.ownServer() else { return }
        defer { server.stop() }
        let directory = try Self.smallStore()
        let registry = SharedStore.registry
        let target = try ClickHouseTarget(url: server.url, database: "changed", environment: [:])
        _ = try await OffPool.run { try ClickHouseExport(pollutants: Pollutant.particulates).run(storeDirectory: directory, registry: registry, target: target) }
        let hour: Hour, series: Int, seriesInHour: Int
        do {
            let store = try Store(directory: directory, access: .readWrite)
            series = try #require(store.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
            hour = try #require(store.newestHour).advanced(by: -5)
            let old = try #require(store.value(series, at: hour))
            _ = try store.write([StoredReading(series: series, hour: hour, value: old + 7)])
            let row = try #require(store.row(at: hour))
            seriesInHour = store.series.indices.filter { Pollutant.particulates.contains(store.series[$0].pollutant) }.count
            #expect(row[series] == old + 7)
        }
        let again = try await OffPool.run { try ClickHouseExport(pollutants: Pollutant.particulates).run(storeDirectory: directory, registry: registry, target: target) }
        #expect(again.hoursSent == 1 && again.hoursUnchanged == 71)
        #expect(again.rows == seriesInHour, "the changed hour in full (missing values as valid = 0)")
        let shown = try await OffPool.run { try Self.clickHouseValues(server, "changed") }
        #expect(shown == (try Self.storeValues(directory)))
    }

    @Test("the server stopped mid-way: the run fails naming the URL, nothing is lost, the next run sends the rest and nothing shows twice")
    func faultMidway() async throws {
        guard let server = try await Self.ownServer() else { return }
        defer { server.stop() }
        let directory = try Self.smallStore()
        let registry = SharedStore.registry
        let target = try ClickHouseTarget(url: server.url, database: "fault", environment: [:])
        let export = ClickHouseExport(pollutants: Pollutant.particulates, batchRows: 2000)
        let failure: String = await OffPool.run {
            var hourlyBatches = 0
            do {
                _ = try export.run(storeDirectory: directory, registry: registry,
                                   connection: ClickHouseConnection(target: target, attempts: 2, backoff: 0.05)) { line in
                    guard line.contains("rows to fault.hourly") else { return }
                    hourlyBatches += 1
                    if hourlyBatches == 5 { server.stop() }
                }
                return "no failure"
            } catch {
                return "\(error)"
            }
        }
        #expect(failure.contains(server.url) && failure.contains("INSERT INTO fault.hourly"), "\(failure)")
        let cursorText = try String(contentsOfFile: directory + "/export/clickhouse/clickhouse.json", encoding: .utf8)
        #expect(cursorText.contains("\"hours\""), "progress kept")
        try await OffPool.run { try server.launch() }
        let rest = try await OffPool.run { try export.run(storeDirectory: directory, registry: registry, target: target) }
        #expect(rest.hoursSent > 0 && rest.hoursSent < 72, "only what was not confirmed: \(rest.hoursSent) hours")
        let values = try Self.storeValues(directory)
        let shown = try await OffPool.run { try Self.clickHouseValues(server, "fault") }
        #expect(shown == values)
        let keys = try await OffPool.run {
            try server.query("SELECT count() FROM fault.hourly FINAL FORMAT TabSeparated")
        }
        #expect(keys == "\(values.count)\n")
    }

    // MARK: Errors and credentials

    @Test("credentials only from named variables; errors name the URL (redacted) and ClickHouse's own text")
    func errorsAndCredentials() async throws {
        #expect(throws: ClickHouseError.self) { try ClickHouseTarget(url: "http://haze:secret@127.0.0.1:8123", environment: [:]) }
        #expect(throws: ClickHouseError.self) { try ClickHouseTarget(url: "ftp://127.0.0.1", environment: [:]) }
        #expect(throws: ClickHouseError.self) { try ClickHouseTarget(url: "http://127.0.0.1:8123", database: "a;DROP", environment: [:]) }
        do {
            _ = try ClickHouseTarget(url: "http://127.0.0.1:8123", userVariable: "CH_USER", passwordVariable: "CH_PASSWORD", environment: ["CH_USER": "haze"])
            Issue.record("an unset password variable must be refused")
        } catch {
            #expect("\(error)".contains("$CH_PASSWORD"))
        }
        let closed = try ClickHouseServer.freePort()
        let nowhere = try ClickHouseTarget(url: "http://127.0.0.1:\(closed)", environment: [:])
        let refused = await OffPool.run { () -> String in
            do {
                _ = try ClickHouseConnection(target: nowhere, attempts: 1).run("SELECT 1")
                return ""
            } catch { return "\(error)" }
        }
        #expect(refused.contains("http://127.0.0.1:\(closed)"), "\(refused)")

        guard let server = try await Self.ownServer() else { return }
        defer { server.stop() }
        let wrong = try ClickHouseTarget(url: server.url, userVariable: "CH_USER", passwordVariable: "CH_PASSWORD",
                                         environment: ["CH_USER": "haze", "CH_PASSWORD": "not-the-password"])
        let rightEnvironment = ["CH_USER": "haze", "CH_PASSWORD": ClickHouseServer.password]
        let right = try ClickHouseTarget(url: server.url, userVariable: "CH_USER", passwordVariable: "CH_PASSWORD", environment: rightEnvironment)
        let month = try #require(Month(parsing: "2019-01"))
        let registry = SharedStore.registry
        let (denied, missing, allowed) = await OffPool.run { () -> (String, String, String) in
            func attempt(_ target: ClickHouseTarget) -> String {
                do {
                    _ = try ClickHouseRanking(month: month, scope: RankingScope(city: "北京")).ranking(registry: registry, target: target)
                    return ""
                } catch { return "\(error)" }
            }
            return (attempt(wrong), attempt(try! ClickHouseTarget(url: server.url, database: "nothing_here", environment: [:])),
                    (try? ClickHouseConnection(target: right).run("SELECT 1")).map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
        // A 401 comes back at once (URLSession on Linux would otherwise hang on it), without ClickHouse's text.
        #expect(denied.contains(server.url) && denied.contains("HTTP 401") && denied.contains("wrong user or password")
                && !denied.contains("not-the-password"), "\(denied)")
        #expect(missing.contains(server.url) && missing.contains("nothing_here"), "\(missing)")
        #expect(allowed == "1\n")
        // The CLI: the same through --user-env/--password-env, never a value on the command line.
        let directory = try Self.smallStore()
        let run = await OffPool.run {
            InProcess(["export", "clickhouse", "--url", server.url, "--database", "cli", "--user-env", "CH_USER", "--password-env", "CH_PASSWORD",
                       "--pollutant", "pm2.5,pm10", "--store", directory, "--stations", TestPaths.stations], environment: rightEnvironment)
        }
        #expect(run.status == 0 && run.stderr.contains("sent to \(server.url) database cli: 72 hours"), "\(run.stderr)")
        let credentialsInURL = InProcess(["export", "clickhouse", "--url", "http://haze:secret@127.0.0.1:1", "--store", directory, "--stations", TestPaths.stations])
        #expect(credentialsInURL.status == 64 && !credentialsInURL.stderr.contains("secret"), "\(credentialsInURL.stderr)")
    }
}
