import HazeModel
import HazeStore
import HazeAssessment
import HazeReport

/// `haze query`: a station's, district's or city's values over time.
enum QueryCommand {
    static let spec = CommandSpec(
        name: "query",
        abstract: "Values of a station, district or city by hour, day or month.",
        options: [
            .value("--station", "CODE", "A station code, e.g. 1001A."),
            .value("--district", "NAME", "A district of the registry, e.g. 朝阳区."),
            .value("--city", "NAME", "A city, e.g. 北京 (also qualifies --district)."),
            .value("--pollutant", "LIST", "pm2.5 | pm10 | pm2.5,pm10 (default both)."),
            .value("--from", "DATE", "First local date, YYYY-MM-DD (default depends on --resolution).", accepts: .date),
            .value("--to", "DATE", "Last local date (default: the newest day in the store).", accepts: .date),
            .value("--resolution", "STEP", "hour | day (default) | month."),
            .value("--format", "FORMAT", "table (default) | csv | json | svg (a time-series chart) | html (the chart and the values, for a phone or a desktop)."),
            .value("--lang", "LANG", "svg, html: zh (default) | en — labels and titles."),
            .value("--out", "FILE", "Write to FILE instead of stdout (replaced atomically; a link is followed; /dev/null or a FIFO is written through)."),
            .value("--decimals", "N", "Decimal places after GB/T 8170 rounding (default 0: whole µg/m³).",
                   accepts: .wholeNumber(0...6)),
            CommonOptions.store, CommonOptions.stations,
        ],
        rules: [
            .exclusive("--station", "--district", because: "a query is about one subject"),
            .exclusive("--station", "--city", because: "a station is its own subject; --city qualifies only --district"),
            .requires("--lang", "--format=svg", "--format=html", because: "only the chart formats have labels to translate"),
            .exclusive("--decimals", "--format=svg", because: "a chart shows whole µg/m³, as GB/T 8170 publishes them"),
            .exclusive("--decimals", "--format=html", because: "a chart shows whole µg/m³, as GB/T 8170 publishes them"),
        ],
        discussion: """
        Daily values need ≥ 20 valid hours (GB 3095); a month needs ≥ 27 valid days
        (February ≥ 25). A district's or city's value is the mean of its assessment
        stations' valid values for the same day (control points excluded); its month is
        the mean of those days. CSV columns: time,subject,pollutant,value,valid_count —
        value is empty when invalid; valid_count is valid hours (station day), stations
        (district/city day or any hour) or valid days (month).
        Without --from/--to: the newest day (hour), the last 7 days (day) or the newest
        month (month). A range may not be longer than the store keeps: the hourly ring's
        days hour by hour, the daily ring's days otherwise.
        """,
        examples: [
            "haze query --city 北京 --pollutant pm2.5 --resolution month --from 2019-01-01 --to 2019-01-31",
            "haze query --station 1001A --resolution hour --from 2019-01-12 --to 2019-01-12",
            "haze query --district 朝阳区 --city 北京 --format csv --from 2019-01-01 --to 2019-02-28",
            "haze query --station 1001A --from 2019-01-01 --to 2019-01-31 --format html --out 1001A-2019-01.html",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let subject: Subject
        switch (arguments.value("--station"), arguments.value("--district"), arguments.value("--city")) {
        case (let code?, nil, nil): subject = .station(code)
        case (nil, let district?, let city): subject = .district(district, city: city)
        case (nil, nil, let city?): subject = .city(city)
        case (nil, nil, nil): throw UsageError.missing("haze query: name a subject with --station, --district or --city")
        default: throw UsageError.conflict("haze query: give one of --station, --district (with an optional --city) or --city")
        }
        let resolution: Resolution = try arguments.choice("--resolution", default: .day)
        let format = try arguments.format(allowed: [.table, .csv, .json, .svg, .html])
        let language: Language = try arguments.choice("--lang", default: .zh)
        let decimals = try arguments.integer("--decimals") ?? 0
        let registry = try context.registry(arguments)
        let pollutants = try arguments.pollutants()
        let givenFrom = try arguments.date("--from")
        let givenTo = try arguments.date("--to")
        if let givenFrom, let givenTo, givenFrom > givenTo {
            throw UsageError.conflict("haze query: --from \(givenFrom) is after --to \(givenTo)")
        }
        let output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> String in
            guard let newest = store.newestHour else {
                throw QueryError.noData("the store at \(store.directory) is empty; ingest data first")
            }
            let to = givenTo ?? store.zone.day(of: newest).date
            let from: CivilDate
            if let givenFrom {
                from = givenFrom
            } else {
                switch resolution {
                case .hour: from = to
                case .day: from = Day(to).advanced(by: -6).date
                case .month: from = Day(to).month.firstDay.date
                }
            }
            guard from <= to else { throw UsageError.conflict("haze query: --from \(from) is after --to \(to)") }
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
        return .success
    }
}
