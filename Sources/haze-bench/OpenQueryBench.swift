import Foundation
import HazeStore

/// `haze-bench open`: opening a national store is O(1) in its history.
enum OpenBench {
    static func run(_ options: Options) throws {
        let store = try BenchStore.prepare(options)
        let count = max(options.repeatCount, 100)
        var timing = Timing()
        var values = 0
        for _ in 0..<count {
            try timing.measure {
                let opened = try Store(directory: store, access: .readOnly)
                if let newest = opened.newestHour, let row = opened.row(at: newest) {
                    for s in 0..<row.count where row[s] != nil { values += 1 }
                }
            }
        }
        let status = StoreStatus(store: try Store(directory: store, access: .readOnly))
        print("open \(store): \(status.series) series, \(status.hourlyCapacity) hours, \(String(format: "%.1f", Double(status.hourlyBytes + status.dailyBytes) / 1e6)) MB of rings")
        print(String(format: "open and read the newest row: min %.0f µs, median %.0f µs, max %.0f µs over %d runs",
                     timing.min * 1e6, timing.median * 1e6, timing.max * 1e6, count))
        let process = try ProcessTiming.measure(["status", "--store", store, "--format", "json"], repeat: options.repeatCount)
        print(process.line("haze status process (opens the store, reads the recorded summary), start to exit"))
        print(String(format: "peak RSS: %.1f MiB", peakRSSMiB()))
        Metrics.shared.record("open_seconds_median", timing.median)
        Metrics.shared.record("status_process_seconds_min", process.min)
    }
}

/// `haze-bench query`: the ad-hoc questions, as `haze query` processes.
enum QueryBench {
    static func run(_ options: Options) throws {
        let store = try BenchStore.prepare(options)
        let cases: [(String, String, [String], Int)] = [
            ("station_hour", "a station's hours over two months (1416 rows)",
             ["--station", "1001A", "--resolution", "hour", "--from", "2019-01-01", "--to", "2019-02-28"], 2 * 1416),
            ("city_day", "a city's days over two months",
             ["--city", "北京", "--resolution", "day", "--from", "2019-01-01", "--to", "2019-02-28"], 2 * 59),
            ("city_month", "a city's months", ["--city", "北京", "--resolution", "month", "--from", "2019-01-01", "--to", "2019-02-28"], 4),
        ]
        for (metric, label, arguments, rows) in cases {
            let timing = try ProcessTiming.measure(["query", "--store", store, "--stations", options.stations, "--format", "csv"] + arguments,
                                                   repeat: options.repeatCount)
            print(timing.line("haze query, \(label), start to exit") + String(format: "; %.0f rows/s", Double(rows) / timing.min))
            Metrics.shared.record("query_\(metric)_seconds_min", timing.min)
        }
    }
}
