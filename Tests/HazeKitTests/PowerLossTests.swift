import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeCLI

/// A run syncs its journal record once per batch and the rings once at its
/// end. A power loss before that end is played here: the rings and the
/// journal as their last syncs left them, plus a random share of what the
/// kernel could have written back since (`SyncedDisk`), opened as "another
/// boot" (`BootIdentity.simulated`). The next writer must clear torn rows
/// (never re-hash them), put back rows that held synced data, roll the days
/// up from what verifies, name the hours to ingest again — and lose nothing
/// that was synced.
@Suite("Power loss: one sync per batch, the rest verified after a reboot", .onTestThreads)
struct PowerLossTests {
    static let otherBoot = "power-loss-test-boot"
    /// Ten days of hours: the second run's last batch moves the window past days 1–2.
    static let configuration = StoreConfiguration(hourlyCapacity: 10 * 24, dailyCapacity: 32)

    static func day(_ n: Int) -> String { TestPaths.cnemcFiles[n - 1] }

    /// One power loss played: the stores it is measured against.
    struct Played: Sendable {
        /// The store after the first run (synced): what the second began from.
        var synced: String
        /// The second run's batches written, its final sync not made: the page cache.
        var cache: String
        /// The disk as the syncs left it.
        var disk: SyncedDisk
        /// Both runs complete.
        var reference: String
        /// The second run's files, in order.
        var second: [String]
        /// The hours the second run changed (its rows differ from the synced store's).
        var changed: Set<Int>
    }

    /// Other values for twelve Beijing stations on day 4 (synced by the first run).
    static func corrections(in directory: String) throws -> String {
        var text = "station,time,pollutant,value\n"
        for station in TestPaths.beijingAssessmentStations {
            for hour in 1 ... 20 {
                text += "\(station),2019-01-04T\(hour < 10 ? "0" : "")\(hour):00+08:00,PM2.5,\(700 + hour)\n"
            }
        }
        let path = directory + "/corrections-day4.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes `batches` as a run does (raw payloads first, one journal record
    /// per batch) and stops before the run's final sync.
    static func interruptedRun(_ directory: String, batches: [[String]], registry: StationRegistry,
                               creating: StoreConfiguration? = nil) throws {
        let store = try Store(directory: directory, access: .readWrite, creating: creating, durability: .endOfRun)
        let ingester = Ingester(store: store, registry: registry)
        let archive = RawArchive(store: store)
        for batch in batches {
            let prepared = batch.map { Ingester.prepare(.file($0), options: ingester.options, registry: registry, zone: store.zone) }
            for (path, source) in zip(batch, prepared) {
                guard let input = source.input else { continue }
                try archive.store(.file(name: (path as NSString).lastPathComponent, options: ingester.options),
                                  bytes: input.bytes, original: input.original, syncingDirectory: false)
            }
            try archive.syncDirectory()
            _ = try ingester.finish(prepared)
        }
    }

    static func run(_ directory: String, _ files: [String], registry: StationRegistry) throws {
        let store = try Store(directory: directory, access: .readWrite, creating: configuration, durability: .endOfRun)
        _ = try IngestRun(store: store, registry: registry, archive: true).run(files)
    }

    static let played = Once<Result<Played, TestFailure>> {
        do {
            let registry = try StationRegistry.load(directory: TestPaths.stations)
            let base = TestPaths.temporaryDirectory("haze-power-loss")
            let first = (1 ... 4).map(day)
            let batches = [[try corrections(in: base), day(5), day(6)], [day(7), day(8), day(9)], [day(10), day(11), day(12)]]
            let reference = base + "/reference", synced = base + "/synced", cache = base + "/cache"
            try run(reference, first, registry: registry)
            try run(reference, batches.flatMap { $0 }, registry: registry)
            try run(cache, first, registry: registry)
            try FileManager.default.copyItem(atPath: cache, toPath: synced)
            let disk = SyncedDisk(synced: cache)
            try SyncCount.$observer.withValue(disk.observer) {
                try interruptedRun(cache, batches: batches, registry: registry)
            }
            let before = try Store(directory: synced, access: .readOnly), after = try Store(directory: cache, access: .readOnly)
            var changed = Set<Int>()
            if let window = after.hourlyWindow {
                for hour in window where hourRow(before, hour, after.series.count) != hourRow(after, hour, after.series.count) {
                    changed.insert(hour.index)
                }
            }
            return .success(Played(synced: synced, cache: cache, disk: disk, reference: reference,
                                   second: batches.flatMap { $0 }, changed: changed))
        } catch {
            return .failure(TestFailure("\(error)"))
        }
    }

    struct TestFailure: Error, Sendable, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A store's hourly slots of `hour` for the first `count` series (0: none, or outside its window).
    static func hourRow(_ store: Store, _ hour: Hour, _ count: Int) -> [UInt16] {
        (0 ..< count).map { $0 < store.series.count ? store.hourlyRaw($0, at: hour) : 0 }
    }

    static func dayRow(_ store: Store, _ day: Day, _ count: Int) -> [UInt64] {
        (0 ..< count).map { $0 < store.series.count ? store.dailyRaw($0, on: day) : 0 }
    }


    /// Problems `haze check` finds besides the report of the power loss itself.
    static func damage(_ directory: String) -> [StoreCheck.Finding] {
        BootIdentity.$simulated.withValue(otherBoot) {
            StoreCheck(directory: directory).problems.filter { if case .powerLossReport = $0 { false } else { true } }
        }
    }

    @Test("after a power loss at any share of write-back, every row the run changed is as synced, as written, or cleared; days roll up; the hours are named; nothing synced is lost",
          arguments: [(0.0, 512, 1 as UInt64), (1.0, 512, 2), (0.5, 4096, 3), (0.5, 512, 4), (0.15, 512, 5), (0.85, 512, 6)])
    func rowsAfterPowerLoss(newer: Double, unit: Int, seed: UInt64) async throws {
        let played = try await Self.played.value.get()
        let target = TestPaths.temporaryDirectory("haze-power-loss-disk")
        try played.disk.afterPowerLoss(into: target, newer: newer, unit: unit, seed: seed)
        let pending = BootIdentity.$simulated.withValue(Self.otherBoot) { StoreCheck(directory: target) }
        #expect(pending.findings.contains { if case .powerLossPending = $0 { true } else { false } }, "\(pending.findings.prefix(3))")
        #expect(!pending.isHealthy, "never OK before the rows are verified")

        let store = try BootIdentity.$simulated.withValue(Self.otherBoot) { try Store(directory: target, access: .readWrite) }
        let report = try #require(store.powerLoss)
        let synced = try Store(directory: played.synced, access: .readOnly)
        let cache = try Store(directory: played.cache, access: .readOnly)
        let count = cache.series.count
        let window = try #require(store.hourlyWindow)
        #expect(window == cache.hourlyWindow, "the window where the run left it")
        var kept = 0, asSynced = 0
        for hour in window {
            let row = Self.hourRow(store, hour, count)
            let before = Self.hourRow(synced, hour, count), written = Self.hourRow(cache, hour, count)
            // Torn rows are put back or cleared, never re-hashed: a row is one state or the other.
            let oneOrTheOther = row == before || row == written
            #expect(oneOrTheOther, "hour \(store.zone.format(hour)) mixes the synced and the written row (newer \(newer), seed \(seed))")
            if row == written && row != before { kept += 1 }
            if row == before && row != written { asSynced += 1 }
        }
        // Every hour the run changed is named (and only the run's hours).
        let named = Set(report.hours.steps)
        #expect(played.changed.isSubset(of: named), "not named: \(played.changed.subtracting(named).sorted().prefix(5))")
        var runHours = Set((1 ... 20).map { LocalZone.beijing.hour(day: Day(CivilDate(year: 2019, month: 1, day: 4)!), hourOfDay: $0).index })
        for path in played.second.dropFirst() {
            let date = try #require(CivilDate(parsing: String((path as NSString).lastPathComponent.dropFirst(12).prefix(8))))
            for hour in 0 ..< 24 { runHours.insert(LocalZone.beijing.hour(day: Day(date), hourOfDay: hour).index) }
        }
        #expect(named.isSubset(of: runHours), "named beyond the run: \(named.subtracting(runHours).sorted().prefix(5))")
        if newer == 0 { #expect(kept == 0, "nothing written back: no row as written") }
        if newer == 1 { #expect(asSynced == 0, "everything written back: every row as written") }
        // Days outside the hourly window keep what was synced (leaving days 1 and 2).
        let accept = try #require(store.oldestWritableHour)
        for day in try #require(store.dailyWindow) where day < store.calendar.day(of: accept) {
            let row = Self.dayRow(store, day, count)
            let oneOrTheOther = row == Self.dayRow(synced, day, count) || row == Self.dayRow(cache, day, count)
            #expect(oneOrTheOther, "\(day)")
            let kept = !Self.dayRow(synced, day, count).contains(where: { $0 != 0 }) || row.contains { $0 != 0 }
            #expect(kept, "\(day): synced daily values lost")
        }
        _ = consume store
        // Consistent again: rows verify, every day equals its hours.
        let damage = Self.damage(target)
        #expect(damage.isEmpty, "\(damage.prefix(3))")
    }

    @Test("a torn row is cleared and a torn row that held synced data put back as synced — never re-hashed")
    func tornRows() async throws {
        let played = try await Self.played.value.get()
        let target = TestPaths.temporaryDirectory("haze-power-loss-torn")
        try played.disk.afterPowerLoss(into: target, newer: 1, seed: 7)
        let synced = try Store(directory: played.synced, access: .readOnly)
        let layout = try Store(directory: target, access: .readOnly)
        // The run's last hour (new: empty when synced) with its slots on disk but not its entry;
        // a corrected hour of day 4 with its new slots on disk but its entry as synced.
        let newHour = try #require(layout.newestHour)
        let corrected = layout.zone.hour(day: Day(CivilDate(year: 2019, month: 1, day: 4)!), hourOfDay: 10)
        let geometry = layout.hourly.geometry
        let syncedEntry = synced.hourly.file.bytes(synced.hourly.geometry.entryOffset(corrected.index) ..< synced.hourly.geometry.entryOffset(corrected.index) + 64)
        _ = consume layout
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: target + "/" + Store.hourlyFileName))
        try handle.seek(toOffset: UInt64(geometry.entryOffset(newHour.index)))
        handle.write(Data(count: 64))
        try handle.seek(toOffset: UInt64(geometry.entryOffset(corrected.index)))
        handle.write(Data(syncedEntry))
        try handle.close()

        let store = try BootIdentity.$simulated.withValue(Self.otherBoot) { try Store(directory: target, access: .readWrite) }
        let count = store.series.count
        let cleared = Self.hourRow(store, newHour, count).allSatisfy { $0 == 0 }
        #expect(cleared, "the torn new row is cleared, not re-hashed")
        let asSynced = Self.hourRow(store, corrected, count) == Self.hourRow(synced, corrected, count)
        #expect(asSynced, "the corrected row as synced")
        let report = try #require(store.powerLoss)
        #expect(report.hours.contains(newHour.index) && report.hours.contains(corrected.index))
        #expect(report.clearedRows >= 1 && report.restoredRows >= 1, "\(report)")
        _ = consume store
        #expect(Self.damage(target).isEmpty)
    }

    @Test("the next ingest says which hours to ingest again (stderr, exit 65, ingest.log); ingesting them gives the clean store; `haze rebuild` gives it from raw/")
    func nextRunReports() async throws {
        let played = try await Self.played.value.get()
        let stations = TestPaths.stations
        let again = TestPaths.temporaryDirectory("haze-power-loss-again")
        try played.disk.afterPowerLoss(into: again, newer: 0.5, seed: 11)
        let ingest = BootIdentity.$simulated.withValue(Self.otherBoot) {
            InProcess(["ingest", "--quiet", "--archive", "--store", again, "--stations", stations] + played.second)
        }
        #expect(ingest.status == ExitCode.dataError.rawValue, "\(ingest.stderr)")
        #expect(ingest.stderr.contains("POWER LOSS") && ingest.stderr.contains("must be ingested again"), "\(ingest.stderr)")
        let log = try String(contentsOfFile: again + "/ingest.log", encoding: .utf8)
        let last = try #require(log.split(separator: "\n").last)
        #expect(last.contains("\"power_loss\"") && last.contains("\"hours_to_ingest_again\""), "\(last)")
        #expect(try RingBytes(again) == RingBytes(played.reference), "the hours ingested again: the store a clean run gives")
        // Reported once: the next run is quiet.
        let next = BootIdentity.$simulated.withValue(Self.otherBoot) {
            InProcess(["ingest", "--quiet", "--store", again, "--stations", stations, Self.day(12)])
        }
        #expect(next.status == 0 && !next.stderr.contains("POWER LOSS"), "\(next.stderr)")

        let rebuilt = TestPaths.temporaryDirectory("haze-power-loss-rebuild")
        try played.disk.afterPowerLoss(into: rebuilt, newer: 0.5, seed: 12)
        let rebuild = BootIdentity.$simulated.withValue(Self.otherBoot) {
            InProcess(["rebuild", "--store", rebuilt, "--stations", stations])
        }
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(try RingBytes(rebuilt) == RingBytes(played.reference), "raw/ held every payload before the rings changed")
        let checked = BootIdentity.$simulated.withValue(Self.otherBoot) { InProcess(["check", "--store", rebuilt, "--stations", stations]) }
        #expect(checked.status == 0, "\(checked.stdout)")

        let repaired = TestPaths.temporaryDirectory("haze-power-loss-repair")
        try played.disk.afterPowerLoss(into: repaired, newer: 0.5, seed: 13)
        BootIdentity.$simulated.withValue(Self.otherBoot) {
            let check = InProcess(["check", "--store", repaired, "--stations", stations])
            #expect(check.status == ExitCode.dataError.rawValue && check.stdout.contains("lost power"), "\(check.stdout)")
            let repair = InProcess(["check", "--repair", "--store", repaired, "--stations", stations])
            #expect(repair.status == ExitCode.dataError.rawValue, "\(repair.stdout)")
            #expect(repair.stdout.contains("NOT RESTORED") && repair.stdout.contains("must be ingested again"), "\(repair.stdout)")
            let after = InProcess(["check", "--store", repaired, "--stations", stations])
            #expect(after.status == 0, "\(after.stdout)")
        }
    }

    @Test("a store created by the interrupted run: rings lost or torn are made again, every hour of the run is named, the run again gives the clean store")
    func createdByTheRun() async throws {
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        let files = [Self.day(1), Self.day(2), Self.day(3)]
        let reference = TestPaths.temporaryDirectory("haze-power-loss-new-reference")
        try Self.run(reference, files, registry: registry)
        for (keepNames, newer, seed) in [(false, 0.0, UInt64(21)), (true, 0.5, 22), (true, 1.0, 23)] {
            let cache = TestPaths.temporaryDirectory("haze-power-loss-new")
            let disk = SyncedDisk(empty: cache)
            try SyncCount.$observer.withValue(disk.observer) {
                try Self.interruptedRun(cache, batches: [[files[0]], [files[1], files[2]]], registry: registry,
                                        creating: Self.configuration)
            }
            let target = TestPaths.temporaryDirectory("haze-power-loss-new-disk")
            try disk.afterPowerLoss(into: target, newer: newer, seed: seed, keepNames: keepNames)
            let store = try BootIdentity.$simulated.withValue(Self.otherBoot) {
                try Store(directory: target, access: .readWrite, creating: .standard)
            }
            let report = try #require(store.powerLoss)
            #expect(store.hourlyCapacity == Self.configuration.hourlyCapacity, "made again in the shape the run created, not the caller's")
            #expect(report.hourCount >= 60, "every hour of the run named: \(report.hourCount)")
            if !keepNames { #expect(report.recreated) }
            _ = consume store
            #expect(Self.damage(target).isEmpty, "\(Self.damage(target).prefix(3))")
            let ingest = BootIdentity.$simulated.withValue(Self.otherBoot) {
                InProcess(["ingest", "--quiet", "--archive", "--store", target, "--stations", TestPaths.stations] + files)
            }
            #expect(ingest.status == ExitCode.dataError.rawValue && ingest.stderr.contains("POWER LOSS"), "\(ingest.stderr)")
            #expect(try RingBytes(target) == RingBytes(reference), "keepNames \(keepNames), newer \(newer)")
        }
    }

    @Test("killed on the same boot: the next writer continues the journal's epoch from the page cache and ends where a clean run does")
    func sameBootContinues() async throws {
        let played = try await Self.played.value.get()
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        let target = TestPaths.temporaryDirectory("haze-power-loss-same-boot")
        try FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: played.cache, toPath: target)
        let store = try Store(directory: target, access: .readWrite, durability: .endOfRun)
        #expect(store.powerLoss == nil, "nothing to report: the page cache lost nothing")
        #expect(store.journal?.record?.pending == true && !store.imaged.hours.isEmpty, "the epoch continues with its copies")
        _ = try IngestRun(store: store, registry: registry, archive: true).run(played.second)
        #expect(store.journal?.record?.pending == false)
        _ = consume store
        #expect(try RingBytes(target) == RingBytes(played.reference))
    }

    @Test("ingest --archive: a batch's payloads are synced in raw/ before its journal record, the rings after the last batch")
    func rawBeforeRings() throws {
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        let directory = TestPaths.temporaryDirectory("haze-raw-order") + "/store"
        final class Order: @unchecked Sendable {
            let lock = NSLock()
            var syncs: [String] = []
            func add(_ path: String) {
                lock.lock()
                defer { lock.unlock() }
                syncs.append(path.contains("/raw/") ? "raw" : path.hasSuffix("/" + WriteSequence.fileName) ? "journal"
                             : path.hasSuffix(".ring") ? "ring" : path)
            }
        }
        let order = Order()
        try SyncCount.$observer.withValue({ path, _ in order.add(path) }) {
            let store = try Store(directory: directory, access: .readWrite, creating: .standard, durability: .endOfRun)
            _ = try IngestRun(store: store, registry: registry, archive: true).run(Array(TestPaths.cnemcFiles[0 ..< 5]))
        }
        #expect(order.syncs == ["raw", "raw", "raw", "raw", "raw", "journal", "ring", "ring"], "\(order.syncs)")
    }

    @Test("a run syncs once per batch and twice at its end, into a new store as into an old one")
    func syncsPerRun() throws {
        let registry = try StationRegistry.load(directory: TestPaths.stations)
        let directory = TestPaths.temporaryDirectory("haze-syncs") + "/store"
        final class Counts: @unchecked Sendable {
            let lock = NSLock()
            var journal = 0, rings = 0, other = 0
            func add(_ path: String) {
                lock.lock()
                defer { lock.unlock() }
                if path.hasSuffix("/" + WriteSequence.fileName) { journal += 1 } else if path.hasSuffix(".ring") { rings += 1 } else { other += 1 }
            }
        }
        func counted(_ files: [String]) throws -> Counts {
            let counts = Counts()
            try SyncCount.$observer.withValue({ path, _ in counts.add(path) }) {
                let store = try Store(directory: directory, access: .readWrite, creating: .standard, durability: .endOfRun)
                _ = try IngestRun(store: store, registry: registry).run(files)
            }
            return counts
        }
        // 17 files: two batches (at most 16 sources, 24 MB, each).
        let new = try counted(Array(TestPaths.cnemcFiles[0 ..< 17]))
        #expect(new.journal == 2 && new.rings == 2 && new.other == 0, "journal \(new.journal), rings \(new.rings), other \(new.other)")
        let old = try counted(Array(TestPaths.cnemcFiles[17 ..< 22]))
        #expect(old.journal == 1 && old.rings == 2 && old.other == 0, "journal \(old.journal), rings \(old.rings), other \(old.other)")
    }
}
