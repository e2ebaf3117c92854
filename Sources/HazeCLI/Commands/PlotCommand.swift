import HazeModel
import HazeStore
import HazeAssessment
import HazeReport

/// `haze plot KIND`: one chart of a station, district or city (or of a
/// ranking's units) as SVG, or as an HTML page around it.
enum PlotCommand {
    static let spec = CommandSpec(
        name: "plot",
        abstract: "Draw a chart (SVG or HTML): time series, calendar, diurnal, weekday, bump, ratio.",
        positionals: "KIND",
        options: [
            .value("--station", "CODE", "A station code, e.g. 1001A."),
            .value("--district", "NAME", "A district of the registry, e.g. 朝阳区."),
            .value("--city", "NAME", "A city (also qualifies --district; for bump: whose units are ranked)."),
            .value("--level", "LEVEL", "bump: district (default) | city | station — the units ranked."),
            .value("--pollutant", "LIST", "pm2.5 | pm10 | pm2.5,pm10 (time series, profiles: default both; calendar, bump: one, default pm2.5)."),
            .value("--from", "DATE", "First local date, YYYY-MM-DD (default depends on KIND).", accepts: .date),
            .value("--to", "DATE", "Last local date (default: the newest day in the store).", accepts: .date),
            .value("--resolution", "STEP", "timeseries: hour | day (default) | month; ratio: hour | day (default)."),
            .flag("--aqi-band", "timeseries: colour each day by its AQI category under the plot (hour or day resolution)."),
            .value("--highlight", "UNIT", "bump: draw this unit in colour and the others grey."),
            .value("--width", "N", "Lay the chart out for N CSS pixels (default 1000; 400 suits a phone).", accepts: .wholeNumber(ChartWidth.range)),
            .value("--format", "FORMAT", "svg (default, or from --out FILE.svg) | html (a page with phone and desktop layouts)."),
            .value("--lang", "LANG", "zh (default) | en — labels and titles."),
            .value("--out", "FILE", "Write to FILE instead of stdout (replaced atomically; a link is followed; /dev/null or a FIFO is written through)."),
            CommonOptions.store, CommonOptions.stations,
        ],
        rules: [
            .exclusive("--station", "--district", because: "a chart is about one subject"),
            .exclusive("--station", "--city", because: "a station is its own subject; --city qualifies only --district"),
            .exclusive("--aqi-band", "--resolution=month", because: "the AQI band colours days; monthly means have no daily category"),
            .exclusive("--width", "--format=html", because: "an HTML page carries both the phone and the desktop layout"),
        ],
        discussion: """
        KIND is one of:
        \(PlotKind.allCases.map { "  \($0.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))
        Values are those of `haze query` for the same subject and period (daily means need
        ≥ 20 valid hours; a district's or city's value is the mean of its assessment stations);
        a value that is not valid is a gap, never 0. The limit line is the GB 3095 Grade II
        24-hour limit in force on each date (monthly means: the annual limit, for reference).
        The AQI is computed from PM2.5 and PM10 only (the store holds no other pollutant), and
        the chart says so. An SVG has no script and fetches nothing: it can be embedded in a
        page or a bulletin as it is.
        Default periods: timeseries the last 30 days (hour: 7 days; month: 12 months), calendar
        the newest month, diurnal/weekday/ratio the last 30 days, bump the newest day's year.
        """,
        examples: [
            "haze plot timeseries --station 1001A --from 2019-01-01 --to 2019-01-31 --aqi-band --out 1001A.svg",
            "haze plot calendar --city 北京 --pollutant pm2.5 --from 2019-01-01 --to 2019-02-28 --out bj.svg",
            "haze plot diurnal --district 朝阳区 --city 北京 --from 2019-01-01 --to 2019-01-31 --format html --out chaoyang.html",
            "haze plot bump --city 北京 --from 2019-01-01 --to 2019-02-28 --highlight 朝阳区 --width 400 --out rank.svg",
            "haze plot ratio --city 北京 --resolution hour --from 2019-01-10 --to 2019-01-16 --lang en",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        guard let kindText = arguments.positionals.first else {
            throw UsageError.missing("haze plot: name a KIND: \(PlotKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard arguments.positionals.count == 1 else {
            throw UsageError.unexpectedArgument(command: "plot", argument: arguments.positionals[1])
        }
        guard let kind = PlotKind(rawValue: kindText.lowercased()) else {
            throw UsageError.invalidValue(option: "KIND", value: kindText, expected: PlotKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let out = arguments.value("--out")
        let format: OutputFormat
        if let text = arguments.value("--format") {
            guard let chosen = OutputFormat(rawValue: text.lowercased()), [.svg, .html].contains(chosen) else {
                throw UsageError.invalidValue(option: "--format", value: text, expected: "svg|html")
            }
            format = chosen
        } else {
            format = out?.lowercased().hasSuffix(".html") == true || out?.lowercased().hasSuffix(".htm") == true ? .html : .svg
        }
        if format == .html, arguments.value("--width") != nil {
            throw UsageError.conflict("haze plot: --width does not apply to an HTML page (--out \(out ?? "") makes one): it carries both the phone and the desktop layout")
        }
        let language: Language = try arguments.choice("--lang", default: .zh)
        let width = ChartWidth(try arguments.integer("--width") ?? ChartWidth.wide.pixels)
        let subject = try subject(arguments, required: kind != .bump)
        var pollutants = try arguments.pollutants()
        if arguments.value("--pollutant") == nil, [.calendar, .bump].contains(kind) { pollutants = [.pm25] }
        if [.calendar, .bump].contains(kind), pollutants.count > 1 {
            throw UsageError.conflict("haze plot \(kind.rawValue): --pollutant takes one pollutant for a \(kind.rawValue) chart")
        }
        let resolution: Resolution = try arguments.choice("--resolution", default: .day)
        if kind == .ratio, resolution == .month {
            throw UsageError.conflict("haze plot ratio: --resolution is hour or day (a ratio of monthly means hides the days it is made of)")
        }
        let checks: [(String, Bool)] = [("--resolution", [.timeseries, .ratio].contains(kind)), ("--aqi-band", kind == .timeseries),
                                        ("--highlight", kind == .bump), ("--level", kind == .bump)]
        for (option, applies) in checks where !applies && (arguments.value(option) != nil || arguments.has(option)) {
            throw UsageError.conflict("haze plot \(kind.rawValue): \(option) does not apply to a \(kind.rawValue) chart")
        }
        let level: RankingLevel = try arguments.choice("--level", default: .district)
        let registry = try context.registry(arguments)
        let given = try GivenDates(arguments, command: "haze plot")
        let output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> String in
            let (from, to) = try given.resolved(in: store) { defaultStart(kind: kind, resolution: resolution, to: $0) }
            let request = PlotRequest(kind: kind, subject: subject, scope: RankingScope(level: level, city: arguments.value("--city")),
                                      pollutants: pollutants, from: from, to: to, resolution: resolution,
                                      aqiBand: arguments.has("--aqi-band"), highlight: arguments.value("--highlight"), language: language)
            let chart: any Chart
            do {
                chart = try request.chart(store: store, registry: registry)
            } catch let error as QueryError where error.isUsage {
                throw UsageError.conflict("haze plot \(arguments.shown(["--from", "--to", "--resolution"])): \(error)")
            }
            switch format {
            case .html: return ChartPage(title: chart.title, charts: [chart], language: language).document
            default: return chart.svg(width: width, idPrefix: "haze", standalone: true) + "\n"
            }
        }
        if let out {
            let path = context.absolute(out)
            try OutputFile.write(Array(output.utf8), to: path)
            context.console.note("wrote \(path)")
        } else {
            context.console.out(output)
        }
        return .success
    }

    /// `--station`, `--district [--city]` or `--city`.
    static func subject(_ arguments: ParsedArguments, required: Bool) throws(UsageError) -> Subject? {
        switch (arguments.value("--station"), arguments.value("--district"), arguments.value("--city")) {
        case (let code?, nil, nil): return .station(code)
        case (nil, let district?, let city): return .district(district, city: city)
        case (nil, nil, let city?): return required ? .city(city) : nil
        case (nil, nil, nil):
            if required { throw .missing("haze plot: name a subject with --station, --district or --city") }
            return nil
        default: throw .conflict("haze plot: give one of --station, --district (with an optional --city) or --city")
        }
    }

    static func defaultStart(kind: PlotKind, resolution: Resolution, to: CivilDate) -> CivilDate {
        let last = Day(to)
        switch kind {
        case .calendar: return last.month.firstDay.date
        case .bump: return CivilDate(year: to.year, month: 1, day: 1) ?? to
        case .timeseries where resolution == .hour, .ratio where resolution == .hour: return last.advanced(by: -6).date
        case .timeseries where resolution == .month:
            return (last.month.offset(by: -11) ?? last.month).firstDay.date
        default: return last.advanced(by: -29).date
        }
    }
}
