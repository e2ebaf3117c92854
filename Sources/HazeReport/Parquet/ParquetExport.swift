import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment

/// `haze export parquet`: a store's station values as one long table for
/// analysts (DuckDB, Polars, pandas, Spark), one row per station, pollutant
/// and hour (or day) of the range — missing and invalid ones included, with
/// a null value — sorted by station, pollutant and time.
///
/// | column    | Parquet type                                  | what |
/// |-----------|-----------------------------------------------|------|
/// | station   | BYTE_ARRAY STRING                             | station code (1001A) |
/// | city      | BYTE_ARRAY STRING, nullable                   | its city in the registry (null: not in the registry) |
/// | time      | INT64 TIMESTAMP(MILLIS, UTC) / INT32 DATE     | hour: the hour's start instant (haze's hour label, in UTC); day: the local date |
/// | pollutant | BYTE_ARRAY STRING                             | PM2.5, PM10, SO2, NO2, CO, O3 |
/// | value     | DOUBLE, nullable                              | µg/m³ (CO mg/m³), unrounded; null when missing or invalid |
/// | valid     | BOOLEAN                                       | hour: a value is held; day: GB 3095's ≥ 20 hours (O3: HJ 663's MDA8 rule) |
///
/// A day is the station's daily mean (O3: the daily maximum 8-hour mean), as
/// `haze query --station … --resolution day` gives it.
public struct ParquetExport {
    /// The first local date exported (inclusive).
    public var from: CivilDate
    /// The last local date exported (inclusive).
    public var to: CivilDate
    /// Hour or day rows (not month).
    public var resolution: Resolution
    /// nil: every city.
    public var city: String?
    /// The pollutant columns, in order.
    public var pollutants: [Pollutant]
    /// Rows per row group (readers load a row group at a time).
    public var rowGroupRows: Int

    /// What an export wrote.
    public struct Summary: Sendable, Equatable {
        /// Rows written (station × pollutant × hour or day, missing ones included).
        public var rows: Int
        /// Non-null values (valid samples).
        public var values: Int
        /// Station-pollutant series exported.
        public var series: Int
        /// Size of the file in bytes.
        public var bytes: Int
    }

    /// An export of `pollutants` of every station (of `city` when given) from `from` to `to` at `resolution`.
    public init(from: CivilDate, to: CivilDate, resolution: Resolution, city: String? = nil,
                pollutants: [Pollutant] = Pollutant.allCases, rowGroupRows: Int = 1 << 20) {
        self.from = from
        self.to = to
        self.resolution = resolution
        self.city = city
        self.pollutants = pollutants
        self.rowGroupRows = rowGroupRows
    }

    /// The file's bytes, and what it holds. Throws for an unknown city, a
    /// range the store does not keep (as `haze query` does) or damaged days.
    public func file(store: Store, registry: StationRegistry, createdBy: String = "haze") throws -> (bytes: [UInt8], summary: Summary) {
        guard resolution != .month else {
            throw QueryError.noData("haze export: --resolution is hour or day (months: haze query --resolution month)")
        }
        let first = Day(from), last = Day(to)
        guard first <= last else { throw QueryError.noData("haze export: --from \(from) is after --to \(to)") }
        try RequestedRange.check(days: first ... last, hourly: resolution == .hour, store: store)
        var cityName: String?
        if let city {
            guard let found = registry.city(named: city) else {
                throw QueryError.unknownCity(city, suggestions: registry.citySuggestions(for: city))
            }
            cityName = found
        }
        let aggregation = Aggregation(store: store)
        let firstHour = store.zone.firstHour(of: first), endHour = store.zone.firstHour(of: last.advanced(by: 1))
        if resolution == .day {
            try aggregation.requireIntact(first ..< last.advanced(by: 1))
        } else {
            try aggregation.requireIntact(firstHour ..< endHour)
        }
        let wanted = Set(pollutants)
        let series = store.series.indices.filter { index in
            let key = store.series[index]
            return wanted.contains(key.pollutant) && (cityName == nil || registry[key.station]?.city == cityName)
        }.sorted { a, b in
            let ka = store.series[a], kb = store.series[b]
            return ka.station != kb.station ? ka.station < kb.station : ka.pollutant.rawValue < kb.pollutant.rawValue
        }
        let hourly = resolution == .hour
        var writer = ParquetWriter(columns: [
            ParquetColumn("station", .byteArray, .string),
            ParquetColumn("city", .byteArray, .string, optional: true),
            hourly ? ParquetColumn("time", .int64, .timestampMillisUTC) : ParquetColumn("time", .int32, .date),
            ParquetColumn("pollutant", .byteArray, .string),
            ParquetColumn("value", .double, optional: true),
            ParquetColumn("valid", .boolean),
            // What haze leaves out of every unit and city value, so an analyst's
            // GROUP BY city can leave it out too.
            ParquetColumn("control", .boolean),
            ParquetColumn("sensor", .boolean),
        ], rowGroupRows: rowGroupRows, metadata: [
            ("haze.resolution", resolution.rawValue),
            ("haze.range", "\(from)…\(to)"),
            ("haze.zone", store.zone.description),
            ("haze.units", "value in µg/m³, CO in mg/m³; unrounded"),
            ("haze.valid", hourly ? "an hourly value is held" : "station day: ≥ 20 valid hours (GB 3095); O3: MDA8 valid by HJ 663"),
        ], createdBy: createdBy)
        var values = 0
        for index in series {
            let key = store.series[index]
            let station = registry[key.station]
            let stationCity = station?.city
            let isControl = station?.isControl ?? false, isSensor = station?.isSensor ?? false
            func row(_ time: Int64, _ value: Double?) throws {
                writer.column(0) { $0.append(key.station) }
                writer.column(1) { $0.append(stationCity) }
                writer.column(2) { hourly ? $0.append(time) : $0.append(Int32(truncatingIfNeeded: time)) }
                writer.column(3) { $0.append(key.pollutant.displayName) }
                writer.column(4) { $0.append(value) }
                writer.column(5) { $0.append(value != nil) }
                writer.column(6) { $0.append(isControl) }
                writer.column(7) { $0.append(isSensor) }
                if value != nil { values += 1 }
                try writer.endRow()
            }
            if hourly {
                for hour in firstHour ..< endHour {
                    let value = store.value(index, at: hour).map { key.pollutant.displayValue(Double($0)) }
                    try row(Int64(hour.index) * 3_600_000, value)
                }
            } else {
                for day in first ... last {
                    let value = aggregation.assessedDay([index], key.pollutant, on: day, asUnit: false).validMean
                    try row(Int64(day.index), value.map(key.pollutant.displayValue))
                }
            }
        }
        let bytes = try writer.finish()
        return (bytes, Summary(rows: writer.rows, values: values, series: series.count, bytes: bytes.count))
    }
}
