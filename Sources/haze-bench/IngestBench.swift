import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeIngest

/// `haze-bench ingest`: the two months of national CNEMC data into a new store.
enum IngestBench {
    static func run(_ options: Options) throws {
        let registry = try StationRegistry.load(directory: options.stations)
        let (sources, _) = IngestSource.expand([options.data])
        // Input size is measured uncompressed: the CSV bytes parsed.
        var inputBytes = 0
        for case .file(let path) in sources {
            let bytes = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
            inputBytes += Gzip.isGzip(bytes) ? ((try? Gzip.decompress(bytes).count) ?? 0) : bytes.count
        }
        var timing = Timing()
        var summary = IngestSummary()
        var ringBytes = 0
        var ringsBytes = 0
        var slots = 0
        var cpu: [Double] = []
        var syncs = 0
        for _ in 0..<options.repeatCount {
            let directory = NSTemporaryDirectory() + "haze-bench-ingest-\(getpid())"
            try? FileManager.default.removeItem(atPath: directory)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var store: Store?
            let cpuBefore = cpuSeconds(), syncsBefore = SyncCount.value
            defer {
                cpu.append(cpuSeconds() - cpuBefore)
                syncs = SyncCount.value - syncsBefore
            }
            try timing.measure {
                let opened = try Store(directory: directory, access: .readWrite, creating: .standard, durability: .endOfRun)
                // The path `haze ingest` takes: parsed ahead in parallel, written
                // in batches, the status summary and the ingest log at the end.
                summary = try IngestRun(store: opened, registry: registry).run([options.data]).summary
                store = opened
            }
            if let store {
                let status = StoreStatus(store: store)
                ringBytes = status.hourlyBytes
                ringsBytes = status.hourlyBytes + status.dailyBytes
                slots = status.series * status.hourlyCapacity
            }
        }
        let best = timing.min
        print("ingest \(sources.count) files from \(options.data)")
        print(timing.line("wall time"))
        print("values stored: \(summary.stored) of \(summary.valuesRead) read; \(summary.linesRead) lines")
        print(String(format: "throughput (best run): %.0f values/s, %.1f MB/s of CSV (%.1f MB)",
                     Double(summary.valuesRead) / best, Double(inputBytes) / best / 1e6, Double(inputBytes) / 1e6))
        print(String(format: "hourly ring: %.1f MB for %d slots = %.4f bytes per stored sample (headers included)",
                     Double(ringBytes) / 1e6, slots, Double(ringBytes) / Double(max(slots, 1))))
        print(String(format: "CPU time (user + system, all threads): min %.1f ms; syncs (msync, fsync) per run: %d",
                     (cpu.min() ?? 0) * 1000, syncs))
        print(String(format: "peak RSS: %.1f MiB", peakRSSMiB()))
        let metrics = Metrics.shared
        metrics.record("ingest_seconds_min", timing.min)
        metrics.record("ingest_seconds_median", timing.median)
        metrics.record("values", summary.valuesRead)
        metrics.record("ingest_cpu_seconds_min", cpu.min() ?? 0)
        metrics.record("syncs", syncs)
        metrics.record("csv_bytes", inputBytes)
        metrics.record("ring_bytes", ringBytes)
        metrics.record("slots", slots)
        metrics.record("rings_bytes", ringsBytes)
    }
}
