import Foundation

/// Verifies a store: the ring headers, the series table, and every daily value
/// the hourly ring can still vouch for (the days inside its window) against a
/// recomputation from the hours.
public struct StoreCheck: Sendable {
    /// One inconsistency found.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var detail: String
        /// True when the daily ring can be recomputed from the hourly one.
        public var dailyOnly: Bool

        public var description: String { "\(file): \(detail)" }
    }

    public var problems: [Problem] = []
    /// What was verified, for the report.
    public var checkedSeries = 0
    public var checkedDays = 0
    /// Of those, the days holding at least one hourly value.
    public var daysWithData = 0
    public var notes: [String] = []

    public init(store: Store) {
        let hourly = store.hourly
        let daily = store.daily
        checkedSeries = store.series.count
        // Header consistency beyond what opening already checks.
        if hourly.seriesCount > hourly.geometry.seriesCapacity {
            problems.append(.init(file: store.hourlyPath, detail: "series count exceeds the series table", dailyOnly: false))
        }
        if daily.geometry.seriesCapacity < store.series.count {
            problems.append(.init(file: store.dailyPath,
                                  detail: "the daily ring has \(daily.geometry.seriesCapacity) series slots for \(store.series.count) series",
                                  dailyOnly: false))
        }
        if daily.geometry.capacity * 24 < hourly.geometry.capacity + 48 {
            problems.append(.init(file: store.dailyPath, detail: "the daily ring is shorter than the hourly window", dailyOnly: false))
        }
        if Set(store.series).count != store.series.count {
            problems.append(.init(file: store.hourlyPath, detail: "the series table lists a series twice", dailyOnly: false))
        }
        if let newest = hourly.newest, let cleared = hourly.ring.clearedThrough, cleared < newest {
            notes.append("a window move was interrupted (rows after \(store.zone.format(cleared)) not yet cleared); the next writer completes it, readers ignore those rows")
        }
        if let newestHour = hourly.newest, let newestDay = daily.ring.newest, newestDay < store.zone.day(of: newestHour) {
            problems.append(.init(file: store.dailyPath, detail: "the daily ring ends on \(newestDay), before the hourly ring's newest day", dailyOnly: true))
        }
        // Daily values against the hours, for every day wholly inside the hourly window.
        guard let newest = hourly.newest, let accept = store.oldestWritableHour, hourly.presentHours != nil else { return }
        let n = store.series.count
        var mismatches = 0
        var first: String?
        var day = store.zone.day(of: accept)
        let last = store.zone.day(of: newest)
        while day <= last {
            var sums = [Int](repeating: 0, count: n)
            var counts = [Int](repeating: 0, count: n)
            let start = store.zone.firstHour(of: day)
            var any = false
            for offset in 0..<24 {
                guard let row = store.row(at: start.advanced(by: offset)) else { continue }
                for s in 0..<n {
                    if let v = row[s] { sums[s] += v; counts[s] += 1; any = true }
                }
            }
            for s in 0..<n {
                let stored = store.daily(s, on: day)
                if stored.sum != sums[s] || stored.validHours != counts[s] {
                    mismatches += 1
                    if first == nil {
                        first = "\(store.series[s]) on \(day): daily ring \(stored.sum)/\(stored.validHours) h, hours give \(sums[s])/\(counts[s]) h"
                    }
                }
            }
            checkedDays += 1
            if any { daysWithData += 1 }
            day = day.advanced(by: 1)
        }
        if mismatches > 0 {
            problems.append(.init(file: store.dailyPath,
                                  detail: "\(mismatches) daily value(s) disagree with the hourly ring, e.g. \(first ?? "")",
                                  dailyOnly: true))
        }
    }

    public var isHealthy: Bool { problems.isEmpty }
}

extension Store {
    /// Recomputes the daily rows of every day inside the hourly window from
    /// the hours (after a backup of the daily ring): the repair for
    /// daily-only problems.
    public func recomputeDailyRing(backupTo backup: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: backup, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: dailyPath, toPath: backup + "/" + Self.dailyFileName)
        } catch {
            throw .system(path: backup, operation: "back up the daily ring", errno: EIO)
        }
        guard let newest = newestHour, let accept = oldestWritableHour else { return }
        sequence?.beginWrite()
        defer { sequence?.endWrite() }
        try daily.ring.moveWindow(to: zone.day(of: newest))
        var day = zone.day(of: accept)
        while day <= zone.day(of: newest) {
            rollUp(day)
            day = day.advanced(by: 1)
        }
        try daily.ring.syncData()
    }
}
