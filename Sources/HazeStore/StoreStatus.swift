import Foundation
import HazeModel

/// A summary of what a store holds, for `haze status`. O(1) in the history:
/// the figures over the windows come from the `StatusSummary` the last
/// writer recorded (when it describes the current state), else from the row
/// directories' counts (O(window), never the slots).
public struct StoreStatus: Sendable {
    /// The store's directory.
    public var directory: String
    /// The zone recorded at creation.
    public var zone: LocalZone
    /// Which hours make a day, recorded at creation.
    public var dayConvention: DayConvention
    /// Hours the hourly ring holds.
    public var hourlyCapacity: Int
    /// Days the daily ring holds.
    public var dailyCapacity: Int
    /// Stations with at least one series.
    public var stations: Int
    /// Series (station × pollutant) in the store.
    public var series: Int
    /// The newest hour the hourly ring has advanced to; nil for an empty store.
    public var newestHour: Hour?
    /// The first hour of the hourly window holding a value; nil when none does.
    public var firstHourWithData: Hour?
    /// The first hour a write is accepted for (see `Store.oldestWritableHour`).
    public var oldestWritableHour: Hour?
    /// The days whose daily values can be read; nil for an empty store.
    public var dailyWindow: ClosedRange<Day>?
    /// The first day the daily ring holds data for.
    public var firstDayWithData: Day?
    /// Share of (series, hour) slots holding a value between the first hour
    /// with data in the hourly window and the newest hour, per pollutant.
    public var coverage: [Pollutant: Double]
    /// Values held: in the hourly ring, and days in the daily ring.
    var hourlyValues: Int
    var dailyValues: Int
    /// Size of `hourly.ring` in bytes.
    public var hourlyBytes: Int
    /// Size of `daily.ring` in bytes.
    public var dailyBytes: Int
    /// Quarantine files (`*.csv` under `<store>/quarantine/`): sources with refused or flagged values.
    public var quarantineFiles: Int
    /// The last line of ingest.log.
    public var lastIngest: String?

    /// `useSummary` false: always walk the row directories (for tests that
    /// compare both ways).
    public init(store: Store, useSummary: Bool = true) {
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
        // The writer's summary when it describes this very state (O(1)),
        // else the same figures from the row directories (O(window)).
        let recorded = useSummary ? WriteSequence.forReader(directory: store.directory)?.statusSummary : nil
        let summary = recorded.flatMap { $0.describes(store) ? $0 : nil } ?? StatusSummary.scan(store)
        let filled = summary.hourlyCounts
        let first = summary.firstHourWithData
        hourlyValues = filled.reduce(0, +)
        dailyValues = summary.dailyValues
        firstDayWithData = summary.firstDayWithData
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
