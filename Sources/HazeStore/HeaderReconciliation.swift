import Foundation
import HazeModel

/// Puts right a header field whose copies both carry a valid checksum but a
/// wrong value (what a buggy tool or a careful attacker would write), using
/// what else the store records about itself:
///
/// - each ring's capacity is also recorded in the other ring's header, and
///   the file's length follows from capacity and series capacity: the pair
///   that fits the file wins;
/// - both rings have the same series capacity (they are widened together);
/// - the hourly series count is the one whose table entries match the table
///   checksum; the daily ring's count is 0;
/// - zone and day convention are the same in both rings, and the true pair
///   is the one under which the hours add up to the daily values.
///
/// Only certain corrections are made; anything else is left for the rebuild.
package enum HeaderReconciliation {
    /// Finds what can be corrected, and with `apply` corrects it (the caller
    /// holds the writer's lock); returns one line per field.
    package static func reconcile(directory: String, apply: Bool) -> [String] {
        let hourlyPath = directory + "/" + Store.hourlyFileName
        let dailyPath = directory + "/" + Store.dailyFileName
        guard let hourlyFile = try? MappedFile(openingExisting: hourlyPath, writable: apply),
              let dailyFile = try? MappedFile(openingExisting: dailyPath, writable: apply),
              var hourly = decode(hourlyFile, magic: HourlyRing.magic),
              var daily = decode(dailyFile, magic: DailyRing.magic) else { return [] }
        let originalHourly = hourly, originalDaily = daily
        var fixes: [String] = []

        // Series capacity: the value under which a ring's layout fits its file.
        func fits(_ header: RingHeader, capacity: Int, series: Int, file: MappedFile, tableBytes: Int) -> Bool {
            guard (1 ... RingGeometry.maximumCapacity).contains(capacity), (1 ... RingGeometry.maximumSeries).contains(series) else { return false }
            let layout = RingGeometry.layout(capacity: capacity, seriesCapacity: series, slotBytes: header.slotBytes, tableEntryBytes: tableBytes)
            return layout.fileLength == file.length
        }
        if hourly.seriesCapacity != daily.seriesCapacity {
            for candidate in [hourly.seriesCapacity, daily.seriesCapacity] {
                if fits(hourly, capacity: hourly.capacity, series: candidate, file: hourlyFile, tableBytes: HourlyRing.tableEntryBytes)
                    && fits(daily, capacity: daily.capacity, series: candidate, file: dailyFile, tableBytes: 0) {
                    if hourly.seriesCapacity != candidate { fixes.append("\(hourlyPath): series capacity \(hourly.seriesCapacity) → \(candidate)") }
                    if daily.seriesCapacity != candidate { fixes.append("\(dailyPath): series capacity \(daily.seriesCapacity) → \(candidate)") }
                    hourly.seriesCapacity = candidate
                    daily.seriesCapacity = candidate
                    break
                }
            }
        }
        // Capacities, each recorded twice.
        if hourly.capacity != daily.companionCapacity {
            let recorded = daily.companionCapacity
            if !fits(hourly, capacity: hourly.capacity, series: hourly.seriesCapacity, file: hourlyFile, tableBytes: HourlyRing.tableEntryBytes),
               fits(hourly, capacity: recorded, series: hourly.seriesCapacity, file: hourlyFile, tableBytes: HourlyRing.tableEntryBytes) {
                fixes.append("\(hourlyPath): capacity \(hourly.capacity) → \(recorded) (as the daily ring records it; the file's length agrees)")
                hourly.capacity = recorded
            } else if fits(hourly, capacity: hourly.capacity, series: hourly.seriesCapacity, file: hourlyFile, tableBytes: HourlyRing.tableEntryBytes) {
                fixes.append("\(dailyPath): recorded hourly capacity \(recorded) → \(hourly.capacity) (the hourly file's length agrees)")
                daily.companionCapacity = hourly.capacity
            }
        }
        if daily.capacity != hourly.companionCapacity {
            let recorded = hourly.companionCapacity
            if !fits(daily, capacity: daily.capacity, series: daily.seriesCapacity, file: dailyFile, tableBytes: 0),
               fits(daily, capacity: recorded, series: daily.seriesCapacity, file: dailyFile, tableBytes: 0) {
                fixes.append("\(dailyPath): capacity \(daily.capacity) → \(recorded) (as the hourly ring records it; the file's length agrees)")
                daily.capacity = recorded
            } else if fits(daily, capacity: daily.capacity, series: daily.seriesCapacity, file: dailyFile, tableBytes: 0) {
                fixes.append("\(hourlyPath): recorded daily capacity \(recorded) → \(daily.capacity) (the daily file's length agrees)")
                hourly.companionCapacity = daily.capacity
            }
        }
        // The layout offsets follow from capacity and series capacity.
        for (header, path, table) in [(\RingFileHeaders.hourly, hourlyPath, HourlyRing.tableEntryBytes), (\RingFileHeaders.daily, dailyPath, 0)] {
            var pair = RingFileHeaders(hourly: hourly, daily: daily)
            let h = pair[keyPath: header]
            guard (1 ... RingGeometry.maximumCapacity).contains(h.capacity), (1 ... RingGeometry.maximumSeries).contains(h.seriesCapacity) else { continue }
            let layout = RingGeometry.layout(capacity: h.capacity, seriesCapacity: h.seriesCapacity, slotBytes: h.slotBytes, tableEntryBytes: table)
            if h.dataOffset != layout.dataOffset || h.directoryOffset != layout.directoryOffset {
                fixes.append("\(path): row directory and rows at \(h.directoryOffset), \(h.dataOffset) → \(layout.directoryOffset), \(layout.dataOffset) (the layout's)")
                pair[keyPath: header].dataOffset = layout.dataOffset
                pair[keyPath: header].directoryOffset = layout.directoryOffset
                hourly = pair.hourly
                daily = pair.daily
            }
        }
        // Series counts.
        if daily.seriesCount != 0 {
            fixes.append("\(dailyPath): series count \(daily.seriesCount) → 0 (the daily ring keeps none)")
            daily.seriesCount = 0
        }
        if daily.tableCRC != 0 {
            fixes.append("\(dailyPath): table checksum → 0 (the daily ring has no table)")
            daily.tableCRC = 0
        }
        // The table's entries in use are the leading non-empty ones. When they
        // match the table checksum but not the count, the count is the damaged
        // field. (When the checksum does not match them, an entry may be the
        // damaged part: nothing here can tell, so the table is not touched.)
        let inUse = entriesInUse(hourlyFile, header: hourly)
        let crcInUse = CRC32.checksum(hourlyFile.buffer(HourlyRing.tableOffset, inUse * HourlyRing.tableEntryBytes))
        if inUse != hourly.seriesCount && crcInUse == hourly.tableCRC {
            fixes.append("\(hourlyPath): series count \(hourly.seriesCount) → \(inUse) (the entries in use match the table checksum)")
            hourly.seriesCount = inUse
        }
        // Zone and day convention: the pair under which the hours add up to the days.
        if hourly.zoneMinutes != daily.zoneMinutes || hourly.dayConvention != daily.dayConvention {
            let candidates = [(hourly.zoneMinutes, hourly.dayConvention), (daily.zoneMinutes, daily.dayConvention)]
            let matching = candidates.filter { candidate in
                var h = hourly, d = daily
                (h.zoneMinutes, h.dayConvention) = candidate
                (d.zoneMinutes, d.dayConvention) = candidate
                return hoursAddUp(hourly: h, hourlyFile: hourlyFile, daily: d, dailyFile: dailyFile)
            }
            if matching.count == 1, let (zone, convention) = matching.first {
                for (path, header) in [(hourlyPath, hourly), (dailyPath, daily)] where header.zoneMinutes != zone || header.dayConvention != convention {
                    fixes.append("\(path): zone \(header.zoneMinutes) min, day convention \(header.dayConvention) → \(zone) min, \(convention) (the hours add up to the daily values under these)")
                }
                (hourly.zoneMinutes, hourly.dayConvention) = (zone, convention)
                (daily.zoneMinutes, daily.dayConvention) = (zone, convention)
            }
        }
        guard apply else { return fixes }
        if hourly != originalHourly { hourly.write(to: hourlyFile); try? hourlyFile.sync(0 ..< RingHeader.regionSize) }
        if daily != originalDaily { daily.write(to: dailyFile); try? dailyFile.sync(0 ..< RingHeader.regionSize) }
        return fixes
    }

    private struct RingFileHeaders {
        var hourly: RingHeader
        var daily: RingHeader
    }

    static func decode(_ file: MappedFile, magic: [UInt8]) -> RingHeader? {
        guard file.length >= RingHeader.regionSize else { return nil }
        guard let header = RingHeader.copyOffsets.lazy.compactMap({ RingHeader.decode(file, at: $0) }).first,
              header.magic == magic, header.version == RingHeader.formatVersion else { return nil }
        return header
    }

    /// How many leading series table entries are in use (a station code's
    /// first byte is never NUL; unused entries are all zero).
    static func entriesInUse(_ file: MappedFile, header: RingHeader) -> Int {
        let limit = min(header.seriesCapacity, max(0, (file.length - HourlyRing.tableOffset) / HourlyRing.tableEntryBytes))
        var count = 0
        while count < limit && file.u8(HourlyRing.tableOffset + count * HourlyRing.tableEntryBytes) != 0 { count += 1 }
        return count
    }

    /// Whether, under these headers, the intact hours of the newest whole day
    /// inside the hourly window add up to its intact daily row.
    static func hoursAddUp(hourly: RingHeader, hourlyFile: MappedFile, daily: RingHeader, dailyFile: MappedFile) -> Bool {
        guard hourly.newest != emptyStep, let zone = LocalZone(offsetMinutes: hourly.zoneMinutes) else { return false }
        let hGeometry = HourlyRing.layout(hourly), dGeometry = DailyRing.layout(daily)
        guard hourlyFile.length >= hGeometry.fileLength, dailyFile.length >= dGeometry.fileLength else { return false }
        let calendar = DayCalendar(zone: zone, convention: hourly.dayConvention)
        let newest = Hour(Int(hourly.newest))
        // Days wholly inside the window, newest first; the first with data decides.
        var day = calendar.day(of: newest).advanced(by: -1)
        let oldest = calendar.day(of: newest.advanced(by: -hGeometry.capacity + 24))
        let n = hourly.seriesCount
        while day >= oldest {
            defer { day = day.advanced(by: -1) }
            let entryOffset = dGeometry.entryOffset(day.index)
            guard let entry = RowEntry.read(dailyFile, at: entryOffset), entry.step == day.index else { continue }
            var sums = [Int](repeating: 0, count: n), counts = [Int](repeating: 0, count: n)
            for hour in calendar.hours(of: day) {
                guard let hEntry = RowEntry.read(hourlyFile, at: hGeometry.entryOffset(hour.index)) else { return false }
                guard hEntry.step == hour.index else { continue }
                let base = hGeometry.rowOffset(hour.index)
                for s in 0 ..< n {
                    let raw = Int(hourlyFile.u16(base + 2 * s))
                    if raw != 0 { sums[s] += raw - 1; counts[s] += 1 }
                }
            }
            let base = dGeometry.rowOffset(day.index)
            for s in 0 ..< min(n, dGeometry.seriesCapacity) {
                // The sum and count bits only: they mean the same for every pollutant.
                let raw = dailyFile.u64(base + 8 * s)
                // A value a repair kept without its hours agrees with fewer hours.
                if raw & DailyRing.keptWithoutHours != 0,
                   DailyRing.rolledUp(DailyRing.pack(sum: sums[s], count: counts[s]), over: raw) == raw { continue }
                if Int((raw >> 5) & 0x3_FFFF) != sums[s] || Int(raw & 0x1F) != counts[s] { return false }
            }
            return true
        }
        return false
    }
}
