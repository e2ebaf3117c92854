import Foundation
import HazeModel

/// The daily ring of a store whose hourly ring cannot be opened, with the
/// series it is indexed by read from the damaged hourly file as far as it
/// can be: what a rebuild from raw/ lacks is taken from here.
package struct DailyRingSnapshot {
    package let ring: DailyRing
    /// The old series by index (nil where the table entry is unreadable).
    package let series: [SeriesKey?]
    package let hourlyCapacity: Int

    package init(directory: String) throws(StoreError) {
        ring = try DailyRing(opening: directory + "/" + Store.dailyFileName, writable: false)
        let hourlyPath = directory + "/" + Store.hourlyFileName
        var keys: [SeriesKey?] = []
        // The daily ring records the hourly ring's capacity; a header copy of the hourly ring that still decodes agrees.
        let capacity = ring.ring.header.companionCapacity
        if let file = try? MappedFile(openingExisting: hourlyPath, writable: false) {
            // Either header copy that still decodes tells the capacity and count.
            let header = RingHeader.copyOffsets.lazy.compactMap { RingHeader.decode(file, at: $0) }.first
            let limit = min(header?.seriesCount ?? ring.geometry.seriesCapacity, ring.geometry.seriesCapacity)
            for i in 0 ..< limit {
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
        }
        series = keys
        hourlyCapacity = capacity
    }

    package var configuration: StoreConfiguration {
        StoreConfiguration(hourlyCapacity: hourlyCapacity, dailyCapacity: ring.geometry.capacity, zone: ring.zone,
                           dayConvention: ring.ring.header.dayConvention)
    }

    /// Copies into `store` every verified old daily value it lacks. Returns how
    /// many were kept, and the days that could not be carried over.
    package func merge(into store: Store) throws(StoreError) -> (kept: Int, lost: Set<Day>) {
        guard let window = ring.presentDays else { return (0, []) }
        let keys = series.compactMap { $0 }
        _ = try store.resolve(keys)
        var kept = 0
        var lost = Set<Day>()
        let codes = series.map { $0?.pollutant.rawValue ?? 0 }
        for day in window {
            guard let entry = ring.ring.entry(day), !entry.isEmpty else { continue }
            guard ring.ring.verify(day, pollutantCodes: codes, valid: DailyRing.isValidRaw(_:code:)) == .intact else {
                lost.insert(day)
                continue
            }
            guard store.dailyWindow?.contains(day) == true else {
                lost.insert(day)
                continue
            }
            var raws = (0 ..< store.series.count).map { store.dailyRaw($0, on: day) }
            var changed = false
            for (old, key) in series.enumerated() {
                guard let key, let index = store.index(of: key), old < ring.geometry.seriesCapacity else { continue }
                let value = ring.raw(day, old)
                if value != 0 && raws[index] == 0 {
                    raws[index] = value
                    kept += 1
                    changed = true
                }
            }
            if changed { try store.replaceDailyRow(day, raws: raws) }
        }
        try store.syncRings()
        return (kept, lost)
    }

    /// Days the old daily ring has data for, inside what the old hourly window
    /// covered, for which the store at `directory` holds no hour at all.
    package func daysWithHoursMissing(in directory: String) -> Set<Day> {
        guard let newest = ring.ring.newest, let window = ring.presentDays,
              let store = try? Store(directory: directory, access: .readOnly) else { return [] }
        let calendar = store.calendar
        let firstDay = newest.advanced(by: -(hourlyCapacity / 24) + 1)
        var missing = Set<Day>()
        var day = max(firstDay, window.lowerBound)
        while day <= newest {
            defer { day = day.advanced(by: 1) }
            guard let entry = ring.ring.entry(day), !entry.isEmpty else { continue }
            let anyHour = calendar.hours(of: day).contains { hour in
                guard let row = store.row(at: hour) else { return false }
                return (0 ..< row.count).contains { row[$0] != nil }
            }
            if !anyHour { missing.insert(day) }
        }
        return missing
    }
}
