import HazeModel
import HazeAssessment

/// Renders `haze query --indicator aqi` rows as a table, CSV or JSON: per
/// hour or day the AQI, level, category, primary pollutant(s) and each
/// item's IAQI; per month the days per level, 优良天数 and its ratio.
/// An AQI that is not published (HJ 633—2026 §5.3.1, or a day without all
/// six pollutants and an AQI ≤ 100) is empty, with the AQI of the items
/// present in `aqi_partial` and the missing pollutants named.
public struct AQIQueryReport: Sendable {
    /// The rows of an `AQIQuery`, oldest first.
    public var rows: [AQIQuery.Row]
    /// The rows' resolution (month rows have day counts instead of an AQI).
    public var resolution: Resolution

    /// A report of `rows` computed at `resolution`.
    public init(rows: [AQIQuery.Row], resolution: Resolution) {
        self.rows = rows
        self.resolution = resolution
    }

    /// The IAQI columns of the resolution.
    var items: [AQIComponent] {
        resolution == .hour ? [.so2, .no2, .co, .o3, .pm10, .pm25] : [.so2, .no2, .co, .pm10, .pm25, .o3_8h, .o3_1h]
    }

    func note(_ result: AQIResult) -> String {
        var notes: [String] = []
        if result.aqi == nil, let partial = result.partial {
            notes.append(resolution == .hour ? "not published: \(result.missing.map(\.displayName).joined(separator: ", ")) missing and AQI \(partial) ≤ 100"
                                             : "no valid AQI day: \(result.missing.map(\.displayName).joined(separator: ", ")) not valid and AQI \(partial) ≤ 100")
        } else if result.aqi != nil, !result.missing.isEmpty {
            notes.append("without " + result.missing.map(\.displayName).joined(separator: ", "))
        } else if result.partial == nil {
            notes.append("no data")
        }
        return notes.joined(separator: "; ")
    }

    static let levelKeys = AQILevel.allCases.map { "level_\($0.rawValue)" }

    /// The rows as CSV (RFC 4180, a header line first; cells that would start a spreadsheet formula are neutralised).
    public func csv() -> String {
        if resolution == .month {
            var out = CSVWriter.line(["time", "subject", "valid_days", "good_days", "good_ratio_pct", "polluted_days", "valid"] + Self.levelKeys)
            for row in rows {
                guard let days = row.days else { continue }
                out += CSVWriter.line([row.time, row.subject, String(days.validDays), String(days.goodDays),
                                       days.goodRatioTenths.map { GBT8170.format(Double($0) / 10, decimals: 1) } ?? "",
                                       String(days.pollutedDays), days.isValid ? "true" : "false"]
                                      + AQILevel.allCases.map { String(days.byLevel[$0] ?? 0) })
            }
            return out
        }
        var out = CSVWriter.line(["time", "subject", "aqi", "aqi_partial", "level", "category", "primary", "edition"]
                                 + items.map { "iaqi_" + $0.rawValue } + ["missing"])
        for row in rows {
            guard let result = row.aqi else { continue }
            out += CSVWriter.line([row.time, row.subject, result.aqi.map(String.init) ?? "", result.partial.map(String.init) ?? "",
                                   result.level.map { String($0.rawValue) } ?? "", result.level?.category ?? "",
                                   result.primaryText, result.edition.rawValue]
                                  + items.map { result.iaqi[$0].map(String.init) ?? "" }
                                  + [result.missing.map(\.displayName).joined(separator: ",")])
        }
        return out
    }

    /// The report as a JSON document (pretty-printed, ending with a newline).
    public func json() -> String {
        JSONValue.array(rows.map { row in
            if let days = row.days {
                return .object([
                    ("time", .string(row.time)), ("subject", .string(row.subject)),
                    ("valid_days", .int(days.validDays)), ("good_days", .int(days.goodDays)),
                    ("good_ratio_pct", days.goodRatioTenths.map { .decimal(Double($0) / 10, places: 1) } ?? .null),
                    ("polluted_days", .int(days.pollutedDays)), ("valid", .bool(days.isValid)),
                    ("days_by_level", .object(AQILevel.allCases.map { (String($0.rawValue), .int(days.byLevel[$0] ?? 0)) })),
                    ("primary_days", .object(AQIComponent.allCases.compactMap { c in days.primaryDays[c].map { (c.rawValue, .int($0)) } })),
                ])
            }
            guard let result = row.aqi else { return .null }
            return .object([
                ("time", .string(row.time)), ("subject", .string(row.subject)),
                ("aqi", result.aqi.map(JSONValue.int) ?? .null), ("aqi_partial", result.partial.map(JSONValue.int) ?? .null),
                ("level", result.level.map { .int($0.rawValue) } ?? .null),
                ("category", result.level.map { .string($0.category) } ?? .null),
                ("primary", .array(result.primary.map { .string($0.rawValue) })),
                ("edition", .string(result.edition.rawValue)),
                ("iaqi", .object(items.compactMap { item in result.iaqi[item].map { (item.rawValue, .int($0)) } })),
                ("missing", .array(result.missing.map { .string($0.displayName) })),
            ])
        }).serialized(pretty: true) + "\n"
    }

    /// A fixed-width text table for the terminal (CJK counted as two columns, control characters shown escaped).
    public func table() -> String {
        if resolution == .month {
            var table = TextTable(columns: [.init("time"), .init("subject"), .init("valid days", alignRight: true),
                                            .init("优良 good", alignRight: true), .init("ratio %", alignRight: true),
                                            .init("polluted", alignRight: true)]
                                  + AQILevel.allCases.map { .init($0.category, alignRight: true) } + [.init("note")])
            for row in rows {
                guard let days = row.days else { continue }
                let note = days.isValid ? "" : (days.shortfall.map { "invalid: " + $0.text(false) } ?? "no data")
                table.append([row.time, row.subject, String(days.validDays), String(days.goodDays),
                              days.goodRatioTenths.map { GBT8170.format(Double($0) / 10, decimals: 1) } ?? "—",
                              String(days.pollutedDays)] + AQILevel.allCases.map { String(days.byLevel[$0] ?? 0) } + [note])
            }
            return table.render()
        }
        var table = TextTable(columns: [.init("time"), .init("subject"), .init("AQI", alignRight: true), .init("level"),
                                        .init("primary")] + items.map { .init($0.rawValue, alignRight: true) } + [.init("note")])
        for row in rows {
            guard let result = row.aqi else { continue }
            table.append([row.time, row.subject, result.aqi.map(String.init) ?? "—",
                          result.level.map { "\($0.rawValue) \($0.category)" } ?? "", result.primaryText]
                         + items.map { result.iaqi[$0].map(String.init) ?? "—" } + [note(result)])
        }
        return table.render(omittingEmptyColumns: true)
    }
}
