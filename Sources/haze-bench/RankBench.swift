import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeIngest
import HazeAssessment
import HazeReport

/// `haze-bench rank`: a monthly ranking over the whole national store, from
/// opening the ring to the result, in process and as a `haze rank` process.
enum RankBench {
    static func run(_ options: Options) throws {
        guard let month = Month(parsing: options.values["--month"] ?? "2019-01") else {
            throw Options.Refusal(description: "--month: expected YYYY-MM")
        }
        let level = RankingLevel(rawValue: options.values["--level"] ?? "city") ?? .city
        let store = try BenchStore.prepare(options)
        var timing = Timing()
        // Each phase alone, so a change to one shows in its own line.
        var opening = Timing(), loading = Timing(), parsing = Timing(), ranking = Timing(), rendering = Timing()
        var csv = ""
        // As `haze` does: the registry's image from the cache when one matches
        // (written by the first load); parsing the CSV alone is timed beside it.
        let cache = RegistryCache.location(environment: ProcessInfo.processInfo.environment)
        for _ in 0..<options.repeatCount {
            try parsing.measure { _ = try StationRegistry.load(directory: options.stations) }
            try timing.measure {
                var opened: Store?, registry: StationRegistry?, result: MonthlyRanking?
                try opening.measure { opened = try Store(directory: store, access: .readOnly) }
                try loading.measure { registry = try StationRegistry.load(directory: options.stations, cache: cache) }
                guard let opened, let registry else { return }
                try ranking.measure {
                    result = try MonthlyRanking(store: opened, registry: registry, month: month,
                                                scope: RankingScope(level: level))
                }
                guard let result else { return }
                rendering.measure { csv = MonthlyRankingReport(ranking: result).csv() }
            }
        }
        let units = csv.split(separator: "\n").count - 1
        print("rank \(month) at level \(level.rawValue): \(units) unit-pollutant rows")
        print(timing.line("in process (open ring, load registry, rank, render CSV)"))
        print(opening.line("  open the store"))
        print(loading.line(cache == nil ? "  load the registry (no cache: $HAZE_CACHE=off, or no $XDG_CACHE_HOME or $HOME)"
                                        : "  load the registry (its image in \(cache?.directory ?? ""))"))
        print(parsing.line("  (load the registry from its CSV files, not counted above)"))
        print(ranking.line("  rank"))
        print(rendering.line("  render CSV"))
        let process = try ProcessTiming.measure(
            ["rank", "--store", store, "--stations", options.stations, "--month", month.description,
             "--level", level.rawValue, "--format", "csv", "--out", "/dev/null"], repeat: options.repeatCount)
        print(process.line("haze rank process, start to exit"))
        if let out = options.values["--out"] {
            try OutputFile.write(Array(comparable(csv).utf8), to: out)
            print("wrote \(out)")
        }
        print(String(format: "peak RSS: %.1f MiB", peakRSSMiB()))
        Metrics.shared.record("rank_in_process_seconds_min", timing.min)
        Metrics.shared.record("rank_in_process_seconds_median", timing.median)
        Metrics.shared.record("rank_process_seconds_min", process.min)
        Metrics.shared.record("rank_process_seconds_median", process.median)
        Metrics.shared.record("rank_rows", units)
    }

    /// `pollutant,unit,rank,mean,valid_days,valid`, the columns the pandas pipeline writes.
    static func comparable(_ csv: String) -> String {
        var out = "pollutant,unit,rank,mean,valid_days,valid\n"
        for line in csv.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out += "\(f[2]),\(f[4]),\(f[3]),\(f[6]),\(f[7]),\(f[9] == "true" ? "True" : "False")\n"
        }
        return out
    }
}

/// A national store for the read benchmarks: `--store DIR`, or one ingested
/// from `--data` into a temporary directory (not timed).
enum BenchStore {
    static func prepare(_ options: Options) throws -> String {
        if let given = options.values["--store"], Store.exists(at: given) { return given }
        let directory = options.values["--store"] ?? NSTemporaryDirectory() + "haze-bench-store"
        if Store.exists(at: directory) { return directory }
        let store = try Store(directory: directory, access: .readWrite, creating: .standard)
        let ingester = Ingester(store: store, registry: try StationRegistry.load(directory: options.stations))
        for source in IngestSource.expand([options.data]).sources { _ = try ingester.ingest(source) }
        FileHandle.standardError.write(Data("haze-bench: ingested \(options.data) into \(directory)\n".utf8))
        return directory
    }
}

/// Times the `haze` binary next to this one, from spawn to exit.
enum ProcessTiming {
    static var haze: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("haze").path
    }

    /// Spawns with posix_spawn and waits with waitpid: Foundation's Process
    /// adds tens of milliseconds of its own (a run loop polls for the exit).
    static func measure(_ arguments: [String], repeat count: Int) throws -> Timing {
        var timing = Timing()
        let argv = ([haze] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for _ in 0..<max(count, 1) {
            var pid: pid_t = 0
            var status: Int32 = 0
            try timing.measure {
                guard posix_spawn(&pid, haze, &actions, nil, argv, environ) == 0 else {
                    throw NSError(domain: "haze-bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot start \(haze)"])
                }
                waitpid(pid, &status, 0)
            }
            let code = (status >> 8) & 0xFF
            guard status & 0x7F == 0, code <= 2 else {
                throw NSError(domain: "haze-bench", code: Int(code),
                              userInfo: [NSLocalizedDescriptionKey: "haze \(arguments.joined(separator: " ")) exited \(code)"])
            }
        }
        return timing
    }
}
