import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeReport

/// `haze export parquet`: the store's station values as a Parquet file.
enum ExportCommand {
    static let spec = CommandSpec(
        name: "export parquet",
        abstract: "Station values as a Parquet file for DuckDB, Polars, pandas or Spark.",
        options: [
            .value("--out", "FILE", "The Parquet file to write (required; replaced atomically)."),
            .value("--from", "DATE", "First local date, YYYY-MM-DD (default: the first day with data).", accepts: .date),
            .value("--to", "DATE", "Last local date (default: the newest day in the store).", accepts: .date),
            .value("--city", "NAME", "Only the stations of this city (default: every station)."),
            .value("--pollutant", "LIST", "pm2.5, pm10, so2, no2, co, o3 (comma-separated) or all (default all)."),
            .value("--resolution", "STEP", "hour (default) | day: a station's daily mean (O3: MDA8)."),
            CommonOptions.store, CommonOptions.stations,
        ],
        discussion: """
        One row per station, pollutant and hour (or day) of the range, missing ones included,
        sorted by station, pollutant and time. Columns: station (string), city (string, null when
        the station is not in the registry), time (hour: TIMESTAMP in milliseconds, UTC — the start
        of haze's hour label; day: DATE, the local date), pollutant (PM2.5 … O3), value (double,
        µg/m³, CO mg/m³, unrounded; null when missing or invalid), valid (boolean: an hour holds a
        value; a day has ≥ 20 valid hours, O3 a valid MDA8). PLAIN encoding, GZIP; one row group
        per 1 048 576 rows. Read it with e.g. duckdb -c "SELECT * FROM 'haze.parquet'".
        """,
        examples: [
            "haze export parquet --out haze.parquet",
            "haze export parquet --out beijing-days.parquet --city 北京 --resolution day --from 2019-01-01 --to 2019-02-28",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        guard let out = arguments.value("--out") else { throw UsageError.missing("haze export parquet needs --out FILE") }
        let resolution: Resolution = try arguments.choice("--resolution", default: .hour)
        guard resolution != .month else {
            throw UsageError.invalidValue(option: "--resolution", value: "month", expected: "hour|day")
        }
        let pollutants = arguments.value("--pollutant") == nil ? Pollutant.allCases : try arguments.pollutants()
        let given = try GivenDates(arguments, command: "haze export parquet")
        let registry = try context.registry(arguments)
        let (bytes, summary) = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store in
            // Without --from, everything the store holds at the resolution asked for.
            let (from, to) = try given.resolved(in: store) { to in
                let status = StoreStatus(store: store)
                let firstDay = resolution == .hour ? status.firstHourWithData.map { store.zone.day(of: $0) } : status.firstDayWithData
                return firstDay?.date ?? to
            }
            do {
                return try ParquetExport(from: from, to: to, resolution: resolution, city: arguments.value("--city"),
                                         pollutants: pollutants)
                    .file(store: store, registry: registry, createdBy: "haze version \(HazeVersion.current)")
            } catch let error as QueryError where error.isUsage {
                throw UsageError.conflict("haze export parquet \(arguments.shown(["--from", "--to", "--resolution"])): \(error)")
            }
        }
        let path = context.absolute(out)
        try OutputFile.write(bytes, to: path)
        let perValue = summary.values == 0 ? "" : ", " + GBT8170.format(Double(summary.bytes) / Double(summary.values), decimals: 2) + " bytes per value"
        context.console.note("wrote \(path): \(summary.rows) rows (\(summary.values) values, \(summary.series) series), \(summary.bytes) bytes\(perValue)")
        return .success
    }
}
