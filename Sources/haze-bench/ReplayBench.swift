import Foundation
import HazeModel
import HazeStore

/// `haze-bench replay`: `haze alert --replay --summary` over long national
/// histories — 1, 12 and 60 months of a generated five-year store — as
/// processes from start to exit: wall time, CPU time, milliseconds per
/// evaluated hour and peak RSS (the child's `ru_maxrss`, mapped ring pages
/// included). `--old BINARY` runs an older `haze` on the same store in the
/// same run, alternately, for the side-by-side figures.
///
/// The store (kept in the temporary directory for later runs) has an hourly
/// ring of five years and the national sample's series; its hours are the
/// sample's 1 416 hours (2019-01-01 … 02-28, all six pollutants, as stored by
/// `haze ingest`) laid end to end from 2015-01-01, day-aligned, so every hour
/// holds a real national hour of winter data (a worst case for alerts).
enum ReplayBench {
    static let firstDate = CivilDate(year: 2015, month: 1, day: 1)!
    static let lastDate = CivilDate(year: 2019, month: 12, day: 31)!

    static func run(_ options: Options) throws {
        if options.values["--store"] == nil, !Store.exists(at: defaultDirectory) {
            _ = try generate(options)
            // A child's peak RSS (`ru_maxrss`) counts what its parent had mapped when it
            // was spawned: measure from a fresh haze-bench, not this one that wrote the store.
            let argv = CommandLine.arguments.map { strdup($0) } + [nil]
            execv("/proc/self/exe", argv)
            throw Options.Refusal(description: "cannot restart haze-bench after generating the store")
        }
        let directory = options.values["--store"] ?? defaultDirectory
        print(String(format: "haze-bench itself: peak RSS %.0f MiB (a child's peak RSS reads at least that)", peakRSSMiB()))
        let months = (options.values["--months"] ?? "1,12,60").split(separator: ",").compactMap { Int($0) }
            .filter { (1...60).contains($0) }
        let old = options.values["--old"]
        let oldMonths = (options.values["--old-months"] ?? "1,12").split(separator: ",").compactMap { Int($0) }
        let opened = try Store(directory: directory, access: .readOnly)
        guard let window = opened.hourlyValues.window else { throw Options.Refusal(description: "\(directory) holds no hours") }
        print("replay store \(directory): \(opened.series.count) series, hourly ring \(opened.hourlyCapacity) hours, "
              + "holding \(opened.zone.format(window.lowerBound)) … \(opened.zone.format(window.upperBound))")
        let zone = opened.zone
        let start = Day(firstDate)
        for count in months {
            guard var endMonth = Month(year: firstDate.year, month: 1) else { continue }
            for _ in 1 ..< count { endMonth = endMonth.next ?? endMonth }
            let end = endMonth.firstDay.advanced(by: endMonth.dayCount - 1)
            let hours = zone.firstHour(of: start).distance(to: zone.firstHour(of: end.advanced(by: 1)))
            let arguments = ["alert", "--store", directory, "--stations", options.stations, "--rules", options.rules,
                             "--replay", "--from", start.description, "--to", end.description, "--summary"]
            var runs: [(String, String)] = [("after", ProcessTiming.haze)]
            if let old, oldMonths.contains(count) { runs.insert(("before", old), at: 0) }
            for round in 0 ..< options.repeatCount {
                for (label, binary) in runs {
                    let run = try ChildRun.measure(binary, arguments)
                    guard run.status == 0 else {
                        throw Options.Refusal(description: "\(binary) \(arguments.joined(separator: " ")) exited \(run.status)")
                    }
                    let line = String(format: "%@ %2d month(s), %5d hours: wall %.2f s, CPU %.2f s, %.3f ms per evaluated hour (CPU %.3f), peak RSS %.0f MiB",
                                      label, count, hours, run.wall, run.cpu, run.wall * 1000 / Double(hours),
                                      run.cpu * 1000 / Double(hours), run.peakRSSMiB)
                    print(line + (options.repeatCount > 1 ? " [round \(round + 1)]" : ""))
                    Metrics.shared.record("replay_\(label)_\(count)m_wall_seconds", run.wall)
                    Metrics.shared.record("replay_\(label)_\(count)m_cpu_seconds", run.cpu)
                    Metrics.shared.record("replay_\(label)_\(count)m_peak_rss_mib", run.peakRSSMiB)
                }
            }
        }
    }

    /// The five-year store (made once, then reused): `--source` (a store
    /// holding the sample), else the national bench store ingested from `--data`.
    static var defaultDirectory: String { NSTemporaryDirectory() + "haze-bench-replay-5y" }

    static func generate(_ options: Options) throws -> String {
        let directory = defaultDirectory
        if Store.exists(at: directory) { return directory }
        let sourceDirectory = try options.values["--source"] ?? BenchStore.prepare(options)
        let source = try Store(directory: sourceDirectory, access: .readOnly)
        // The hours with data (the ring's window is longer than the sample).
        let values = source.hourlyValues
        func hasData(_ hour: Int) -> Bool { (0 ..< values.seriesCount).contains { values.value($0, hour) != nil } }
        guard let window = values.window,
              let firstData = (window.lowerBound.index ... window.upperBound.index).first(where: hasData),
              let lastData = (window.lowerBound.index ... window.upperBound.index).reversed().first(where: hasData) else {
            throw Options.Refusal(description: "\(sourceDirectory) holds no hours to lay out")
        }
        let sample = Hour(firstData) ... Hour(lastData)
        let zone = source.zone
        let first = zone.firstHour(of: Day(firstDate))
        let last = zone.firstHour(of: Day(lastDate).advanced(by: 1)).advanced(by: -1)
        // Whole days of the sample, from its first local midnight, so every copy is day-aligned.
        let sampleStart = zone.firstHour(of: zone.day(of: sample.lowerBound).advanced(by: zone.hourOfDay(sample.lowerBound) == 0 ? 0 : 1))
        let sampleHours = (sampleStart.distance(to: sample.upperBound) + 1) / 24 * 24
        guard sampleHours >= 24 else { throw Options.Refusal(description: "\(sourceDirectory) holds less than a day") }
        let hours = first.distance(to: last) + 1
        let created = StoreConfiguration(hourlyCapacity: hours + 24, dailyCapacity: max(4096, hours / 24 + 4), zone: zone,
                                         dayConvention: source.calendar.convention)
        let started = Date()
        try fill(directory + ".partial", created, source: source, first: first, last: last, sampleStart: sampleStart,
                 sampleHours: sampleHours)
        try FileManager.default.moveItem(atPath: directory + ".partial", toPath: directory)
        FileHandle.standardError.write(Data(String(format: "haze-bench: generated %@ (%d hours from %@) in %.0f s\n",
                                                   directory, hours, sourceDirectory, Date().timeIntervalSince(started)).utf8))
        return directory
    }

    /// Writes the sample's hours, end to end, into a new store, a week per write.
    static func fill(_ directory: String, _ configuration: StoreConfiguration, source: Store, first: Hour, last: Hour,
                     sampleStart: Hour, sampleHours: Int) throws {
        let zone = source.zone
        let store = try Store(directory: directory, access: .readWrite, creating: configuration)
        let series = try store.resolve(source.series)
        var readings: [StoredReading] = []
        readings.reserveCapacity(series.count * 24 * 7)
        var hour = first
        while hour <= last {
            readings.removeAll(keepingCapacity: true)
            let weekEnd = min(hour.advanced(by: 24 * 7 - 1), last)
            while hour <= weekEnd {
                let from = sampleStart.advanced(by: first.distance(to: hour) % sampleHours)
                if let row = source.row(at: from) {
                    for s in 0 ..< row.count {
                        if let value = row[s] { readings.append(StoredReading(series: series[s], hour: hour, value: value)) }
                    }
                }
                hour = hour.advanced(by: 1)
            }
            let report = try store.write(readings)
            guard report.stored == readings.count else {
                throw Options.Refusal(description: "writing the week to \(zone.format(weekEnd)) stored \(report.stored) of \(readings.count) readings")
            }
            if zone.day(of: weekEnd).date.day <= 7, zone.day(of: weekEnd).date.month == 1 {
                FileHandle.standardError.write(Data("haze-bench: generating \(directory): up to \(zone.format(weekEnd))\n".utf8))
            }
        }
        store.recordStatusSummary()
    }
}

/// One child process, measured: wall time from spawn to exit, and its CPU
/// time and peak RSS from `wait4`'s resource usage.
struct ChildRun {
    var wall: Double
    var cpu: Double
    var peakRSSMiB: Double
    var status: Int32

    /// `output`: a file standard output and error go to (created or truncated); by default stdout goes to /dev/null.
    static func measure(_ binary: String, _ arguments: [String], output: String? = nil) throws -> ChildRun {
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        if let output {
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        guard posix_spawn(&pid, binary, &actions, nil, argv, environ) == 0 else {
            throw Options.Refusal(description: "cannot start \(binary)")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0, errno == EINTR {}
        let wall = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildRun(wall: wall, cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                        peakRSSMiB: Double(usage.ru_maxrss) / 1024, status: code)
    }
}
