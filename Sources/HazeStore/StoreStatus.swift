import Foundation
import HazeModel

/// A summary of what a store holds, for `haze status`.
public struct StoreStatus: Sendable {
    public var directory: String
    public var zone: LocalZone
    public var hourlyCapacity: Int
    public var dailyCapacity: Int
    public var stations: Int
    public var series: Int
    public var newestHour: Hour?
    public var firstHourWithData: Hour?
    public var oldestWritableHour: Hour?
    public var dailyWindow: ClosedRange<Day>?
    /// Share of (series, hour) slots holding a value between the first hour
    /// with data and the newest hour, per pollutant.
    public var coverage: [Pollutant: Double]
    public var hourlyBytes: Int
    public var dailyBytes: Int
    public var quarantineFiles: Int
    /// The last line of ingest.log.
    public var lastIngest: String?

    /// Reads the status; scans the hourly window once (tens of milliseconds
    /// for a national store).
    public init(store: Store) {
        directory = store.directory
        zone = store.zone
        hourlyCapacity = store.hourlyCapacity
        dailyCapacity = store.dailyCapacity
        stations = Set(store.series.map(\.station)).count
        series = store.series.count
        newestHour = store.newestHour
        oldestWritableHour = store.oldestWritableHour
        dailyWindow = store.dailyWindow
        var filled: [Pollutant: Int] = [:]
        var first: Hour?
        if let window = store.hourlyWindow {
            for hour in window {
                let row = store.hourly.row(hour)
                var any = false
                for s in 0..<store.series.count where row[s] != 0 {
                    any = true
                    filled[store.series[s].pollutant, default: 0] += 1
                }
                if any && first == nil { first = hour }
            }
        }
        firstHourWithData = first
        coverage = [:]
        if let first, let newest = newestHour {
            let hours = first.distance(to: newest) + 1
            for pollutant in Pollutant.allCases {
                let n = store.series.filter { $0.pollutant == pollutant }.count
                if n > 0 { coverage[pollutant] = Double(filled[pollutant] ?? 0) / Double(n * hours) }
            }
        }
        func size(_ path: String) -> Int {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        }
        hourlyBytes = size(store.hourlyPath)
        dailyBytes = size(store.dailyPath)
        quarantineFiles = ((try? FileManager.default.contentsOfDirectory(atPath: store.quarantineDirectory)) ?? [])
            .filter { $0.hasSuffix(".csv") }.count
        if let log = FileManager.default.contents(atPath: store.directory + "/ingest.log") {
            lastIngest = String(decoding: log, as: UTF8.self).split(separator: "\n").last.map(String.init)
        }
    }

    /// Bytes of the hourly ring per (series, hour) slot, headers included.
    public var bytesPerHourlySlot: Double {
        series == 0 ? 0 : Double(hourlyBytes) / Double(series * hourlyCapacity)
    }
}
