#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HazeModel

/// Upgrades the rings of a store written by an older haze, in place, one
/// file at a time: the new file is written beside the old one and synced,
/// the old one is hard-linked into `backup-format<N>-<time>/`, then the new
/// one is renamed over it. A crash at any point leaves each ring either
/// wholly old (upgraded on the next run) or wholly new; nothing is lost and
/// the old files stay in the backup.
///
/// Format 1 (haze 0.1): the same magic; a single unchecked header (version
/// at 8, data offset at 12, capacity 16, series capacity 20, series count 24,
/// zone 28, newest 32, cleared 40), the series table at 64, no row
/// directory; hourly slots u16 (value + 1), daily slots u32 `sum << 8 | count`.
package enum StoreFormatUpgrade {
    /// Upgrades every ring of `directory` that is not of the current format.
    /// The caller holds the writer's lock.
    package static func upgrade(directory: String, from version: Int, reason: String) throws(StoreError) {
        guard version == 1 else {
            throw .corrupt(path: reason, detail: "format version \(version) is not one this haze can upgrade")
        }
        let hourlyPath = directory + "/" + Store.hourlyFileName
        let dailyPath = directory + "/" + Store.dailyFileName
        let backup = directory + "/backup-format1-\(Int(Date().timeIntervalSince1970))"
        let oldHourly = try FormatOneRing(path: hourlyPath, magic: HourlyRing.magic, slotBytes: 2)
        let oldDaily = try FormatOneRing(path: dailyPath, magic: DailyRing.magic, slotBytes: 4)
        let hourlyCapacity: Int
        if let oldHourly { hourlyCapacity = oldHourly.capacity } else { hourlyCapacity = try HourlyRing(opening: hourlyPath, writable: false).geometry.capacity }
        let dailyCapacity: Int
        if let oldDaily { dailyCapacity = oldDaily.capacity } else { dailyCapacity = try DailyRing(opening: dailyPath, writable: false).geometry.capacity }
        // The hourly ring first: the daily one needs its series' pollutants.
        let codes: [UInt8]
        if let old = oldHourly {
            let series = try old.series()
            let converted = try convertHourly(old, series: series, dailyCapacity: dailyCapacity)
            try replace(hourlyPath, with: converted, backup: backup)
            codes = series.map(\.pollutant.rawValue)
        } else {
            codes = try HourlyRing(opening: hourlyPath, writable: false).allSeries().map(\.pollutant.rawValue)
        }
        if let old = oldDaily {
            let converted = try convertDaily(old, pollutantCodes: codes, hourlyCapacity: hourlyCapacity)
            try replace(dailyPath, with: converted, backup: backup)
        }
    }

    private static func convertHourly(_ old: FormatOneRing, series: [SeriesKey], dailyCapacity: Int) throws(StoreError) -> String {
        let temporary = AtomicFile.temporaryPath(for: old.file.path)
        let new = try HourlyRing(creating: temporary, capacity: old.capacity,
                                 seriesCapacity: RingGeometry.seriesCapacity(for: series.count),
                                 calendar: DayCalendar(zone: old.zone), dailyCapacity: dailyCapacity, series: series)
        let codes = series.map(\.pollutant.rawValue)
        if let window = old.presentSteps {
            for step in window {
                let hour = Hour(step)
                var edit = RowEdit(step: step, entry: .empty)
                for s in 0 ..< series.count {
                    let raw = old.slot(step, s)
                    guard raw != 0 else { continue }
                    guard raw <= HourlyRing.maximumRaw else {
                        throw .corrupt(path: old.file.path, detail: "slot of series \(s) at hour \(step) holds \(raw), above the cap; restore from a backup or rebuild")
                    }
                    new.setRaw(hour, s, UInt16(raw))
                    edit.change(series: s, code: codes[s], from: 0, to: raw)
                }
                new.ring.commit(edit)
            }
        }
        new.ring.updateHeader { $0.newest = old.newest; $0.cleared = old.cleared }
        try new.file.syncAll()
        return temporary
    }

    private static func convertDaily(_ old: FormatOneRing, pollutantCodes codes: [UInt8], hourlyCapacity: Int) throws(StoreError) -> String {
        let temporary = AtomicFile.temporaryPath(for: old.file.path)
        let new = try DailyRing(creating: temporary, capacity: old.capacity,
                                seriesCapacity: RingGeometry.seriesCapacity(for: codes.count),
                                calendar: DayCalendar(zone: old.zone), hourlyCapacity: hourlyCapacity)
        if let window = old.presentSteps {
            for step in window {
                let day = Day(step)
                var edit = RowEdit(step: step, entry: .empty)
                for s in 0 ..< min(codes.count, old.seriesCapacity) {
                    let raw = old.slot(step, s)
                    guard raw != 0 else { continue }
                    let packed = DailyRing.pack(sum: Int(raw >> 8), count: Int(raw & 0xFF))
                    guard DailyRing.isValidRaw(packed, code: codes[s]) else {
                        throw .corrupt(path: old.file.path, detail: "daily slot of series \(s) on day \(step) holds \(raw), which no day can have; restore from a backup or rebuild")
                    }
                    new.setRaw(day, s, packed)
                    edit.change(series: s, code: codes[s], from: 0, to: packed)
                }
                new.ring.commit(edit)
            }
        }
        new.ring.updateHeader { $0.newest = old.newest; $0.cleared = old.cleared }
        try new.file.syncAll()
        return temporary
    }

    /// Keeps the old file in the backup (a hard link) and renames the new one over it.
    private static func replace(_ path: String, with temporary: String, backup: String) throws(StoreError) {
        try Directory.create(backup)
        let kept = backup + "/" + (path as NSString).lastPathComponent
        if link(path, kept) != 0 && errno != EEXIST {
            let code = errno
            unlink(temporary)
            throw .system(path: kept, operation: "keep the format-1 ring in the backup", errno: code)
        }
        try AtomicFile.syncDirectory(of: kept)
        try AtomicFile.rename(temporary, to: path)
    }
}

/// A ring file of format 1, read-only, for the upgrade.
struct FormatOneRing {
    let file: MappedFile
    let slotBytes: Int
    let dataOffset: Int
    let capacity: Int
    let seriesCapacity: Int
    let seriesCount: Int
    let zone: LocalZone
    let newest: Int64
    let cleared: Int64

    /// Nil when the file is not of format 1 (the current format, say).
    init?(path: String, magic: [UInt8], slotBytes: Int) throws(StoreError) {
        let file = try MappedFile(openingExisting: path, writable: false)
        guard file.length >= 64, file.bytes(0 ..< 8) == magic, file.u32(8) == 1 else { return nil }
        self.file = file
        self.slotBytes = slotBytes
        dataOffset = Int(file.u32(12))
        capacity = Int(file.u32(16))
        seriesCapacity = Int(file.u32(20))
        seriesCount = Int(file.u32(24))
        let minutes = Int(file.i32(28))
        newest = file.i64(32)
        cleared = file.i64(40)
        func damaged(_ detail: String) -> StoreError { .corrupt(path: path, detail: "format-1 header: " + detail) }
        guard let zone = LocalZone(offsetMinutes: minutes) else { throw damaged("zone offset \(minutes) minutes") }
        self.zone = zone
        guard (1 ... RingGeometry.maximumCapacity).contains(capacity), (1 ... RingGeometry.maximumSeries).contains(seriesCapacity),
              dataOffset >= 64, dataOffset % RingGeometry.pageSize == 0 else {
            throw damaged("geometry is inconsistent (capacity \(capacity), series capacity \(seriesCapacity), data offset \(dataOffset))")
        }
        guard file.length >= dataOffset + capacity * seriesCapacity * slotBytes else {
            throw damaged("the file is shorter than its header says (truncated?)")
        }
        if newest != emptyStep || cleared != emptyStep {
            let plausible = RingGeometry.plausibleSteps(slotBytes: slotBytes == 2 ? 2 : 8)
            guard plausible.contains(newest), plausible.contains(cleared), cleared <= newest else {
                throw damaged("newest step \(newest) / cleared-through \(cleared) are not plausible")
            }
        }
    }

    var presentSteps: ClosedRange<Int>? {
        guard newest != emptyStep, cleared != emptyStep else { return nil }
        let top = Int(min(newest, cleared))
        let bottom = Int(newest) - capacity + 1
        return bottom <= top ? bottom ... top : nil
    }

    func slot(_ step: Int, _ series: Int) -> UInt64 {
        let row = ((step % capacity) + capacity) % capacity
        let offset = dataOffset + (row * seriesCapacity + series) * slotBytes
        return slotBytes == 2 ? UInt64(file.u16(offset)) : UInt64(file.u32(offset))
    }

    func series() throws(StoreError) -> [SeriesKey] {
        guard seriesCount <= seriesCapacity, 64 + seriesCount * 32 <= dataOffset else {
            throw .corrupt(path: file.path, detail: "format-1 series table: count \(seriesCount) does not fit")
        }
        var keys: [SeriesKey] = []
        for i in 0 ..< seriesCount {
            let offset = 64 + i * 32
            var code = file.bytes(offset ..< offset + 24)
            if let end = code.firstIndex(of: 0) { code.removeSubrange(end...) }
            guard !code.isEmpty, let text = String(validating: code, as: UTF8.self),
                  let pollutant = Pollutant(rawValue: file.u8(offset + 24)) else {
                throw .corrupt(path: file.path, detail: "format-1 series table entry \(i) is unreadable")
            }
            keys.append(SeriesKey(station: text, pollutant: pollutant))
        }
        return keys
    }
}
