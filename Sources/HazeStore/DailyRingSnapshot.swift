import Foundation
import HazeModel

/// The rows of a daily ring that cannot be opened as a whole (a damaged or
/// disagreeing header, a truncated file), each taken only if its own
/// directory entry and checksum hold: what a repair keeps from it.
///
/// The layout comes from whichever header still speaks: a copy of the daily
/// ring's own header whose checksum holds, else the hourly ring's (which
/// records the daily ring's capacity, and shares its series capacity).
package struct DailyRingSnapshot {
    /// Verified rows by day: raw slots by the old series index.
    package private(set) var rows: [Day: [UInt64]] = [:]
    /// Days whose entry is readable but whose row fails its checksum.
    package private(set) var damagedDays: Set<Day> = []
    /// Those rows' slots as they are, unverified: what they may have held
    /// (a series table that fails its checksum fails every row whose values
    /// it misnames, though the values themselves may be intact).
    package private(set) var damagedRows: [Day: [UInt64]] = [:]
    /// Rows whose entry is unreadable, by the day their position holds in the
    /// ring's window (when the window is known), else counted.
    package private(set) var unreadableDays: Set<Day> = []
    package private(set) var unreadableRows = 0
    /// The old series by index, where the hourly table still names them.
    package let series: [SeriesKey?]

    /// Reads the daily ring of `directory`; `series` are the old series by index.
    package init(directory: String, series: [SeriesKey?]) {
        self.series = series
        let path = directory + "/" + Store.dailyFileName
        guard let file = try? MappedFile(openingExisting: path, writable: false),
              let geometry = Self.geometry(daily: file, directory: directory) else { return }
        let codes = series.map { $0?.pollutant.rawValue ?? 0 }
        let newest = Self.newestDay(daily: file, directory: directory)
        func unreadable(_ row: Int) {
            guard let newest else { unreadableRows += 1; return }
            // The day of the window (newest − capacity, newest] this row holds.
            let offset = (geometry.row(newest.index) - row + geometry.capacity) % geometry.capacity
            unreadableDays.insert(newest.advanced(by: -offset))
        }
        for row in 0 ..< geometry.capacity {
            let entryOffset = geometry.directoryOffset + row * RingGeometry.entryBytes
            guard file.contains(entryOffset, RingGeometry.entryBytes), let entry = RowEntry.read(file, at: entryOffset) else {
                unreadable(row)
                continue
            }
            guard let step = entry.step else { continue }
            let day = Day(step)
            let offset = geometry.rowOffset(step)
            guard geometry.row(step) == row, file.contains(offset, geometry.rowBytes) else {
                damagedDays.insert(day)
                continue
            }
            var edit = RowEdit(step: step, entry: .empty)
            var raws = [UInt64](repeating: 0, count: geometry.seriesCapacity)
            var valid = true
            for s in 0 ..< geometry.seriesCapacity {
                let raw = file.u64(offset + 8 * s)
                raws[s] = raw
                guard raw != 0 else { continue }
                if !DailyRing.isValidRaw(raw, code: s < codes.count ? codes[s] : 0) { valid = false }
                edit.change(series: s, code: s < codes.count ? codes[s] : 0, from: 0, to: raw)
            }
            if valid && edit.entry == entry {
                rows[day] = raws
            } else {
                damagedDays.insert(day)
                damagedRows[day] = raws
            }
        }
    }

    /// The daily ring's layout: as the hourly ring's header records it (the
    /// authority: it holds the daily ring's capacity and shares its series
    /// capacity), else as a copy of the daily ring's own header says.
    static func geometry(daily file: MappedFile, directory: String) -> RingGeometry? {
        if let hourly = try? MappedFile(openingExisting: directory + "/" + Store.hourlyFileName, writable: false),
           let header = RingHeader.copyOffsets.lazy.compactMap({ RingHeader.decode(hourly, at: $0) }).first,
           header.magic == HourlyRing.magic, (1 ... RingGeometry.maximumCapacity).contains(header.companionCapacity),
           (1 ... RingGeometry.maximumSeries).contains(header.seriesCapacity) {
            return RingGeometry.layout(capacity: header.companionCapacity, seriesCapacity: header.seriesCapacity,
                                       slotBytes: 8, tableEntryBytes: 0)
        }
        guard let header = RingHeader.copyOffsets.lazy.compactMap({ RingHeader.decode(file, at: $0) }).first,
              header.magic == DailyRing.magic, (1 ... RingGeometry.maximumCapacity).contains(header.capacity),
              (1 ... RingGeometry.maximumSeries).contains(header.seriesCapacity) else { return nil }
        return DailyRing.layout(header)
    }

    /// The newest day of the daily ring: from its own header copy, else the
    /// hourly ring's newest hour (the two move together).
    static func newestDay(daily file: MappedFile, directory: String) -> Day? {
        if let header = RingHeader.copyOffsets.lazy.compactMap({ RingHeader.decode(file, at: $0) }).first,
           header.magic == DailyRing.magic, header.newest != emptyStep,
           RingGeometry.plausibleSteps(slotBytes: 8).contains(header.newest) {
            return Day(Int(header.newest))
        }
        guard let hourly = try? MappedFile(openingExisting: directory + "/" + Store.hourlyFileName, writable: false),
              let header = RingHeader.copyOffsets.lazy.compactMap({ RingHeader.decode(hourly, at: $0) }).first,
              header.newest != emptyStep, RingGeometry.plausibleSteps(slotBytes: 2).contains(header.newest),
              let zone = LocalZone(offsetMinutes: header.zoneMinutes) else { return nil }
        return DayCalendar(zone: zone, convention: header.dayConvention).day(of: Hour(Int(header.newest)))
    }

    /// The series an hourly ring's table still names (readable entries only),
    /// whether or not the ring opens.
    package static func series(ofHourlyRingIn directory: String) -> [SeriesKey?] {
        guard let file = try? MappedFile(openingExisting: directory + "/" + Store.hourlyFileName, writable: false) else { return [] }
        let header = RingHeader.copyOffsets.lazy.compactMap { RingHeader.decode(file, at: $0) }.first
        let count = header.map { min($0.seriesCount, RingGeometry.maximumSeries) } ?? 0
        var keys: [SeriesKey?] = []
        for i in 0 ..< count {
            let offset = HourlyRing.tableOffset + i * HourlyRing.tableEntryBytes
            guard file.contains(offset, HourlyRing.tableEntryBytes) else { break }
            var code = file.bytes(offset ..< offset + SeriesKey.maximumCodeLength)
            if let end = code.firstIndex(of: 0) { code.removeSubrange(end...) }
            if let text = String(validating: code, as: UTF8.self), !text.isEmpty,
               let pollutant = Pollutant(rawValue: file.u8(offset + 24)) {
                keys.append(SeriesKey(station: text, pollutant: pollutant))
            } else {
                keys.append(nil)
            }
        }
        return keys
    }

    /// Whether the hourly ring's series table matches the checksum a header
    /// copy (whose own checksum holds) records for it. When it does not, any
    /// entry may name the wrong series: a flipped bit in a station code still
    /// reads as a code.
    package static func tableVerifies(ofHourlyRingIn directory: String) -> Bool {
        guard let file = try? MappedFile(openingExisting: directory + "/" + Store.hourlyFileName, writable: false),
              let header = RingHeader.copyOffsets.lazy.compactMap({ RingHeader.decode(file, at: $0) }).first,
              header.magic == HourlyRing.magic, header.seriesCount <= RingGeometry.maximumSeries,
              file.contains(HourlyRing.tableOffset, header.seriesCount * HourlyRing.tableEntryBytes) else { return false }
        return CRC32.checksum(file.buffer(HourlyRing.tableOffset, header.seriesCount * HourlyRing.tableEntryBytes)) == header.tableCRC
    }

    /// The entries of a table that failed its checksum that something else
    /// vouches for: named once in the table and held by `witness` (a store
    /// rebuilt from raw/). The others are nil: their values cannot be placed.
    package static func corroborated(_ keys: [SeriesKey?], by witness: Store) -> [SeriesKey?] {
        var counts: [SeriesKey: Int] = [:]
        for key in keys.compactMap({ $0 }) { counts[key, default: 0] += 1 }
        return keys.map { key in
            guard let key, counts[key] == 1, witness.index(of: key) != nil else { return nil }
            return key
        }
    }

    /// Copies into `store`'s daily ring every verified old value it lacks,
    /// or holds made of fewer hours (the hours raw/ lacks), for the days its
    /// daily window holds. An old value so kept for a day of the hourly
    /// window stands without (some of) its hours and is marked so
    /// (`DailyRing.keptWithoutHours`). Returns how many values were kept,
    /// the days whose old values could not be carried over, and the days
    /// with values standing without their hours. `keys` replaces the old
    /// series by index where they cannot all be trusted (nil: a series
    /// whose values are not placed).
    package func merge(into store: Store, keys: [SeriesKey?]? = nil) throws(StoreError)
        -> (kept: Int, lost: Set<Day>, standing: Set<Day>) {
        let series = keys ?? self.series
        _ = try store.resolve(series.compactMap { $0 })
        var kept = 0
        var lost = damagedDays
        var standing = Set<Day>()
        // Days the roll-ups and `haze check` compare with the hours (not the
        // window's first, partial day: the daily ring keeps it on its own).
        let firstHourlyDay = store.oldestWritableHour.map { store.calendar.day(of: $0) }
        for (day, old) in rows.sorted(by: { $0.key < $1.key }) {
            guard store.dailyWindow?.contains(day) == true else {
                if old.contains(where: { $0 != 0 }) { lost.insert(day) }
                continue
            }
            var raws = (0 ..< store.series.count).map { store.dailyRaw($0, on: day) }
            var changed = false
            let withoutHours = firstHourlyDay.map { day >= $0 } ?? false
            for (index, value) in old.enumerated() where value != 0 {
                guard index < series.count, let key = series[index], let target = store.index(of: key) else { continue }
                guard raws[target] == 0 || DailyRing.validHours(value) > DailyRing.validHours(raws[target]) else { continue }
                raws[target] = withoutHours ? value | DailyRing.keptWithoutHours : value
                kept += 1
                changed = true
                if withoutHours { standing.insert(day) }
            }
            // Values of series the old table no longer names cannot be placed:
            // lost unless the store holds at least as many values for the day.
            if raws.filter({ $0 != 0 }).count < old.filter({ $0 != 0 }).count { lost.insert(day) }
            if changed { try store.replaceDailyRow(day, raws: raws) }
        }
        // A damaged old day is not lost if the store holds it anyway: as many
        // values, made of as many hours, as its row may have held.
        let hours = { (row: [UInt64]) in row.reduce(0) { $0 + DailyRing.validHours($1) } }
        for day in damagedDays where store.dailyWindow?.contains(day) == true {
            let now = (0 ..< store.series.count).map { store.dailyRaw($0, on: day) }
            guard now.contains(where: { $0 != 0 }) else { continue }
            if let old = damagedRows[day],
               now.filter({ $0 != 0 }).count < old.filter({ $0 != 0 }).count || hours(now) < hours(old) { continue }
            lost.remove(day)
        }
        try store.syncRings()
        return (kept, lost, standing)
    }
}
