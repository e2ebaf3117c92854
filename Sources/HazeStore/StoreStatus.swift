import Foundation
import HazeModel

/// A summary of what a store holds, for `haze status`. O(window): it reads
/// the row directories' counts, never the slots, so it costs the same for a
/// week of history as for ten years.
public struct StoreStatus: Sendable {
    public var directory: String
    public var zone: LocalZone
    public var dayConvention: DayConvention
    public var hourlyCapacity: Int
    public var dailyCapacity: Int
    public var stations: Int
    public var series: Int
    public var newestHour: Hour?
    public var firstHourWithData: Hour?
    public var oldestWritableHour: Hour?
    public var dailyWindow: ClosedRange<Day>?
    /// The first day the daily ring holds data for.
    var firstDayWithData: Day?
    /// Share of (series, hour) slots holding a value between the first hour
    /// with data in the hourly window and the newest hour, per pollutant.
    public var coverage: [Pollutant: Double]
    /// Values held: in the hourly ring, and days in the daily ring.
    var hourlyValues: Int
    var dailyValues: Int
    public var hourlyBytes: Int
    public var dailyBytes: Int
    public var quarantineFiles: Int
    /// The last line of ingest.log.
    public var lastIngest: String?

    public init(store: Store) {
        directory = store.directory
        zone = store.zone
        dayConvention = store.calendar.convention
        hourlyCapacity = store.hourlyCapacity
        dailyCapacity = store.dailyCapacity
        stations = Set(store.series.map(\.station)).count
        series = store.series.count
        newestHour = store.newestHour
        oldestWritableHour = store.oldestWritableHour
        dailyWindow = store.dailyWindow
        var filled = [Int](repeating: 0, count: RowEntry.pollutantCodes)
        var first: Hour?
        hourlyValues = 0
        if let window = store.hourlyWindow {
            for hour in window {
                guard let entry = store.hourly.ring.entry(hour), !entry.isEmpty else { continue }
                if first == nil { first = hour }
                for (i, count) in entry.counts.enumerated() { filled[i] += Int(count) }
                hourlyValues += entry.filled
            }
        }
        dailyValues = 0
        if let window = store.dailyWindow {
            for day in window {
                guard let entry = store.daily.ring.entry(day), !entry.isEmpty else { continue }
                if firstDayWithData == nil { firstDayWithData = day }
                dailyValues += entry.filled
            }
        }
        firstHourWithData = first
        coverage = [:]
        if let first, let newest = newestHour {
            let hours = first.distance(to: newest) + 1
            for pollutant in Pollutant.allCases {
                let n = store.series.filter { $0.pollutant == pollutant }.count
                let index = Int(pollutant.rawValue) - 1
                if n > 0, index < filled.count { coverage[pollutant] = Double(filled[index]) / Double(n * hours) }
            }
        }
        func size(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        }
        hourlyBytes = size(store.hourlyPath)
        dailyBytes = size(store.dailyPath)
        quarantineFiles = ((try? FileManager.default.contentsOfDirectory(atPath: store.quarantineDirectory)) ?? [])
            .filter { $0.hasSuffix(".csv") }.count
        lastIngest = Self.lastLine(of: store.directory + "/ingest.log")
    }

    /// The last line of a log, read from its end (the log grows for ever).
    static func lastLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd(), end > 0 else { return nil }
        let start = end > 65_536 ? end - 65_536 : 0
        try? handle.seek(toOffset: start)
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init)
    }

    /// Bytes of the hourly ring per (series, hour) slot, headers included.
    public var bytesPerHourlySlot: Double {
        series == 0 ? 0 : Double(hourlyBytes) / Double(series * hourlyCapacity)
    }

    /// Bytes of both rings per value they hold (what the history costs now).
    var bytesPerStoredValue: Double {
        let values = hourlyValues + dailyValues
        return values == 0 ? 0 : Double(hourlyBytes + dailyBytes) / Double(values)
    }
}
