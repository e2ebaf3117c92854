import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeReport

/// `haze query`: a station's, district's or city's values over time.
enum QueryCommand {
    static let spec = CommandSpec(
        name: "query",
        abstract: "Values or AQI of a station, district, unit or city by hour, day or month.",
        options: [
            .value("--station", "CODE|NAME", "A station code or name, e.g. 1001A or 万寿西宫."),
            .value("--district", "NAME", "A district of the registry, e.g. 朝阳区."),
            .value("--unit", "NAME", "A unit of the layer --layer, e.g. 东新区 with --layer zone."),
            .value("--layer", "LAYER", "The layer of --unit: zone, town or any layer of the registry (default district)."),
            .value("--city", "NAME", "A city, e.g. 北京 or 北京市 (also qualifies --district, --unit, or a station name)."),
            .value("--pollutant", "LIST", "pm2.5, pm10, so2, no2, co, o3 (comma-separated) or all (default pm2.5,pm10)."),
            .value("--indicator", "NAME", "aqi: the AQI instead of concentrations (real-time by hour, daily by day, AQI days by month)."),
            .value("--from", "DATE", "First local date, YYYY-MM-DD (default depends on --resolution).", accepts: .date),
            .value("--to", "DATE", "Last local date (default: the newest day in the store).", accepts: .date),
            .value("--resolution", "STEP", "hour | day (default) | month."),
            .value("--format", "FORMAT", "table (default) | csv | json | svg (a time-series chart) | html (the chart and the values, for a phone or a desktop)."),
            .value("--lang", "LANG", "svg, html: zh (default) | en — labels and titles."),
            .value("--out", "FILE", "Write to FILE instead of stdout (replaced atomically; a link is followed; /dev/null or a FIFO is written through)."),
            .value("--decimals", "N", "Decimal places after GB/T 8170 rounding (default 0: whole µg/m³, CO 0.1 mg/m³).",
                   accepts: .wholeNumber(0...6)),
            CommonOptions.store, CommonOptions.stations,
        ],
        rules: [
            .exclusive("--station", "--district", "--unit", because: "a query is about one subject"),
            .requires("--layer", "--unit", because: "--layer names the layer of --unit"),
            .exclusive("--indicator", "--pollutant", because: "the AQI is made of all six pollutants"),
            .exclusive("--indicator", "--decimals", because: "AQI values are whole numbers"),
            .requires("--lang", "--format=svg", "--format=html", because: "only the chart formats have labels to translate"),
            .exclusive("--decimals", "--format=svg", because: "a chart shows whole µg/m³, as GB/T 8170 publishes them"),
            .exclusive("--decimals", "--format=html", because: "a chart shows whole µg/m³, as GB/T 8170 publishes them"),
            .exclusive("--indicator", "--format=svg", because: "the chart draws concentrations; the AQI is a table, csv or json"),
            .exclusive("--indicator", "--format=html", because: "the chart draws concentrations; the AQI is a table, csv or json"),
        ],
        discussion: """
        Daily values need ≥ 20 valid hours (GB 3095); O3's day is its daily maximum
        8-hour mean (windows ending at the day's hours 8…24, ≥ 6 hours each, ≥ 14 valid
        windows or above 160 µg/m³, HJ 663). A month needs ≥ 27 valid days (February ≥ 25);
        it is the mean of its valid days, for CO their 95th and for O3 their 90th
        percentile (HJ 663). A district's or city's value is the mean of its assessment
        stations' valid values for the same day (control points excluded). CO is in mg/m³
        with one decimal, the others in whole µg/m³. CSV columns:
        time,subject,pollutant,value,valid_count,unit,statistic — value is empty when
        invalid; valid_count is valid hours (station day; O3: valid 8-hour means), stations
        (district/city day or any hour) or valid days (month).
        --indicator aqi: HJ 633's AQI by the edition in force on each date (2012, or 2026
        from 2026-03-01): by hour the real-time AQI, by day the daily AQI (published when
        all six pollutants are valid or the AQI is above 100), by month the valid AQI days,
        优良天数 (AQI ≤ 100), its ratio and the days per level.
        Without --from/--to: the newest day (hour), the last 7 days (day) or the newest
        month (month). A range may not be longer than the store keeps: the hourly ring's
        days hour by hour, the daily ring's days otherwise.
        """,
        examples: [
            "haze query --city 北京 --pollutant pm2.5 --resolution month --from 2019-01-01 --to 2019-01-31",
            "haze query --station 1001A --resolution hour --from 2019-01-12 --to 2019-01-12",
            "haze query --station 万寿西宫 --resolution month --from 2019-01-01 --to 2019-01-31",
            "haze query --unit 东新区 --layer zone --city 周口 --resolution month --from 2019-01-01 --to 2019-02-28",
            "haze query --district 朝阳区 --city 北京 --format csv --from 2019-01-01 --to 2019-02-28",
            "haze query --city 北京 --pollutant all --resolution month --from 2019-01-01 --to 2019-01-31",
            "haze query --city 北京 --indicator aqi --resolution day --from 2019-01-10 --to 2019-01-16",
            "haze query --station 1001A --from 2019-01-01 --to 2019-01-31 --format html --out 1001A-2019-01.html",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let resolution: Resolution = try arguments.choice("--resolution", default: .day)
        let format = try arguments.format(allowed: [.table, .csv, .json, .svg, .html])
        let language: Language = try arguments.choice("--lang", default: .zh)
        let decimals = try arguments.integer("--decimals") ?? 0
        let city = arguments.value("--city")
        guard arguments.value("--station") != nil || arguments.value("--district") != nil
                || arguments.value("--unit") != nil || city != nil else {
            throw UsageError.missing("haze query: name a subject with --station, --district, --unit or --city")
        }
        let aqi: Bool
        switch arguments.value("--indicator")?.lowercased() {
        case nil: aqi = false
        case "aqi": aqi = true
        case let other?: throw UsageError.invalidValue(option: "--indicator", value: other, expected: "aqi")
        }
        let registry = try context.registry(arguments)
        let subject: Subject
        if let station = arguments.value("--station") {
            subject = .station(try stationCode(station, city: city, registry: registry))
        } else if let district = arguments.value("--district") {
            subject = .district(district, city: city)
        } else if let unit = arguments.value("--unit") {
            subject = .unit(unit, layer: arguments.value("--layer") ?? UnitMembership.districtLayer, city: city)
        } else {
            subject = .city(city ?? "")
        }
        let pollutants = try arguments.pollutants()
        let given = try GivenDates(arguments, command: "haze query")
        let output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> String in
            let (from, to) = try given.resolved(in: store) { to in
                switch resolution {
                case .hour: to
                case .day: Day(to).advanced(by: -6).date
                case .month: Day(to).month.firstDay.date
                }
            }
            do {
                if aqi {
                    let rows = try AQIQuery(subject: subject, from: from, to: to, resolution: resolution).run(store: store, registry: registry)
                    let report = AQIQueryReport(rows: rows, resolution: resolution)
                    switch format {
                    case .csv: return report.csv()
                    case .json: return report.json()
                    default: return report.table()
                    }
                }
            } catch let error as QueryError where error.isUsage {
                throw UsageError.conflict("haze query \(arguments.shown(["--from", "--to", "--resolution"])): \(error)")
            }
            let query = StationQuery(subject: subject, pollutants: pollutants, from: from, to: to, resolution: resolution)
            let rows: [StationQuery.Row]
            let chart: (any Chart)?
            do {
                rows = try query.run(store: store, registry: registry)
                chart = [.svg, .html].contains(format)
                    ? try PlotRequest(kind: .timeseries, subject: subject, pollutants: pollutants, from: from, to: to,
                                      resolution: resolution, language: language).chart(store: store, registry: registry)
                    : nil
            } catch let error as QueryError where error.isUsage {
                throw UsageError.conflict("haze query \(arguments.shown(["--from", "--to", "--resolution"])): \(error)")
            }
            let report = QueryReport(rows: rows, resolution: resolution, decimals: decimals, isUnit: subject.isUnit)
            switch format {
            case .csv: return report.csv()
            case .json: return report.json()
            case .svg: return (chart?.svg(width: .wide, idPrefix: "haze", standalone: true) ?? "") + "\n"
            case .html: return chart.map { report.html(chart: $0, language: language) } ?? ""
            default: return report.table()
            }
        }
        if let out = arguments.value("--out") {
            let path = context.absolute(out)
            try OutputFile.write(Array(output.utf8), to: path)
            context.console.note("wrote \(path)")
        } else {
            context.console.out(output)
        }
        if case .station(let code) = subject, let station = registry[code], station.isControl {
            context.console.note("haze query: \(code) \(station.name) is a control point (对照点): shown on its own, never counted in a unit or city")
        }
        if case .station(let code) = subject, let station = registry[code], station.isSensor, !station.isControl {
            context.console.note("haze query: \(code) \(station.name) is a micro-sensor (微型站): shown on its own, never counted in a unit or city, never ranked")
        }
        let sensors = registry.sensorsNotCounted(in: subject)
        if !sensors.isEmpty {
            // The value above is its standard stations' only: said, as under a ranking.
            context.console.note("haze query: \(subject): \(sensors.count) micro-sensor(s) (微型站) not counted in its values (stored; query one with --station)")
        }
        return .success
    }

    /// The code of a station given by code or name; an unknown one is an
    /// error with the nearest codes and names, a name several stations
    /// carry an error listing them.
    static func stationCode(_ text: String, city: String?, registry: StationRegistry) throws -> String {
        var resolvedCity: String?
        if let city {
            guard let found = registry.city(named: city) else {
                throw QueryError.unknownCity(city, suggestions: registry.citySuggestions(for: city))
            }
            resolvedCity = found
        }
        switch registry.lookup(station: text, city: resolvedCity) {
        case .found(let code): return code
        case .ambiguous(let stations):
            throw QueryError.ambiguousStation(text, candidates: stations.map { "\($0.code) \($0.name) (\($0.city))" })
        case .unknown(let suggestions):
            // A code the store has but the registry does not still answers (as before).
            if text.range(of: "^[0-9A-Za-z_-]+$", options: .regularExpression) != nil { return text }
            throw QueryError.noData("no station '\(text)' (code or name) in the registry" + Suggestion.hint(for: text, among: suggestions))
        }
    }
}
