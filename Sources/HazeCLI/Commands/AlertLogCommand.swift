import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeAlerts
import HazeReport

/// `haze alert log`: what was reported, to whom, whether it was delivered,
/// when it closed and who acknowledged it — from the record
/// (`alerts.ndjson`, `deliveries.ndjson`, `acks.ndjson`), never re-derived.
enum AlertLogCommand {
    static let spec = CommandSpec(
        name: "alert log",
        abstract: "The alert record: reports of a period, to whom, delivered, closed, acknowledged.",
        options: [
            CommonOptions.store, CommonOptions.stations,
            .value("--from", "DATE", "First local date (default: the first report).", accepts: .date),
            .value("--to", "DATE", "Last local date (default: the last report).", accepts: .date),
            .value("--city", "NAME", "Reports about this city only."),
            .value("--rule", "ID", "Reports of this rule only."),
            .value("--format", "FORMAT", "table (default) | csv | json | ndjson (the log's lines as written)."),
            .value("--out", "FILE", "Write to FILE instead of stdout (replaced atomically)."),
        ],
        discussion: """
        Columns: the report (time, event, severity, rule, subject, city, district, level), the
        receivers the routing sent it to, those that took it (with when), those still waiting or
        failed, silences and quiet hours that held it back, when its episode closed (from a later
        report), and who acknowledged it (haze alert ack). json gives each log line unchanged
        under "report", with the rest beside it; ndjson gives the matching log lines byte for byte.
        """,
        examples: [
            "haze alert log --from 2019-03-01 --to 2019-03-31 --city 北京",
            "haze alert log --from 2019-03-01 --to 2019-03-31 --format csv --out 2019-03-alerts.csv",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let format = try arguments.format(allowed: [.table, .csv, .json, .ndjson])
        let from = try arguments.date("--from"), to = try arguments.date("--to")
        if let from, let to, from > to { throw UsageError.conflict("haze alert log: --from \(from) is after --to \(to)") }
        var city: String?
        if let name = arguments.value("--city") {
            let registry = try context.registry(arguments)
            guard let known = registry.city(named: name) else {
                throw QueryError.unknownCity(name, suggestions: registry.citySuggestions(for: name))
            }
            city = known
        }
        let directory = context.storeDirectory(arguments)
        guard FileManager.default.fileExists(atPath: directory) else { throw StoreError.notFound(directory: directory) }
        let entries = AlertHistory(storeDirectory: directory)
            .entries(.init(from: from, to: to, city: city, rule: arguments.value("--rule")))
        let output: String
        switch format {
        case .ndjson: output = entries.map { $0.line + "\n" }.joined()
        case .json: output = json(entries)
        case .csv: output = csv(entries)
        default: output = table(entries)
        }
        if let out = arguments.value("--out") {
            let path = context.absolute(out)
            try OutputFile.write(Array(output.utf8), to: path)
            context.console.note("wrote \(path) (\(entries.count) report(s))")
        } else {
            context.console.out(output)
        }
        return .success
    }

    static let columns = ["time", "event", "severity", "rule", "subject", "name", "city", "district", "level", "episode",
                          "routed", "delivered", "waiting", "held_back", "closed", "acknowledged"]

    /// One row per report, the columns above.
    static func row(_ entry: AlertHistory.Entry) -> [String] {
        let routed = (entry.report["routed"]?.arrayValue ?? []).compactMap(\.stringValue)
        let delivered = entry.delivered.map { "\($0.receiver) \($0.time)" }
        let waiting = routed.filter { id in !entry.delivered.contains { $0.receiver == id } }.map { id in
            entry.failed.first { $0.receiver == id }.map { "\(id): \($0.error)" } ?? id
        }
        var held: [String] = []
        if let silence = entry.report["silenced"]?.stringValue { held.append("silence \(silence)") }
        for id in (entry.report["quiet"]?.arrayValue ?? []).compactMap(\.stringValue) { held.append("quiet hours \(id)") }
        let acknowledged = entry.acknowledged.map { "\($0.by) \($0.time)" + ($0.note.isEmpty ? "" : " (\($0.note))") }
        return ["time", "event", "severity", "rule", "subject", "name", "city", "district", "level", "episode"].map { entry.text($0) }
            + [routed.joined(separator: " "), delivered.joined(separator: "; "), waiting.joined(separator: "; "),
               held.joined(separator: "; "), entry.closed ?? "", acknowledged.joined(separator: "; ")]
    }

    static func table(_ entries: [AlertHistory.Entry]) -> String {
        guard !entries.isEmpty else { return "no reports in the alert log for this selection\n" }
        var table = TextTable(columns: columns.map { .init($0) })
        for entry in entries {
            var cells = row(entry)
            cells[9] = ""  // the episode id repeats time, rule and subject
            table.append(cells)
        }
        return table.render(omittingEmptyColumns: true)
    }

    static func csv(_ entries: [AlertHistory.Entry]) -> String {
        var out = CSVWriter.line(columns) + "\n"
        for entry in entries { out += CSVWriter.line(row(entry)) + "\n" }
        return out
    }

    static func json(_ entries: [AlertHistory.Entry]) -> String {
        var out = "[\n"
        for (index, entry) in entries.enumerated() {
            let extra: JSONValue = .object([
                ("delivered", .array(entry.delivered.map { .object([("receiver", .string($0.receiver)), ("time", .string($0.time))]) })),
                ("waiting", .array(entry.failed.map {
                    .object([("receiver", .string($0.receiver)), ("time", .string($0.time)), ("error", .string($0.error))])
                })),
                ("closed", entry.closed.map { .string($0) } ?? .null),
                ("acknowledged", .array(entry.acknowledged.map {
                    .object([("by", .string($0.by)), ("time", .string($0.time)), ("note", .string($0.note))])
                })),
            ])
            // The log line goes in unchanged: the report as it was recorded.
            var text = extra.serialized()
            text.removeFirst()
            out += "  {\"report\":" + entry.line + "," + text + (index + 1 < entries.count ? ",\n" : "\n")
        }
        return out + "]\n"
    }

    /// The zones of the routes file, for --zone (empty without one).
    static func zones(_ arguments: ParsedArguments, _ context: CommandContext, rules: RuleSet,
                      registry: StationRegistry) throws -> ZoneTable {
        let rulesDirectory = try AlertCommand.rulesDirectory(arguments, context)
        let file = arguments.value("--routes").map { context.absolute($0) }
            ?? (rulesDirectory as NSString).appendingPathComponent(AlertRoutes.fileName)
        guard arguments.value("--routes") != nil || FileManager.default.fileExists(atPath: file) else { return ZoneTable() }
        return try AlertRoutes.load(file: file, rules: rules, registry: registry).zones
    }
}
