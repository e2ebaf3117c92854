import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// `haze-bench province` (issue 18, target 4): a province-scale network —
/// 5 000 standard stations in 1 000 towns of 18 cities and 20 000
/// micro-sensors, six pollutants each (150 000 series; `ProvinceNetwork`) —
/// measured as `haze` processes from start to exit:
///
/// 1. one hourly snapshot of every station ingested into a store holding a
///    month (the cron case; target < 1 s), and into a fresh store;
/// 2. `haze rank --level town` for the month: 1 000 towns (target < 100 ms);
/// 3. bytes on disk per stored sample (target ≤ 2), and what the fixed
///    header, series table and row directory add;
/// 4. peak RSS of every process (`ru_maxrss` of the child from `wait4`).
///
/// Set-up (not part of the figures, timed and reported): the registry, a
/// store made by `haze init` (hourly ring of the month's 744 hours, daily ring
/// 400 days — the month and the same month a year earlier) and the month's
/// 111 million values written through `Store.write`. All of it lives in a
/// temporary directory removed at exit, or in `--keep DIR` (kept, and reused
/// by later runs). haze-bench restarts itself after generating, so the
/// children's peak RSS does not count the rings it mapped while filling.
enum ProvinceBench {
    static let hourlyCapacity = 744
    static let dailyCapacity = 400
    static let generatedMarker = "generated.txt"
    /// The line of `generatedMarker` giving the month's values written.
    static let valuesKey = "values stored in the month: "

    static func run(_ options: Options) throws {
        let network = ProvinceNetwork.province
        guard let month = Month(parsing: options.values["--month"] ?? "2026-01") else {
            throw Options.Refusal(description: "--month: expected YYYY-MM")
        }
        guard month.dayCount * 24 <= hourlyCapacity else { throw Options.Refusal(description: "--month: a month of at most 31 days") }
        let formats: [ProvinceNetwork.SnapshotFormat]
        if let given = options.values["--format"] {
            formats = try given.split(separator: ",").map { name in
                guard let format = ProvinceNetwork.SnapshotFormat(rawValue: String(name)) else {
                    throw Options.Refusal(description: "--format: '\(name)' is not cnemc-hourly, long-csv or cnemc-wide")
                }
                return format
            }
        } else {
            formats = ProvinceNetwork.SnapshotFormat.allCases
        }
        let kept = options.values["--keep"]
        if let kept {
            // A directory of its own: the benchmark writes a registry and a store there.
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: kept, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw Options.Refusal(description: "--keep \(kept): exists and is not a directory; give a directory (new or kept before)")
            }
        }
        if let text = options.values["--snapshot"] {
            // Only write the snapshot files of one hour (e.g. to profile an ingest by hand).
            guard let kept, case .success(let hour) = ISOHour.parse(text, defaultZone: .beijing) else {
                throw Options.Refusal(description: "--snapshot HOUR (e.g. 2026-02-01T05:00) needs --keep DIR and an ISO hour")
            }
            try FileManager.default.createDirectory(atPath: kept + "/snapshots", withIntermediateDirectories: true)
            for format in formats {
                let path = kept + "/snapshots/\(format.rawValue)-\(hour.index).csv"
                try Data(network.snapshot(at: hour, format: format)).write(to: URL(fileURLWithPath: path))
                print(path)
            }
            return
        }
        guard let directory = options.values["--generated"] ?? kept else {
            // Generate in a new temporary directory, then measure from a fresh process.
            let temporary = NSTemporaryDirectory() + "haze-bench-province-\(getpid())"
            do {
                try generate(network, month: month, in: temporary)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            restart(adding: ["--generated", temporary])
        }
        if options.values["--generated"] == nil, !FileManager.default.fileExists(atPath: directory + "/" + generatedMarker) {
            try generate(network, month: month, in: directory)
            restart(adding: ["--generated", directory])
        }
        defer { if kept == nil { try? FileManager.default.removeItem(atPath: directory) } }
        if options.values["--phases"] != nil {
            try phases(month: month, in: directory, options: options)
            return
        }
        try measure(network, month: month, formats: formats, in: directory, options: options)
    }

    /// `--phases 1`: where a town ranking's time goes, in process (best of --repeat, at least 5):
    /// loading the registry, opening the store, forming the units, verifying the month's daily rows,
    /// and the whole ranking.
    static func phases(month: Month, in directory: String, options: Options) throws {
        let stations = directory + "/stations", store = directory + "/month"
        var load = Timing(), image = Timing(), open = Timing(), units = Timing(), verify = Timing(), rank = Timing()
        var kept = Timing(), statistics = Timing()
        var registry = StationRegistry()
        let cache = RegistryCache.location(environment: ProcessInfo.processInfo.environment)
        let key = RankingUnitsImage.key(level: .town, city: nil, days: month.days, alsoFor: month.yearEarlier?.days)
        if let cache, RegistryDerivation.cached(directory: stations, cache: cache, key: key) == nil {
            // The units as `haze rank` keeps them, for the phase that takes them.
            let source = try RegistryDerivation.load(directory: stations, cache: cache)
            let formed = try source.registry.rankingUnits(level: .town, city: nil, days: month.days, alsoFor: month.yearEarlier?.days)
            let warnings = source.registry.warnings.map(\.description)
            RegistryDerivation.storeLater(key: key, of: source, in: cache) { RankingUnitsImage.encode(formed, warnings: warnings) }
            RegistryCache.writeDeferredImages()
        }
        for _ in 0 ..< max(options.repeatCount, 5) {
            registry = StationRegistry()   // the previous one freed outside the timing
            try load.measure { registry = try StationRegistry.load(directory: stations) }
            if let cache {
                registry = StationRegistry()
                try image.measure { registry = try StationRegistry.load(directory: stations, cache: cache) }
            }
            var opened: Store?
            try open.measure { opened = try Store(directory: store, access: .readOnly) }
            guard let opened else { continue }
            try units.measure {
                _ = try registry.rankingUnits(level: .town, city: nil, days: month.days, alsoFor: month.yearEarlier?.days)
            }
            try verify.measure { try Aggregation(store: opened).requireIntact(month.days) }
            let fresh = try Store(directory: store, access: .readOnly)
            try rank.measure {
                _ = try MonthlyRanking(store: fresh, registry: registry, month: month, scope: RankingScope(level: .town))
            }
            if let cache {
                var formed: RankingUnits?
                kept.measure {
                    formed = RegistryDerivation.cached(directory: stations, cache: cache, key: key).flatMap(RankingUnitsImage.decode)?.units
                }
                if let formed {
                    let prepared = try Store(directory: store, access: .readOnly)
                    MonthlyRanking.prepare(store: prepared, month: month, pollutants: Pollutant.particulates)
                    try statistics.measure {
                        _ = try MonthlyRanking(store: prepared, formed: formed, month: month, scope: RankingScope(level: .town))
                    }
                }
            }
        }
        print("load: " + loadAverage())
        print(load.line("registry load from CSV (25 000 stations, 25 000 memberships)"))
        if cache != nil { print(image.line("registry load from its image (the cache; the first one writes it)")) }
        print(open.line("store open (150 000 series)"))
        print(units.line("rankingUnits, town level, all cities"))
        print(verify.line("requireIntact, the month's daily rows"))
        print(rank.line("MonthlyRanking (units, verification, statistics), town level"))
        if cache != nil {
            print(kept.line("the units kept in the cache: the registry's files read and compared, the units decoded"))
            print(statistics.line("MonthlyRanking from those units, rows checked and lookups made before (the statistics alone)"))
        }
    }

    /// Runs this haze-bench again with more arguments (its mappings gone).
    static func restart(adding arguments: [String]) -> Never {
        let argv = (CommandLine.arguments + arguments).map { strdup($0) } + [nil]
        execv("/proc/self/exe", argv)
        FileHandle.standardError.write(Data("haze-bench: cannot restart itself after generating (\(String(cString: strerror(errno))))\n".utf8))
        exit(70)
    }

    // MARK: Set-up

    static func generate(_ network: ProvinceNetwork, month: Month, in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var log: [String] = []
        func note(_ line: String) {
            log.append(line)
            FileHandle.standardError.write(Data("haze-bench: \(line)\n".utf8))
        }
        var started = Date()
        try network.writeRegistry(to: directory + "/stations")
        note(String(format: "registry of %d standard stations and %d micro-sensors (%d towns, %d cities) written in %.2f s",
                    network.standardCount, network.sensorCount, network.towns, network.cities, Date().timeIntervalSince(started)))
        let store = directory + "/month"
        let initialised = try ChildOutput.run(ProcessTiming.haze, ["init", "--store", store, "--hours", String(hourlyCapacity),
                                                                   "--days", String(dailyCapacity)])
        guard initialised.run.status == 0 else { throw Options.Refusal(description: "haze init exited \(initialised.run.status): \(initialised.text)") }
        note(String(format: "haze init --hours %d --days %d: %.2f s, peak RSS %.0f MiB", hourlyCapacity, dailyCapacity,
                    initialised.run.wall, initialised.run.peakRSSMiB))
        started = Date()
        let opened = try Store(directory: store, access: .readWrite)
        let calendar = opened.calendar
        let hours = calendar.firstHour(of: month.firstDay) ..< calendar.firstHour(of: month.days.upperBound)
        let cpuBefore = cpuSeconds()
        let stored = try network.fill(opened, hours: hours) { hour in
            let day = calendar.day(of: hour.advanced(by: -1))
            if day.date.day % 10 == 0 { FileHandle.standardError.write(Data("haze-bench: filling \(month): \(day) done\n".utf8)) }
        }
        opened.recordStatusSummary()
        note(String(format: "the month %@ (%d hours × %d series) filled through Store.write, a day per write: %d values in %.1f s (CPU %.1f s)",
                    month.description, hours.count, network.seriesCount, stored, Date().timeIntervalSince(started),
                    cpuSeconds() - cpuBefore))
        log.append("\(valuesKey)\(stored)")
        try Data((log.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/" + generatedMarker))
    }

    // MARK: Measurements

    static func measure(_ network: ProvinceNetwork, month: Month, formats: [ProvinceNetwork.SnapshotFormat],
                        in directory: String, options: Options) throws {
        let stations = directory + "/stations"
        let store = directory + "/month"
        let setup = (try? String(contentsOfFile: directory + "/" + generatedMarker, encoding: .utf8)) ?? ""
        print("province: \(network.standardCount) standard stations + \(network.sensorCount) micro-sensors in \(network.towns) towns of \(network.cities) cities × 6 pollutants = \(network.seriesCount) series; \(directory)")
        for line in setup.split(separator: "\n") where !line.hasPrefix(valuesKey) { print("set-up: " + line) }
        let monthValues = setup.split(separator: "\n").first { $0.hasPrefix(valuesKey) }.flatMap { Int($0.dropFirst(valuesKey.count)) }
        print(String(format: "haze-bench itself: peak RSS %.0f MiB since its restart (VmHWM; a child's peak RSS reads at least that)",
                     memoryHighWaterMiB()))
        print("load: " + loadAverage())

        // The next hours after what the store holds (a kept store may hold more than the month).
        var next = try newestHour(of: store).advanced(by: 1)
        let snapshots = directory + "/snapshots"
        try FileManager.default.createDirectory(atPath: snapshots, withIntermediateDirectories: true)
        func snapshot(_ hour: Hour, _ format: ProvinceNetwork.SnapshotFormat) throws -> (path: String, bytes: Int, values: Int) {
            let bytes = network.snapshot(at: hour, format: format)
            let path = snapshots + "/\(format.rawValue)-\(hour.index).csv"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let values = (0 ..< network.stationCount).reduce(0) { count, s in
                count + Pollutant.allCases.filter { network.value(station: s, pollutant: $0, hour: hour) != nil }.count
            }
            return (path, bytes.count, values)
        }
        // `--old BINARY`: an older haze measured alternately with this one, on the same store.
        var binaries = [("after", ProcessTiming.haze)]
        if let old = options.values["--old"] { binaries.insert(("before", old), at: 0) }
        func label(_ text: String, _ version: String) -> String { binaries.count > 1 ? "\(text) — \(version)" : text }
        var rows: [(String, [ChildRun], String)] = []

        // (a) The cron case: a new hour into the month-filled store, each run its own hour.
        for format in formats {
            var runs = [[ChildRun]](repeating: [], count: binaries.count)
            var detail = ""
            for _ in 0 ..< options.repeatCount {
                for (b, (_, binary)) in binaries.enumerated() {
                    let file = try snapshot(next, format)
                    let output = try ChildOutput.run(binary, ["ingest", "--store", store, "--stations", stations,
                                                              "--format", format.rawValue, "--quiet", file.path])
                    try check(output, stored: file.values, what: "ingest of \(file.path) by \(binary)")
                    runs[b].append(output.run)
                    detail = String(format: "%.1f MB, %d values stored", Double(file.bytes) / 1e6, file.values)
                    try? FileManager.default.removeItem(atPath: file.path)
                    next = next.advanced(by: 1)
                }
            }
            for (b, (version, _)) in binaries.enumerated() {
                rows.append((label("ingest one hour, \(format.rawValue), into the month's store (cron; target < 1 s)", version), runs[b], detail))
            }
        }
        // (a') The first snapshot into a fresh store (`haze init` first, not timed): the rings grow to 150 000 series.
        for format in formats {
            var runs = [[ChildRun]](repeating: [], count: binaries.count)
            var initRuns: [ChildRun] = []
            var detail = ""
            for round in 0 ..< options.repeatCount {
                for (b, (_, binary)) in binaries.enumerated() {
                    let fresh = directory + "/fresh-\(round)-\(b)"
                    try? FileManager.default.removeItem(atPath: fresh)
                    defer { try? FileManager.default.removeItem(atPath: fresh) }
                    let initialised = try ChildOutput.run(binary, ["init", "--store", fresh, "--hours", String(hourlyCapacity),
                                                                   "--days", String(dailyCapacity)])
                    guard initialised.run.status == 0 else { throw Options.Refusal(description: "haze init: \(initialised.text)") }
                    initRuns.append(initialised.run)
                    let file = try snapshot(next, format)
                    defer { try? FileManager.default.removeItem(atPath: file.path) }
                    let output = try ChildOutput.run(binary, ["ingest", "--store", fresh, "--stations", stations,
                                                              "--format", format.rawValue, "--quiet", file.path])
                    try check(output, stored: file.values, what: "first ingest of \(file.path) by \(binary)")
                    runs[b].append(output.run)
                    detail = String(format: "after `haze init` (%.0f ms, not counted)", (initRuns.map(\.wall).min() ?? 0) * 1000)
                }
            }
            for (b, (version, _)) in binaries.enumerated() {
                rows.append((label("ingest one hour, \(format.rawValue), into a fresh store (first run)", version), runs[b], detail))
            }
        }

        // (b) The town ranking of the month.
        var rankRuns = [[ChildRun]](repeating: [], count: binaries.count)
        var rankDetail = [String](repeating: "", count: binaries.count)
        for _ in 0 ..< max(options.repeatCount, 5) {
            for (b, (_, binary)) in binaries.enumerated() {
                let output = try ChildOutput.run(binary, ["rank", "--store", store, "--stations", stations,
                                                          "--month", month.description, "--level", "town", "--format", "csv"])
                guard output.run.status == 0 else { throw Options.Refusal(description: "\(binary) rank exited \(output.run.status): \(output.text.suffix(2000))") }
                let lines = output.text.split(separator: "\n")
                let townRows = lines.filter { $0.contains(",town,") }.count
                let units = Set(lines.compactMap { line in line.split(separator: ",").first { $0.hasPrefix("测试镇") } }).count
                let sensors = output.text.contains("micro-sensors") ? ", the micro-sensors left out" : ", the micro-sensors counted (no sensor column)"
                rankDetail[b] = "\(units) towns ranked, \(townRows) CSV rows (PM2.5, PM10)\(sensors)"
                rankRuns[b].append(output.run)
            }
        }
        for (b, (version, _)) in binaries.enumerated() {
            rows.append((label("haze rank --month \(month) --level town --format csv (target < 100 ms)", version), rankRuns[b], rankDetail[b]))
        }

        print("")
        print("| work | wall min / median / max | CPU min | peak RSS max | |")
        print("|---|---:|---:|---:|---|")
        for (label, runs, detail) in rows {
            let walls = runs.map(\.wall).sorted()
            let median = walls[walls.count / 2]
            print(String(format: "| %@ | %.0f / %.0f / %.0f ms | %.0f ms | %.0f MiB | %@ |", label, walls[0] * 1000, median * 1000,
                         walls[walls.count - 1] * 1000, (runs.map(\.cpu).min() ?? 0) * 1000,
                         runs.map(\.peakRSSMiB).max() ?? 0, detail))
        }
        for (i, (_, runs, _)) in rows.enumerated() {
            Metrics.shared.record("province_row\(i)_wall_seconds_min", runs.map(\.wall).min() ?? 0)
            Metrics.shared.record("province_row\(i)_peak_rss_mib", runs.map(\.peakRSSMiB).max() ?? 0)
        }

        // (c) Bytes on disk per stored sample.
        print("")
        let hourly = try fileSize(store + "/hourly.ring"), daily = try fileSize(store + "/daily.ring")
        let series = network.seriesCount
        let slots = hourlyCapacity * series
        let fixed = hourly.length - slots * 2
        print(String(format: "hourly ring: %.1f MB (%.1f MB allocated on disk) for %d hours × %d series = %.4f bytes per sample (2 per slot + %.4f of fixed header, series table and row directory: %d bytes)",
                     Double(hourly.length) / 1e6, Double(hourly.allocated) / 1e6, hourlyCapacity, series,
                     Double(hourly.length) / Double(slots), Double(fixed) / Double(slots), fixed))
        if let monthValues {
            print(String(format: "the month's %d values (%.1f %% of the slots; the rest are missing cells): %.4f bytes of hourly ring per value",
                         monthValues, 100 * Double(monthValues) / Double(slots), Double(hourly.length) / Double(monthValues)))
        }
        let days = dailyCapacity
        print(String(format: "daily ring: %.1f MB for %d days × %d series = %.4f bytes per series-day (8 per slot + %d bytes of header and row directory), %.3f bytes per hourly sample of a full daily ring",
                     Double(daily.length) / 1e6, days, series, Double(daily.length) / Double(days * series),
                     daily.length - days * series * 8, Double(daily.length) / Double(days * 24 * series)))
        Metrics.shared.record("province_hourly_bytes_per_sample", Double(hourly.length) / Double(slots))
        print("load: " + loadAverage())
    }

    /// The store's newest hour, read from a short-lived child (`haze status --format prometheus`) so this process maps nothing.
    static func newestHour(of store: String) throws -> Hour {
        let output = try ChildOutput.run(ProcessTiming.haze, ["status", "--store", store, "--format", "prometheus"])
        guard output.run.status == 0 else { throw Options.Refusal(description: "haze status exited \(output.run.status): \(output.text)") }
        let name = "haze_newest_hour_timestamp_seconds "
        guard let line = output.text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
              let seconds = Double(line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)) else {
            throw Options.Refusal(description: "haze status --format prometheus gave no \(name)")
        }
        return Hour(Int(seconds / 3600))
    }

    static func check(_ output: ChildOutput, stored expected: Int, what: String) throws {
        guard output.run.status == 0 else {
            throw Options.Refusal(description: "\(what): haze exited \(output.run.status): \(output.text.suffix(2000))")
        }
        let summary = output.text.split(separator: "\n").last { $0.hasPrefix("ingest:") } ?? ""
        guard summary.contains("stored \(expected),"), summary.contains("quarantined 0") else {
            throw Options.Refusal(description: "\(what): expected \(expected) values stored and none quarantined; haze said: \(summary)")
        }
    }

    static func fileSize(_ path: String) throws -> (length: Int, allocated: Int) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Options.Refusal(description: "cannot stat \(path)") }
        return (Int(info.st_size), Int(info.st_blocks) * 512)
    }

    /// This process's peak resident set since its last exec (`VmHWM`), in MiB.
    static func memoryHighWaterMiB() -> Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib / 1024
    }

    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    }
}

/// A child process measured (`ChildRun`) with its standard output and error captured.
struct ChildOutput {
    var run: ChildRun
    var text: String

    static func run(_ binary: String, _ arguments: [String]) throws -> ChildOutput {
        let capture = NSTemporaryDirectory() + "haze-bench-child-\(getpid()).out"
        defer { unlink(capture) }
        let run = try ChildRun.measure(binary, arguments, output: capture)
        let text = (try? String(contentsOfFile: capture, encoding: .utf8)) ?? ""
        return ChildOutput(run: run, text: text)
    }
}
