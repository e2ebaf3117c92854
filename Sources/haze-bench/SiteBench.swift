import Foundation
import HazeModel
import HazeRegistry
import HazeStore

/// `haze-bench site`: the static site of one city as `haze site` processes —
/// the first build, a run with no new data, and a run after one new hour —
/// over a copy of a national store (the copy is not timed). Wall time on a
/// shared machine includes waiting for a core, so the processes' CPU time is
/// reported too.
enum SiteBench {
    static func run(_ options: Options) throws {
        let source = try BenchStore.prepare(options)
        let city = options.values["--city"] ?? "北京"
        let work = NSTemporaryDirectory() + "haze-bench-site-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let store = work + "/store"
        try FileManager.default.copyItem(atPath: source, toPath: store)
        let arguments = ["site", "--quiet", "--store", store, "--stations", options.stations, "--city", city]
        func timed(_ label: String, site: String, before: () throws -> Void) throws -> Timing {
            var timing = Timing()
            var cpu: [Double] = []
            for _ in 0 ..< options.repeatCount {
                try before()
                let start = childCPUSeconds()
                timing.seconds += try ProcessTiming.measure(arguments + ["--out", site], repeat: 1).seconds
                cpu.append(childCPUSeconds() - start)
            }
            let sortedCPU = cpu.sorted()
            print(timing.line(label) + String(format: "; CPU min %.1f ms, median %.1f ms", sortedCPU[0] * 1000, sortedCPU[sortedCPU.count / 2] * 1000))
            return timing
        }
        var fresh = 0
        let first = try timed("first build (every page)", site: work + "/first") {
            fresh += 1
            try? FileManager.default.removeItem(atPath: work + "/first")
        }
        let site = work + "/site"
        _ = try ProcessTiming.measure(arguments + ["--out", site], repeat: 1)
        let unchanged = try timed("no new data (nothing made, nothing written)", site: site) {}
        // One new hour: the newest hour of one of the city's stations, changed before each run as a late file would.
        let registry = try StationRegistry.load(directory: options.stations)
        let station = try registry.city(named: city).flatMap { registry.stations(inCity: $0).first }
            ?? { throw Options.Refusal(description: "--city: no station of \(city) in the registry") }()
        var step = 0
        let hourly = try timed("one new hour of one station", site: site) {
            step += 1
            let writer = try Store(directory: store, access: .readWrite)
            guard let hour = writer.newestHour else { return }
            let series = try writer.resolve([SeriesKey(station: station.code, pollutant: .pm25)])
            _ = try writer.write([StoredReading(series: series[0], hour: hour, value: 40 + step % 2)])
        }
        Metrics.shared.record("site_first_seconds_median", first.median)
        Metrics.shared.record("site_unchanged_seconds_median", unchanged.median)
        Metrics.shared.record("site_new_hour_seconds_median", hourly.median)
    }

    /// CPU time (user + system) of the children waited for so far.
    static func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
