import Foundation
import HazeModel

/// A haze store: a directory holding the hourly and daily rings, the writer's
/// lock, the quarantine and the logs.
///
///     <store>/hourly.ring      hourly values, one row per hour
///     <store>/daily.ring       daily sums and valid-hour counts, one row per day
///     <store>/lock             flock target for the single writer
///     <store>/quarantine/      rejected input, one CSV per source file
///     <store>/ingest.log       one JSON line per ingest run
///
/// Opening is O(1) in the history held: two `mmap`s and the series table.
public final class Store: @unchecked Sendable {
    public enum Access: Sendable { case readOnly, readWrite }

    public static let hourlyFileName = "hourly.ring"
    public static let dailyFileName = "daily.ring"

    public let directory: String
    public let access: Access
    private(set) var hourly: HourlyRing
    private(set) var daily: DailyRing
    private let lock: StoreLock?
    /// Brackets every change of the rings for readers (nil when read-only).
    let sequence: WriteSequence?

    /// Every series in the store, by index.
    public private(set) var series: [SeriesKey]
    private var indexByKey: [SeriesKey: Int]
    /// For each series, the index of the same station's other pollutant (-1 if none).
    private var counterparts: [Int] = []

    public var zone: LocalZone { hourly.zone }
    public var hourlyCapacity: Int { hourly.geometry.capacity }
    public var dailyCapacity: Int { daily.geometry.capacity }

    public var hourlyPath: String { directory + "/" + Self.hourlyFileName }
    public var dailyPath: String { directory + "/" + Self.dailyFileName }
    public var quarantineDirectory: String { directory + "/quarantine" }

    /// True when `directory` holds a store.
    public static func exists(at directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + hourlyFileName)
    }

    /// Opens a store. With `.readWrite` the writer's lock is taken first; with
    /// `creating` a missing store is created with that configuration.
    public init(directory: String, access: Access, creating configuration: StoreConfiguration? = nil,
                lockTimeout: Double? = nil) throws(StoreError) {
        self.directory = directory
        self.access = access
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
            self.lock = try StoreLock(directory: directory, timeoutSeconds: lockTimeout)
        }
        self.sequence = access == .readWrite ? try WriteSequence.forWriter(directory: directory) : nil
        let writable = access == .readWrite
        if !FileManager.default.fileExists(atPath: hourlyPath), let configuration {
            try configuration.validate()
            // Daily first: a crash between the two leaves no hourly.ring, so the
            // next run creates both again.
            let capacity = RingGeometry.seriesCapacity(for: 0)
            _ = try DailyRing(creating: dailyPath, capacity: configuration.dailyCapacity,
                              seriesCapacity: capacity, zone: configuration.zone)
            let created = try HourlyRing(creating: hourlyPath + ".tmp", capacity: configuration.hourlyCapacity,
                                         seriesCapacity: capacity, zone: configuration.zone, series: [])
            try created.file.syncAll()
            try Self.rename(hourlyPath + ".tmp", to: hourlyPath, in: directory)
        }
        self.hourly = try HourlyRing(opening: hourlyPath, writable: writable)
        if !FileManager.default.fileExists(atPath: dailyPath) {
            throw .corrupt(path: dailyPath, detail: "the daily ring is missing")
        }
        self.daily = try DailyRing(opening: dailyPath, writable: writable)
        guard daily.zone == hourly.zone else {
            throw .corrupt(path: dailyPath, detail: "zone \(daily.zone) differs from the hourly ring's \(hourly.zone)")
        }
        self.series = []
        self.indexByKey = [:]
        for key in try hourly.allSeries() { register(key) }
        if writable { try recover() }
    }

    // MARK: Reading

    public func index(of key: SeriesKey) -> Int? { indexByKey[key] }

    /// The newest hour the ring has advanced to.
    public var newestHour: Hour? { hourly.newest }

    /// The hours whose values can be read.
    public var hourlyWindow: ClosedRange<Hour>? { hourly.presentHours }

    /// The days whose daily values can be read.
    public var dailyWindow: ClosedRange<Day>? { daily.presentDays }

    /// The first hour a write is accepted for: the first whole local day
    /// inside the hourly window. Older hours have been rolled into the daily
    /// ring and are refused rather than written into a wrong slot.
    public var oldestWritableHour: Hour? {
        guard let newest = hourly.newest else { return nil }
        return acceptStart(for: newest)
    }

    func acceptStart(for newest: Hour) -> Hour {
        let bottom = newest.advanced(by: -hourly.geometry.capacity + 1)
        let dayStart = zone.firstHour(of: zone.day(of: bottom))
        return dayStart == bottom ? bottom : zone.firstHour(of: zone.day(of: bottom).advanced(by: 1))
    }

    /// The value of a series at an hour in whole µg/m³, or nil if missing or
    /// outside the hourly window.
    public func value(_ series: Int, at hour: Hour) -> Int? {
        guard series >= 0, series < self.series.count, let window = hourly.presentHours, window.contains(hour) else { return nil }
        let raw = hourly.raw(hour, series)
        return raw == 0 ? nil : Int(raw) - 1
    }

    /// A series' daily aggregate for a local day (empty outside the daily window).
    public func daily(_ series: Int, on day: Day) -> DailyValue {
        guard series >= 0, series < self.series.count, series < daily.geometry.seriesCapacity,
              let window = daily.presentDays, window.contains(day) else { return .empty }
        return DailyValue(packed: daily.raw(day, series))
    }

    /// The series index holding the other pollutant of the same station.
    public func counterpart(of series: Int) -> Int? {
        let other = counterparts[series]
        return other < 0 ? nil : other
    }

    /// Adds a series to the in-memory index (the table entry is written separately).
    private func register(_ key: SeriesKey) {
        let index = series.count
        indexByKey[key] = index
        series.append(key)
        let other = indexByKey[SeriesKey(station: key.station, pollutant: key.pollutant == .pm25 ? .pm10 : .pm25)] ?? -1
        counterparts.append(other)
        if other >= 0 { counterparts[other] = index }
    }

    // MARK: Writing

    /// Indices for `keys`, adding series the store does not have yet. Adding
    /// beyond the row width rewrites both rings once, wider.
    public func resolve(_ keys: [SeriesKey]) throws(StoreError) -> [Int] {
        try requireWritable()
        var missing: [SeriesKey] = []
        var seen = Set<SeriesKey>()
        for key in keys where indexByKey[key] == nil && seen.insert(key).inserted {
            guard key.station.utf8.count <= SeriesKey.maximumCodeLength, !key.station.isEmpty else {
                throw .seriesCodeTooLong(key.station)
            }
            missing.append(key)
        }
        if !missing.isEmpty {
            sequence?.beginWrite()
            defer { sequence?.endWrite() }
            try ensureSeriesCapacity(series.count + missing.count)
            for key in missing {
                hourly.appendSeries(key)
                register(key)
            }
            try hourly.syncHeaderAndTable()
        }
        return keys.map { indexByKey[$0]! }
    }

    /// Writes readings: idempotent (an equal value is "unchanged"), later
    /// corrections replace and are counted, hours older than the window are
    /// refused. Readings may come in any order; within one hour the last wins.
    public func write(_ readings: [StoredReading]) throws(StoreError) -> WriteReport {
        try requireWritable()
        var report = WriteReport()
        guard !readings.isEmpty else { return report }
        sequence?.beginWrite()
        defer { sequence?.endWrite() }
        let order = Self.hourOrder(readings)
        let capacity = hourly.geometry.capacity
        var touchedDays = Set<Day>()
        var lastDay: Day?
        var start = 0
        while start < readings.count {
            // A chunk spans less than the window less a day, so after advancing
            // to its newest hour every reading of the chunk is still writable.
            let limit = Int(readings[order(start)].hour) + capacity - 24
            var end = start
            while end < readings.count && Int(readings[order(end)].hour) <= limit { end += 1 }
            let chunkNewest = Hour(Int(readings[order(end - 1)].hour))
            if hourly.newest.map({ chunkNewest > $0 }) ?? true { try advance(to: chunkNewest) }
            let accept = oldestWritableHour ?? chunkNewest
            for k in start..<end {
                let position = order(k)
                let reading = readings[position]
                let hour = reading.hourStamp
                guard hour >= accept else { report.tooOld.append(position); continue }
                let series = Int(reading.series)
                let new = reading.value &+ 1
                let old = hourly.raw(hour, series)
                if old == new {
                    report.unchanged += 1
                } else {
                    if old == 0 { report.stored += 1 } else { report.corrected += 1 }
                    hourly.setRaw(hour, series, new)
                }
                let day = zone.day(of: hour)
                if day != lastDay {
                    touchedDays.insert(day)
                    lastDay = day
                }
            }
            start = end
        }
        let acceptDay = oldestWritableHour.map { zone.day(of: $0) }
        for day in touchedDays.sorted() where acceptDay.map({ day >= $0 }) ?? false {
            rollUp(day)
        }
        try hourly.ring.syncData()
        try daily.ring.syncData()
        return report
    }

    /// Recomputes one day's daily row from the hourly ring (hours present only).
    func rollUp(_ day: Day) {
        let n = series.count
        guard n > 0, let window = hourly.presentHours else { return }
        var sums = [Int](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: n)
        let first = zone.firstHour(of: day)
        for offset in 0..<24 {
            let hour = first.advanced(by: offset)
            guard window.contains(hour) else { continue }
            let row = hourly.row(hour)
            for s in 0..<n {
                let raw = UInt16(littleEndian: row[s])
                if raw != 0 {
                    sums[s] += Int(raw) - 1
                    counts[s] += 1
                }
            }
        }
        for s in 0..<n {
            daily.setRaw(day, s, DailyRing.pack(sum: sums[s], count: counts[s]))
        }
    }

    /// Moves the window forward to `newest`. Order matters for crash safety:
    /// the daily ring moves first; the days about to leave the hourly window
    /// are rolled up and synced; only then does the hourly window move (and
    /// clear the rows it reuses). A crash at any point leaves a state
    /// `recover()` completes.
    private func advance(to newest: Hour) throws(StoreError) {
        try daily.ring.moveWindow(to: zone.day(of: newest))
        if let old = hourly.newest, newest > old {
            let oldAccept = zone.day(of: acceptStart(for: old))
            let newAccept = zone.day(of: acceptStart(for: newest))
            if oldAccept < newAccept {
                for day in oldAccept ..< newAccept { rollUp(day) }
                try daily.ring.syncData()
            }
        }
        try hourly.ring.moveWindow(to: newest)
    }

    /// Completes work a killed writer left half done: rows not yet cleared
    /// after a window move, and a ring narrower than the series table.
    private func recover() throws(StoreError) {
        try hourly.ring.completeInterruptedMove()
        try daily.ring.completeInterruptedMove()
        try ensureSeriesCapacity(series.count)
    }

    /// Makes both rings at least `needed` series wide, rewriting a ring into a
    /// temporary file and renaming it over the old one.
    private func ensureSeriesCapacity(_ needed: Int) throws(StoreError) {
        let target = RingGeometry.seriesCapacity(for: needed)
        if hourly.geometry.seriesCapacity < needed {
            let wider = try HourlyRing(creating: hourlyPath + ".tmp", capacity: hourly.geometry.capacity,
                                       seriesCapacity: target, zone: zone, series: series)
            hourly.ring.copyRows(into: wider.ring, slots: series.count)
            try wider.file.syncAll()
            try Self.rename(hourlyPath + ".tmp", to: hourlyPath, in: directory)
            hourly = try HourlyRing(opening: hourlyPath, writable: true)
        }
        if daily.geometry.seriesCapacity < needed {
            let wider = try DailyRing(creating: dailyPath + ".tmp", capacity: daily.geometry.capacity,
                                      seriesCapacity: target, zone: zone)
            daily.ring.copyRows(into: wider.ring, slots: min(series.count, daily.geometry.seriesCapacity))
            try wider.file.syncAll()
            try Self.rename(dailyPath + ".tmp", to: dailyPath, in: directory)
            daily = try DailyRing(opening: dailyPath, writable: true)
        }
    }

    private func requireWritable() throws(StoreError) {
        guard access == .readWrite else { throw .readOnly(directory: directory) }
    }

    package static func rename(_ from: String, to: String, in directory: String) throws(StoreError) {
        guard Foundation.rename(from, to) == 0 else { throw .system(path: to, operation: "rename", errno: errno) }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// The order in which to apply readings: by hour, and within an hour in
    /// input order so the last of two conflicting values wins. Identity (no
    /// allocation) when the input is already in hour order, as day files are.
    static func hourOrder(_ readings: [StoredReading]) -> (Int) -> Int {
        var sorted = true
        for i in readings.indices.dropFirst() where readings[i].hour < readings[i - 1].hour {
            sorted = false
            break
        }
        if sorted { return { $0 } }
        let permutation = readings.indices.sorted { (readings[$0].hour, $0) < (readings[$1].hour, $1) }
        return { permutation[$0] }
    }
}

