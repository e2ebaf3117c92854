import Foundation
import HazeModel
import HazeStore
import HazeAlerts
import HazeReport

/// `haze status`: what the store holds.
enum StatusCommand {
    static let spec = CommandSpec(
        name: "status",
        abstract: "Stations, first and newest hour, coverage and file sizes of the store; metrics for Prometheus.",
        options: [
            CommonOptions.store,
            .value("--format", "FORMAT", "table (default) | json | prometheus (the text exposition format)."),
            .value("--rules", "DIR", "Rule files, for the severity of open episodes (default $HAZE_RULES or ./alerts; without them: unknown)."),
            .value("--out", "FILE", "Write to FILE, replaced atomically (node_exporter's textfile collector: DIR/haze.prom)."),
        ],
        rules: [.requires("--rules", "--format=prometheus", because: "only the metrics count open episodes by severity")],
        discussion: """
        Reads the rings' headers, the summary the last ingest or pull recorded beside the write
        sequence (what the row directories say, stamped with the state it describes), the newest
        hour's row, and the alert state and delivery ledger (never the alert log): it costs the same
        for a week of history as for ten years. After any other change of the rings (a repair, a
        rebuild) it walks the row directories instead, once per run, with the same result. For monitoring, run it from cron into node_exporter's textfile directory:
          */5 * * * * haze status --format prometheus --out /var/lib/node_exporter/textfile/haze.prom
        """,
        examples: ["haze status --store /var/lib/haze", "haze status --format prometheus --out /var/lib/node_exporter/textfile/haze.prom"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let format: OutputFormat
        if arguments.value("--format")?.lowercased() == "prometheus" {
            let text = try prometheus(arguments, context)
            if let out = arguments.value("--out") {
                try OutputFile.write(Array(text.utf8), to: context.absolute(out))
            } else {
                context.console.out(text)
            }
            return .success
        }
        do { format = try arguments.format(allowed: [.table, .json]) } catch {
            throw UsageError.invalidValue(option: "--format", value: arguments.value("--format") ?? "", expected: "table|json|prometheus")
        }
        guard arguments.value("--out") == nil else { throw UsageError.conflict("haze status: --out writes the metrics; add --format prometheus") }
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

    /// The metrics, in Prometheus's text exposition format (0.0.4).
    static func prometheus(_ arguments: ParsedArguments, _ context: CommandContext) throws -> String {
        let directory = context.storeDirectory(arguments)
        struct Sample { var status: StoreStatus; var newestCoverage: [Pollutant: Double] }
        let sample = try Store.readConsistently(directory: directory) { store -> Sample in
            let status = StoreStatus(store: store)
            var newest: [Pollutant: Double] = [:]
            if let hour = store.newestHour, let row = store.row(at: hour) {
                for pollutant in Pollutant.allCases {
                    let series = store.series.indices.filter { store.series[$0].pollutant == pollutant }
                    guard !series.isEmpty else { continue }
                    newest[pollutant] = Double(series.filter { row[$0] != nil }.count) / Double(series.count)
                }
            }
            return Sample(status: status, newestCoverage: newest)
        }
        let rules = (try? AlertCommand.rulesDirectory(arguments, context)).flatMap { try? RuleSet.load(directory: $0) }
        if arguments.value("--rules") != nil, rules == nil {
            _ = try RuleSet.load(directory: try AlertCommand.rulesDirectory(arguments, context))
        }
        let alerts = AlertStatus(storeDirectory: directory, rules: rules)
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples {
                let labels = sample.labels.isEmpty ? "" : "{" + sample.labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
                out += "\(name)\(labels) \(number(sample.value))\n"
            }
        }
        let status = sample.status
        if let newest = status.newestHour {
            metric("haze_newest_hour_timestamp_seconds", "Start of the newest hour with data in the store (Unix time).",
                   [([], Double(newest.index) * 3600)])
        }
        metric("haze_stations", "Stations with series in the store.", [([], Double(status.stations))])
        metric("haze_series", "Series (station and pollutant) in the store.", [([], Double(status.series))])
        var coverage: [(labels: [(String, String)], value: Double)] = []
        for pollutant in Pollutant.allCases {
            if let value = sample.newestCoverage[pollutant] { coverage.append(([("pollutant", pollutant.key), ("window", "newest_hour")], value)) }
            if let value = status.coverage[pollutant] { coverage.append(([("pollutant", pollutant.key), ("window", "since_first_hour")], value)) }
        }
        metric("haze_coverage_ratio", "Share of series with a value: in the newest hour, and over the hourly window since its first hour with data.", coverage)
        metric("haze_quarantine_files", "Quarantine files (refused input) in the store.", [([], Double(status.quarantineFiles))])
        metric("haze_alert_open_episodes", "Open alert episodes by severity.",
               alerts.openBySeverity.sorted { $0.key < $1.key }.map { ([("severity", $0.key)], Double($0.value)) })
        metric("haze_alert_outbox_reports", "Reports waiting in a receiver's outbox.",
               alerts.outbox.sorted { $0.key < $1.key }.map { ([("receiver", $0.key)], Double($0.value)) })
        metric("haze_alert_pending_reports", "Reports of an interrupted alert run not yet in the log (the next run appends them).",
               [([], Double(alerts.pending))])
        let receivers = alerts.receivers.sorted { $0.key < $1.key }
        metric("haze_alert_last_delivery_timestamp_seconds", "When a receiver last accepted a message (Unix time).",
               receivers.compactMap { entry in entry.value.last_delivered.map { ([("receiver", entry.key), ("kind", entry.value.kind ?? "")], $0) } })
        metric("haze_alert_last_failure_timestamp_seconds", "When a receiver last refused or failed a message (Unix time).",
               receivers.compactMap { entry in entry.value.last_failed.map { ([("receiver", entry.key), ("kind", entry.value.kind ?? "")], $0) } })
        metric("haze_alert_blocked_until_timestamp_seconds", "Until when a receiver blocked haze for exceeding its quota (Unix time).",
               receivers.compactMap { entry in entry.value.blocked_until.map { ([("receiver", entry.key)], $0) } })
        metric("haze_alert_files_ok", "1 when the alert state and delivery ledger read cleanly (else see haze check).",
               [([], alerts.problems.isEmpty ? 1 : 0)])
        return out
    }

    /// A label value: backslash, double quote and line feed escaped.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
