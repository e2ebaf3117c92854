import Foundation
import HazeModel
import HazeStore

/// `haze-bench status`: `haze status` over a store with a long history — by
/// default a generated one whose hourly ring holds `--years` (5) years of
/// hours for `--sites` (1605) stations × PM2.5 and PM10, every ring row
/// written (90 % of the slots hold a value), so the rings' row directories
/// are as full as five years of national data make them.
enum StatusBench {
    static func run(_ options: Options) throws {
        let years = Int(options.values["--years"] ?? "5").flatMap { (1...20).contains($0) ? $0 : nil } ?? 5
        let sites = Int(options.values["--sites"] ?? "1605").flatMap { (1...20_000).contains($0) ? $0 : nil } ?? 1605
        let directory = try options.values["--store"] ?? generate(years: years, sites: sites)
        let opened = try Store(directory: directory, access: .readOnly)
        let status = StoreStatus(store: opened)
        var walk = Timing()
        for _ in 0..<max(options.repeatCount, 5) {
            walk.measure { _ = StoreStatus(store: opened, useSummary: false) }
        }
        print(walk.line("walking both row directories (what status did before the summary; the fallback)"))
        print("status \(directory): \(status.series) series, hourly ring \(status.hourlyCapacity) hours (\(String(format: "%.1f", Double(status.hourlyCapacity) / 8766)) years), daily ring \(status.dailyCapacity) days, \(String(format: "%.1f", Double(status.hourlyBytes + status.dailyBytes) / 1e6)) MB")
        var timing = Timing()
        for _ in 0..<max(options.repeatCount, 20) {
            try timing.measure { _ = StoreStatus(store: try Store(directory: directory, access: .readOnly)) }
        }
        print(timing.line("in process (open the store, StoreStatus)"))
        let table = try ProcessTiming.measure(["status", "--store", directory], repeat: options.repeatCount)
        print(table.line("haze status process, start to exit (target ≤ 30 ms)"))
        let metrics = try ProcessTiming.measure(["status", "--store", directory, "--format", "prometheus"], repeat: options.repeatCount)
        print(metrics.line("haze status --format prometheus process, start to exit"))
        Metrics.shared.record("status_in_process_seconds_median", timing.median)
        Metrics.shared.record("status_process_seconds_min", table.min)
        Metrics.shared.record("status_prometheus_process_seconds_min", metrics.min)
    }

    /// A store of `years` years of synthetic hours (kept for later runs).
    static func generate(years: Int, sites: Int) throws -> String {
        let directory = NSTemporaryDirectory() + "haze-bench-status-\(years)y-\(sites)"
        if Store.exists(at: directory) { return directory }
        let days = years * 365 + years / 4
        let store = try Store(directory: directory, access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: days * 24, dailyCapacity: max(4096, days + 2)))
        let keys = (0..<sites).flatMap { i in
            [SeriesKey(station: String(format: "%04dA", 1000 + i), pollutant: .pm25),
             SeriesKey(station: String(format: "%04dA", 1000 + i), pollutant: .pm10)]
        }
        let series = try store.resolve(keys)
        let first = Day(CivilDate(year: 2019, month: 1, day: 1) ?? CivilDate(year: 2000, month: 1, day: 1)!)
        let started = Date()
        var readings: [StoredReading] = []
        readings.reserveCapacity(series.count * 24)
        for d in 0..<days {
            readings.removeAll(keepingCapacity: true)
            let start = store.calendar.firstHour(of: first.advanced(by: d))
            for h in 0..<24 {
                let hour = start.advanced(by: h)
                for (k, s) in series.enumerated() where (k &* 31 &+ hour.index) % 10 != 0 {
                    readings.append(StoredReading(series: s, hour: hour, value: 20 + (k &+ hour.index &* 7) % 120))
                }
            }
            _ = try store.write(readings)
            if d % 200 == 0 {
                FileHandle.standardError.write(Data("haze-bench: generating \(directory): day \(d) of \(days)\n".utf8))
            }
        }
        store.recordStatusSummary()
        FileHandle.standardError.write(Data(String(format: "haze-bench: generated %@ in %.0f s\n", directory, Date().timeIntervalSince(started)).utf8))
        return directory
    }
}
