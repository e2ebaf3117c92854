import HazeModel
import HazeAssessment

/// Renders `haze query` rows as a table, CSV or JSON.
///
/// Values are rounded once, here, half to even (GB/T 8170) to the published
/// precision (whole µg/m³, CO one decimal in mg/m³) plus `decimals` more
/// places; an invalid value is shown empty in CSV, `null` in JSON and `—` in
/// the table, never as 0. O3's day is its daily maximum 8-hour mean; a
/// month is the mean of its valid days, for CO the 95th and for O3 the 90th
/// percentile (HJ 663) — the `statistic` column says which.
public struct QueryReport: Sendable {
    /// The rows of a `StationQuery`, oldest first.
    public var rows: [StationQuery.Row]
    /// The rows' resolution.
    public var resolution: Resolution
    /// Decimals the values are written with (GB/T 8170 rounding).
    public var decimals: Int
    /// True for a district or city: a day's count is stations, not hours.
    public var isUnit: Bool

    /// A report of `rows` at `resolution`; `isUnit` for a district or city (a day's count is then stations, not hours).
    public init(rows: [StationQuery.Row], resolution: Resolution, decimals: Int = 0, isUnit: Bool) {
        self.rows = rows
        self.resolution = resolution
        self.decimals = decimals
        self.isUnit = isUnit
    }

    func text(_ row: StationQuery.Row) -> String? {
        row.value.validMean.map { row.pollutant.format($0, extraDecimals: decimals) }
    }

    func number(_ row: StationQuery.Row) -> JSONValue {
        row.value.validMean.map { .decimal(row.pollutant.displayValue($0), places: row.pollutant.decimals + decimals) } ?? .null
    }

    var countTitle: String {
        switch resolution {
        case .hour: "stations"
        case .day: isUnit ? "stations" : (rows.contains { $0.pollutant == .o3 } ? "valid hours (O3: 8-h means)" : "valid hours")
        case .month: "valid days"
        }
    }

    /// The rows as CSV (RFC 4180, a header line first; cells that would start a spreadsheet formula are neutralised).
    public func csv() -> String {
        var out = CSVWriter.line(["time", "subject", "pollutant", "value", "valid_count", "unit", "statistic"])
        for row in rows {
            out += CSVWriter.line([row.time, row.subject, row.pollutant.displayName, text(row) ?? "",
                                   String(row.value.count), row.pollutant.unit, row.statistic.label])
        }
        return out
    }

    /// The report as a JSON document (pretty-printed, ending with a newline).
    public func json() -> String {
        JSONValue.array(rows.map { row in
            .object([
                ("time", .string(row.time)), ("subject", .string(row.subject)),
                ("pollutant", .string(row.pollutant.displayName)),
                ("value", number(row)), ("unit", .string(row.pollutant.unit)), ("statistic", .string(row.statistic.label)),
                ("valid_count", .int(row.value.count)), ("valid", .bool(row.value.isValid)),
            ])
        }).serialized(pretty: true) + "\n"
    }

    /// A fixed-width text table for the terminal (CJK counted as two columns, control characters shown escaped).
    public func table() -> String {
        var table = TextTable(columns: [.init("time"), .init("subject"), .init("pollutant"),
                                        .init("value", alignRight: true), .init("unit"), .init("statistic"),
                                        .init(countTitle, alignRight: true), .init("note")])
        for row in rows {
            var note = ""
            if !row.value.isValid && row.value.count > 0 {
                switch (resolution, row.statistic) {
                case (.month, _): note = "invalid: too few valid days"
                case (_, .dailyMaximum8Hour): note = "invalid: fewer than 14 valid 8-hour means, not above 160"
                default: note = "invalid: fewer than 20 hours"
                }
            } else if row.value.count == 0 {
                note = "no data"
            }
            table.append([row.time, row.subject, row.pollutant.displayName, text(row) ?? "—", row.pollutant.unit,
                          row.statistic.label, String(row.value.count), note])
        }
        return table.render(omittingEmptyColumns: true)
    }
}

extension QueryReport {
    /// A page for a phone or a desktop: the time-series chart of the rows,
    /// then the values as a table (the same numbers as the CSV).
    func localizedCountTitle(_ language: Language) -> String {
        switch resolution {
        case .hour: language.text("站点数", "stations")
        case .day: isUnit ? language.text("站点数", "stations") : language.text("有效小时数", "valid hours")
        case .month: language.text("有效天数", "valid days")
        }
    }

    /// The rows as an HTML page with `chart` above the table, headings in `language`.
    public func html(chart: any Chart, language: Language) -> String {
        let columns: [TextTable.Column] = [.init(language.text("时间", "Time")), .init(language.text("污染物", "Pollutant")),
                                           .init(language.text("浓度", "Value"), alignRight: true),
                                           .init(localizedCountTitle(language), alignRight: true), .init(language.text("单位", "Unit"))]
        let table = HTMLTable(columns: columns, rows: rows.map { row in
            [row.time, row.pollutant.displayName, text(row) ?? "—", String(row.value.count), row.pollutant.unit]
        }, muted: Set(rows.indices.filter { !rows[$0].value.isValid }), stickyColumn: 0)
        var page = ChartPage(title: chart.title, charts: [chart], language: language)
        page.appendix = "<h2>\(HTMLText.escape(language.text("数值", "Values")))</h2>\n" + table.html
        return page.document
    }
}
