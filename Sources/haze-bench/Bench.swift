import Foundation
import Synchronization
import HazeModel
import HazeStore

enum Bench {
    static let usage = """
    haze-bench — measure haze (build with -c release)

    USAGE:
      haze-bench ingest [--data DIR] [--stations DIR] [--repeat N]
          Ingest every file of DIR (default ../shared/data/cnemc, else the bundled sample)
          into a new store; report values/s, MB/s of CSV, bytes per stored sample, peak RSS.
      haze-bench rank [--store DIR] [--month 2019-01] [--level city] [--repeat N] [--out FILE]
          A monthly ranking over a national store (ingested from --data first when --store
          is not given): in process from ring open to result, and as a `haze rank` process.
      haze-bench open [--store DIR] [--repeat N]
          Opening a national store (O(1) in its history), in process, and `haze status`.
      haze-bench query [--store DIR] [--repeat N]
          Ad-hoc questions as `haze query` processes: hours of a station, days and months of a city.
      haze-bench site [--store DIR] [--city 北京] [--repeat N]
          The static site of one city as `haze site` processes over a copy of the store: the
          first build, a run with no new data, and a run after one new hour of one station.
      haze-bench status [--store DIR] [--years 5] [--sites 1605] [--repeat N]
          `haze status` over a long history: by default a generated store whose hourly ring
          holds --years of hours of --sites stations × PM2.5/PM10 (kept in the temporary
          directory for later runs); in process and as processes (table and prometheus).
      haze-bench alert [--store DIR] [--rules DIR] [--repeat N]
          One cron evaluation of every rule at the newest hour over a national store:
          in process, and as a `haze alert --dry-run` process from start to exit.
      haze-bench replay [--store DIR] [--months 1,12,60] [--old BINARY] [--old-months 1,12] [--repeat N]
          `haze alert --replay --summary` over 1, 12 and 60 months of a generated five-year
          national store (the sample's hours laid end to end from 2015-01-01; made once in
          the temporary directory from --source or the bench store): wall and CPU time,
          ms per evaluated hour, peak RSS; --old runs an older haze alternately on the same store.
      haze-bench province [--repeat N] [--keep DIR] [--month 2026-01] [--format cnemc-hourly,long-csv,cnemc-wide]
                          [--old BINARY] [--phases 1]
          Province scale (issue 18): a generated registry of 5 000 standard stations in 1 000 towns
          and 20 000 micro-sensors × six pollutants, a store holding a month of them; as `haze`
          processes: one hourly snapshot ingested (into the month's store, and a fresh one), the
          town ranking, bytes per stored sample, peak RSS. Generated in a temporary directory
          removed at exit, or in --keep DIR (kept and reused); --old runs an older haze alternately
          on the same store; --phases 1 times a town ranking's parts in process instead;
          --keep DIR --snapshot HOUR only writes that hour's snapshot files into DIR/snapshots.

    """

    static func main(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            FileHandle.standardError.write(Data(usage.utf8))
            return 64
        }
        let options: Options
        do {
            options = try Options(Array(arguments.dropFirst()))
        } catch {
            FileHandle.standardError.write(Data("haze-bench: \(error)\n".utf8))
            return 64
        }
        do {
            switch command {
            case "ingest": try IngestBench.run(options)
            case "rank": try RankBench.run(options)
            case "alert": try AlertBench.run(options)
            case "open": try OpenBench.run(options)
            case "query": try QueryBench.run(options)
            case "site": try SiteBench.run(options)
            case "status": try StatusBench.run(options)
            case "replay": try ReplayBench.run(options)
            case "province": try ProvinceBench.run(options)
            case "--help", "-h": print(usage)
            default:
                FileHandle.standardError.write(Data("haze-bench: unknown benchmark '\(command)'\n\(usage)".utf8))
                return 64
            }
            Metrics.shared.record("peak_rss_mib", peakRSSMiB())
            try Metrics.shared.write(to: options.values["--json"])
            return 0
        } catch {
            FileHandle.standardError.write(Data("haze-bench: error: \(error)\n".utf8))
            return 1
        }
    }
}

/// `--name value` options of a benchmark.
struct Options {
    var values: [String: String] = [:]
    /// `--repeat N`, 1…1000 (default 3).
    var repeatCount = 3

    /// A benchmark option that cannot be used.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    static let repeatRange = 1...1000

    init(_ arguments: [String]) throws(Refusal) {
        var i = 0
        while i < arguments.count {
            if arguments[i].hasPrefix("--"), i + 1 < arguments.count {
                values[arguments[i]] = arguments[i + 1]
                i += 2
            } else {
                i += 1
            }
        }
        if let text = values["--repeat"] {
            switch ExternalNumber.wholeNumber(text, in: Self.repeatRange) {
            case .success(let count): repeatCount = count
            case .failure(let refusal): throw Refusal(description: "--repeat: '\(text.prefix(40))' is \(refusal)")
            }
        }
        if let text = values["--month"], case .failure(let refusal) = Month.parse(text) {
            throw Refusal(description: "--month: '\(text.prefix(40))' is \(refusal); expected YYYY-MM of \(SupportedCalendar.description)")
        }
    }

    /// The CNEMC directory: --data, else ../shared/data/cnemc beside the
    /// checkout (run from its root), else the bundled sample.
    var data: String {
        if let given = values["--data"] { return given }
        let shared = FileManager.default.currentDirectoryPath + "/../shared/data/cnemc"
        if FileManager.default.fileExists(atPath: shared) { return shared }
        return resolve(.sample, flag: nil)
    }

    var stations: String { resolve(.stations, flag: values["--stations"]) }
    var rules: String { resolve(.alerts, flag: values["--rules"]) }

    private func resolve(_ kind: DataDirectory, flag: String?) -> String {
        let resolution = kind.resolve(flag: flag, environment: ProcessInfo.processInfo.environment,
                                      workingDirectory: FileManager.default.currentDirectoryPath,
                                      executablePath: DataDirectory.currentExecutable)
        switch resolution {
        case .found(let path): return path
        case .notFound(let searched):
            FileHandle.standardError.write(Data("haze-bench: no \(kind.name) directory (looked in \(searched.joined(separator: ", "))); run from the checkout or pass --\(kind.name)\n".utf8))
            exit(66)
        }
    }
}

/// Figures a benchmark reports, also written as JSON with `--json FILE` for
/// the comparison script.
final class Metrics: Sendable {
    static let shared = Metrics()
    private let fields = Mutex<[(String, JSONValue)]>([])

    func record(_ name: String, _ value: Double) { fields.withLock { $0.append((name, .decimal(value, places: 6))) } }
    func record(_ name: String, _ value: Int) { fields.withLock { $0.append((name, .int(value))) } }

    func write(to path: String?) throws {
        guard let path else { return }
        let recorded = fields.withLock { $0 }
        try OutputFile.write(Array(JSONValue.object(recorded).serialized(pretty: true).utf8), to: path)
    }
}

/// Wall-clock timing over repeated runs.
struct Timing {
    var seconds: [Double] = []

    mutating func measure(_ body: () throws -> Void) rethrows {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    var sorted: [Double] { seconds.sorted() }
    var min: Double { sorted.first ?? 0 }
    var median: Double { sorted.isEmpty ? 0 : sorted[sorted.count / 2] }
    var max: Double { sorted.last ?? 0 }

    func line(_ label: String) -> String {
        "\(label): min \(ms(min)) ms, median \(ms(median)) ms, max \(ms(max)) ms over \(seconds.count) run(s)"
    }

    func ms(_ s: Double) -> String { String(format: "%.1f", s * 1000) }
}

/// CPU time of this process so far (user + system, every thread), in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Peak resident set size of this process in MiB (getrusage, ru_maxrss in KiB on Linux).
func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
