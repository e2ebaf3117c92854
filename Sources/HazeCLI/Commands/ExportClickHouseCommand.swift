import HazeModel
import HazeRegistry
import HazeWarehouse

/// `haze export clickhouse`: the store's hourly values, stations and
/// memberships into ClickHouse, idempotently and incrementally.
enum ExportClickHouseCommand {
    static let spec = CommandSpec(
        name: "export clickhouse",
        abstract: "Hourly values, stations and unit memberships into ClickHouse (HTTP), incrementally; re-runs add nothing.",
        options: [
            ClickHouseOptions.url, ClickHouseOptions.database, ClickHouseOptions.userEnv, ClickHouseOptions.passwordEnv,
            .value("--pollutant", "LIST", "pm2.5, pm10, so2, no2, co, o3 (comma-separated) or all (default all)."),
            .value("--batch-rows", "N", "Rows per INSERT (default 100000).", accepts: .wholeNumber(1000...1_000_000)),
            .value("--cursor", "NAME", "The cursor under <store>/export/clickhouse/ (default clickhouse): one per target."),
            CommonOptions.store, CommonOptions.stations,
        ],
        discussion: """
        Creates (if absent) the database and three ReplacingMergeTree tables: hourly (station,
        pollutant, hour, day, value, valid, version; key station × pollutant × hour), stations
        (station, name, city, control) and membership (layer, station, day → city, unit: the unit
        a station counts in that day, from the national list in force and the memberships; empty:
        not counted). Rows replace by key, so a re-run, a retried batch or a run after a lost
        cursor adds nothing visible; read with FINAL or argMax(value, version).
        Incremental: <store>/export/clickhouse/<cursor>.json keeps the checksum of every hour sent;
        a run sends only new or changed hours (a changed hour in full: withdrawn values come as
        valid = 0), and the memberships of days the registry now sees differently. The cursor is
        saved after every batch ClickHouse confirmed: a fault mid-way loses nothing, the next run
        resends the rest. Only the hourly window of the store can be sent.
        Credentials: --user-env and --password-env name environment variables (never the values).
        """,
        examples: [
            "haze export clickhouse --url http://127.0.0.1:8123",
            "CH_USER=haze CH_PASSWORD=… haze export clickhouse --url https://ch.example.org:8443 --user-env CH_USER --password-env CH_PASSWORD --database air",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let target = try ClickHouseOptions.target(arguments, context)
        let pollutants = arguments.value("--pollutant") == nil ? Pollutant.allCases : try arguments.pollutants()
        let registry = try context.registry(arguments)
        let export = ClickHouseExport(pollutants: pollutants, batchRows: try arguments.integer("--batch-rows") ?? 100_000,
                                      cursorName: arguments.value("--cursor") ?? "clickhouse")
        let summary = try export.run(storeDirectory: context.storeDirectory(arguments), registry: registry, target: target) { line in
            if line.hasPrefix("attempt") { context.console.note("haze export clickhouse: \(line)") }
        }
        context.console.note("sent to \(target.shown) database \(target.database): \(summary.hoursSent) hours (\(summary.rows) rows, \(summary.values) values), "
            + "\(summary.membershipRows) membership rows, \(summary.stationRows) station rows in \(summary.batches) batches, \(summary.bytes) bytes; "
            + "\(summary.hoursUnchanged) hours unchanged since the last run; version \(summary.version); cursor \(summary.cursor)")
        return .success
    }
}

/// The options naming a ClickHouse target, shared by `export clickhouse` and `rank --engine clickhouse`.
enum ClickHouseOptions {
    static let url = CommandSpec.Option.value("--url", "URL", "ClickHouse's HTTP interface, e.g. http://127.0.0.1:8123 (no credentials in it).")
    static let database = CommandSpec.Option.value("--database", "NAME", "The database of haze's tables (default haze).")
    static let userEnv = CommandSpec.Option.value("--user-env", "VAR", "The environment variable holding the ClickHouse user.")
    static let passwordEnv = CommandSpec.Option.value("--password-env", "VAR", "The environment variable holding the ClickHouse password.")

    static func target(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ClickHouseTarget {
        guard let url = arguments.value("--url") else { throw UsageError.missing("ClickHouse needs --url (e.g. http://127.0.0.1:8123)") }
        return try ClickHouseTarget(url: url, database: arguments.value("--database") ?? "haze",
                                    userVariable: arguments.value("--user-env"), passwordVariable: arguments.value("--password-env"),
                                    environment: context.environment)
    }
}
