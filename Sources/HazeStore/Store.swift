#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HazeModel
import Synchronization

/// A haze store: a directory holding the hourly and daily rings, the writer's
/// lock, the quarantine and the logs.
///
///     <store>/hourly.ring      hourly values, one row per hour
///     <store>/daily.ring       daily sums and valid-hour counts, one row per day
///     <store>/lock             flock target for the single writer
///     <store>/seq              write sequence (consistent lock-free reads)
///     <store>/quarantine/      rejected input, one CSV per source
///     <store>/ingest.log       one JSON line per ingest run
///
/// Opening is O(1) in the history held: two `mmap`s, two checksummed headers
/// and the series table. A `Store` belongs to one thread at a time (it is not
/// `Sendable`); open one per task.
public final class Store {
    /// How a store is opened: to read (no lock; readers never wait for the
    /// writer), or to write (holding the writer's lock while open).
    public enum Access: Sendable { case readOnly, readWrite }

    package static let hourlyFileName = "hourly.ring"
    package static let dailyFileName = "daily.ring"

    /// The store's directory, as given when it was opened.
    public let directory: String
    /// How it was opened; writes to a read-only store throw `StoreError.readOnly`.
    public let access: Access
    /// How a writer's changes reach the disk (see `Durability`).
    public var durability: Durability
    var hourly: HourlyRing
    var daily: DailyRing
    private let lock: StoreLock?
    /// Brackets every change of the rings for readers (nil when read-only).
    let sequence: WriteSequence?
    /// The writer's journal: what it changes until the rings are next synced (nil when read-only).
    let journal: WriteJournal?
    /// Rings this writer created and has not renamed into place yet: a store
    /// a run creates appears at its first write, once the journal records it.
    var unpublished = false
    /// The series table holds entries its header does not count yet (the next write counts them).
    var tableAhead = false
    /// What the journal holds copies of in this epoch.
    var imaged = ImagedSteps()

    /// The series table's lookups (changed only by `register`).
    private var table: SeriesTable
    /// Every series in the store, by index.
    public var series: [SeriesKey] { table.series }
    /// Pollutant code per series, for the row directory's counts.
    var pollutantCodes: [UInt8] { table.pollutantCodes }
    /// The O3 series, whose daily slots also hold the day's MDA8 and maximum hour.
    var o3Series: [Int] { table.o3Series }
    /// Station code → series index, one lookup per pollutant, each built when
    /// first asked for: a ranking of PM2.5 and PM10 does not hash the other
    /// four pollutants' series (100 000 of a province's 150 000) on every open.
    private var lookups: [[String: Int]?] = Array(repeating: nil, count: SeriesTable.pollutantSlots)
    /// For each series, the index of the same station's other particulate (-1 if none);
    /// made when first needed (the ingester's PM2.5 > PM10 check), again after series are added.
    private var partners: [Int]?
    /// Daily rows whose checksum this instance has verified.
    private var verifiedDays: Set<Int> = []
    /// Hourly rows whose checksum this instance has verified (`verifyHourlyRows`).
    var verifiedHours: Set<Int> = []

    /// The zone and day convention recorded at creation: what an assessment day is.
    public var calendar: DayCalendar { hourly.ring.calendar }
    /// The zone recorded at creation, in which hours are shown and parsed.
    public var zone: LocalZone { hourly.zone }
    /// Hours the hourly ring holds (the length of the hourly window).
    public var hourlyCapacity: Int { hourly.geometry.capacity }
    /// Days the daily ring holds.
    public var dailyCapacity: Int { daily.geometry.capacity }

    var hourlyPath: String { directory + "/" + Self.hourlyFileName }
    package var dailyPath: String { directory + "/" + Self.dailyFileName }
    package var quarantineDirectory: String { directory + "/quarantine" }

    /// True when `directory` holds a store.
    public static func exists(at directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + hourlyFileName)
    }

    /// Opens a store. With `.readWrite` the writer's lock is taken first; with
    /// `creating` a missing store is created with that configuration. A
    /// writer finishes what a killed writer left half done and upgrades a
    /// store of an older format in place (keeping the old files in a backup).
    /// `durability` says when a writer's changes are synced: by each write
    /// (the default), or once at the end of a run (`makeDurable()`).
    public convenience init(directory: String, access: Access, creating configuration: StoreConfiguration? = nil,
                            lockTimeout: Double? = nil, durability: Durability = .eachWrite) throws(StoreError) {
        try self.init(directory: directory, access: access, creating: configuration, lockTimeout: lockTimeout, recovering: true,
                      durability: durability)
    }

    /// `recovering: false` opens a writer without completing what a killed
    /// writer left: for the repair, which first checks that it is safe to.
    /// (What a power loss interrupted is always verified first.)
    package init(directory: String, access: Access, creating configuration: StoreConfiguration? = nil,
                 lockTimeout: Double? = nil, recovering: Bool, holding held: StoreLock? = nil,
                 durability: Durability = .eachWrite) throws(StoreError) {
        self.directory = directory
        self.access = access
        self.durability = durability
        let hourlyPath = directory + "/" + Self.hourlyFileName
        let dailyPath = directory + "/" + Self.dailyFileName
        let exists = FileManager.default.fileExists(atPath: hourlyPath)
        if access == .readOnly {
            guard exists else { throw .notFound(directory: directory) }
            self.lock = nil
        } else {
            if !exists {
                guard configuration != nil else { throw .notFound(directory: directory) }
                try Directory.create(directory)
            }
            if let held { self.lock = held } else { self.lock = try StoreLock(directory: directory, timeoutSeconds: lockTimeout) }
        }
        let writable = access == .readWrite
        self.sequence = writable ? try WriteSequence.forWriter(directory: directory) : nil
        let journal = writable ? try WriteJournal(directory: directory) : nil
        self.journal = journal
        if writable {
            AtomicFile.removeLeftovers(of: hourlyPath)
            AtomicFile.removeLeftovers(of: dailyPath)
        }
        // A record of writes not yet synced, left by another boot: the machine
        // lost power or crashed. Nothing it did not sync can be trusted (nor
        // re-hashed): the rings' headers are put back from the journal here,
        // and every row it names is verified once the rings are open.
        var afterPowerLoss: (record: JournalRecord, images: [JournalImage], recreate: Bool)?
        if let journal, let sequence, let record = journal.record, record.pending {
            if !Self.recordMatches(record, counter: sequence.value) {
                // The store was written since without this journal (an older haze): what it wrote is synced.
                try journal.write(record.cleaned())
            } else if record.boot != BootIdentity.current {
                sequence.beginWrite()
                let images = journal.images(of: record)
                let recreate = try Self.restoreHeadersAfterPowerLoss(directory: directory, record: record, images: images)
                afterPowerLoss = (record, images, recreate)
            }
        }
        if !FileManager.default.fileExists(atPath: hourlyPath),
           let configuration = afterPowerLoss?.record.configuration ?? configuration {
            try configuration.validate()
            let capacity = RingGeometry.seriesCapacity(for: 0)
            let calendar = DayCalendar(zone: configuration.zone, convention: configuration.dayConvention)
            if durability == .endOfRun && afterPowerLoss == nil {
                // Created where readers do not look, unsynced: the first write's
                // journal record (synced) names them, then they are renamed into place.
                _ = try DailyRing(creating: AtomicFile.temporaryPath(for: dailyPath), capacity: configuration.dailyCapacity,
                                  seriesCapacity: capacity, calendar: calendar, hourlyCapacity: configuration.hourlyCapacity)
                _ = try HourlyRing(creating: AtomicFile.temporaryPath(for: hourlyPath), capacity: configuration.hourlyCapacity,
                                   seriesCapacity: capacity, calendar: calendar,
                                   dailyCapacity: configuration.dailyCapacity, series: [])
                self.unpublished = true
            } else {
                // Daily first: a crash between the two leaves no hourly.ring, so the
                // next run creates both again.
                let createdDaily = try DailyRing(creating: dailyPath, capacity: configuration.dailyCapacity,
                                                 seriesCapacity: capacity, calendar: calendar,
                                                 hourlyCapacity: configuration.hourlyCapacity)
                try createdDaily.file.syncAll()
                let temporary = AtomicFile.temporaryPath(for: hourlyPath)
                let created = try HourlyRing(creating: temporary, capacity: configuration.hourlyCapacity,
                                             seriesCapacity: capacity, calendar: calendar,
                                             dailyCapacity: configuration.dailyCapacity, series: [])
                try created.file.syncAll()
                try AtomicFile.rename(temporary, to: hourlyPath)
            }
        }
        let openHourly = unpublished ? AtomicFile.temporaryPath(for: hourlyPath) : hourlyPath
        let openDaily = unpublished ? AtomicFile.temporaryPath(for: dailyPath) : dailyPath
        do throws(StoreError) {
            self.hourly = try HourlyRing(opening: openHourly, writable: writable)
            guard FileManager.default.fileExists(atPath: openDaily) else {
                throw StoreError.corrupt(path: dailyPath, detail: "the daily ring is missing")
            }
            self.daily = try DailyRing(opening: openDaily, writable: writable)
        } catch .formatUpgradeNeeded(let path, let found) where writable {
            try StoreFormatUpgrade.upgrade(directory: directory, from: found, reason: path)
            self.hourly = try HourlyRing(opening: hourlyPath, writable: true)
            self.daily = try DailyRing(opening: dailyPath, writable: true)
        }
        guard daily.zone == hourly.zone else {
            throw .corrupt(path: dailyPath, detail: "zone \(daily.zone) differs from the hourly ring's \(hourly.zone)")
        }
        guard daily.ring.header.dayConvention == hourly.ring.header.dayConvention else {
            throw .corrupt(path: dailyPath, detail: "day convention differs from the hourly ring's")
        }
        guard daily.ring.header.companionCapacity == hourly.geometry.capacity,
              hourly.ring.header.companionCapacity == daily.geometry.capacity else {
            throw .corrupt(path: dailyPath, detail: "the rings disagree about each other's capacity (hourly \(hourly.geometry.capacity) h, daily \(daily.geometry.capacity) days)")
        }
        self.table = SeriesTable(try hourly.allSeries())
        if let afterPowerLoss {
            try recoverFromPowerLoss(afterPowerLoss.record, images: afterPowerLoss.images, recreated: afterPowerLoss.recreate)
        } else if let record = journal?.record, record.pending, let journal {
            if !unpublished && record.hourly.length == UInt64(hourly.file.length) && record.daily.length == UInt64(daily.file.length) {
                // A writer killed on this boot: the page cache holds all it wrote; this one continues its epoch.
                imaged = ImagedSteps(journal.images(of: record))
            } else {
                // Its rings are gone (never renamed into place, or replaced by a rebuild): nothing to continue.
                try journal.write(record.cleaned())
            }
        }
        if writable && recovering { try recover() }
    }

    // MARK: Reading

    /// The index of a station's pollutant series in `series`; nil when the store holds no such series.
    public func index(of key: SeriesKey) -> Int? {
        let code = Int(key.pollutant.rawValue)
        if lookups[code] == nil { lookups[code] = table.lookup(code: key.pollutant.rawValue) }
        return lookups[code]?[key.station]
    }

    /// For each series, the index of the same station's other particulate (-1 if none).
    private var counterparts: [Int] {
        if let partners { return partners }
        var made = [Int](repeating: -1, count: series.count)
        for (index, key) in series.enumerated() {
            guard key.pollutant == .pm25, let other = self.index(of: SeriesKey(station: key.station, pollutant: .pm10)) else { continue }
            made[index] = other
            made[other] = index
        }
        partners = made
        return made
    }

    /// The newest hour the ring has advanced to.
    public var newestHour: Hour? { hourly.newest }

    /// The hours whose values can be read.
    package var hourlyWindow: ClosedRange<Hour>? { hourly.presentHours }

    /// The days whose daily values can be read.
    public var dailyWindow: ClosedRange<Day>? { daily.presentDays }

    /// The first hour a write is accepted for: the first whole day inside the
    /// hourly window. Older hours have been rolled into the daily ring and
    /// are refused rather than written into a wrong slot.
    public var oldestWritableHour: Hour? {
        guard let newest = hourly.newest else { return nil }
        return acceptStart(for: newest)
    }

    func acceptStart(for newest: Hour) -> Hour {
        let bottom = newest.advanced(by: -hourly.geometry.capacity + 1)
        let day = calendar.day(of: bottom)
        let dayStart = calendar.firstHour(of: day)
        return dayStart == bottom ? bottom : calendar.firstHour(of: day.advanced(by: 1))
    }

    /// The value of a series at an hour in its stored unit, or nil if missing,
    /// outside the hourly window, or a damaged slot.
    public func value(_ series: Int, at hour: Hour) -> Int? {
        guard series >= 0, series < self.series.count, let window = hourly.presentHours, window.contains(hour) else { return nil }
        let raw = hourly.raw(hour, series)
        return raw == 0 || UInt64(raw) > HourlyRing.maximumRaw ? nil : Int(raw) - 1
    }

    /// A series' daily aggregate for a day (empty outside the daily window).
    /// Unverified: rankings read whole days through `dailyRow(on:)`.
    public func daily(_ series: Int, on day: Day) -> DailyValue {
        guard series >= 0, series < self.series.count, series < daily.geometry.seriesCapacity,
              let window = daily.presentDays, window.contains(day) else { return .empty }
        return DailyValue(packed: daily.raw(day, series), code: pollutantCodes[series])
    }

    /// Every series' daily values on a day, after checking the row's
    /// checksum (once per opened store): a ranking never uses a damaged day.
    /// Nil outside the daily window.
    public func dailyRow(on day: Day) throws(StoreError) -> DailyRow? {
        guard let window = daily.presentDays, window.contains(day) else { return nil }
        if !verifiedDays.contains(day.index) {
            let verdict = daily.ring.verify(day, pollutantCodes: pollutantCodes)
            if case .damaged(let why) = verdict {
                throw .corrupt(path: dailyPath, detail: "the daily row of \(day) is damaged (\(why))")
            }
            verifiedDays.insert(day.index)
        }
        // Rankings ask for a row per unit and day (tens of thousands of times):
        // share the codes array instead of copying it each time.
        let width = min(series.count, daily.geometry.seriesCapacity)
        return DailyRow(file: daily.file, offset: daily.geometry.rowOffset(day.index),
                        codes: width == pollutantCodes.count ? pollutantCodes : Array(pollutantCodes.prefix(width)))
    }

    /// Checks the daily rows of `days` in the window against their checksums,
    /// in date order: the first damaged day is thrown, and the days after it
    /// are not marked checked. The rows not checked yet are checked on both
    /// cores (a row's check only reads the mapped file), then recorded in date
    /// order: a province's month is 4.65 million slots, and `haze rank` now
    /// checks them while the other core has little else to do.
    package func verifyDailyRows(_ days: Range<Day>) throws(StoreError) {
        try record(check(Array(days), lookups: []))
    }

    /// What a ranking reads first, made on both cores at once: the daily rows
    /// of each range of `days` checked (as `verifyDailyRows`, but a damaged
    /// row is only left unchecked — the ranking meets it again and throws
    /// where it always does) and the station lookups of `pollutants`.
    package func prepareReading(_ days: [Range<Day>], lookups pollutants: [Pollutant]) {
        let checked = check(days.flatMap { $0 }, lookups: pollutants.map(\.rawValue))
        for (code, lookup) in checked.lookups where self.lookups[Int(code)] == nil { self.lookups[Int(code)] = lookup }
        try? record(checked)
    }

    /// The rows of `days` not checked yet, checked, and the lookups of `codes`
    /// not made yet, made: each a piece of work on either core.
    private func check(_ days: [Day], lookups codes: [UInt8]) -> (days: [Day], verdicts: [RowVerdict], lookups: [(UInt8, [String: Int])]) {
        let window = daily.presentDays
        var seen = Set<Int>()
        let pending = days.filter { window?.contains($0) == true && !verifiedDays.contains($0.index) && seen.insert($0.index).inserted }
        let missing = codes.filter { self.lookups[Int($0)] == nil }
        // The ring is shared with the other core for reads only: `verify` reads the
        // mapped rows and directory through its immutable geometry, and nothing
        // writes the ring while this store's one thread waits here. The table is a value.
        nonisolated(unsafe) let ring = daily.ring
        let codesOfSeries = self.pollutantCodes, table = self.table
        let work = pending.count + missing.count
        let verdicts = Mutex([RowVerdict?](repeating: nil, count: pending.count))
        let made = Mutex([[String: Int]?](repeating: nil, count: missing.count))
        // One piece of work per row and per lookup, taken by whichever core is free.
        if work > 0 {
            DispatchQueue.concurrentPerform(iterations: work) { i in
                if i < pending.count {
                    let verdict = ring.verify(pending[i], pollutantCodes: codesOfSeries)
                    verdicts.withLock { $0[i] = verdict }
                } else {
                    let lookup = table.lookup(code: missing[i - pending.count])
                    made.withLock { $0[i - pending.count] = lookup }
                }
            }
        }
        let found = verdicts.withLock { $0 }
        let madeLookups = made.withLock { $0 }
        return (pending,
                pending.indices.map { found[$0] ?? ring.verify(pending[$0], pollutantCodes: codesOfSeries) },
                missing.indices.map { (missing[$0], madeLookups[$0] ?? table.lookup(code: missing[$0])) })
    }

    /// Marks the rows checked as such, in date order, up to the first damaged one (thrown).
    private func record(_ checked: (days: [Day], verdicts: [RowVerdict], lookups: [(UInt8, [String: Int])])) throws(StoreError) {
        for (day, verdict) in zip(checked.days, checked.verdicts) {
            if case .damaged(let why) = verdict {
                throw .corrupt(path: dailyPath, detail: "the daily row of \(day) is damaged (\(why))")
            }
            verifiedDays.insert(day.index)
        }
    }

    /// The row of an hour inside the readable window, or nil outside it.
    public func row(at hour: Hour) -> HourRow? {
        guard let window = hourlyWindow, window.contains(hour) else { return nil }
        return HourRow(file: hourly.file, offset: hourly.geometry.rowOffset(hour.index), count: series.count)
    }

    /// The series index holding the other particulate of the same station.
    package func counterpart(of series: Int) -> Int? {
        guard series >= 0, series < counterparts.count else { return nil }
        let other = counterparts[series]
        return other < 0 ? nil : other
    }

    /// A station-hour whose stored PM2.5 exceeds its PM10.
    package struct ParticulateExcess: Sendable, Equatable {
        /// The reading's position in the array given.
        package var position: Int
        package var series: Int
        /// The same station's other particulate series.
        package var other: Int
        package var pm25: Int
        package var pm10: Int
    }

    /// The readings, in order, whose series has a particulate counterpart and
    /// whose station-hour holds PM2.5 above PM10 in the store now (both read
    /// as `value(_:at:)` reads them). One pass over the readings, for the
    /// ingester's flag after a write.
    package func particulateExcess(_ readings: ArraySlice<StoredReading>) -> [ParticulateExcess] {
        guard let window = hourly.presentHours else { return [] }
        let file = hourly.file, geometry = hourly.geometry
        let count = series.count, partners = counterparts, codes = pollutantCodes
        let pm25Code = Pollutant.pm25.rawValue
        let maximumRaw = Int(HourlyRing.maximumRaw)
        var result: [ParticulateExcess] = []
        var lastHour: Int32?
        var row = UnsafeRawBufferPointer(start: nil, count: 0)
        for (position, reading) in readings.enumerated() {
            let series = Int(reading.series)
            guard series >= 0, series < count else { continue }
            let other = partners[series]
            guard other >= 0, other < count else { continue }
            if reading.hour != lastHour {
                lastHour = reading.hour
                let hour = Hour(Int(reading.hour))
                row = window.contains(hour) ? file.buffer(geometry.rowOffset(hour.index), 2 * count) : UnsafeRawBufferPointer(start: nil, count: 0)
            }
            guard row.count > 0 else { continue }
            let mine = Int(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * series, as: UInt16.self)))
            let theirs = Int(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * other, as: UInt16.self)))
            guard mine != 0, mine <= maximumRaw, theirs != 0, theirs <= maximumRaw else { continue }
            let (pm25, pm10) = codes[series] == pm25Code ? (mine - 1, theirs - 1) : (theirs - 1, mine - 1)
            guard pm25 > pm10 else { continue }
            result.append(ParticulateExcess(position: position, series: series, other: other, pm25: pm25, pm10: pm10))
        }
        return result
    }

    /// The same check for the readings at `positions` (all of one hour, in
    /// the order applied), against that hour's `row`; positions as given.
    private static func particulateExcess<Positions: Sequence<Int>>(
        _ readings: [StoredReading], _ positions: Positions, row: UnsafeRawPointer,
        partners: [Int], codes: [UInt8], seriesCount: Int) -> [ParticulateExcess] {
        var result: [ParticulateExcess] = []
        let pm25Code = Pollutant.pm25.rawValue
        let maximumRaw = Int(HourlyRing.maximumRaw)
        readings.withUnsafeBufferPointer { readings in
            partners.withUnsafeBufferPointer { partners in
                for position in positions {
                    let series = Int(readings[position].series)
                    guard series >= 0, series < seriesCount, series < partners.count else { continue }
                    let other = partners[series]
                    guard other >= 0, other < seriesCount else { continue }
                    let mine = Int(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * series, as: UInt16.self)))
                    let theirs = Int(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * other, as: UInt16.self)))
                    guard mine != 0, mine <= maximumRaw, theirs != 0, theirs <= maximumRaw else { continue }
                    let (pm25, pm10) = codes[series] == pm25Code ? (mine - 1, theirs - 1) : (theirs - 1, mine - 1)
                    guard pm25 > pm10 else { continue }
                    result.append(ParticulateExcess(position: position, series: series, other: other, pm25: pm25, pm10: pm10))
                }
            }
        }
        return result
    }

    /// Adds a series to the in-memory index (the table entry is written separately).
    private func register(_ keys: [SeriesKey]) {
        // Built in a local copy (the store's own is released first, so the
        // arrays are not copied): a province registers 150 000 series.
        var local = table
        table = SeriesTable([])
        let first = local.series.count
        for key in keys { local.register(key) }
        table = local
        for (offset, key) in keys.enumerated() {
            let code = Int(key.pollutant.rawValue)
            if lookups[code] != nil { lookups[code]?[key.station] = first + offset }
        }
        partners = nil
    }

    /// The series table in memory: every key, its pollutant code, the O3 series.
    struct SeriesTable {
        /// Pollutant codes are 1…6; one slot per possible code byte keeps every lookup in range.
        static let pollutantSlots = 256
        var series: [SeriesKey] = []
        var pollutantCodes: [UInt8] = []
        var o3Series: [Int] = []

        init(_ keys: [SeriesKey]) {
            // The keys array itself (a province's 150 000 keys, 3.6 MB, not copied key by key into a new one).
            series = keys
            pollutantCodes.reserveCapacity(keys.count)
            for (index, key) in keys.enumerated() {
                pollutantCodes.append(key.pollutant.rawValue)
                if key.pollutant == .o3 { o3Series.append(index) }
            }
        }

        mutating func register(_ key: SeriesKey) {
            let index = series.count
            series.append(key)
            pollutantCodes.append(key.pollutant.rawValue)
            if key.pollutant == .o3 { o3Series.append(index) }
        }

        /// Station code → index for one pollutant's series (a code listed twice: the later entry).
        func lookup(code: UInt8) -> [String: Int] {
            var count = 0
            for c in pollutantCodes where c == code { count += 1 }
            var lookup: [String: Int] = [:]
            lookup.reserveCapacity(count)
            for (index, c) in pollutantCodes.enumerated() where c == code { lookup[series[index].station] = index }
            return lookup
        }
    }

    /// Forgets that a day's row was verified (it has just been rewritten).
    func verifiedDaysReset(_ day: Day) { verifiedDays.remove(day.index) }

    // MARK: Writing

    /// Records what `haze status` reports (`StatusSummary`) for the rings as
    /// they are now, so that readers get it in O(1). O(window) unless the
    /// recorded one is still current; writers call it once at the end of a
    /// run (ingest, pull), not per write.
    public func recordStatusSummary() {
        guard let sequence, sequence.value % 2 == 0, sequence.statusSummary == nil else { return }
        sequence.record(StatusSummary.scan(self))
    }

    /// Indices for `keys`, adding series the store does not have yet. Adding
    /// beyond the row width rewrites both rings once, wider.
    public func resolve(_ keys: [SeriesKey]) throws(StoreError) -> [Int] {
        try requireWritable()
        var missing: [SeriesKey] = []
        var seen = Set<SeriesKey>()
        for key in keys where index(of: key) == nil && seen.insert(key).inserted {
            if let problem = SeriesKey.codeProblem(key.station) { throw .invalidSeriesCode(key.station, problem: problem) }
            missing.append(key)
        }
        if !missing.isEmpty {
            try ensureSeriesCapacity(series.count + missing.count)
            // Entries beyond the header's count: readers do not see them until
            // a write (recorded in the journal first) counts them.
            hourly.appendSeries(missing, at: series.count)
            register(missing)
            tableAhead = true
            if durability == .eachWrite { try makeDurable() }
        }
        var indices: [Int] = []
        indices.reserveCapacity(keys.count)
        for key in keys {
            guard let index = index(of: key) else { throw .unknownSeries(index: -1, count: series.count) }
            indices.append(index)
        }
        return indices
    }

    /// Writes readings: idempotent (an equal value is "unchanged"), later
    /// corrections replace and are counted, hours older than the window are
    /// refused, and so are readings that would jump the window further than
    /// `policy` allows. Readings may come in any order; within one hour the
    /// last wins. A reading for a series the store does not hold is an error
    /// (nothing is written); so is a damaged row in the way.
    public func write(_ readings: [StoredReading], policy: WindowPolicy = .standard) throws(StoreError) -> WriteReport {
        try requireWritable()
        var report = WriteReport()
        guard !readings.isEmpty else { return report }
        for reading in readings where reading.series < 0 || Int(reading.series) >= series.count {
            throw .unknownSeries(index: Int(reading.series), count: series.count)
        }
        for reading in readings where Int(reading.value) > HourlyRing.maximumValue {
            throw .invalidConfiguration("reading value \(reading.value) above \(HourlyRing.maximumValue)")
        }
        try completeInterruptedWrite()
        let runs = HourRuns(readings, order: Self.hourOrder(readings))
        let end = try jumpLimit(runs, policy: policy, report: &report)
        guard end > 0 else { return report }
        let firstHour = Hour(Int(runs.hours[0])), lastHour = Hour(Int(runs.hours[end - 1]))
        // Every hourly row the roll-up will read is checked before anything
        // changes: a damaged hour stops the write whole, never half done.
        let trusted = try verifyHoursOfDays(runs, end: end)
        try journalWrite([readings], runs: runs, end: end)
        try beginWrite(hours: firstHour ... lastHour,
                       days: calendar.day(of: firstHour).advanced(by: -1) ... calendar.day(of: lastHour))
        defer { sequence?.endWrite() }
        var tallies = [WriteTally()]
        var excess: [[ParticulateExcess]] = [[]]
        try apply([readings], runs: runs, end: end, trusted: trusted, segment: { _ in 0 }, report: &report,
                  tallies: &tallies, excess: &excess)
        report.particulateExcess = excess[0]
        report.stored = tallies[0].stored
        report.unchanged = tallies[0].unchanged
        report.corrected = tallies[0].corrected
        return report
    }

    /// The checks a batch write makes before it changes anything: no window
    /// jump, nothing too far ahead, every hour its days are rolled up from
    /// intact. Nil: the caller writes the parts one by one instead, where the
    /// part whose day is damaged stops the run at its turn.
    private func checkedBatch(_ runs: HourRuns, policy: WindowPolicy) throws(StoreError)
        -> (end: Int, trusted: Set<Int>, report: WriteReport)? {
        var report = WriteReport()
        let end = try jumpLimit(runs, policy: policy, report: &report)
        guard end == runs.count, report.jump == nil, report.tooNew.isEmpty else { return nil }
        do {
            return (end, try verifyHoursOfDays(runs, end: end), report)
        } catch {
            return nil
        }
    }

    /// Changes the slots, rolls up the touched days and syncs: the body of a
    /// write after its checks, between `beginWrite` and `endWrite`. Readings
    /// are applied hour by hour (one `RowEdit` per hour row, its checksum and
    /// counts summed over the row's changes and recorded once); `segment(hour)`
    /// says whose tally a reading of that hour counts in. `end`: the runs
    /// written (the rest were refused).
    ///
    /// `excess` (one list per tally): the readings written whose station-hour
    /// holds PM2.5 above PM10 once its row is written, positions in their own
    /// array, in position order — found as each hour's row is done (while it
    /// is in cache; an hour is one run, so its row is final for this write).
    /// That is what `particulateExcess` finds after the write for every hour
    /// still in the window, and for an hour a later chunk's move takes out of
    /// the window what it held when written (found in review: a write of
    /// more hours than the ring holds lost the flags of the hours it pushed out).
    /// `arrays`: the readings, one array or (a batch of sources in hour
    /// order) one per source; a run's positions are in its own array
    /// (`runs.array`, `runs.positions`). `segment(run)` says whose tally a run counts in.
    private func apply(_ arrays: [[StoredReading]], runs: HourRuns, end: Int, trusted verified: Set<Int>,
                       segment: (Int) -> Int, report: inout WriteReport, tallies: inout [WriteTally],
                       excess: inout [[ParticulateExcess]]) throws(StoreError) {
        let capacity = hourly.geometry.capacity
        let geometry = hourly.geometry
        let file = hourly.file
        let codes = pollutantCodes
        // Every series index was checked against the table, which is never wider than a row.
        precondition(series.count <= geometry.seriesCapacity, "\(hourlyPath): series table wider than the ring's rows")
        precondition(codes.count == series.count, "\(hourlyPath): a pollutant code per series")
        // Rows the roll-up may take as they are: those checked before the
        // write, and those this write starts from empty — cleared by its own
        // window move, or (a store never written) found all zero — since
        // every change below keeps a row's checksum exact.
        var trusted = verified
        let clearedAfter = hourly.newest
        var touchedDays = Set<Day>()
        var counts = [UInt32](repeating: 0, count: RowEntry.pollutantCodes)
        let partners = counterparts
        let seriesCount = series.count
        var start = 0
        while start < end {
            // A chunk spans less than the window less a day, so after advancing
            // to its newest hour every reading of the chunk is still writable.
            let limit = Int(runs.hours[start]) + capacity - 24
            var stop = start
            while stop < end && Int(runs.hours[stop]) <= limit { stop += 1 }
            let chunkNewest = Hour(Int(runs.hours[stop - 1]))
            if hourly.newest.map({ chunkNewest > $0 }) ?? true { try advance(to: chunkNewest) }
            let accept = oldestWritableHour ?? chunkNewest
            for run in start ..< stop {
                // The readings of one hour (contiguous: the order is by hour).
                let stamp = runs.hours[run]
                let positions = runs.positions(run)
                let readings = arrays[runs.array(run)]
                let hour = Hour(Int(stamp))
                guard hour >= accept else {
                    for j in positions { report.tooOld.append(runs.order(j)) }
                    continue
                }
                var edit = try hourly.ring.edit(hour)
                let row = file.mutableBytes(geometry.rowOffset(hour.index), geometry.rowBytes)
                if let clearedAfter, hour > clearedAfter {
                    trusted.insert(hour.index)
                } else if clearedAfter == nil, edit.entry.isEmpty,
                          RingFile<Hour>.isZero(UnsafeRawBufferPointer(start: row, count: geometry.rowBytes)) {
                    trusted.insert(hour.index)
                }
                var tally = WriteTally()
                var hash: UInt64 = 0
                let step = hour.index
                readings.withUnsafeBufferPointer { readings in
                    codes.withUnsafeBufferPointer { codes in
                        counts.withUnsafeMutableBufferPointer { counts in
                            for c in counts.indices { counts[c] = 0 }
                            @inline(__always) func change(_ reading: StoredReading) {
                                let series = Int(reading.series)
                                let new = reading.value &+ 1
                                let old = UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * series, as: UInt16.self))
                                guard old != new else {
                                    tally.unchanged &+= 1
                                    return
                                }
                                row.storeBytes(of: new.littleEndian, toByteOffset: 2 * series, as: UInt16.self)
                                if old == 0 {
                                    tally.stored &+= 1
                                    let code = Int(codes[series]) &- 1
                                    if code >= 0 && code < counts.count { counts[code] &+= 1 }
                                } else {
                                    tally.corrected &+= 1
                                    hash &-= RowHash.slot(UInt64(old), series: series, step: step)
                                }
                                hash &+= RowHash.slot(UInt64(new), series: series, step: step)
                            }
                            if let permutation = runs.order.permutation {
                                for j in positions { change(readings[permutation[j]]) }
                            } else {
                                for j in positions { change(readings[j]) }
                            }
                        }
                    }
                }
                counts.withUnsafeBufferPointer { counts in
                    edit.record(hash: hash, counts: counts, anyFilled: tally.stored + tally.corrected > 0)
                }
                hourly.ring.commit(edit)
                let owner = segment(run)
                tallies[owner].add(tally)
                let found = if let permutation = runs.order.permutation {
                    Self.particulateExcess(readings, positions.lazy.map { permutation[$0] }, row: UnsafeRawPointer(row),
                                           partners: partners, codes: codes, seriesCount: seriesCount)
                } else {
                    Self.particulateExcess(readings, positions, row: UnsafeRawPointer(row), partners: partners,
                                           codes: codes, seriesCount: seriesCount)
                }
                if !found.isEmpty { excess[owner] += found }
                touchedDays.insert(calendar.day(of: hour))
            }
            start = stop
        }
        if runs.order.permutation != nil {
            for n in excess.indices { excess[n].sort { $0.position < $1.position } }
        }
        let acceptDay = oldestWritableHour.map { calendar.day(of: $0) }
        for day in touchedDays.sorted() where acceptDay.map({ day >= $0 }) ?? false {
            try rollUp(day, trusted: trusted)
        }
        if durability == .eachWrite { try makeDurable() }
    }

    /// Writes the readings of several sources (`segments`: their ranges of
    /// `readings`, in source order) as one write — one window move, one
    /// roll-up of each day, one set of syncs — when that leaves the store
    /// exactly as writing the segments one after another with `write(_:policy:)`
    /// would, with the same counts per segment: the segments' hours do not
    /// overlap, nothing would be refused (too old, too far ahead, days lost)
    /// either way, and every hourly row the roll-up reads is intact. Otherwise
    /// returns nil having changed nothing, and the caller writes them one by one.
    package func write(_ readings: [StoredReading], segments: [Range<Int>],
                       policy: WindowPolicy = .standard) throws(StoreError) -> [WriteReport]? {
        try requireWritable()
        guard segments.allSatisfy({ $0.lowerBound >= 0 && $0.upperBound <= readings.count }) else { return nil }
        var reports = [WriteReport](repeating: WriteReport(), count: segments.count)
        guard !readings.isEmpty else { return reports }
        try completeInterruptedWrite()
        // One pass: every reading is one the store can take, and whether they
        // come in hour order (day files do) with the hour runs of that order.
        guard let scan = HourRuns.scan(readings, seriesCount: series.count, maximumValue: HourlyRing.maximumValue) else {
            return nil  // one by one, the segment holding it throws at its turn
        }
        // Each segment's hours, in source order; disjoint, so an hour names its segment.
        var spans: [(first: Int32, last: Int32, segment: Int)] = []
        for (n, range) in segments.enumerated() where !range.isEmpty {
            if scan.sorted {
                spans.append((readings[range.lowerBound].hour, readings[range.upperBound - 1].hour, n))
                continue
            }
            var first = Int32.max, last = Int32.min
            for k in range {
                let hour = readings[k].hour
                if hour < first { first = hour }
                if hour > last { last = hour }
            }
            spans.append((first, last, n))
        }
        guard !spans.isEmpty else { return reports }
        guard let (byHour, lowest, highest) = batchable(spans, policy: policy) else { return nil }
        let runs = scan.runs ?? HourRuns(readings, order: Self.hourOrder(readings))
        guard let checked = try checkedBatch(runs, policy: policy) else { return nil }
        let (end, trusted) = (checked.end, checked.trusted)
        var report = checked.report
        try journalWrite([readings], runs: runs, end: end)
        try beginWrite(hours: lowest ... highest,
                       days: calendar.day(of: lowest).advanced(by: -1) ... calendar.day(of: highest))
        defer { sequence?.endWrite() }
        var tallies = [WriteTally](repeating: WriteTally(), count: segments.count)
        var excess: [[ParticulateExcess]] = Array(repeating: [], count: segments.count)
        let firsts = byHour.map(\.first)
        let owners = byHour.map(\.segment)
        try apply([readings], runs: runs, end: end, trusted: trusted, segment: { run in
            let hour = runs.hours[run]
            // The last span starting at or before the hour (spans are disjoint).
            var low = 0, high = firsts.count
            while high - low > 1 {
                let middle = (low + high) / 2
                if firsts[middle] <= hour { low = middle } else { high = middle }
            }
            return owners[low]
        }, report: &report, tallies: &tallies, excess: &excess)
        precondition(report.tooOld.isEmpty, "a batch write refused readings its checks accepted")
        for n in segments.indices {
            let start = segments[n].lowerBound
            reports[n].particulateExcess = excess[n].map {
                var relative = $0
                relative.position -= start
                return relative
            }
            reports[n].stored = tallies[n].stored
            reports[n].unchanged = tallies[n].unchanged
            reports[n].corrected = tallies[n].corrected
        }
        return reports
    }

    /// Whether sources with these hour spans (first, last, source; in source
    /// order) can be written as one: their hours do not overlap and nothing
    /// would be refused one after another (a jump beyond `policy`, hours too
    /// old after any move, days pushed out of the daily ring). The spans in
    /// hour order and the hours written, or nil.
    private func batchable(_ spans: [(first: Int32, last: Int32, segment: Int)], policy: WindowPolicy)
        -> (byHour: [(first: Int32, last: Int32, segment: Int)], lowest: Hour, highest: Hour)? {
        // One after another, each segment's jump is measured from the newest hour before it.
        if let maximum = policy.maximumJumpHours {
            var reach = hourly.newest?.index
            for span in spans {
                let from = reach ?? Int(span.first)
                guard Int(span.last) <= from + maximum else { return nil }
                reach = max(from, Int(span.last))
            }
        }
        let byHour = spans.sorted { $0.first < $1.first }
        for i in byHour.indices.dropFirst() where byHour[i].first <= byHour[i - 1].last { return nil }
        let lowest = Hour(Int(byHour[0].first))
        let highest = Hour(Int(spans.map(\.last).max() ?? byHour[0].last))
        let newest = max(hourly.newest ?? highest, highest)
        // Nothing too old, after any segment's move (the accepted start only rises).
        guard lowest >= acceptStart(for: newest) else { return nil }
        guard calendar.day(of: lowest) >= calendar.day(of: newest).advanced(by: -daily.geometry.capacity + 1) else { return nil }
        return (byHour, lowest, highest)
    }

    /// `write(_:segments:policy:)` for sources given as one array each (the
    /// ingest's, converted by its parse workers): the same checks, the same
    /// result, the same reports (positions in each source's own array) —
    /// without joining the arrays into one when each is in hour order;
    /// otherwise they are joined and written by `write(_:segments:policy:)`.
    package func write(sources: [[StoredReading]], policy: WindowPolicy = .standard) throws(StoreError) -> [WriteReport]? {
        try requireWritable()
        var reports = [WriteReport](repeating: WriteReport(), count: sources.count)
        guard sources.contains(where: { !$0.isEmpty }) else { return reports }
        try completeInterruptedWrite()
        var runsOf: [HourRuns?] = []
        for readings in sources {
            guard let scan = HourRuns.scan(readings, seriesCount: series.count, maximumValue: HourlyRing.maximumValue) else {
                return nil  // one by one, the source holding it throws at its turn
            }
            guard scan.sorted else {
                var joined: [StoredReading] = []
                joined.reserveCapacity(sources.reduce(0) { $0 + $1.count })
                var segments: [Range<Int>] = []
                for readings in sources {
                    segments.append(joined.count ..< joined.count + readings.count)
                    joined += readings
                }
                return try write(joined, segments: segments, policy: policy)
            }
            runsOf.append(scan.runs)
        }
        var spans: [(first: Int32, last: Int32, segment: Int)] = []
        for (n, readings) in sources.enumerated() where !readings.isEmpty {
            spans.append((readings[0].hour, readings[readings.count - 1].hour, n))
        }
        guard let (byHour, lowest, highest) = batchable(spans, policy: policy) else { return nil }
        // In hour order: source after source as their spans follow each other.
        let runs = HourRuns.joined(byHour.compactMap { span in runsOf[span.segment].map { (span.segment, $0) } })
        guard let checked = try checkedBatch(runs, policy: policy) else { return nil }
        let (end, trusted) = (checked.end, checked.trusted)
        var report = checked.report
        try journalWrite(sources, runs: runs, end: end)
        try beginWrite(hours: lowest ... highest,
                       days: calendar.day(of: lowest).advanced(by: -1) ... calendar.day(of: highest))
        defer { sequence?.endWrite() }
        var tallies = [WriteTally](repeating: WriteTally(), count: sources.count)
        var excess: [[ParticulateExcess]] = Array(repeating: [], count: sources.count)
        try apply(sources, runs: runs, end: end, trusted: trusted, segment: { runs.array($0) }, report: &report,
                  tallies: &tallies, excess: &excess)
        precondition(report.tooOld.isEmpty, "a batch write refused readings its checks accepted")
        for n in sources.indices {
            reports[n].particulateExcess = excess[n]
            reports[n].stored = tallies[n].stored
            reports[n].unchanged = tallies[n].unchanged
            reports[n].corrected = tallies[n].corrected
        }
        return reports
    }

    /// Checks the hourly rows of the days a write touches (those inside the
    /// window now); returns the hours found intact, which the roll-up then
    /// need not check again (edits keep their checksums exact).
    private func verifyHoursOfDays(_ runs: HourRuns, end: Int) throws(StoreError) -> Set<Int> {
        guard let window = hourly.presentHours else { return [] }
        var days = Set<Day>()
        for run in 0 ..< end { days.insert(calendar.day(of: Hour(Int(runs.hours[run])))) }
        var intact = Set<Int>()
        for day in days {
            for hour in calendar.hours(of: day) where window.contains(hour) {
                switch hourly.ring.verify(hour, pollutantCodes: pollutantCodes) {
                case .empty, .intact: intact.insert(hour.index)
                case .damaged(let why):
                    throw .corrupt(path: hourlyPath, detail: "the row of \(zone.format(hour)) is damaged (\(why)), so \(day) cannot be rolled up; nothing was written")
                }
            }
        }
        return intact
    }

    /// How many hour runs (in hour order) the policy lets through; the
    /// readings of the rest are recorded as `tooNew` with the jump they
    /// would have made.
    private func jumpLimit(_ runs: HourRuns, policy: WindowPolicy, report: inout WriteReport) throws(StoreError) -> Int {
        let hours = runs.hours
        var reach = hourly.newest ?? Hour(Int(hours[0]))
        let maximum = policy.maximumJumpHours
        var end = runs.count
        for run in 0 ..< runs.count {
            let hour = Hour(Int(hours[run]))
            if let maximum, hour > reach.advanced(by: maximum) {
                end = run
                break
            }
            if hour > reach { reach = hour }
        }
        // Days are never lost: the newest day written may not push a day with
        // data out of the daily ring.
        let newestAllowed = end > 0 ? Hour(Int(hours[end - 1])) : reach
        if let oldestDay = oldestDailyDayWithData() {
            let firstKept = calendar.day(of: newestAllowed).advanced(by: -daily.geometry.capacity + 1)
            if firstKept > oldestDay {
                // Keep only what fits: readings up to the last day that keeps every day.
                let lastDayAllowed = oldestDay.advanced(by: daily.geometry.capacity - 1)
                var fit = 0
                while fit < end, calendar.day(of: Hour(Int(hours[fit]))) <= lastDayAllowed { fit += 1 }
                if let from = hourly.newest, end > 0 {
                    report.jump = WindowJump(from: from, to: Hour(Int(hours[end - 1])),
                                             firstHourKept: newestAllowed.advanced(by: -hourly.geometry.capacity + 1),
                                             losesDays: true, zone: zone)
                }
                end = fit
            }
        }
        if end < runs.count {
            report.tooNew = (runs.starts[end] ..< runs.starts[runs.count]).map { runs.order($0) }
            if report.jump == nil {
                let to = Hour(Int(hours[runs.count - 1]))
                report.jump = WindowJump(from: reach, to: to, firstHourKept: to.advanced(by: -hourly.geometry.capacity + 1),
                                         losesDays: false, zone: zone)
            }
        }
        return end
    }

    /// The oldest day the daily ring holds data for (O(days in the ring)).
    func oldestDailyDayWithData() -> Day? {
        guard let window = daily.presentDays else { return nil }
        var day = window.lowerBound
        while day <= window.upperBound {
            if let entry = daily.ring.entry(day), !entry.isEmpty { return day }
            day = day.advanced(by: 1)
        }
        return nil
    }

    /// Recomputes one day's daily row from the hourly ring (hours present
    /// only), after checking every hourly row it reads: damage is never
    /// carried into the daily ring.
    func rollUp(_ day: Day, trusted: Set<Int> = []) throws(StoreError) {
        let n = series.count
        guard n > 0, let window = hourly.presentHours else { return }
        var sums = [Int](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: n)
        // O3 series also keep their hours by position, for the MDA8 and maximum hour.
        let ozone = o3Series
        // Flat: 24 per ozone series, -1 for a missing hour.
        var positions = [Int](repeating: -1, count: ozone.count * 24)
        let maximumRaw = Int(HourlyRing.maximumRaw)
        let firstHour = calendar.firstHour(of: day)
        for hour in calendar.hours(of: day) where window.contains(hour) {
            guard let entry = hourly.ring.entry(hour) else {
                throw .corrupt(path: hourlyPath, detail: "the row directory entry of \(zone.format(hour)) is damaged, so \(day) is not rolled up from it")
            }
            if entry.isEmpty { continue }
            var hash: UInt64 = 0
            // The row's n slots, bounds-checked once.
            let row = hourly.file.buffer(hourly.geometry.rowOffset(hour.index), 2 * n)
            @inline(__always) func slot(_ s: Int) -> UInt16 {
                UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 * s, as: UInt16.self))
            }
            let position = firstHour.distance(to: hour)
            precondition(position >= 0 && position < 24, "a day of \(position + 1) hours")
            positions.withUnsafeMutableBufferPointer { positions in
                for (k, s) in ozone.enumerated() {
                    let raw = Int(slot(s))
                    if raw != 0 && raw <= maximumRaw { positions[k * 24 + position] = raw - 1 }
                }
            }
            if trusted.contains(hour.index) {
                sums.withUnsafeMutableBufferPointer { sums in
                    counts.withUnsafeMutableBufferPointer { counts in
                        // Without a branch per slot: an empty slot adds 0 to both.
                        for s in 0 ..< n {
                            let raw = Int(slot(s))
                            let present = raw != 0 ? 1 : 0
                            sums[s] &+= raw &- present
                            counts[s] &+= present
                        }
                    }
                }
                continue
            }
            for s in 0 ..< n {
                let raw = UInt64(slot(s))
                guard raw != 0 else { continue }
                guard raw <= HourlyRing.maximumRaw else {
                    throw .corrupt(path: hourlyPath, detail: "the row of \(zone.format(hour)) holds an impossible value, so \(day) is not rolled up from it")
                }
                hash &+= RowHash.slot(raw, series: s, step: hour.index)
                sums[s] += Int(raw) - 1
                counts[s] += 1
            }
            guard hash == entry.hash, entry.tag == UInt64(hour.index) &+ 1 else {
                throw .corrupt(path: hourlyPath, detail: "the row of \(zone.format(hour)) fails its checksum, so \(day) is not rolled up from it")
            }
        }
        // The whole row is recomputed from verified hours: write it with a fresh entry.
        var edit = RowEdit(step: day.index, entry: .empty)
        let capacity = daily.geometry.seriesCapacity
        var packed = (0 ..< n).map { DailyRing.pack(sum: sums[$0], count: counts[$0]) }
        positions.withUnsafeBufferPointer { positions in
            for (k, s) in ozone.enumerated() {
                let hours = UnsafeBufferPointer(rebasing: positions[k * 24 ..< k * 24 + 24])
                packed[s] = DailyRing.pack(sum: sums[s], count: counts[s], o3: O3Day(positions: hours))
            }
        }
        // One pass over the daily row through one pointer, its checksum and
        // counts summed on the way and recorded once.
        let row = daily.file.mutableBytes(daily.geometry.rowOffset(day.index), daily.geometry.rowBytes)
        var hash: UInt64 = 0
        var filled = [UInt32](repeating: 0, count: RowEntry.pollutantCodes)
        var anyFilled = false
        let step = day.index
        packed.withUnsafeBufferPointer { packed in
            pollutantCodes.withUnsafeBufferPointer { codes in
                filled.withUnsafeMutableBufferPointer { filled in
                    for s in 0 ..< capacity {
                        let old = UInt64(littleEndian: row.loadUnaligned(fromByteOffset: 8 * s, as: UInt64.self))
                        let new = s < n ? DailyRing.rolledUp(packed[s], over: old) : 0
                        if old != new { row.storeBytes(of: new.littleEndian, toByteOffset: 8 * s, as: UInt64.self) }
                        guard new != 0 else { continue }
                        anyFilled = true
                        hash &+= RowHash.slot(new, series: s, step: step)
                        let code = Int(codes[s]) &- 1
                        if code >= 0 && code < filled.count { filled[code] &+= 1 }
                    }
                }
            }
        }
        filled.withUnsafeBufferPointer { filled in edit.record(hash: hash, counts: filled, anyFilled: anyFilled) }
        daily.ring.commit(edit)
        verifiedDays.remove(day.index)
    }

    /// Moves the window forward to `newest`: the daily ring moves first; the
    /// days about to leave the hourly window are rolled up; then the hourly
    /// window moves (and clears the rows it reuses). A kill at any point
    /// leaves a state `recover()` completes. Nothing is synced: the journal
    /// recorded the move, and a copy of each leaving day's daily row as last
    /// synced, before (after a power loss a torn leaving day is put back, so
    /// clearing its hours loses nothing synced).
    private func advance(to newest: Hour) throws(StoreError) {
        daily.ring.moveWindow(to: calendar.day(of: newest))
        if let old = hourly.newest, newest > old {
            for day in leavingDays(from: old, to: newest) { try rollUp(day) }
        }
        hourly.ring.moveWindow(to: newest)
    }

    /// The days whose hours start to leave the hourly window when it moves
    /// from `old` to `newest` (rolled up once more before they do).
    func leavingDays(from old: Hour, to newest: Hour) -> Range<Day> {
        let oldAccept = calendar.day(of: acceptStart(for: old))
        let newAccept = calendar.day(of: acceptStart(for: newest))
        guard oldAccept < newAccept else { return oldAccept ..< oldAccept }
        return oldAccept ..< max(oldAccept, min(newAccept, calendar.day(of: old).advanced(by: 1)))
    }

    /// Completes work a killed writer left half done: checksums of the rows
    /// it was changing, rows not yet cleared after a window move, and a ring
    /// narrower than the series table.
    package func recover() throws(StoreError) {
        let interrupted = sequence?.interrupted
        if let interrupted {
            if let hours = interrupted.hours, let window = hourly.presentHours {
                let first = max(hours.lowerBound, window.lowerBound.index, hours.upperBound - hourly.geometry.capacity + 1)
                let last = min(hours.upperBound, window.upperBound.index)
                if first <= last { for h in first ... last { hourly.ring.rehash(Hour(h), pollutantCodes: pollutantCodes) } }
            }
            if let days = interrupted.days, let window = daily.presentDays {
                let first = max(days.lowerBound, window.lowerBound.index, days.upperBound - daily.geometry.capacity + 1)
                let last = min(days.upperBound, window.upperBound.index)
                if first <= last { for d in first ... last { daily.ring.rehash(Day(d), pollutantCodes: pollutantCodes) } }
            }
        }
        // A move is completed only when a write was interrupted (moves happen inside writes).
        try hourly.ring.completeInterruptedMove(writeWasInterrupted: interrupted != nil)
        try daily.ring.completeInterruptedMove(writeWasInterrupted: interrupted != nil)
        if let interrupted {
            // The days of the hours it was writing may not have been rolled up yet.
            if let hours = interrupted.hours, let accept = oldestWritableHour, let newest = hourly.newest {
                let first = max(calendar.day(of: Hour(hours.lowerBound)), calendar.day(of: accept))
                let last = min(calendar.day(of: Hour(hours.upperBound)), calendar.day(of: newest))
                if first <= last { for day in first ... last { try rollUp(day) } }
            }
            try hourly.ring.syncBody()
            try daily.ring.syncBody()
            sequence?.markRecovered()
        }
        try ensureSeriesCapacity(series.count)
    }

    /// Completes what an interrupted write left (`recover`) when its record
    /// is still there: a writer opened without recovering (the repair) before
    /// it changes anything, so its checks see the rows as recovered.
    private func completeInterruptedWrite() throws(StoreError) {
        if sequence?.interrupted != nil { try recover() }
    }

    /// Opens the write sequence's record of a change of `hours` and `days`
    /// (closed by the caller's `sequence?.endWrite()`, which ends only a
    /// record this store made). A record an interrupted write left is
    /// completed first and never overwritten or ended by this write, however
    /// it ends (found in review: a write that failed after overwriting a
    /// killed writer's record ended it, and its rows were never recovered).
    private func beginWrite(hours: ClosedRange<Hour>? = nil, days: ClosedRange<Day>? = nil) throws(StoreError) {
        guard let sequence else { return }
        try completeInterruptedWrite()
        let begun = sequence.beginWrite(hours: hours, days: days)
        precondition(begun, "\(directory): a write began over a write record that recovery did not end")
    }

    /// Makes both rings at least `needed` series wide, rewriting a ring into a
    /// temporary file and renaming it over the old one.
    private func ensureSeriesCapacity(_ needed: Int) throws(StoreError) {
        let target = RingGeometry.seriesCapacity(for: needed)
        let widenHourly = hourly.geometry.seriesCapacity < needed, widenDaily = daily.geometry.seriesCapacity < needed
        guard widenHourly || widenDaily else { return }
        if unpublished {
            // Rings no reader sees, holding nothing synced: made again wider
            // under the same temporary names, unsynced (the first write's
            // journal record names them before they are renamed into place).
            if widenHourly {
                let path = AtomicFile.temporaryPath(for: hourlyPath)
                let old = hourly
                unlink(path)
                let wider = try HourlyRing(creating: path, capacity: old.geometry.capacity, seriesCapacity: target,
                                           calendar: calendar, dailyCapacity: daily.geometry.capacity, series: series)
                old.ring.copyRows(into: wider.ring, slots: series.count)
                hourly = try HourlyRing(opening: path, writable: true)
            }
            if widenDaily {
                let path = AtomicFile.temporaryPath(for: dailyPath)
                let old = daily
                unlink(path)
                let wider = try DailyRing(creating: path, capacity: old.geometry.capacity, seriesCapacity: target,
                                          calendar: calendar, hourlyCapacity: hourly.geometry.capacity)
                old.ring.copyRows(into: wider.ring, slots: min(series.count, old.geometry.seriesCapacity))
                daily = try DailyRing(opening: path, writable: true)
            }
            return
        }
        // The rings are replaced whole, each synced before it is renamed into
        // place: first the epoch's own changes are synced, so the journal's
        // record never describes a file that is gone.
        try makeDurable()
        sequence?.beginWrite()
        defer { sequence?.endWrite() }
        if widenHourly {
            let temporary = AtomicFile.temporaryPath(for: hourlyPath)
            let wider = try HourlyRing(creating: temporary, capacity: hourly.geometry.capacity,
                                       seriesCapacity: target, calendar: calendar,
                                       dailyCapacity: daily.geometry.capacity, series: series)
            hourly.ring.copyRows(into: wider.ring, slots: series.count)
            try wider.file.syncAll()
            try AtomicFile.rename(temporary, to: hourlyPath)
            hourly = try HourlyRing(opening: hourlyPath, writable: true)
            tableAhead = false
        }
        if widenDaily {
            let temporary = AtomicFile.temporaryPath(for: dailyPath)
            let wider = try DailyRing(creating: temporary, capacity: daily.geometry.capacity,
                                      seriesCapacity: target, calendar: calendar,
                                      hourlyCapacity: hourly.geometry.capacity)
            daily.ring.copyRows(into: wider.ring, slots: min(series.count, daily.geometry.seriesCapacity))
            try wider.file.syncAll()
            try AtomicFile.rename(temporary, to: dailyPath)
            daily = try DailyRing(opening: dailyPath, writable: true)
        }
    }

    private func requireWritable() throws(StoreError) {
        guard access == .readWrite else { throw .readOnly(directory: directory) }
    }

    /// The order in which to apply readings: by hour, and within an hour in
    /// input order so the last of two conflicting values wins. Identity (no
    /// allocation) when the input is already in hour order, as day files are.
    static func hourOrder(_ readings: [StoredReading]) -> HourOrder {
        var sorted = true
        for i in readings.indices.dropFirst() where readings[i].hour < readings[i - 1].hour {
            sorted = false
            break
        }
        if sorted { return HourOrder(permutation: nil) }
        return HourOrder(permutation: readings.indices.sorted { (readings[$0].hour, $0) < (readings[$1].hour, $1) })
    }
}

/// Positions of readings in the order a write applies them (see `Store.hourOrder`).
struct HourOrder {
    /// nil: the readings are in hour order already.
    let permutation: [Int]?

    @inline(__always) func callAsFunction(_ k: Int) -> Int { permutation?[k] ?? k }
}

/// The readings of a write in the order it applies them (`order`), cut into
/// runs of one hour each: run `r` is hour `hours[r]`, positions
/// `starts[r] ..< starts[r + 1]` of the order. What a write decides per hour
/// (the window's jump, the rows to check, the row to edit) it decides per run.
struct HourRuns {
    let order: HourOrder
    private(set) var hours: [Int32] = []
    /// One more than `hours`: the last is the number of readings.
    private(set) var starts: [Int] = []
    /// For runs over several arrays (`joined`): each run's array and where
    /// its positions start in it; nil for one array, whose positions `starts` gives.
    private var sources: (array: [Int], first: [Int])?

    var count: Int { hours.count }

    /// Which of the arrays written the run's readings are in (0 for one array).
    @inline(__always) func array(_ run: Int) -> Int { sources?.array[run] ?? 0 }

    /// The run's positions in its array, in the order applied (through `order`).
    @inline(__always) func positions(_ run: Int) -> Range<Int> {
        guard let sources else { return starts[run] ..< starts[run + 1] }
        let first = sources.first[run]
        return first ..< first + (starts[run + 1] - starts[run])
    }

    /// The runs of several arrays, each in hour order, taken array after
    /// array in `arrays`' order (their hours ascending and disjoint).
    static func joined(_ parts: [(array: Int, runs: HourRuns)]) -> HourRuns {
        var hours: [Int32] = [], starts: [Int] = [], array: [Int] = [], first: [Int] = []
        var total = 0
        for part in parts {
            for run in 0 ..< part.runs.count {
                hours.append(part.runs.hours[run])
                starts.append(total + part.runs.starts[run])
                array.append(part.array)
                first.append(part.runs.starts[run])
            }
            total += part.runs.starts[part.runs.count]
        }
        starts.append(total)
        var joined = HourRuns(order: HourOrder(permutation: nil), hours: hours, starts: starts)
        joined.sources = (array, first)
        return joined
    }

    /// The runs of `readings` taken in `order`.
    init(_ readings: [StoredReading], order: HourOrder) {
        self.order = order
        readings.withUnsafeBufferPointer { readings in
            var last: Int32?
            for k in 0 ..< readings.count {
                let hour = readings[order(k)].hour
                if hour != last {
                    hours.append(hour)
                    starts.append(k)
                    last = hour
                }
            }
        }
        starts.append(readings.count)
    }

    private init(order: HourOrder, hours: [Int32], starts: [Int]) {
        self.order = order
        self.hours = hours
        self.starts = starts
    }

    /// One pass over readings: nil when one names a series outside
    /// `0 ..< seriesCount` or a value above `maximumValue`; otherwise whether
    /// they are in hour order, and if so their runs.
    static func scan(_ readings: [StoredReading], seriesCount: Int, maximumValue: Int) -> (sorted: Bool, runs: HourRuns?)? {
        var hours: [Int32] = [], starts: [Int] = []
        var valid = true, sorted = true
        readings.withUnsafeBufferPointer { readings in
            var last = Int32.min
            let maximum = UInt16(clamping: maximumValue)
            for k in 0 ..< readings.count {
                let reading = readings[k]
                let series = Int(reading.series)
                if series < 0 || series >= seriesCount || reading.value > maximum { valid = false }
                if reading.hour != last {
                    if reading.hour < last { sorted = false }
                    if sorted {
                        hours.append(reading.hour)
                        starts.append(k)
                    }
                    last = reading.hour
                }
            }
        }
        guard valid else { return nil }
        guard sorted else { return (false, nil) }
        starts.append(readings.count)
        return (true, HourRuns(order: HourOrder(permutation: nil), hours: hours, starts: starts))
    }
}
