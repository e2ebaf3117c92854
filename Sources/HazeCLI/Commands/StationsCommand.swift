import HazeModel
import HazeAssessment
import HazeReport

/// `haze stations`: the registry, filtered.
enum StationsCommand {
    static let spec = CommandSpec(
        name: "stations",
        abstract: "List registry stations with their city, district and control flag.",
        options: [
            .value("--city", "NAME", "Only this city."),
            .value("--district", "NAME", "Only this district."),
            .value("--format", "FORMAT", "table (default) | csv | json."),
            CommonOptions.stations,
        ],
        discussion: "The registry is every *.csv in the stations directory (code,name,city,district,longitude,latitude,control); a city's file adds districts and control points to the national list.",
        examples: ["haze stations --city 北京", "haze stations --district 朝阳区 --format csv"])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let registry = try context.registry(arguments)
        let format = try arguments.format(allowed: [.table, .csv, .json])
        var stations = registry.stations.sorted { $0.code < $1.code }
        if let city = arguments.value("--city") {
            guard let resolved = registry.city(named: city) else {
                throw QueryError.unknownCity(city, suggestions: registry.citySuggestions(for: city))
            }
            stations = stations.filter { $0.city == resolved }
        }
        if let district = arguments.value("--district") { stations = stations.filter { $0.district == district } }
        func coordinate(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        switch format {
        case .csv:
            var out = CSVWriter.line(["code", "name", "city", "district", "longitude", "latitude", "control"])
            for s in stations {
                out += CSVWriter.line([s.code, s.name, s.city, s.district, coordinate(s.longitude), coordinate(s.latitude), s.isControl ? "1" : "0"])
            }
            context.console.out(out)
        case .json:
            context.console.out(JSONValue.array(stations.map { s in
                .object([("code", .string(s.code)), ("name", .string(s.name)), ("city", .string(s.city)),
                         ("district", .string(s.district)),
                         ("longitude", s.longitude.map { .decimal($0, places: 4) } ?? .null),
                         ("latitude", s.latitude.map { .decimal($0, places: 4) } ?? .null),
                         ("control", .bool(s.isControl))])
            }).serialized(pretty: true) + "\n")
        default:
            var table = TextTable(columns: [.init("code"), .init("name"), .init("city"), .init("district"),
                                            .init("longitude", alignRight: true), .init("latitude", alignRight: true), .init("control")])
            for s in stations {
                table.append([s.code, s.name, s.city, s.district, coordinate(s.longitude), coordinate(s.latitude),
                              s.isControl ? "对照点 control" : ""])
            }
            context.console.out(table.render())
            context.console.note("\(stations.count) station(s)")
        }
        return .success
    }
}
