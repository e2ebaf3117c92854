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

@Suite("Store: ring buffer", .onTestThreads)
struct StoreTests {
    let zone = LocalZone.beijing
    let start = Day(CivilDate(year: 2019, month: 1, day: 1)!)

    func newStore(hours: Int = 24 * 30, days: Int = 64) throws -> Store {
        try Store(directory: TestPaths.temporaryDirectory("haze-store"), access: .readWrite,
                  creating: StoreConfiguration(hourlyCapacity: hours, dailyCapacity: days, dayConvention: .hours0to23))
    }

    func hour(_ dayOffset: Int, _ h: Int) -> Hour { zone.hour(day: start.advanced(by: dayOffset), hourOfDay: h) }

    @Test("values read back; equal rewrites are unchanged; different ones are corrections")
    func idempotentWrites() throws {
        let store = try newStore()
        let ids = try store.resolve([SeriesKey(station: "1001A", pollutant: .pm25), SeriesKey(station: "1001A", pollutant: .pm10)])
        let first = try store.write([StoredReading(series: ids[0], hour: hour(0, 0), value: 35),
                                     StoredReading(series: ids[1], hour: hour(0, 0), value: 0),
                                     StoredReading(series: ids[0], hour: hour(0, 1), value: 10_000)])
        #expect(first.stored == 3 && first.unchanged == 0 && first.corrected == 0)
        #expect(store.value(ids[0], at: hour(0, 0)) == 35)
        #expect(store.value(ids[1], at: hour(0, 0)) == 0, "zero is a value, not missing")
        #expect(store.value(ids[0], at: hour(0, 1)) == 10_000)
        #expect(store.value(ids[1], at: hour(0, 1)) == nil)
        let again = try store.write([StoredReading(series: ids[0], hour: hour(0, 0), value: 35),
                                     StoredReading(series: ids[0], hour: hour(0, 1), value: 9_000)])
        #expect(again.unchanged == 1 && again.corrected == 1 && again.stored == 0)
        #expect(store.value(ids[0], at: hour(0, 1)) == 9_000)
        // Within one batch the last of two values for the same hour wins.
        let twice = try store.write([StoredReading(series: ids[1], hour: hour(0, 2), value: 5),
                                     StoredReading(series: ids[1], hour: hour(0, 2), value: 6)])
        #expect(twice.stored == 1 && twice.corrected == 1)
        #expect(store.value(ids[1], at: hour(0, 2)) == 6)
    }

    @Test("the daily ring holds the exact mean and the valid-hour count")
    func dailyRollUp() throws {
        let store = try newStore()
        let id = try store.resolve([SeriesKey(station: "S1", pollutant: .pm25)])[0]
        // 20 hours of 1…20 plus hour 23 = 100: mean (210 + 100) / 21
        var readings = (0..<20).map { StoredReading(series: id, hour: hour(0, $0), value: $0 + 1) }
        readings.append(StoredReading(series: id, hour: hour(0, 23), value: 100))
        _ = try store.write(readings)
        let day = store.daily(id, on: start)
        #expect(day.validHours == 21 && day.sum == 310 && day.isValid)
        #expect(day.mean == 310.0 / 21.0)
        // A day with 19 hours is kept but not valid.
        _ = try store.write((0..<19).map { StoredReading(series: id, hour: hour(1, $0), value: 50) })
        #expect(store.daily(id, on: start.advanced(by: 1)).validHours == 19)
        #expect(store.daily(id, on: start.advanced(by: 1)).validMean == nil)
        // Readings in reverse order give the same result.
        let other = try store.resolve([SeriesKey(station: "S2", pollutant: .pm25)])[0]
        _ = try store.write(readings.reversed().map { StoredReading(series: other, hour: $0.hourStamp, value: Int($0.value)) })
        #expect(store.daily(other, on: start) == day)
    }

    @Test("wrap-around: newest hours kept, older days from the daily ring, too-old hours refused")
    func wrapAround() throws {
        // Three days of hours, ten of days; feed ten days.
        let store = try newStore(hours: 72, days: 10)
        let id = try store.resolve([SeriesKey(station: "S1", pollutant: .pm10)])[0]
        func value(_ d: Int, _ h: Int) -> Int { d * 100 + h }
        for d in 0..<10 {
            _ = try store.write((0..<24).map { StoredReading(series: id, hour: hour(d, $0), value: value(d, $0)) })
        }
        let newest = try #require(store.newestHour)
        #expect(newest == hour(9, 23))
        // The last 72 hours are there, hour by hour.
        for back in 0..<72 {
            let h = newest.advanced(by: -back)
            #expect(store.value(id, at: h) == value(start.distance(to: zone.day(of: h)), zone.hourOfDay(h)))
        }
        // Older hours are gone from the hourly ring …
        #expect(store.value(id, at: hour(6, 23)) == nil)
        #expect(store.value(id, at: hour(0, 5)) == nil)
        // … but every day is in the daily ring with its exact mean (d*100 + 11.5).
        for d in 0..<10 {
            let daily = store.daily(id, on: start.advanced(by: d))
            #expect(daily.validHours == 24 && daily.mean == Double(d * 100) + 11.5, "day \(d)")
        }
        // Too-old hours are refused, not written into a wrong slot.
        let late = try store.write([StoredReading(series: id, hour: hour(2, 5), value: 1),
                                    StoredReading(series: id, hour: hour(8, 5), value: 1)])
        #expect(late.tooOld == [0] && late.corrected == 1)
        #expect(store.daily(id, on: start.advanced(by: 2)).mean == 211.5, "a refused hour leaves its day alone")
        #expect(store.oldestWritableHour == hour(7, 0))
        // A jump that would push days with data out of the 10-day daily ring is refused, whatever the policy.
        for policy in [WindowPolicy.standard, .advanceAsNeeded] {
            let jump = try store.write([StoredReading(series: id, hour: hour(15, 0), value: 7)], policy: policy)
            #expect(jump.tooNew == [0] && jump.jump?.losesDays == true && jump.stored == 0)
            #expect(store.value(id, at: hour(15, 0)) == nil && store.value(id, at: hour(9, 23)) == 923, "nothing moved")
            #expect(store.daily(id, on: start.advanced(by: 0)).validHours == 24, "no day lost")
        }
    }

    @Test("a jump of the window: within a month it clears the hours it passes; beyond, only when asked; never losing days")
    func windowJumps() throws {
        let store = try newStore(hours: 72, days: 100)
        let id = try store.resolve([SeriesKey(station: "S1", pollutant: .pm10)])[0]
        for d in 0..<10 {
            _ = try store.write((0..<24).map { StoredReading(series: id, hour: hour(d, $0), value: d * 100 + $0) })
        }
        // Six days on: within the standard policy's month, a whole turn cleared.
        _ = try store.write([StoredReading(series: id, hour: hour(15, 0), value: 7)])
        #expect(store.value(id, at: hour(15, 0)) == 7)
        #expect(store.value(id, at: hour(14, 23)) == nil)
        #expect(store.value(id, at: hour(9, 23)) == nil)
        #expect(store.daily(id, on: start.advanced(by: 9)).mean == 911.5, "day 9 rolled up before its hours went")
        #expect(store.daily(id, on: start.advanced(by: 5)).validHours == 24, "older days stay in the daily ring")
        // A row dated 35 days ahead of the rest (a typo): refused, with what it would have done.
        let typo = try store.write([StoredReading(series: id, hour: hour(15, 1), value: 8),
                                    StoredReading(series: id, hour: hour(50, 0), value: 9)])
        #expect(typo.stored == 1 && typo.tooNew == [1])
        let jump = try #require(typo.jump)
        #expect(!jump.losesDays && jump.description.contains("--advance-window"), "\(jump)")
        #expect(store.newestHour == hour(15, 1) && store.value(id, at: hour(15, 0)) == 7, "the window did not move")
        // Asked for explicitly, the window moves.
        let asked = try store.write([StoredReading(series: id, hour: hour(50, 0), value: 9)], policy: .advanceAsNeeded)
        #expect(asked.stored == 1 && store.value(id, at: hour(50, 0)) == 9)
        #expect(store.daily(id, on: start.advanced(by: 15)).validHours == 2, "day 15 rolled up before it left")
    }

    @Test("a batch longer than the window is written in order, rolling days up as it goes")
    func longBatch() throws {
        let store = try newStore(hours: 48, days: 40)
        let id = try store.resolve([SeriesKey(station: "S1", pollutant: .pm25)])[0]
        let readings = (0..<(30 * 24)).map { StoredReading(series: id, hour: hour(0, 0).advanced(by: $0), value: $0 % 24) }
        let report = try store.write(readings.shuffled())
        #expect(report.stored == 30 * 24 && report.tooOld.isEmpty)
        for d in 0..<30 { #expect(store.daily(id, on: start.advanced(by: d)).mean == 11.5) }
    }

    @Test("adding series beyond the row width rewrites the rings and keeps every value")
    func seriesGrowth() throws {
        let store = try newStore()
        let first = try store.resolve((0..<10).map { SeriesKey(station: "A\($0)", pollutant: .pm25) })
        _ = try store.write(first.map { StoredReading(series: $0, hour: hour(0, 3), value: $0 + 1) })
        let more = try store.resolve((0..<50).map { SeriesKey(station: "B\($0)", pollutant: .pm10) })
        #expect(more.first == 10 && more.last == 59)
        #expect(store.hourly.geometry.seriesCapacity == 60, "rows are exactly as wide as the series table")
        for id in first { #expect(store.value(id, at: hour(0, 3)) == id + 1) }
        for id in first { #expect(store.daily(id, on: start).sum == id + 1) }
        _ = try store.write(more.map { StoredReading(series: $0, hour: hour(0, 4), value: 9) })
        let reopened = try Store(directory: store.directory, access: .readOnly)
        #expect(reopened.series.count == 60)
        #expect(reopened.value(59, at: hour(0, 4)) == 9)
        #expect(reopened.index(of: SeriesKey(station: "B49", pollutant: .pm10)) == 59)
    }

    @Test("one writer at a time; readers do not need the lock; a dead writer's lock is gone")
    func locking() async throws {
        let store = try newStore()
        #expect(throws: StoreError.locked(directory: store.directory)) {
            _ = try Store(directory: store.directory, access: .readWrite)
        }
        _ = try Store(directory: store.directory, access: .readOnly)
        let directory = store.directory
        // A process that took the lock and was killed leaves nothing stale.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(3600)",
                            directory + "/lock"]
        let holding = Pipe()
        holder.standardOutput = holding
        _ = consume store
        try holder.run()
        // Wait for the holder to say it has the lock: a fixed sleep loses the race on a busy machine.
        let holdingRead = holding.fileHandleForReading
        // The holder sleeps far longer than any wait here, so the lock is still held when a
        // loaded machine resumes this task late; it is killed below.
        let said = await OffPool.run { holdingRead.availableData }
        try #require(String(decoding: said, as: UTF8.self).hasPrefix("locked"), "the lock holder did not start")
        #expect(throws: StoreError.locked(directory: directory)) {
            _ = try Store(directory: directory, access: .readWrite)
        }
        kill(holder.processIdentifier, SIGKILL)
        _ = await OffPool.run { Processes.waitForExit(holder) }
        _ = try Store(directory: directory, access: .readWrite)
    }

    @Test("a writer killed between moving the window and clearing rows is completed on open")
    func recoversInterruptedAdvance() throws {
        let store = try newStore(hours: 48, days: 10)
        let id = try store.resolve([SeriesKey(station: "S1", pollutant: .pm25)])[0]
        _ = try store.write((0..<48).map { StoredReading(series: id, hour: hour(0, $0), value: 5) })
        // Simulate the crash: inside a write (the sequence odd), the header moved 24 hours on, rows not cleared.
        store.sequence?.beginWrite(hours: hour(2, 23) ... hour(2, 23))
        store.hourly.ring.updateHeader { $0.newest = Int64(hour(2, 23).index) }
        let directory = store.directory
        _ = consume store
        // The writer is gone: a pid that is not running.
        try MappedFile(openingExisting: directory + "/seq", writable: true).setI32(8, Int32.max - 7)
        let reader = try Store(directory: directory, access: .readOnly)
        #expect(reader.value(id, at: hour(2, 0)) == nil, "uncleared rows are never read as new hours")
        let writer = try Store(directory: directory, access: .readWrite)
        #expect(writer.hourly.ring.clearedThrough == hour(2, 23))
        #expect(writer.value(id, at: hour(2, 5)) == nil)
        #expect(writer.value(id, at: hour(1, 5)) == 5)
    }

    @Test("the file format: two checksummed header copies, series table, row directory and little-endian slots as documented")
    func fileFormat() throws {
        let store = try newStore(hours: 48, days: 10)
        let id = try store.resolve([SeriesKey(station: "1001A", pollutant: .pm10)])[0]
        _ = try store.write([StoredReading(series: id, hour: hour(0, 1), value: 258)])
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.hourlyPath)))
        func u32(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 }
        func u64(_ o: Int) -> UInt64 { (0 ..< 8).reduce(UInt64(0)) { $0 | UInt64(bytes[o + $1]) << (8 * UInt64($1)) } }
        for copy in [0, 2048] {
            #expect(Array(bytes[copy ..< copy + 8]) == Array("HAZEHOUR".utf8))
            #expect(u32(copy + 8) == 2 && u32(copy + 12) == 128 && u32(copy + 32) == 48 && u32(copy + 36) == 1)
            #expect(u32(copy + 40) == 1 && u32(copy + 44) == 480 && u32(copy + 64) == 2 && u32(copy + 68) == 0 && u32(copy + 76) == 10)
            // The CRC-32 of the copy's first 124 bytes, as zlib (and Python's zlib.crc32) computes it.
            #expect(UInt32(u32(copy + 124)) == CRC32.checksum(Array(bytes[copy ..< copy + 124])))
        }
        #expect(Array(bytes[0 ..< 128]) == Array(bytes[2048 ..< 2176]), "both copies equal")
        let directory = Int(u64(24)), dataOffset = Int(u64(16))
        #expect(directory == 4096 + 4096 && dataOffset == 8192 + 4096 && bytes.count == dataOffset + 48 * 1 * 2)
        #expect(Array(bytes[4096 ..< 4101]) == Array("1001A".utf8) && bytes[4096 + 24] == 2)
        #expect(UInt32(u32(72)) == CRC32.checksum(Array(bytes[4096 ..< 4096 + 32])), "series table checksum")
        let row = hour(0, 1).index % 48
        let slot = dataOffset + row * 1 * 2
        #expect(bytes[slot] == 3 && bytes[slot + 1] == 1, "258 + 1 = 0x0103, little-endian")
        // The row's directory entry: tag = hour + 1, the hash of its one slot, one PM10 value counted.
        let entry = directory + row * 64
        #expect(u64(entry) == UInt64(hour(0, 1).index + 1))
        #expect(u64(entry + 8) == RowHash.slot(259, series: 0, step: hour(0, 1).index))
        #expect(u32(entry + 16) == 0 && u32(entry + 20) == 1, "PM2.5 0, PM10 1")
        let daily = try [UInt8](Data(contentsOf: URL(fileURLWithPath: store.dailyPath)))
        #expect(Array(daily[0 ..< 8]) == Array("HAZEDAYS".utf8))
    }

    @Test("damaged files get clear errors")
    func damagedFiles() throws {
        let store = try newStore(hours: 48, days: 10)
        let directory = store.directory
        let path = store.hourlyPath
        _ = consume store
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let header = try #require(RingHeader.decode(try MappedFile(openingExisting: path, writable: false), at: 0))
        var bytes = original
        for copy in [0, 2048] { bytes[copy] = UInt8(ascii: "X") }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.badMagic(path: path)) { _ = try Store(directory: directory, access: .readOnly) }
        // A newer format: both copies say version 9, checksums intact.
        var newer = header
        newer.version = 9
        try Data(original).write(to: URL(fileURLWithPath: path))
        let rewritten = try MappedFile(openingExisting: path, writable: true)
        newer.write(to: rewritten)
        #expect(throws: StoreError.newerVersion(path: path, found: 9, supported: 2)) { _ = try Store(directory: directory, access: .readOnly) }
        header.write(to: rewritten)
        try Data(original.prefix(original.count - 10)).write(to: URL(fileURLWithPath: path))
        #expect { _ = try Store(directory: directory, access: .readOnly) } throws: { "\($0)".contains("truncated") }
    }
}
