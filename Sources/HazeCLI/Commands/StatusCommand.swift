import HazeModel
import HazeStore
import HazeReport

/// `haze status`: what the store holds.
enum StatusCommand {
    static let spec = CommandSpec(
        name: "status",
        abstract: "Stations, first and newest hour, coverage and file sizes of the store.",
        options: [CommonOptions.store, .value("--format", "FORMAT", "table (default) | json.")],
        examples: ["haze status --store /var/lib/haze"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let format = try arguments.format(allowed: [.table, .json])
        let status = try Store.readConsistently(directory: context.storeDirectory(arguments)) { StoreStatus(store: $0) }
        let zone = status.zone
        func hour(_ h: Hour?) -> String { h.map { zone.format($0) } ?? "—" }
        func megabytes(_ n: Int) -> String { GBT8170.format(Double(n) / 1_048_576, decimals: 1) + " MiB" }
        if format == .json {
            context.console.out(JSONValue.object([
                ("store", .string(status.directory)), ("zone", .string(zone.description)),
                ("day_hours", .string(status.dayConvention.description)),
                ("hourly_capacity_hours", .int(status.hourlyCapacity)), ("daily_capacity_days", .int(status.dailyCapacity)),
                ("stations", .int(status.stations)), ("series", .int(status.series)),
                ("first_hour", status.firstHourWithData.map { .string(zone.format($0)) } ?? .null),
                ("newest_hour", status.newestHour.map { .string(zone.format($0)) } ?? .null),
                ("oldest_writable_hour", status.oldestWritableHour.map { .string(zone.format($0)) } ?? .null),
                ("coverage", .object(Pollutant.allCases.compactMap { p in status.coverage[p].map { (p.key, .decimal($0, places: 4)) } })),
                ("hourly_ring_bytes", .int(status.hourlyBytes)), ("daily_ring_bytes", .int(status.dailyBytes)),
                ("quarantine_files", .int(status.quarantineFiles)),
            ]).serialized(pretty: true) + "\n")
            return .success
        }
        var lines: [(String, String)] = [
            ("store", status.directory),
            ("days counted in", zone.description + ", a day = hour labels \(status.dayConvention)"),
            ("stations", "\(status.stations) (\(status.series) series)"),
            ("first hour with data", hour(status.firstHourWithData)),
            ("newest hour", hour(status.newestHour)),
            ("oldest writable hour", hour(status.oldestWritableHour)),
            ("daily ring window", status.dailyWindow.map { "\($0.lowerBound) … \($0.upperBound)" } ?? "—"),
        ]
        for pollutant in Pollutant.allCases {
            if let c = status.coverage[pollutant] {
                lines.append(("coverage \(pollutant.displayName)", GBT8170.format(c * 100, decimals: 1) + " % of station-hours since the first hour"))
            }
        }
        lines += [
            ("hourly ring", "\(megabytes(status.hourlyBytes)) (\(status.hourlyCapacity) hours × \(status.series) series, \(GBT8170.format(status.bytesPerHourlySlot, decimals: 3)) bytes per slot)"),
            ("daily ring", "\(megabytes(status.dailyBytes)) (\(status.dailyCapacity) days)"),
            ("quarantine", "\(status.quarantineFiles) file(s) in \(status.directory)/quarantine"),
        ]
        if let last = status.lastIngest { lines.append(("last ingest", last)) }
        let width = lines.map { DisplayWidth.of($0.0) }.max() ?? 0
        for (label, value) in lines { context.console.print(DisplayWidth.pad(label, to: width) + "  " + value) }
        return .success
    }
}
