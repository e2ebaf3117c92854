import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore
@testable import HazeCLI

/// The store's own API as a hostile or careless caller uses it: out-of-range
/// series, views that outlive a widening, reads that never settle, a killed
/// writer, system errors with their real cause, and the upgrade of a store
/// written by haze 0.1.
@Suite("Store integrity", .onTestThreads)
struct StoreIntegrityTests {
    let zone = LocalZone.beijing
    let start = Day(CivilDate(year: 2019, month: 1, day: 1)!)

    func hour(_ dayOffset: Int, _ h: Int) -> Hour { zone.hour(day: start.advanced(by: dayOffset), hourOfDay: h) }

    func newStore(hours: Int = 24 * 30, days: Int = 64) throws -> Store {
        try Store(directory: TestPaths.temporaryDirectory("haze-integrity"), access: .readWrite,
                  creating: StoreConfiguration(hourlyCapacity: hours, dailyCapacity: days, dayConvention: .hours0to23))
    }

    static func digest(_ path: String) -> String {
        let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
        return "\(bytes.count) bytes, CRC-32 \(String(CRC32.checksum(bytes), radix: 16))"
    }

    @Test("a write naming a series the store does not hold is refused whole; nothing is written")
    func unknownSeries() throws {
        let store = try newStore()
        let ids = try store.resolve([SeriesKey(station: "A", pollutant: .pm25), SeriesKey(station: "B", pollutant: .pm25)])
        _ = try store.write([StoredReading(series: ids[0], hour: hour(0, 0), value: 1)])
        let before = Self.digest(store.hourlyPath)
        #expect(throws: StoreError.unknownSeries(index: 2, count: 2)) {
            _ = try store.write([StoredReading(series: ids[1], hour: hour(0, 1), value: 5),
                                 StoredReading(series: 2, hour: hour(0, 1), value: 7)])
        }
        #expect(throws: StoreError.unknownSeries(index: -1, count: 2)) {
            _ = try store.write([StoredReading(series: -1, hour: hour(0, 1), value: 7)])
        }
        #expect(Self.digest(store.hourlyPath) == before, "B's next hour was not overwritten, nothing was 'corrected'")
        #expect(store.value(ids[1], at: hour(0, 1)) == nil)
        #expect(store.value(5, at: hour(0, 0)) == nil, "reads of unknown series are empty, not out of bounds")
    }

    @Test("an hour row taken before the rings widen stays safe to read")
    func rowOutlivesWidening() throws {
        let store = try newStore()
        let first = try store.resolve([SeriesKey(station: "A", pollutant: .pm10)])[0]
        _ = try store.write([StoredReading(series: first, hour: hour(0, 3), value: 42)])
        let row = try #require(store.row(at: hour(0, 3)))
        // Two hundred new stations: both rings are rewritten wider and remapped.
        _ = try store.resolve((0 ..< 200).map { SeriesKey(station: "N\($0)", pollutant: .pm25) })
        #expect(row[first] == 42, "the old view still reads its row (no dangling pointer)")
        #expect(row[150] == nil, "and only the series it was made for")
        #expect(store.row(at: hour(0, 3))?[first] == 42)
    }

    @Test("a read that never sees a stable state throws instead of returning a torn one")
    func readNeverSettles() throws {
        let store = try newStore()
        _ = try store.resolve([SeriesKey(station: "A", pollutant: .pm10)])
        let directory = store.directory
        store.sequence?.beginWrite()  // a live writer (this process) stays mid-write
        #expect(throws: StoreError.busy(directory: directory, attempts: 2)) {
            _ = try Store.readConsistently(directory: directory, attempts: 2, waitPerAttempt: 0.05) { $0.newestHour }
        }
        store.sequence?.endWrite()
        #expect(try Store.readConsistently(directory: directory) { $0.series.count } == 1)
    }

    /// What a kill leaves: the sequence odd with `pid` as its writer, the hours in
    /// hand recorded, a slot changed (30 stored where 10 was), its checksum not.
    private func storeOfKilledWriter(pid: Int32) throws -> (directory: String, series: Int) {
        let store = try newStore()
        let id = try store.resolve([SeriesKey(station: "A", pollutant: .pm25)])[0]
        _ = try store.write([StoredReading(series: id, hour: hour(0, 5), value: 10)])
        let directory = store.directory
        store.sequence?.beginWrite(hours: hour(0, 5) ... hour(0, 5))
        store.hourly.setRaw(hour(0, 5), id, 31)
        _ = consume store
        let seq = try MappedFile(openingExisting: directory + "/seq", writable: true)
        seq.setI32(8, pid)
        return (directory, id)
    }

    @Test("a writer killed between a slot and its checksum: the next writer recomputes the rows it was writing")
    func killedMidEdit() throws {
        // A pid that is not running: the writer is gone.
        let (directory, id) = try storeOfKilledWriter(pid: Int32.max - 7)
        #expect(StoreCheck(directory: directory).problems.count == 1, "the mismatch is visible before recovery")
        let writer = try Store(directory: directory, access: .readWrite)
        #expect(writer.value(id, at: hour(0, 5)) == 30, "what the killed writer wrote is kept")
        _ = consume writer
        let check = StoreCheck(directory: directory)
        #expect(check.isHealthy, "\(check.findings)")
    }

    @Test("a killed writer whose pid answers (a zombie not yet reaped, or the pid reused): the lock's holder still finishes its work")
    func killedWriterWithLivePid() throws {
        // pid 1 always answers kill(pid, 0) (alive, or EPERM): as a zombie or a reused pid would.
        let (directory, id) = try storeOfKilledWriter(pid: 1)
        let writer = try Store(directory: directory, access: .readWrite)
        #expect(writer.value(id, at: hour(0, 5)) == 30, "the rows it was writing were recomputed, not refused")
        _ = try writer.write([StoredReading(series: id, hour: hour(0, 6), value: 12)])
        _ = consume writer
        let check = StoreCheck(directory: directory)
        #expect(check.isHealthy, "\(check.findings)")
    }

    @Test("a killed writer that had this process's pid (a container's fixed pid): the next writer recovers its rows, then writes")
    func killedWriterWithOwnPid() throws {
        let (directory, id) = try storeOfKilledWriter(pid: getpid())
        let writer = try Store(directory: directory, access: .readWrite)
        // The same day: its write checks the killed writer's row, which must have been recovered.
        _ = try writer.write([StoredReading(series: id, hour: hour(0, 6), value: 12)])
        #expect(writer.value(id, at: hour(0, 5)) == 30, "what the killed writer wrote is kept")
        _ = consume writer
        let check = StoreCheck(directory: directory)
        #expect(check.isHealthy, "\(check.findings)")
    }

    @Test("a write's end never ends a write record it did not make: a killed writer's stays for its recovery")
    func endWriteKeepsAnotherWritersRecord() throws {
        let (directory, _) = try storeOfKilledWriter(pid: Int32.max - 7)
        let sequence = try WriteSequence.forWriter(directory: directory)
        // A write that begins and fails (its deferred end runs) without recovering first.
        sequence.beginWrite(hours: hour(3, 0) ... hour(3, 1))
        sequence.endWrite()
        #expect(sequence.value % 2 == 1, "the killed writer's record is still open")
        #expect(sequence.interrupted?.hours == hour(0, 5).index ... hour(0, 5).index, "and still names its rows")
    }

    @Test("a writer opened without recovering (the repair's) completes a killed writer's record before its first write")
    func writeBeforeRecoveryCompletesTheRecord() throws {
        let (directory, id) = try storeOfKilledWriter(pid: Int32.max - 7)
        let writer = try Store(directory: directory, access: .readWrite, recovering: false)
        // Another day: nothing in the write's own checks meets the killed writer's row.
        _ = try writer.write([StoredReading(series: id, hour: hour(2, 3), value: 8)])
        #expect(writer.value(id, at: hour(0, 5)) == 30)
        _ = consume writer
        let check = StoreCheck(directory: directory)
        #expect(check.isHealthy, "the killed writer's row was recovered, not forgotten: \(check.findings)")
    }

    @Test("system errors name the real cause: not a directory, a full device, a symlinked ring")
    func systemErrorsNameTheCause() throws {
        let base = TestPaths.temporaryDirectory("haze-errno")
        let file = base + "/plain"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        #expect { try Directory.create(file + "/sub") } throws: { error in
            guard case .system(_, _, let code) = error as? StoreError else { return false }
            return code == ENOTDIR && !"\(error)".contains("read-only")
        }
        #expect { try AtomicFile.appendLine("x", to: "/dev/full") } throws: { error in
            "\(error)".contains("/dev/full") && "\(error)".contains("the disk is full")
        }
        // A ring that is a symlink is refused, never written through or replaced.
        let store = try newStore()
        let directory = store.directory
        _ = consume store
        let hourly = directory + "/" + Store.hourlyFileName
        try FileManager.default.moveItem(atPath: hourly, toPath: base + "/elsewhere.ring")
        try FileManager.default.createSymbolicLink(atPath: hourly, withDestinationPath: base + "/elsewhere.ring")
        #expect { _ = try Store(directory: directory, access: .readWrite) } throws: { "\($0)".contains("symbolic link") }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: hourly) == base + "/elsewhere.ring")
    }

    /// The fixture's readings, read independently: per (station, pollutant, local day), the sum and count of hours.
    static func fixtureDays() throws -> [String: (sum: Int, count: Int)] {
        let text = try String(contentsOfFile: TestPaths.fixtures + "/store-v1/readings.csv", encoding: .utf8)
        var days: [String: (sum: Int, count: Int)] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            let key = "\(f[0])|\(f[2])|\(f[1].prefix(10))"
            let value = Int(f[3]) ?? -1
            days[key, default: (0, 0)].sum += value
            days[key, default: (0, 0)].count += 1
        }
        return days
    }

    @Test("a store written by haze 0.1 (format 1) is upgraded in place by a writer, every value and day kept, the old files backed up")
    func formatOneUpgrade() throws {
        let directory = TestPaths.temporaryDirectory("haze-upgrade")
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            try FileManager.default.copyItem(atPath: TestPaths.fixtures + "/store-v1/" + name, toPath: directory + "/" + name)
        }
        // Readers are told what to do; they never guess at an old layout.
        #expect { _ = try Store(directory: directory, access: .readOnly) } throws: {
            "\($0)".contains("format version 1 needs an upgrade")
        }
        let check = InProcess(["check", "--store", directory, "--stations", TestPaths.stations])
        #expect(check.status == ExitCode.dataError.rawValue && check.stdout.contains("not verified"), "\(check.stdout)")

        let repaired = InProcess(["check", "--store", directory, "--stations", TestPaths.stations, "--repair"])
        #expect(repaired.status == 0 && repaired.stdout.contains("upgraded the rings"), "\(repaired.stdout)\(repaired.stderr)")
        let store = try Store(directory: directory, access: .readOnly)
        #expect(store.series.count == 6 && store.hourlyCapacity == 72 && store.dailyCapacity == 8)
        // Every day of the four, from the daily ring, equals the readings summed here.
        let expected = try Self.fixtureDays()
        var compared = 0
        for (i, key) in store.series.enumerated() {
            for d in 1 ... 4 {
                let day = Day(CivilDate(year: 2019, month: 1, day: d)!)
                let value = store.daily(i, on: day)
                let want = expected["\(key.station)|\(key.pollutant.displayName)|2019-01-0\(d)"] ?? (0, 0)
                #expect(value.sum == want.sum && value.validHours == want.count, "\(key) \(day)")
                compared += 1
            }
        }
        #expect(compared == 24)
        // The last 72 hours are readable hour by hour.
        #expect(store.value(try #require(store.index(of: SeriesKey(station: "1001A", pollutant: .pm25))),
                            at: zone.hour(day: start.advanced(by: 3), hourOfDay: 23)) != nil)
        let backup = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("backup-format1-") })
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            #expect(Self.digest(directory + "/" + backup + "/" + name) == Self.digest(TestPaths.fixtures + "/store-v1/" + name))
        }
        #expect(StoreCheck(directory: directory).isHealthy)
    }

    @Test("an ordinary writer upgrades a format-1 store too, and a second upgrade is a no-op")
    func upgradeByIngest() throws {
        let directory = TestPaths.temporaryDirectory("haze-upgrade-ingest")
        for name in [Store.hourlyFileName, Store.dailyFileName] {
            try FileManager.default.copyItem(atPath: TestPaths.fixtures + "/store-v1/" + name, toPath: directory + "/" + name)
        }
        let csv = directory + "-more.csv"
        try "station,time,pollutant,value\n1001A,2019-01-05T00:00+08:00,PM2.5,12\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let ingest = InProcess(["ingest", "--store", directory, "--stations", TestPaths.stations, csv])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let store = try Store(directory: directory, access: .readOnly)
        #expect(store.value(try #require(store.index(of: SeriesKey(station: "1001A", pollutant: .pm25))),
                            at: zone.hour(day: start.advanced(by: 4), hourOfDay: 0)) == 12)
        #expect(store.daily(0, on: start).validHours > 0, "2019-01-01 still in the daily ring")
        _ = consume store
        let before = Self.digest(directory + "/" + Store.hourlyFileName)
        _ = try Store(directory: directory, access: .readWrite)
        #expect(Self.digest(directory + "/" + Store.hourlyFileName) == before)
    }

    @Test("a row dated years ahead of its file does not move the window; --advance-window does, and days are never lost")
    func strayRowAhead() throws {
        let store = TestPaths.temporaryDirectory("haze-stray")
        let input = TestPaths.temporaryDirectory("haze-stray-input")
        #expect(InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations, TestPaths.cnemcFiles[0]]).status == 0)
        let csv = input + "/typo.csv"
        try """
            station,time,pollutant,value
            1001A,2019-01-02T05:00+08:00,PM2.5,40
            1001A,2024-01-02T05:00+08:00,PM2.5,41

            """.write(toFile: csv, atomically: true, encoding: .utf8)
        let run = InProcess(["ingest", "--store", store, "--stations", TestPaths.stations, csv])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("would move the store's hourly window from 2019-01-02T05:00+08:00 to 2024-01-02T05:00+08:00")
                && run.stderr.contains("--advance-window"), "\(run.stderr)")
        let opened = try Store(directory: store, access: .readOnly)
        #expect(opened.newestHour.map { opened.zone.format($0) } == "2019-01-02T05:00+08:00", "the window did not jump five years")
        let pm25 = try #require(opened.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
        #expect(opened.value(pm25, at: opened.zone.hour(day: Day(CivilDate(year: 2019, month: 1, day: 1)!), hourOfDay: 10)) != nil,
                "2019-01-01 is still readable hour by hour")
        let quarantine = try FileManager.default.contentsOfDirectory(atPath: store + "/quarantine")
        let file = try #require(quarantine.first { $0.hasPrefix("typo.csv") })
        #expect(try String(contentsOfFile: store + "/quarantine/" + file, encoding: .utf8).contains("would jump the hourly window"))
        let firstDay = opened.daily(pm25, on: Day(CivilDate(year: 2019, month: 1, day: 1)!))
        #expect(firstDay.validHours >= 19, "hour labels 1–23 of the file, some missing")
        _ = consume opened
        // Asked for explicitly: the window moves; the days of 2019 stay in the daily ring.
        let asked = InProcess(["ingest", "--advance-window", "--store", store, "--stations", TestPaths.stations, csv])
        #expect(asked.status == 0, "\(asked.stderr)")
        let moved = try Store(directory: store, access: .readOnly)
        #expect(moved.newestHour.map { moved.zone.format($0) } == "2024-01-02T05:00+08:00")
        #expect(moved.daily(pm25, on: Day(CivilDate(year: 2019, month: 1, day: 1)!)) == firstDay)
    }
}
