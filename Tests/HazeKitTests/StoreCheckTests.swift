import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore
@testable import HazeIngest
@testable import HazeCLI

/// `haze check` and `haze check --repair` on damaged stores: every kind of
/// damage is seen, repair restores exactly what raw/ (or a checksum) can
/// restore, keeps what is intact, and never says OK after a loss.
@Suite("Store check and repair", .onTestThreads)
struct StoreCheckTests {
    /// A small store of three national day files, their payloads archived under raw/ when asked.
    /// Rings of 14 days, not the default 420: the checks and repairs read every
    /// byte of both rings, which by default are half a gigabyte per store.
    static func store(archive: Bool = true, files: Int = 3) -> String {
        let store = TestPaths.temporaryDirectory("haze-check")
        #expect(InProcess(["init", "--store", store, "--hours", "\(14 * 24)", "--days", "32"]).status == 0)
        var arguments = ["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations]
        if archive { arguments.append("--archive") }
        let run = InProcess(arguments + Array(TestPaths.cnemcFiles.prefix(files)))
        #expect(run.status == 0, "\(run.stderr)")
        return store
    }

    /// A short fingerprint of a file's bytes, so a failed comparison prints two lines, not megabytes.
    static func digest(_ bytes: [UInt8]) -> String { "\(bytes.count) bytes, CRC-32 \(String(CRC32.checksum(bytes), radix: 16))" }

    static func bytes(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
    }

    static func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    static func check(_ store: String, repair: Bool = false) -> InProcess {
        InProcess(["check", "--store", store, "--stations", TestPaths.stations] + (repair ? ["--repair"] : []))
    }

    static func backups(_ store: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).filter { $0.hasPrefix("backup-") }
    }

    /// The byte offset of a slot, from the ring's own header.
    static func slotOffset(_ path: String, step: Int, series: Int) throws -> Int {
        let file = try MappedFile(openingExisting: path, writable: false)
        let header = try #require(RingHeader.decode(file, at: 0))
        return header.geometry.offset(step: step, series: series)
    }

    /// Rewrites both header copies with a change, checksums recomputed (what
    /// an attacker or a buggy tool could do; only validation catches it).
    static func rewriteHeader(_ path: String, _ change: (inout RingHeader) -> Void) throws {
        let file = try MappedFile(openingExisting: path, writable: true)
        var header = try #require(RingHeader.decode(file, at: 0))
        change(&header)
        header.write(to: file)
    }

    @Test("a healthy store passes, with the rows and days verified")
    func healthy() {
        let store = Self.store(archive: false)
        let run = Self.check(store)
        #expect(run.status == 0)
        #expect(run.stdout.contains("check: OK"), "\(run.stdout)")
        #expect(run.stdout.contains("4 days with data"), "three files of hours 0–23: hour 0 of the first ends the day before (hours 1–24), \(run.stdout)")
    }

    /// A writer on a thread of its own (a `Store` belongs to one thread) caught
    /// between a slot and its checksum: the newest hour's first slot changed,
    /// its entry not yet. `began` is signalled then; after `release` it puts
    /// the slot back and ends the write, and signals `done`.
    static func writerMidEdit(_ store: String, began: DispatchSemaphore, release: DispatchSemaphore, done: DispatchSemaphore) {
        Thread.detachNewThread {
            defer { done.signal() }
            guard let writer = try? Store(directory: store, access: .readWrite), let hour = writer.newestHour else {
                began.signal()
                return
            }
            writer.sequence?.beginWrite(hours: hour ... hour)
            let old = writer.hourly.raw(hour, 0)
            writer.hourly.setRaw(hour, 0, old &+ 7)
            began.signal()
            release.wait()
            writer.hourly.setRaw(hour, 0, old)
            writer.sequence?.endWrite()
        }
    }

    @Test("a check while a write is under way claims no damage: with no time to wait it says the store is being written (75); given time it waits and checks")
    func checkDuringAWrite() async throws {
        let store = Self.store(archive: false, files: 1)
        let began = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        Self.writerMidEdit(store, began: began, release: release, done: done)
        await OffPool.run { began.wait() }
        let busy = InProcess(["check", "--store", store, "--wait", "0.2"])
        #expect(busy.status == 75, "\(busy.stdout)\(busy.stderr)")
        #expect(busy.stdout.contains("not verified: the store is being written (pid \(getpid())"), "\(busy.stdout)")
        #expect(!busy.stdout.contains("problem") && !busy.stdout.contains("OK"), "\(busy.stdout)")
        // The writer finishes while the next check waits for it.
        Thread.detachNewThread {
            usleep(300_000)
            release.signal()
        }
        let waited = InProcess(["check", "--store", store])
        #expect(waited.status == 0, "\(waited.stdout)\(waited.stderr)")
        #expect(waited.stdout.contains("check: OK"), "\(waited.stdout)")
        await OffPool.run { done.wait() }
    }

    @Test("a write left open by a killed writer whose pid still answers (a zombie, a reused pid) is not waited for: what it left is checked and reported")
    func checkAfterAKilledWriter() throws {
        let store = Self.store(archive: false, files: 1)
        let done = DispatchSemaphore(value: 0)
        // Killed between a slot and its checksum: the thread's store is dropped, the record left open.
        Thread.detachNewThread {
            defer { done.signal() }
            guard let writer = try? Store(directory: store, access: .readWrite), let hour = writer.newestHour else { return }
            writer.sequence?.beginWrite(hours: hour ... hour)
            writer.hourly.setRaw(hour, 0, writer.hourly.raw(hour, 0) &+ 7)
        }
        done.wait()
        // pid 1 always answers kill(pid, 0), as a zombie or a reused pid would; nobody holds the lock.
        try MappedFile(openingExisting: store + "/seq", writable: true).setI32(8, 1)
        let run = InProcess(["check", "--store", store, "--wait", "0.2"])
        #expect(run.status == 65, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("its checksum does not match its values"), "\(run.stdout)")
        #expect(!run.stdout.contains("being written"), "\(run.stdout)")
    }

    /// One way to make a ring unopenable, and what the report must say.
    struct Damage: Sendable, CustomStringConvertible {
        var description: String
        var expected: String
        var apply: @Sendable (String) throws -> Void
    }

    static let damages: [Damage] = [
        Damage(description: "truncated", expected: "(truncated?)") { path in
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).intValue
            #expect(truncate(path, off_t(size / 2)) == 0)
        },
        Damage(description: "wrong magic in both header copies", expected: "not a haze ring file (wrong magic number)") { path in
            try patch(path, at: 0, Array("NOTHAZE!".utf8))
            try patch(path, at: 2048, Array("NOTHAZE!".utf8))
        },
        Damage(description: "both header copies damaged", expected: "both copies of the header fail their checksum") { path in
            try patch(path, at: 40, [0xFF])
            try patch(path, at: 2048 + 40, [0xFF])
        },
        Damage(description: "newest hour −5 in both copies, checksums recomputed", expected: "outside the supported calendar") { path in
            try rewriteHeader(path) { $0.newest = -5 * 24 * 365 * 1000 }
        },
        Damage(description: "newest hour Int64.max", expected: "outside the supported calendar") { path in
            try rewriteHeader(path) { $0.newest = Int64.max }
        },
        Damage(description: "cleared-through after newest", expected: "after the newest step") { path in
            try rewriteHeader(path) { $0.cleared = $0.newest + 5 }
        },
        Damage(description: "rows offset off the layout", expected: "the layout") { path in
            try rewriteHeader(path) { $0.dataOffset += 4096 }
        },
        // Found by the damage harness (seed 1130): the repair resolved the damaged
        // key as a series of its own ("1009A\u{1}"), carried the old daily values
        // over to it and said OK (or left the daily ring disagreeing with the hours).
        Damage(description: "a flipped bit in a station code of the series table", expected: "the series table fails its checksum") { path in
            let offset = HourlyRing.tableOffset + 5 * HourlyRing.tableEntryBytes + 5   // the byte after a five-character code
            try patch(path, at: offset, [bytes(path)[offset] ^ 0x01])
        },
        Damage(description: "a flipped bit in the last character of a station code", expected: "the series table fails its checksum") { path in
            let offset = HourlyRing.tableOffset + 7 * HourlyRing.tableEntryBytes + 4
            try patch(path, at: offset, [bytes(path)[offset] ^ 0x02])
        },
        Damage(description: "a flipped bit in a pollutant code of the series table", expected: "the series table fails its checksum") { path in
            let offset = HourlyRing.tableOffset + 3 * HourlyRing.tableEntryBytes + 24
            try patch(path, at: offset, [bytes(path)[offset] ^ 0x01])
        },
    ]

    @Test("an unopenable hourly ring is reported with its path and cause; queries refuse it; --repair rebuilds it from a complete raw/ byte for byte",
          arguments: damages)
    func unopenableHourlyRing(_ damage: Damage) throws {
        let store = Self.store()
        let hourly = store + "/" + Store.hourlyFileName
        let original = [Store.hourlyFileName, Store.dailyFileName].map { Self.bytes(store + "/" + $0) }
        try damage.apply(hourly)
        let damaged = Self.bytes(hourly)

        let report = Self.check(store)
        #expect(report.status == ExitCode.dataError.rawValue)
        #expect(report.stdout.contains(hourly) && report.stdout.contains(damage.expected), "\(report.stdout)")
        // Queries and writers refuse it rather than answering from (or writing over) garbage.
        let query = InProcess(["query", "--store", store, "--stations", TestPaths.stations, "--station", "1001A"])
        #expect(query.status != 0 && query.stderr.contains(damage.expected), "\(query.stderr)")
        let ingest = InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations, TestPaths.cnemcFiles[3]])
        #expect(ingest.status != 0)
        #expect(Self.digest(Self.bytes(store + "/" + Store.dailyFileName)) == Self.digest(original[1]), "an ordinary ingest never wipes the rings")

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0, "\(repaired.stdout)\(repaired.stderr)")
        #expect(repaired.stdout.contains("OK after repair"), "\(repaired.stdout)")
        #expect(Self.digest(Self.bytes(hourly)) == Self.digest(original[0]), "the rebuilt hourly ring equals the original")
        #expect(Self.digest(Self.bytes(store + "/" + Store.dailyFileName)) == Self.digest(original[1]))
        let backups = Self.backups(store)
        #expect(backups.count == 1)
        #expect(Self.digest(Self.bytes(store + "/" + (backups.first ?? "") + "/" + Store.hourlyFileName)) == Self.digest(damaged),
                "the damaged file is kept, not overwritten")
    }

    @Test("one damaged header copy: the other holds, check says so, --repair rewrites it")
    func oneHeaderCopy() throws {
        let store = Self.store(archive: false)
        let hourly = store + "/" + Store.hourlyFileName
        let original = Self.bytes(hourly)
        try Self.patch(hourly, at: 48, [0x7B])  // copy A's newest step, its checksum now wrong
        let query = InProcess(["query", "--store", store, "--stations", TestPaths.stations, "--station", "1001A",
                               "--resolution", "day", "--from", "2019-01-01", "--to", "2019-01-03", "--format", "csv"])
        #expect(query.status == 0, "readers use the intact copy: \(query.stderr)")
        let report = Self.check(store)
        #expect(report.status == ExitCode.dataError.rawValue)
        #expect(report.stdout.contains("one copy of the header fails its checksum"), "\(report.stdout)")
        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0 && repaired.stdout.contains("rewrote both header copies"), "\(repaired.stdout)")
        #expect(Self.digest(Self.bytes(hourly)) == Self.digest(original))
    }

    @Test("without raw payloads an unopenable ring is not touched, and the repair says so")
    func noRawNoRepair() throws {
        let store = Self.store(archive: false)
        let hourly = store + "/" + Store.hourlyFileName
        try Self.patch(hourly, at: 0, Array("NOTHAZE!".utf8))
        try Self.patch(hourly, at: 2048, Array("NOTHAZE!".utf8))
        let damaged = Self.bytes(hourly)
        let run = Self.check(store, repair: true)
        #expect(run.status == ExitCode.dataError.rawValue)
        #expect(run.stdout.contains("NOT RESTORED") && run.stdout.contains("raw/ holds nothing to rebuild from"), "\(run.stdout)")
        #expect(!run.stdout.contains("OK"))
        #expect(Self.digest(Self.bytes(hourly)) == Self.digest(damaged))
    }

    @Test("a ring from a newer haze is reported and left alone, even with --repair")
    func newerVersion() throws {
        let store = Self.store()
        let daily = store + "/" + Store.dailyFileName
        try Self.rewriteHeader(daily) { $0.version = 9 }
        let before = Self.bytes(daily)
        let run = Self.check(store, repair: true)
        #expect(run.status == ExitCode.dataError.rawValue)
        #expect(run.stdout.contains("format version 9 is newer than this haze"), "\(run.stdout)")
        #expect(run.stdout.contains("upgrade haze"))
        #expect(Self.digest(Self.bytes(daily)) == Self.digest(before))
        #expect(Self.backups(store).isEmpty)
    }

    /// A store of the sample's first four days with a 3-day hourly ring (and room for 8 days).
    static func fourDayStore(_ label: String) -> String {
        let store = TestPaths.temporaryDirectory(label)
        #expect(InProcess(["init", "--store", store, "--hours", "72", "--days", "8"]).status == 0)
        #expect(InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations]
                          + Array(TestPaths.cnemcFiles.prefix(4))).status == 0)
        return store
    }

    @Test("a flipped byte in a daily value older than the hourly window is found; one flipped bit is fixed exactly")
    func dailyValueOutsideTheHourlyWindow() throws {
        // A 3-day hourly ring: the first of four days lives only in the daily ring.
        let store = Self.fourDayStore("haze-check-old-day")
        let daily = store + "/" + Store.dailyFileName
        let original = Self.bytes(daily)
        let day = Day(CivilDate(year: 2019, month: 1, day: 1)!)
        let offset = try Self.slotOffset(daily, step: day.index, series: 0)
        try Self.patch(daily, at: offset + 2, [original[offset + 2] ^ 0x04])  // one bit of the sum

        let report = Self.check(store)
        #expect(report.status == ExitCode.dataError.rawValue)
        #expect(report.stdout.contains("daily ring, 2019-01-01: its checksum does not match its values"), "\(report.stdout)")
        let query = InProcess(["rank", "--store", store, "--stations", TestPaths.stations, "--month", "2019-01", "--city", "北京"])
        #expect(query.status != 0 && query.stderr.contains("2019-01-01 is damaged"), "a ranking never uses a damaged day: \(query.stderr)")

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0, "\(repaired.stdout)")
        #expect(repaired.stdout.contains("one flipped bit") && repaired.stdout.contains("OK after repair"), "\(repaired.stdout)")
        #expect(Self.digest(Self.bytes(daily)) == Self.digest(original), "restored exactly")
    }

    @Test("of two damaged days the earlier is named; the intact day before them passes, the damaged ones are never read")
    func firstDamagedDayInDateOrder() throws {
        let store = Self.fourDayStore("haze-check-two-days")
        let daily = store + "/" + Store.dailyFileName
        let original = Self.bytes(daily)
        let opened = try Store(directory: store, access: .readOnly)
        let first = Day(CivilDate(year: 2019, month: 1, day: 1)!)
        try opened.verifyDailyRows(first ..< first.advanced(by: 4))
        for day in [3, 2] {
            let offset = try Self.slotOffset(daily, step: first.advanced(by: day - 1).index, series: 0)
            try Self.patch(daily, at: offset + 2, [original[offset + 2] ^ 0x04])
        }
        for _ in 0 ..< 20 {
            let fresh = try Store(directory: store, access: .readOnly)
            #expect(throws: StoreError.self) { try fresh.verifyDailyRows(first ..< first.advanced(by: 4)) }
            do {
                try fresh.verifyDailyRows(first ..< first.advanced(by: 4))
            } catch {
                #expect(error.description.contains("2019-01-02 is damaged"), "\(error)")
            }
            // The intact day before them is checked and readable; the damaged ones are not taken.
            try fresh.verifyDailyRows(first ..< first.advanced(by: 1))
            #expect(throws: StoreError.self) { _ = try fresh.dailyRow(on: first.advanced(by: 2)) }
        }
        let query = InProcess(["rank", "--store", store, "--stations", TestPaths.stations, "--month", "2019-01", "--city", "北京"])
        #expect(query.status != 0 && query.stderr.contains("2019-01-02 is damaged"), "\(query.stderr)")
    }

    @Test("a flipped bit in an hourly slot (16498 µg/m³) is never read as a value, never rolled into a day, and is fixed exactly")
    func hourlySlotAboveTheCap() throws {
        let store = Self.store(archive: false)
        let hourly = store + "/" + Store.hourlyFileName
        let originals = [Store.hourlyFileName, Store.dailyFileName].map { Self.bytes(store + "/" + $0) }
        let opened = try Store(directory: store, access: .readOnly)
        let series = try #require(opened.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
        let hour = opened.zone.hour(day: Day(CivilDate(year: 2019, month: 1, day: 2)!), hourOfDay: 10)
        let value = try #require(opened.value(series, at: hour))
        _ = consume opened
        let offset = try Self.slotOffset(hourly, step: hour.index, series: series)
        // Set bit 14: value + 1 + 16384 (e.g. 113 → 16498 µg/m³), above the 10000 cap.
        let raw = UInt16(value + 1) | 0x4000
        try Self.patch(hourly, at: offset, [UInt8(raw & 0xFF), UInt8(raw >> 8)])

        let reader = try Store(directory: store, access: .readOnly)
        #expect(reader.value(series, at: hour) == nil, "a slot above the cap is never a value")
        #expect(reader.row(at: hour)?[series] == nil)
        let report = Self.check(store)
        #expect(report.status == ExitCode.dataError.rawValue)
        #expect(report.stdout.contains("values no reading can have"), "\(report.stdout)")
        // A correction of another station on that day must not recompute the day from the damaged hour.
        let csv = TestPaths.temporaryDirectory("haze-check-fix") + "/fix.csv"
        try "station,time,pollutant,value\n1003A,2019-01-02T05:00+08:00,PM2.5,1\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let ingest = InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations, csv])
        #expect(ingest.status != 0 && ingest.stderr.contains("cannot be rolled up; nothing was written"), "\(ingest.stderr)")
        #expect(Self.digest(Self.bytes(store + "/" + Store.dailyFileName)) == Self.digest(originals[1]), "the daily ring is untouched")

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0 && repaired.stdout.contains("one flipped bit"), "\(repaired.stdout)")
        #expect(Self.digest(Self.bytes(hourly)) == Self.digest(originals[0]))
    }

    @Test("a flipped bit that leaves an hourly value in range (113 → 112) is never shown, exported or alerted on: every read by the hour names the damaged hour")
    func hourlySlotFlippedInRange() throws {
        let store = Self.store(archive: false)
        let hourly = store + "/" + Store.hourlyFileName
        let original = Self.bytes(hourly)
        let opened = try Store(directory: store, access: .readOnly)
        let series = try #require(opened.index(of: SeriesKey(station: "1001A", pollutant: .pm25)))
        let hour = opened.zone.hour(day: Day(CivilDate(year: 2019, month: 1, day: 2)!), hourOfDay: 10)
        let value = try #require(opened.value(series, at: hour))
        _ = consume opened
        // Bit 0 of the slot (value + 1): a neighbouring value, under the cap, that no range check can see.
        let raw = UInt16(value + 1) ^ 1
        try Self.patch(hourly, at: try Self.slotOffset(hourly, step: hour.index, series: series), [UInt8(raw & 0xFF), UInt8(raw >> 8)])
        #expect(try Store(directory: store, access: .readOnly).value(series, at: hour) == Int(raw) - 1, "a value in range: only the checksum can tell")

        let damaged = "the hourly row of 2019-01-02T10:00+08:00 is damaged"
        let common = ["--store", store, "--stations", TestPaths.stations]
        let reads: [(String, [String])] = [
            ("query by the hour", ["query"] + common + ["--station", "1001A", "--pollutant", "pm2.5", "--resolution", "hour",
                                                        "--from", "2019-01-02", "--to", "2019-01-02", "--format", "csv"]),
            ("a city's AQI by the hour", ["query"] + common + ["--city", "北京", "--indicator", "aqi", "--resolution", "hour",
                                                               "--from", "2019-01-01", "--to", "2019-01-03"]),
            ("export parquet of the hours", ["export", "parquet"] + common + ["--out", TestPaths.temporaryDirectory("haze-flip") + "/h.parquet"]),
            ("an alert run", ["alert"] + common + ["--rules", TestPaths.root + "/alerts", "--at", "2019-01-03T23:00", "--dry-run"]),
            ("an alert replay", ["alert"] + common + ["--rules", TestPaths.root + "/alerts", "--replay", "--from", "2019-01-01",
                                                      "--to", "2019-01-03", "--summary"]),
        ]
        for (what, arguments) in reads {
            let run = InProcess(arguments)
            #expect(run.status == ExitCode.dataError.rawValue && run.stderr.contains(damaged), "\(what): \(run.status) \(run.stderr)")
            #expect(run.stdout.isEmpty, "\(what) printed nothing: \(run.stdout.prefix(200))")
        }
        // Hours away from the damage, and the days (rolled up before it), are still read.
        let otherDay = InProcess(["query"] + common + ["--station", "1001A", "--pollutant", "pm2.5", "--resolution", "hour",
                                                      "--from", "2019-01-03", "--to", "2019-01-03", "--format", "csv"])
        #expect(otherDay.status == 0 && otherDay.stdout.contains("2019-01-03T10:00+08:00"), "\(otherDay.stderr)")

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0, "\(repaired.stdout)")
        #expect(Self.digest(Self.bytes(hourly)) == Self.digest(original))
        let after = InProcess(reads[0].1)
        #expect(after.status == 0 && after.stdout.contains("2019-01-02T10:00+08:00,1001A,PM2.5,\(value),"), "\(after.stdout)")
    }

    @Test("raw/ holding 1 of 4 days: a damaged hour of another day is NOT RESTORED, set aside, and the intact rings are kept")
    func partialRawArchive() throws {
        // Days 1–3 ingested without archive, day 4 with it.
        let store = Self.store(archive: false)
        #expect(InProcess(["ingest", "--quiet", "--archive", "--store", store, "--stations", TestPaths.stations,
                           TestPaths.cnemcFiles[3]]).status == 0)
        let hourly = store + "/" + Store.hourlyFileName
        let daily = store + "/" + Store.dailyFileName
        let hour = LocalZone.beijing.hour(day: Day(CivilDate(year: 2019, month: 1, day: 2)!), hourOfDay: 10)
        let dailyBefore = Self.bytes(daily)
        // Several slots overwritten: no single-bit fix can explain it.
        let offset = try Self.slotOffset(hourly, step: hour.index, series: 0)
        try Self.patch(hourly, at: offset, [0x10, 0x00, 0x20, 0x00, 0x30, 0x00, 0x44, 0x01])
        let damagedRow = try Store(directory: store, access: .readOnly)
        let expectedValues = (0 ..< damagedRow.series.count).filter { damagedRow.hourlyRaw($0, at: hour) != 0 }.count
        _ = consume damagedRow

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == ExitCode.dataError.rawValue, "not OK: something was lost")
        #expect(repaired.stdout.contains("NOT RESTORED: hour 2019-01-02T10:00+08:00: damaged and not in raw/"), "\(repaired.stdout)")
        #expect(!repaired.stdout.contains("OK after repair"))
        #expect(repaired.stdout.contains("the store is consistent again, but 1 item(s) could not be restored"), "\(repaired.stdout)")
        // Nothing silently gone: the row's values are in salvage/ as a long CSV haze can read back.
        let salvage = try FileManager.default.contentsOfDirectory(atPath: store + "/salvage")
        let file = try #require(salvage.first { $0.hasPrefix("hours-") })
        let lines = try String(contentsOfFile: store + "/salvage/" + file, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "station,time,pollutant,value")
        #expect(lines.count - 1 == expectedValues, "every value the damaged row held is set aside")
        // Intact rows are kept: every other day's daily values are unchanged.
        let after = try Store(directory: store, access: .readOnly)
        let before = try Self.dailyRows(dailyBefore, codes: after.series.map(\.pollutant.rawValue))
        for day in [1, 3, 4] {
            let d = Day(CivilDate(year: 2019, month: 1, day: day)!)
            #expect((0 ..< after.series.count).map { after.daily($0, on: d) } == (0 ..< after.series.count).map { before($0, d) },
                    "day \(day) kept")
        }
        #expect(Self.check(store).status == 0, "consistent again")
    }

    @Test("an unopenable hourly ring and a raw/ holding only part of some days: the verified daily values are kept, marked as standing without their hours, the loss is stated, check stays consistent, and the day's file ingested again gives the undamaged store back")
    func unopenableRingPartialRaw() throws {
        // Days 1, 3 and 4 archived, day 2 not: raw/ holds one hour of day 2 (its
        // hour label 24, from day 3's file) and 23 of day 1 (its label 24 is in day 2's file).
        let store = Self.store(archive: true, files: 1)
        let ingest = { (file: String, archive: Bool) in
            InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations] + (archive ? ["--archive"] : []) + [file])
        }
        #expect(ingest(TestPaths.cnemcFiles[1], false).status == 0)
        #expect(ingest(TestPaths.cnemcFiles[2], true).status == 0)
        #expect(ingest(TestPaths.cnemcFiles[3], true).status == 0)
        let original = try RingBytes(store)
        let days = { InProcess(["query", "--store", store, "--stations", TestPaths.stations, "--city", "北京", "--resolution", "day",
                                "--from", "2019-01-01", "--to", "2019-01-04", "--pollutant", "all", "--format", "csv"]) }
        let dailyBefore = days()
        #expect(dailyBefore.status == 0 && dailyBefore.stdout.contains("2019-01-02"), "\(dailyBefore.stdout)")
        let hourly = store + "/" + Store.hourlyFileName
        let size = try #require(FileManager.default.attributesOfItem(atPath: hourly)[.size] as? NSNumber).intValue
        #expect(truncate(hourly, off_t(size / 2)) == 0)

        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == ExitCode.dataError.rawValue, "never OK: hours were lost\n\(repaired.stdout)")
        #expect(!repaired.stdout.contains("OK after repair"))
        let loss = repaired.stdout.split(separator: "\n").first { $0.contains("NOT RESTORED: hourly values of") && $0.contains("lost in part") }
        #expect(loss?.contains("2019-01-01") == true && loss?.contains("2019-01-02") == true, "\(repaired.stdout)")
        // The daily values are those of before the damage, not remade from the hours raw/ holds.
        #expect(days().stdout == dailyBefore.stdout)
        // Consistent: check passes and names the values standing without their hours.
        let check = Self.check(store)
        #expect(check.status == 0, "\(check.stdout)")
        let note = check.stdout.split(separator: "\n").first { $0.hasPrefix("check: note:") && $0.contains("stand without their hours") }
        #expect(note?.contains("2019-01-02") == true, "\(check.stdout)")
        // A second repair finds nothing to do (it would once have recomputed day 2 from its one hour).
        let again = Self.check(store, repair: true)
        #expect(again.status == 0 && Self.backups(store).count == 1, "\(again.stdout)")
        #expect(days().stdout == dailyBefore.stdout)
        // Day 2's file ingested again: the hours are back, the marks gone, the rings those of before.
        #expect(ingest(TestPaths.cnemcFiles[1], true).status == 0)
        let healed = Self.check(store)
        #expect(healed.status == 0 && !healed.stdout.contains("stand without their hours"), "\(healed.stdout)")
        #expect(try RingBytes(store) == original)
    }

    @Test("a daily ring truncated to its headers, refilled from a raw/ holding part of some days: each such day is NOT RESTORED (the old row could not be read), never taken from raw/ with OK (found by the damage harness with --partial-raw)")
    func truncatedDailyRingPartialRaw() throws {
        // A 2-day hourly window (so older days live only in the daily ring); days 2 and 4 archived, 1 and 3 not.
        let store = TestPaths.temporaryDirectory("haze-check-daily-partial")
        #expect(InProcess(["init", "--store", store, "--hours", "48", "--days", "16"]).status == 0)
        for (i, file) in TestPaths.cnemcFiles.prefix(4).enumerated() {
            let archive = i % 2 == 1 ? ["--archive"] : []
            #expect(InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations] + archive + [file]).status == 0)
        }
        let daily = store + "/" + Store.dailyFileName
        #expect(truncate(daily, 15088) == 0)
        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == ExitCode.dataError.rawValue, "\(repaired.stdout)")
        #expect(!repaired.stdout.contains("OK after repair"))
        // Day 1: raw/ holds only its hour label 24 (in day 2's file); day 2: its labels 1–23.
        for day in ["2019-01-01", "2019-01-02"] {
            let line = repaired.stdout.split(separator: "\n").first { $0.contains("NOT RESTORED: day \(day): the old daily row could not be read") }
            #expect(line != nil, "\(day): \(repaired.stdout)")
        }
        #expect(Self.check(store).status == 0, "consistent again")
    }

    @Test("a series table entry overwritten (its pollutant code) and a raw/ holding part of some days: the old daily rows that fail their checksums for it are not replaced by raw/'s partial days with OK — the loss is stated (found by the damage harness with --partial-raw)")
    func damagedSeriesTablePartialRaw() throws {
        let store = TestPaths.temporaryDirectory("haze-check-table-partial")
        #expect(InProcess(["init", "--store", store, "--hours", "48", "--days", "16"]).status == 0)
        for (i, file) in TestPaths.cnemcFiles.prefix(4).enumerated() {
            let archive = i % 2 == 1 ? ["--archive"] : []
            #expect(InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations] + archive + [file]).status == 0)
        }
        // Entry 68's last code bytes and its pollutant code (the harness's case: seed 1796041403).
        try Self.patch(store + "/" + Store.hourlyFileName, at: HourlyRing.tableOffset + 68 * HourlyRing.tableEntryBytes + 22, [0x41, 0x42, 0x07, 0x00])
        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == ExitCode.dataError.rawValue, "\(repaired.stdout)")
        #expect(!repaired.stdout.contains("OK after repair"))
        #expect(repaired.stdout.contains("NOT RESTORED: daily values of"), "\(repaired.stdout)")
        #expect(Self.check(store).status == 0, "consistent again")
    }

    /// Reads daily values out of a copy of a daily ring's bytes.
    static func dailyRows(_ bytes: [UInt8], codes: [UInt8]) throws -> (Int, Day) -> DailyValue {
        let path = TestPaths.temporaryDirectory("haze-check-copy") + "/daily.ring"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let ring = try DailyRing(opening: path, writable: false)
        return { series, day in DailyValue(packed: ring.raw(day, series), code: codes[series]) }
    }

    @Test("a zeroed daily row older than the hourly window whose day raw/ does not hold is a stated loss, never 'restored from raw/' (found by the damage harness with --partial-raw)")
    func zeroedDailyRowNotInRaw() throws {
        // A 48-hour ring: 2019-01-01 lives only in the daily ring; raw/ holds only 2019-01-03.
        let store = TestPaths.temporaryDirectory("haze-check-zeroed-day")
        #expect(InProcess(["init", "--store", store, "--hours", "48", "--days", "16"]).status == 0)
        for (i, file) in TestPaths.cnemcFiles.prefix(3).enumerated() {
            let archive = i == 2 ? ["--archive"] : []
            #expect(InProcess(["ingest", "--quiet", "--store", store, "--stations", TestPaths.stations] + archive + [file]).status == 0)
        }
        let daily = store + "/" + Store.dailyFileName
        let day = Day(CivilDate(year: 2019, month: 1, day: 1)!)
        let file = try MappedFile(openingExisting: daily, writable: false)
        let geometry = try #require(RingHeader.decode(file, at: 0)).geometry
        let offset = geometry.offset(step: day.index, series: 0)
        _ = consume file
        // The row's values zeroed (a page of zeros), its directory entry intact.
        try Self.patch(daily, at: offset, [UInt8](repeating: 0, count: geometry.rowBytes))
        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == ExitCode.dataError.rawValue, "\(repaired.stdout)")
        #expect(repaired.stdout.contains("day 2019-01-01: damaged") && repaired.stdout.contains("are in neither raw/ nor the damaged row: lost"),
                "\(repaired.stdout)")
        #expect(!repaired.stdout.contains("day 2019-01-01: restored from raw/") && !repaired.stdout.contains("OK after repair"))
    }

    @Test("a damaged hour that raw/ holds is restored from it, verified against the row's checksum")
    func restoredFromRaw() throws {
        let store = Self.store()
        let hourly = store + "/" + Store.hourlyFileName
        let original = Self.bytes(hourly)
        let hour = LocalZone.beijing.hour(day: Day(CivilDate(year: 2019, month: 1, day: 2)!), hourOfDay: 10)
        let offset = try Self.slotOffset(hourly, step: hour.index, series: 0)
        try Self.patch(hourly, at: offset, [0x10, 0x00, 0x20, 0x00, 0x30, 0x00])
        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0, "\(repaired.stdout)")
        #expect(repaired.stdout.contains("restored from raw/ (verified by the row's checksum)"), "\(repaired.stdout)")
        #expect(Self.digest(Self.bytes(hourly)) == Self.digest(original))
    }

    @Test("a daily value that disagrees with intact hours is recomputed from them")
    func dailyRecomputedFromHours() throws {
        let store = Self.store(archive: false)
        let daily = store + "/" + Store.dailyFileName
        let original = Self.bytes(daily)
        let day = Day(CivilDate(year: 2019, month: 1, day: 2)!)
        let offset = try Self.slotOffset(daily, step: day.index, series: 3)
        // Several bits of a sum: not one flipped bit.
        try Self.patch(daily, at: offset + 1, [original[offset + 1] ^ 0x5A])
        let report = Self.check(store)
        #expect(report.status == ExitCode.dataError.rawValue && report.stdout.contains("daily ring, 2019-01-02"), "\(report.stdout)")
        let repaired = Self.check(store, repair: true)
        #expect(repaired.status == 0, "\(repaired.stdout)")
        #expect(repaired.stdout.contains("day 2019-01-02: daily values recomputed from its hours"), "\(repaired.stdout)")
        #expect(Self.digest(Self.bytes(daily)) == Self.digest(original))
    }
}
