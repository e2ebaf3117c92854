import HazeModel
import HazeAssessment

/// The lines every ranking report prints about what it does not rank: units
/// without a station, stations without a unit, stations not in the list in
/// force, and control points with their values (listed apart, unranked).
enum CoverageNotes {
    static func lines(_ coverage: UnitCoverage, controlPoints: [UnrankedEntry], language lang: Language) -> [String] {
        var lines = coverage.lines(chinese: lang == .zh)
        if !controlPoints.isEmpty {
            let entries = controlPoints.map { entry in
                entry.unit.label + " " + entry.values.map { value in
                    let stats = value.statistics
                    let shown = stats.rounded.map { stats.isValid ? String($0) : "(\($0))" } ?? "—"
                    return "\(value.pollutant.displayName) \(shown)"
                }.joined(separator: lang.text("、", ", "))
            }.joined(separator: lang.text("；", "; "))
            lines.append(lang.text("对照点（不参与排名，不计入任何单元）：", "Control points (not ranked, counted in no unit): ") + entries)
        }
        return lines
    }

    static func json(_ coverage: UnitCoverage, controlPoints: [UnrankedEntry]) -> JSONValue {
        func days(_ entry: UnitCoverage.StationDays) -> JSONValue {
            .object([("code", .string(entry.station.code)), ("name", .string(entry.station.name)),
                     ("unit", entry.unit.map(JSONValue.string) ?? .null), ("days", .int(entry.dayCount)),
                     ("dates", .string(entry.daysText))])
        }
        return .object([
            ("units_without_station", .array(coverage.unitsWithoutStation.map {
                .object([("city", .string($0.city)), ("unit", .string($0.unit))])
            })),
            ("stations_without_unit", .array(coverage.stationsWithoutUnit.map(days))),
            ("not_in_list_in_force", .array(coverage.notInListInForce.map(days))),
            ("sensors_not_counted", .int(coverage.sensors)),
            ("control_points", .array(controlPoints.map { entry in
                .object([("code", .string(entry.unit.name)), ("label", .string(entry.unit.label))] + entry.values.map { value in
                    let stats = value.statistics
                    return (value.pollutant.displayName, .object([
                        ("mean", stats.isValid ? stats.rounded.map(JSONValue.int) ?? .null : .null),
                        ("mean_of_valid_days", stats.mean.map { .decimal($0, places: 4) } ?? .null),
                        ("valid_days", .int(stats.validDays)), ("valid", .bool(stats.isValid)),
                    ]))
                })
            })),
        ])
    }
}
