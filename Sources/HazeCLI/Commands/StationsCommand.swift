import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeReport
import HazeIngest

/// `haze stations`: the registry, filtered; `diff` between two dated lists;
/// `assign` units from boundary polygons, for review.
enum StationsCommand {
    static let spec = CommandSpec(
        name: "stations",
        abstract: "List registry stations; compare a snapshot with the registry; diff two dated lists; suggest units from boundary polygons.",
        positionals: "[diff | assign]",
        options: [
            .value("--city", "NAME", "Only this city (北京, 北京市 and aliases)."),
            .value("--district", "NAME", "Only this district (listing)."),
            .value("--on", "DATE", "Listing and assign: the stations of the national list in force on DATE, with their units that day; --compare: the day whose registry is compared (default: the snapshot's date).", accepts: .date),
            .value("--compare", "FILE", "A cnemc-hourly snapshot: list its stations the registry in force on its date lacks, and the registry's stations absent from it."),
            .value("--layer", "LAYER", "Listing: show the unit on this layer; assign: the layer the suggested units are for."),
            .value("--from", "DATE", "diff: the list in force on DATE …", accepts: .date),
            .value("--to", "DATE", "diff: … against the list in force on DATE.", accepts: .date),
            .value("--boundaries", "FILE", "assign: a GeoJSON FeatureCollection of Polygon/MultiPolygon units."),
            .value("--property", "NAME", "assign: the feature property holding the unit's name (e.g. name)."),
            .value("--datum", "DATUM", "assign: the boundaries' datum, wgs84 (default) | gcj02 (AMap/高德, cnmaps); stations are WGS-84 and converted."),
            .value("--near", "METRES", "assign: flag stations this close to a boundary (default 1000).", accepts: .wholeNumber(1...100_000)),
            .value("--format", "FORMAT", "table (default) | csv | json (listing and diff); assign writes CSV."),
            .value("--out", "FILE", "assign: write the review CSV to FILE instead of stdout."),
            CommonOptions.stations,
        ],
        rules: [
            .requires("--from", "--to", because: "diff compares the list in force on --from with the one on --to"),
            .requires("--to", "--from", because: "diff compares the list in force on --from with the one on --to"),
            .requires("--boundaries", "--property", because: "assign names each polygon by a property"),
            .requires("--property", "--boundaries", because: "--property names a property of --boundaries"),
            .requires("--datum", "--boundaries", because: "--datum is the datum of --boundaries"),
            .requires("--near", "--boundaries", because: "--near is the margin of assign"),
            .requires("--out", "--boundaries", because: "only assign writes a file"),
            .exclusive("--compare", "--district", because: "--compare compares whole cities (--city) or the whole registry"),
            .exclusive("--compare", "--layer", because: "--compare compares stations, not units"),
        ],
        discussion: """
        The registry is stations/: dated national lists (national/YYYY-MM-DD.csv, the list in
        force on a day decides which stations count), station tables (code,name,city,district,
        longitude,latitude,control), membership files (code,layer,unit,from,to; dates inclusive,
        empty = open) and city aliases (alias,city). `#` lines are comments.

        diff: stations added, removed, renamed, moved more than 1 km (great-circle distance)
        and placed in another city between the lists in force on --from and --to.

        assign: point-in-polygon of every station (of --city; of the list in force on --on)
        against the GeoJSON polygons (holes and MultiPolygons; edges straight in lon/lat),
        after converting the WGS-84 station coordinates to --datum (GCJ-02 by the public
        formula). Every station within --near metres of a boundary (great-circle distance to the
        nearest edge), in no polygon, in several, or without coordinates is flagged. Nothing is
        assigned: the output is a CSV (code,layer,unit,from,to, then the review columns) to check
        and copy into stations/ — a row without a unit does not load until someone decides.

        --compare FILE: the stations of a cnemc-hourly snapshot (stationcode, positionname,
        area, longitude, latitude) against the registry in force on the snapshot's date
        (--on to choose another day): stations the registry lacks that day (new to it, or
        only in another dated list), and the registry's stations the snapshot lacks. Their
        values are quarantined by `haze ingest` until the registry has them.
        """,
        examples: [
            "haze stations --city 北京",
            "haze stations --city 周口 --on 2019-01-01 --layer zone",
            "haze stations diff --from 2020-01-01 --to 2026-10-09 --city 北京",
            "haze stations --compare 2026-10-09T05.csv --city 北京",
            "haze stations assign --boundaries beijing-districts.geojson --property name --datum gcj02 --layer district --city 北京 --on 2019-01-01 --out review.csv",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let mode = arguments.positionals.first
        guard arguments.positionals.count <= 1, mode == nil || mode == "diff" || mode == "assign" else {
            throw UsageError.conflict("haze stations: expected no argument, `diff` or `assign`, not '\(arguments.positionals.joined(separator: " "))'")
        }
        func refuse(_ options: [String], in what: String) throws {
            if let given = options.first(where: { arguments.value($0) != nil }) {
                throw UsageError.conflict("haze stations\(mode.map { " " + $0 } ?? ""): \(given) belongs to \(what)")
            }
        }
        switch mode {
        case "diff":
            try refuse(["--boundaries", "--on", "--layer", "--district", "--compare"], in: "the listing or assign, not diff")
            guard arguments.value("--from") != nil else { throw UsageError.missing("haze stations diff: give --from DATE and --to DATE") }
            return try diff(arguments, context)
        case "assign":
            try refuse(["--from", "--district", "--compare"], in: "the listing or diff, not assign")
            guard arguments.value("--boundaries") != nil, arguments.value("--layer") != nil else {
                throw UsageError.missing("haze stations assign: give --boundaries FILE --property NAME --layer LAYER")
            }
            return try assign(arguments, context)
        default:
            try refuse(["--from", "--boundaries"], in: "`haze stations diff` or `haze stations assign`")
            if arguments.value("--compare") != nil { return try compare(arguments, context) }
            return try list(arguments, context)
        }
    }

    static func resolveCity(_ registry: StationRegistry, _ arguments: ParsedArguments) throws -> String? {
        guard let city = arguments.value("--city") else { return nil }
        guard let resolved = registry.city(named: city) else {
            throw QueryError.unknownCity(city, suggestions: registry.citySuggestions(for: city))
        }
        return resolved
    }

    /// The stations in scope: of the list in force on `--on` (as that day), or all.
    static func scoped(_ registry: StationRegistry, _ arguments: ParsedArguments) throws -> [Station] {
        let city = try resolveCity(registry, arguments)
        var stations: [Station]
        if let on = try arguments.date("--on") {
            stations = registry.stations.compactMap { registry.station($0.code, on: Day(on)) }
        } else {
            stations = registry.stations
        }
        if let city { stations = stations.filter { $0.city == city } }
        return stations.sorted { $0.code < $1.code }
    }

    static func list(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let registry = try context.registry(arguments)
        let format = try arguments.format(allowed: [.table, .csv, .json])
        var stations = try scoped(registry, arguments)
        if let district = arguments.value("--district") {
            stations = stations.filter { $0.district == district }
            if stations.isEmpty {
                let known = registry.districts(inCity: try resolveCity(registry, arguments)).map(\.district)
                throw QueryError.unknownDistrict(district, suggestions: Suggestion.closest(to: district, among: known))
            }
        }
        let day = try arguments.date("--on").map(Day.init)
        let layer = arguments.value("--layer")
        if let layer, !registry.layers().contains(layer) {
            throw QueryError.unknownLayer(layer, city: nil, known: registry.layers())
        }
        func unit(_ s: Station) -> String {
            guard let layer else { return "" }
            if let day { return registry.unit(of: s.code, layer: layer, on: day) ?? "" }
            return registry.memberships(of: s.code, layer: layer).map { "\($0.unit) (\($0.span))" }.joined(separator: "; ")
        }
        func coordinate(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        // Named apart from the fixed columns: `--layer district` would otherwise give
        // two "district" columns (and a JSON object with the key twice).
        let unitColumn = layer.map { $0 + "_unit" }
        switch format {
        case .csv:
            var out = CSVWriter.line(["code", "name", "city", "district", "longitude", "latitude", "control", "sensor"] + (unitColumn.map { [$0] } ?? []))
            for s in stations {
                out += CSVWriter.line([s.code, s.name, s.city, s.district, coordinate(s.longitude), coordinate(s.latitude),
                                       s.isControl ? "1" : "0", s.isSensor ? "1" : "0"] + (layer == nil ? [] : [unit(s)]))
            }
            context.console.out(out)
        case .json:
            context.console.out(JSONValue.array(stations.map { s in
                .object([("code", .string(s.code)), ("name", .string(s.name)), ("city", .string(s.city)),
                         ("district", .string(s.district)),
                         ("longitude", s.longitude.map { .decimal($0, places: 4) } ?? .null),
                         ("latitude", s.latitude.map { .decimal($0, places: 4) } ?? .null),
                         ("control", .bool(s.isControl)), ("sensor", .bool(s.isSensor))] + (unitColumn.map { [($0, .string(unit(s)))] } ?? []))
            }).serialized(pretty: true) + "\n")
        default:
            var table = TextTable(columns: [.init("code"), .init("name"), .init("city"), .init("district"),
                                            .init("longitude", alignRight: true), .init("latitude", alignRight: true), .init("control")]
                                  + (layer.map { [.init($0 + " unit")] } ?? []))
            for s in stations {
                table.append([s.code, s.name, s.city, s.district, coordinate(s.longitude), coordinate(s.latitude),
                              s.isControl ? "对照点 control" : s.isSensor ? "微型站 sensor" : ""] + (layer == nil ? [] : [unit(s)]))
            }
            context.console.out(table.render())
            let when = day.map { ", list in force on \($0): \(registry.list(inForceOn: $0)?.file ?? "no dated list")" } ?? ""
            context.console.note("\(stations.count) station(s)\(when)")
        }
        return .success
    }

    /// `--compare FILE`: a snapshot's stations against the registry in force on its date.
    static func compare(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        guard let path = arguments.value("--compare") else { throw UsageError.missing("haze stations: give --compare FILE") }
        let format = try arguments.format(allowed: [.table, .csv, .json])
        let registry = try context.registry(arguments)
        let city = try resolveCity(registry, arguments)
        let file = context.absolute(path)
        let bytes = try IngestSource.file(file).load().bytes
        let stations = CNEMCHourlyParser.stations(in: bytes)
        guard !stations.isEmpty else {
            throw QueryError.noData("\(file): no stations found; --compare reads a cnemc-hourly snapshot (a header with timepoint and stationcode, one row per station)")
        }
        let hours = CNEMCHourlyParser.hours(in: bytes)
        let day: Day
        if let on = try arguments.date("--on") {
            day = Day(on)
        } else if let newest = hours.max() {
            day = LocalZone.beijing.day(of: newest)
        } else {
            throw QueryError.noData("\(file): no valid timepoint to date the snapshot; give the day with --on DATE")
        }
        let comparison = SnapshotStationComparison(stations: stations, registry: registry, on: day, city: city)
        let header = ["change", "code", "name", "city", "longitude", "latitude", "note"]
        func coordinate(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        var rows: [[String]] = []
        for lacking in comparison.notInRegistry {
            let s = lacking.station
            rows.append(["not in registry", s.code, s.name, s.city, coordinate(s.longitude), coordinate(s.latitude),
                         lacking.knownOnOtherDays ? "in the registry on other days, not in the list in force on \(day)" : "unknown to the registry"])
        }
        for s in comparison.absentFromFile {
            rows.append(["absent from file", s.code, s.name, s.city, coordinate(s.longitude), coordinate(s.latitude),
                         s.isControl ? "control point" : s.isSensor ? "micro-sensor" : ""])
        }
        let listName = registry.list(inForceOn: day).map { "list in force: national/\(($0.file as NSString).lastPathComponent)" } ?? "no dated list"
        let days = Set(hours.map { LocalZone.beijing.day(of: $0) })
        let unknown = comparison.notInRegistry.filter { !$0.knownOnOtherDays }.count
        let summary = "\(path): \(comparison.fileStations) station(s)\(city.map { " of \($0)" } ?? ""), compared with the registry of \(day) (\(listName))"
            + (days.count > 1 ? "; the file's hours span \(days.count) days" : "") + ": "
            + "\(comparison.notInRegistry.count) not in the registry that day (\(unknown) unknown to it, \(comparison.notInRegistry.count - unknown) only on other days), "
            + "\(comparison.absentFromFile.count) registry station(s) absent from the file"
            + (comparison.sensorsNotCompared > 0
                ? "; the file holds no micro-sensor: the registry's \(comparison.sensorsNotCompared) micro-sensor(s) are not compared" : "")
        switch format {
        case .csv:
            context.console.out(([header] + rows).map { CSVWriter.line($0) }.joined())
            context.console.note(summary)
        case .json:
            context.console.out(JSONValue.object([
                ("file", .string(path)), ("day", .string(day.description)), ("city", city.map(JSONValue.string) ?? .null),
                ("file_stations", .int(comparison.fileStations)),
                ("changes", .array(rows.map { row in .object(zip(header, row).map { ($0, .string($1)) }) })),
            ]).serialized(pretty: true) + "\n")
        default:
            var table = TextTable(columns: header.map { .init($0, alignRight: $0 == "longitude" || $0 == "latitude") })
            for row in rows { table.append(row) }
            context.console.out(table.render())
            context.console.note(summary)
        }
        return .success
    }

    static func diff(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let registry = try context.registry(arguments)
        let format = try arguments.format(allowed: [.table, .csv, .json])
        guard let from = try arguments.date("--from"), let to = try arguments.date("--to") else {
            throw UsageError.missing("haze stations diff: give --from DATE and --to DATE")
        }
        guard let before = registry.list(inForceOn: Day(from)), let after = registry.list(inForceOn: Day(to)) else {
            throw QueryError.noData("the registry has no dated lists (stations/national/YYYY-MM-DD.csv) to compare")
        }
        let city = try resolveCity(registry, arguments)
        let diff = StationListDiff(from: before, to: after, city: city)
        func name(_ path: String) -> String { (path as NSString).lastPathComponent }
        func km(_ metres: Double?) -> String { metres.map { GBT8170.format($0 / 1000, decimals: 2) } ?? "" }
        var rows: [[String]] = []
        for s in diff.added { rows.append(["added", s.code, "", s.name, "", s.city, ""]) }
        for s in diff.removed { rows.append(["removed", s.code, s.name, "", s.city, "", ""]) }
        for c in diff.renamed { rows.append(["renamed", c.before.code, c.before.name, c.after.name, c.before.city, c.after.city, ""]) }
        for c in diff.moved { rows.append(["moved", c.before.code, c.before.name, c.after.name, c.before.city, c.after.city, km(c.metres)]) }
        for c in diff.changedCity { rows.append(["city", c.before.code, c.before.name, c.after.name, c.before.city, c.after.city, ""]) }
        let header = ["change", "code", "name_before", "name_after", "city_before", "city_after", "moved_km"]
        let summary = "\(name(before.file)) (in force on \(from)) → \(name(after.file)) (in force on \(to))\(city.map { ", \($0)" } ?? ""): "
            + "\(diff.added.count) added, \(diff.removed.count) removed, \(diff.renamed.count) renamed, "
            + "\(diff.moved.count) moved > 1 km, \(diff.changedCity.count) in another city"
            + (diff.withoutCoordinates.isEmpty ? "" : "; \(diff.withoutCoordinates.count) without coordinates on one side (moves not told)")
        switch format {
        case .csv:
            context.console.out(([header] + rows).map { CSVWriter.line($0) }.joined())
            context.console.note(summary)
        case .json:
            context.console.out(JSONValue.object([
                ("from", .string(from.description)), ("from_list", .string(name(before.file))),
                ("to", .string(to.description)), ("to_list", .string(name(after.file))),
                ("city", city.map(JSONValue.string) ?? .null),
                ("changes", .array(rows.map { row in .object(zip(header, row).map { ($0, .string($1)) }) })),
            ]).serialized(pretty: true) + "\n")
        default:
            var table = TextTable(columns: header.map { .init($0, alignRight: $0 == "moved_km") })
            for row in rows { table.append(row) }
            context.console.out(table.render())
            context.console.note(summary)
        }
        return .success
    }

    static func assign(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        guard let path = arguments.value("--boundaries"), let property = arguments.value("--property"),
              let layer = arguments.value("--layer") else {
            throw UsageError.missing("haze stations assign: give --boundaries FILE --property NAME --layer LAYER")
        }
        guard RankingLevel(rawValue: layer)?.isLayer == true else {
            throw UsageError.invalidValue(option: "--layer", value: layer, expected: "a layer name such as district, zone or town (not city or station)")
        }
        let datum: Datum
        if let text = arguments.value("--datum") {
            guard let parsed = Datum(rawValue: text.lowercased().replacingOccurrences(of: "-", with: "")) else {
                throw UsageError.invalidValue(option: "--datum", value: text, expected: "wgs84 or gcj02")
            }
            datum = parsed
        } else {
            datum = .wgs84
        }
        let near = Double(try arguments.integer("--near") ?? 1000)
        let file = context.absolute(path)
        guard let data = FileManager.default.contents(atPath: file) else {
            throw BoundaryError(file: file, reason: "cannot read (no such file or permission denied)")
        }
        let boundaries = try Boundary.features(geojson: [UInt8](data), property: property, file: file)
        let registry = try context.registry(arguments)
        let stations = try scoped(registry, arguments)
        let day = try arguments.date("--on").map(Day.init)
        let assignment = BoundaryAssignment(stations: stations, boundaries: boundaries, layer: layer, datum: datum,
                                            nearMetres: near) { station in
            if let day { return registry.unit(of: station.code, layer: layer, on: day) }
            return StationRegistry.latestUnit(registry.memberships(of: station.code, layer: layer))
        }
        func metres(_ value: Double?) -> String { value.map { String(Int($0.rounded())) } ?? "" }
        func degrees(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "" }
        var out = """
        # Units suggested by `haze stations assign` for review — NOTHING HAS BEEN ASSIGNED.
        # Boundaries: \(file) (property '\(property)', \(boundaries.count) units), layer \(layer).
        # Datum: the boundaries are \(datum == .gcj02 ? "GCJ-02; station WGS-84 coordinates were converted by the public GCJ-02 formula" : "WGS-84; station coordinates used as published") (tested_longitude/tested_latitude).
        # Point-in-polygon with holes and MultiPolygons; boundary_m = great-circle distance (R = 6371008.8 m) to the
        # nearest edge; status 'near boundary' within \(Int(near)) m, 'in no polygon', 'in several polygons', 'no coordinates'.
        # Check every flagged row, decide, then copy code,layer,unit,from,to rows into a membership file in stations/.

        """
        out += CSVWriter.line(["code", "layer", "unit", "from", "to", "name", "city", "status", "boundary_m", "nearest_other",
                               "nearest_other_m", "registry_unit", "longitude", "latitude", "tested_longitude", "tested_latitude", "note"])
        for row in assignment.rows {
            let s = row.station
            out += CSVWriter.line([s.code, layer, row.status == .overlapping ? "" : (row.unit ?? ""), "", "", s.name, s.city,
                                   row.status.rawValue, metres(row.boundaryMetres), row.nearestOther?.unit ?? "",
                                   metres(row.nearestOther?.metres), row.current ?? "", degrees(s.longitude), degrees(s.latitude),
                                   degrees(row.position?.longitude), degrees(row.position?.latitude), row.note])
        }
        if let target = arguments.value("--out") {
            let destination = context.absolute(target)
            try OutputFile.write(Array(out.utf8), to: destination)
            context.console.note("wrote \(destination)")
        } else {
            context.console.out(out)
        }
        var counts: [BoundaryAssignment.Status: Int] = [:]
        for row in assignment.rows { counts[row.status, default: 0] += 1 }
        let differing = assignment.rows.filter { $0.current != nil && $0.unit != nil && $0.current != $0.unit }.count
        context.console.note("haze stations assign: \(assignment.rows.count) station(s), datum \(datum.rawValue): "
            + "\(counts[.inside] ?? 0) inside, \(counts[.nearBoundary] ?? 0) near a boundary (≤ \(Int(near)) m), "
            + "\(counts[.unassigned] ?? 0) in no polygon, \(counts[.overlapping] ?? 0) in several, \(counts[.noCoordinates] ?? 0) without coordinates; "
            + "\(differing) differ from the registry. Nothing was assigned: review the file and copy rows into stations/.")
        for row in assignment.flagged {
            context.console.note("  \(row.station.code) \(row.station.name): \(row.unit ?? "—") — \(row.note.isEmpty ? row.status.rawValue : row.note)")
        }
        return .success
    }
}

extension StationRegistry {
    /// The unit of the membership in force last, for comparing with a suggestion.
    static func latestUnit(_ memberships: [UnitMembership]) -> String? {
        memberships.max { ($0.span.to?.index ?? Int.max) < ($1.span.to?.index ?? Int.max) }?.unit
    }
}
