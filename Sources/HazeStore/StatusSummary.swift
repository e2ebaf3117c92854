import HazeModel

/// What `haze status` reports of the rings' contents, kept beside the write
/// sequence so that a reader gets it in O(1) instead of walking both row
/// directories (a 5-year hourly ring has 43 800 entries):
///
///     in <store>/seq, after the sequence's 48 bytes:
///     64   stamp                 u64  the sequence value it describes (0: none)
///     72   first hour with data  i64  (Int64.min: none)
///     80   first day with data   i64  (Int64.min: none)
///     88   daily values          u64  filled daily slots in the daily window
///     96   hourly values         8 × u64, per pollutant code 1…8, in the hourly window
///     160  hourly window's end   i64  the newest readable hour it describes (Int64.min: none)
///     168  daily window's end    i64  the newest readable day (Int64.min: none)
///     176  CRC-32 of 64..<176    u32
///
/// It is derived data and never trusted beyond its stamp: a writer records it
/// (`Store.recordStatusSummary`) after its writes, stamped with the even
/// sequence value they ended on; any later change of the rings — by any
/// version of haze, a repair, a rebuild, a killed writer's recovery — moves
/// the sequence past the stamp, and readers fall back to walking the row
/// directories (the same figures, computed the same way).
package struct StatusSummary: Equatable, Sendable {
    package static let offset = 64
    package static let length = 112

    package var stamp: UInt64
    package var firstHourWithData: Hour?
    package var firstDayWithData: Day?
    package var dailyValues: Int
    /// Filled hourly slots per pollutant code 1…8.
    package var hourlyCounts: [Int]
    /// The windows' ends it was taken at (a reader checks them against the rings it opened).
    package var hourlyEnd: Int64
    package var dailyEnd: Int64

    /// Walks both rings' row directories: O(window), reading no slot.
    package static func scan(_ store: Store, stamp: UInt64 = 0) -> StatusSummary {
        var counts = [Int](repeating: 0, count: RowEntry.pollutantCodes)
        var firstHour: Hour?
        if let window = store.hourlyWindow {
            for hour in window {
                guard let entry = store.hourly.ring.entry(hour), !entry.isEmpty else { continue }
                if firstHour == nil { firstHour = hour }
                for (i, count) in entry.counts.enumerated() { counts[i] += Int(count) }
            }
        }
        var firstDay: Day?
        var daily = 0
        if let window = store.dailyWindow {
            for day in window {
                guard let entry = store.daily.ring.entry(day), !entry.isEmpty else { continue }
                if firstDay == nil { firstDay = day }
                daily += entry.filled
            }
        }
        return StatusSummary(stamp: stamp, firstHourWithData: firstHour, firstDayWithData: firstDay,
                             dailyValues: daily, hourlyCounts: counts, hourlyEnd: ends(store).hourly, dailyEnd: ends(store).daily)
    }

    /// The ends of a store's readable windows, as recorded.
    package static func ends(_ store: Store) -> (hourly: Int64, daily: Int64) {
        (store.hourlyWindow.map { Int64($0.upperBound.index) } ?? emptyStep,
         store.dailyWindow.map { Int64($0.upperBound.index) } ?? emptyStep)
    }

    /// True when it describes the rings `store` opened.
    package func describes(_ store: Store) -> Bool {
        let now = Self.ends(store)
        return now.hourly == hourlyEnd && now.daily == dailyEnd
    }

    /// The summary in a sequence file, if one is there, intact, and stamped
    /// with the sequence's current even value.
    static func read(_ file: MappedFile, current: UInt64) -> StatusSummary? {
        let o = offset
        guard current % 2 == 0, current != 0, file.contains(o, length + 4), file.u64(o) == current,
              CRC32.checksum(file.buffer(o, length)) == file.u32(o + length) else { return nil }
        let firstHour = file.i64(o + 8), firstDay = file.i64(o + 16)
        guard let daily = Int(exactly: file.u64(o + 24)) else { return nil }
        var counts: [Int] = []
        for i in 0 ..< RowEntry.pollutantCodes {
            guard let count = Int(exactly: file.u64(o + 32 + 8 * i)) else { return nil }
            counts.append(count)
        }
        return StatusSummary(stamp: current,
                             firstHourWithData: firstHour == emptyStep ? nil : Int(exactly: firstHour).map(Hour.init),
                             firstDayWithData: firstDay == emptyStep ? nil : Int(exactly: firstDay).map(Day.init),
                             dailyValues: daily, hourlyCounts: counts,
                             hourlyEnd: file.i64(o + 96), dailyEnd: file.i64(o + 104))
    }

    /// Writes the summary: the stamp is cleared first and set last, so a
    /// reader never takes a half-written summary for a current one.
    func write(to file: MappedFile) {
        let o = Self.offset
        guard file.contains(o, Self.length + 4) else { return }
        file.setU64(o, 0)
        file.setI64(o + 8, firstHourWithData.map { Int64($0.index) } ?? emptyStep)
        file.setI64(o + 16, firstDayWithData.map { Int64($0.index) } ?? emptyStep)
        file.setU64(o + 24, UInt64(dailyValues))
        for i in 0 ..< RowEntry.pollutantCodes { file.setU64(o + 32 + 8 * i, UInt64(i < hourlyCounts.count ? hourlyCounts[i] : 0)) }
        file.setI64(o + 96, hourlyEnd)
        file.setI64(o + 104, dailyEnd)
        file.setU64(o, stamp)
        file.setU32(o + Self.length, CRC32.checksum(file.buffer(o, Self.length)))
    }
}
