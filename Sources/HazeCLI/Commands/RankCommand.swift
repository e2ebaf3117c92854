import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeReport
import HazeWarehouse

/// `haze rank`: the monthly assessment, or a year's / a run of months'.
enum RankCommand {
    static let spec = CommandSpec(
        name: "rank",
        abstract: "Rank districts, zones, towns, cities or stations by PM2.5 and PM10, or by any indicator: a pollutant, the composite index, good days.",
        options: [
            .value("--month", "YYYY-MM", "The month to rank (default: the newest complete month).", accepts: .month),
            .value("--year", "YYYY", "Rank a calendar year: annual mean, and months ranked first.", accepts: .year),
            .value("--from", "YYYY-MM", "First month of a run of months (with --to).", accepts: .month),
            .value("--to", "YYYY-MM", "Last month of a run of months.", accepts: .month),
            .flag("--cumulative", "With --month: the cumulative period (累计) from January of that year (or from --from) to --month."),
            .value("--by", "ORDER", "With --indicator: value (default) | change — order by the year-on-year change, most improved first."),
            .value("--top", "N", "With --indicator: the red list (best N; by change: the N most improved).", accepts: .wholeNumber(1...1000)),
            .value("--bottom", "N", "With --indicator: the black list (worst N; by change: the N most deteriorated, leaving out units meeting every Grade II limit).", accepts: .wholeNumber(1...1000)),
            .value("--city", "NAME", "The city whose units or stations are ranked (or the one city at --level city); 北京, 北京市 and aliases."),
            .value("--level", "LEVEL", "district (default) | zone | town | any layer of the registry's memberships | city | station."),
            .flag("--strict", "Refuse (exit 65) when a station of the city has no unit on the layer, instead of listing it."),
            .value("--pollutant", "LIST", "pm2.5 | pm10 | pm2.5,pm10 (default both): the PM concentration ranking."),
            .value("--indicator", "NAME", "Rank by one indicator instead: pm2.5 | pm10 | so2 | no2 | co | o3 | composite (综合指数) | good-days (优良天数比例) | aqi-days (polluted days)."),
            .value("--limits", "SET", "With --indicator composite: the GB 3095 limit set for both years, 2012 | 2026 | 2031 (default: the set in force on the period's last day)."),
            .value("--composite", "WEIGHTS", "Add a weighted score of the PM means, e.g. pm2.5=0.6,pm10=0.4."),
            .value("--exclude-exceptional", "FILE", "Leave the exceptional days (sand and dust, HJ 663-2026) listed in FILE out of the PM means (monthly only); the report names them."),
            .value("--format", "FORMAT", "table (default) | csv | json | md | html | xlsx (an Excel workbook, a sheet per pollutant; needs --out)."),
            .flag("--bom", "Start the CSV with a UTF-8 byte-order mark, so Excel on Chinese Windows reads it as UTF-8."),
            .value("--lang", "LANG", "zh (default) | en — labels and titles."),
            .value("--out", "FILE", "Write the report to FILE instead of stdout (a file is replaced atomically, keeping its mode; a link is followed; /dev/null or a FIFO is written through)."),
            .value("--engine", "ENGINE", "haze (default: from the store) | clickhouse: the monthly ranking as SQL inside ClickHouse, from what `haze export clickhouse` sent (needs --url and --month)."),
            ClickHouseOptions.url, ClickHouseOptions.database, ClickHouseOptions.userEnv, ClickHouseOptions.passwordEnv,
            CommonOptions.store, CommonOptions.stations,
        ],
        rules: [
            .requires("--engine=clickhouse", "--url", because: "the ClickHouse engine needs ClickHouse's HTTP interface"),
            .requires("--engine=clickhouse", "--month", because: "ClickHouse ranks one month; name it (the store is not read)"),
            .requires("--url", "--engine=clickhouse", because: "--url names ClickHouse for --engine clickhouse"),
            .requires("--database", "--engine=clickhouse", because: "--database names ClickHouse's database for --engine clickhouse"),
            .requires("--user-env", "--engine=clickhouse", because: "--user-env is ClickHouse's user for --engine clickhouse"),
            .requires("--password-env", "--engine=clickhouse", because: "--password-env is ClickHouse's password for --engine clickhouse"),
            .exclusive("--engine=clickhouse", "--indicator", because: "ClickHouse computes the monthly PM ranking only, so far"),
            .exclusive("--engine=clickhouse", "--cumulative", because: "ClickHouse computes the monthly PM ranking only, so far"),
            .exclusive("--engine=clickhouse", "--composite", because: "ClickHouse computes the monthly PM ranking only, so far"),
            .exclusive("--engine=clickhouse", "--exclude-exceptional", because: "ClickHouse computes the monthly PM ranking only, so far"),
            .exclusive("--engine=clickhouse", "--level=station", because: "ClickHouse ranks cities and the units of a layer; rank stations with haze's own engine"),
            .exclusive("--month", "--year", because: "rank one period: --month, --year, or --from with --to"),
            .exclusive("--year", "--from", because: "rank one period: --month, --year, or --from with --to"),
            .together(["--month", "--from"], need: "--cumulative", because: "with --month, --from names the first month of a cumulative period; a run of months is --from with --to"),
            .requires("--cumulative", "--month", because: "a cumulative period runs from January (or --from) to --month"),
            .requires("--by", "--indicator", because: "--by orders a ranking by one indicator; for PM concentrations use --indicator pm2.5 or pm10"),
            .requires("--top", "--indicator", because: "the red and black lists belong to a ranking by one indicator; for PM concentrations use --indicator pm2.5 or pm10"),
            .requires("--bottom", "--indicator", because: "the red and black lists belong to a ranking by one indicator; for PM concentrations use --indicator pm2.5 or pm10"),
            .exclusive("--exclude-exceptional", "--cumulative", because: "exceptional days are left out of a monthly ranking only, so far"),
            .exclusive("--month", "--year", "--to", because: "rank one period: --month, --year, or --from with --to"),
            .requires("--from", "--to", "--cumulative", because: "a run of months needs its last month"),
            .requires("--to", "--from", because: "a run of months needs its first month"),
            .exclusive("--composite", "--format=csv", because: "the CSV has no composite columns; use --format table, json, md, html or xlsx"),
            .exclusive("--indicator", "--pollutant", because: "--indicator names what is ranked; for PM concentrations use --indicator pm2.5 or --pollutant alone"),
            .exclusive("--indicator", "--composite", because: "the weighted PM score belongs to the PM ranking; the six-pollutant index is --indicator composite"),
            .requires("--limits", "--indicator=composite", because: "limit sets change only the composite index (Sᵢ)"),
            .exclusive("--indicator", "--strict", because: "--strict checks the units of the PM ranking; run it without --indicator first"),
            .exclusive("--lang", "--format=csv", because: "the CSV has no labels or titles to translate"),
            .requires("--level=station", "--city", because: "stations are ranked within one city"),
            .exclusive("--exclude-exceptional", "--year", because: "exceptional days are left out of a monthly ranking only, so far"),
            .exclusive("--exclude-exceptional", "--from", because: "exceptional days are left out of a monthly ranking only, so far"),
            .requires("--bom", "--format=csv", because: "the byte-order mark is for a CSV opened in Excel; the other formats need none"),
            .requires("--format=xlsx", "--out", because: "a workbook is a binary file: write it to a file"),
            .exclusive("--strict", "--level=city", because: "every station has a city; --strict checks a layer's units"),
            .exclusive("--strict", "--level=station", because: "every station is its own unit; --strict checks a layer's units"),
        ],
        discussion: """
        A unit's daily value is the mean of the valid daily means (≥ 20 hours) of its members
        on that day: the stations of the national list in force that day (stations/national/),
        not control points, in the unit on that day (memberships code,layer,unit,from,to); its
        month is the mean of its valid days, valid with ≥ 27 (February ≥ 25). Units of the layer
        without a station, stations without a unit, stations not in the list in force and
        control points are listed under the ranking, never silently dropped (--strict: an error
        for stations without a unit); a station ranking lists control points apart, unranked.
        Means are rounded once (GB/T 8170) and ranked lowest first; equal values share a rank;
        a unit short of valid days is listed, marked and ranked after the valid ones.
        Exceedance days use the GB 3095 Grade II 24-hour limit in force on each day
        (75/150 µg/m³ until 2026-02-28, 60/120 from 2026-03-01). Same month last year comes
        from the daily ring; when it is absent the report says so. A run of months or a year
        is valid when every month has ≥ 27 valid days (February ≥ 25), a calendar year also
        ≥ 324. When no unit has a valid value there is no ranking: exit 65.
        --indicator ranks by one indicator over the month or period: a pollutant's period
        statistic (SO2, NO2, PM10, PM2.5 mean; CO 95th percentile of daily means; O3 90th
        percentile of daily maximum 8-hour means — HJ 663), the composite index
        I_sum = Σ Cᵢ/Sᵢ of the six (Sᵢ from the GB 3095 limits in force on the period's last
        day, the same set for last year), the good-day ratio (highest first) or the number
        of polluted days (AQI > 100). Each unit shows last year's value and rank and the
        change = (this − last)/last × 100 from the rounded values, one decimal (GB/T 8170;
        > 0 worse; good-day ratio: the difference in points), ranked most improved first with
        ties shared (--by change orders the rows so). --cumulative ranks 1–N月累计: January
        (or --from) to --month, against the same months last year. --top N / --bottom N add
        the red and black lists (best and worst N; by change: the N most improved and most
        deteriorated, units meeting every Grade II limit left out of the latter).
        """,
        examples: [
            "haze rank --month 2019-01 --city 北京",
            "haze rank --month 2019-01 --city 北京 --engine clickhouse --url http://127.0.0.1:8123",
            "haze rank --year 2019 --city 周口 --level zone",
            "haze rank --month 2019-01 --city 北京 --format html --out 2019-01.html",
            "haze rank --month 2019-01 --level city --pollutant pm2.5 --format csv",
            "haze rank --month 2019-01 --city 北京 --format xlsx --out 2019-01.xlsx",
            "haze rank --month 2019-01 --city 北京 --format csv --bom --out 2019-01.csv",
            "haze rank --year 2019 --city 北京 --lang en",
            "haze rank --month 2019-01 --city 北京 --composite pm2.5=0.6,pm10=0.4",
            "haze rank --from 2019-01 --to 2019-02 --city 北京",
            "haze rank --month 2021-03 --city 北京 --exclude-exceptional dust-2021.csv",
            "haze rank --month 2019-01 --level city --indicator composite",
            "haze rank --month 2019-01 --city 北京 --indicator good-days --format md",
            "haze rank --month 2019-02 --cumulative --city 北京 --indicator pm2.5 --by change --top 3 --bottom 3",
            "haze rank --month 2019-01 --level city --indicator composite --top 10 --bottom 10 --format xlsx --out 2019-01.xlsx",
        ])

    /// What to rank, from the options alone (no file is read): every value
    /// checked, every conflict refused, before the registry or store is opened.
    struct Request {
        /// nil: the newest complete month.
        var month: Month?
        var period: (first: Month, last: Month)?
        var scope: RankingScope
        var weights: CompositeWeights?
        var indicator: RankingIndicator?
        var limits: AirQualityStandard?
        var format: OutputFormat
        var language: Language
        /// A UTF-8 byte-order mark before a CSV (`--bom`).
        var byteOrderMark: Bool = false
        var order: RankingOrder = .value
        var top: Int?
        var bottom: Int?
    }

    static func request(_ arguments: ParsedArguments) throws(UsageError) -> Request {
        let format = try arguments.format(allowed: [.table, .csv, .json, .md, .html, .xlsx])
        let language: Language = try arguments.choice("--lang", default: .zh)
        let level: RankingLevel = try arguments.choice("--level", default: .district)
        let scope = RankingScope(level: level, city: arguments.value("--city"), pollutants: try arguments.pollutants(allowed: Pollutant.particulates))
        var weights: CompositeWeights?
        if let text = arguments.value("--composite") {
            switch CompositeWeights.parse(text) {
            case .success(let parsed): weights = parsed
            case .failure(let refusal):
                throw .refusedValue(option: "--composite", value: text, problem: "refused: \(refusal)", accepted: CompositeWeights.expected)
            }
        }
        var period: (Month, Month)?
        if let year = try arguments.year("--year"), let first = Month(year: year, month: 1), let last = Month(year: year, month: 12) {
            period = (first, last)
        } else if arguments.has("--cumulative"), let last = try arguments.month("--month") {
            // 1–N月累计: from January of --month's year, or from --from.
            let first = try arguments.month("--from") ?? Month(year: last.year, month: 1) ?? last
            guard first <= last else { throw .conflict("haze rank: --from \(first) is after --month \(last)") }
            period = (first, last)
        } else if let first = try arguments.month("--from"), let last = try arguments.month("--to") {
            guard first <= last else { throw .conflict("haze rank: --from \(first) is after --to \(last)") }
            period = (first, last)
        }
        var indicator: RankingIndicator?
        if let text = arguments.value("--indicator") {
            guard let parsed = RankingIndicator(text: text) else {
                throw .invalidValue(option: "--indicator", value: text,
                                    expected: RankingIndicator.allCases.map(\.rawValue).joined(separator: ", "))
            }
            indicator = parsed
        }
        var limits: AirQualityStandard?
        if let text = arguments.value("--limits") {
            guard let parsed = AirQualityStandard(setName: text) else {
                throw .invalidValue(option: "--limits", value: text, expected: "2012, 2026 or 2031")
            }
            limits = parsed
        }
        if let engine = arguments.value("--engine"), engine != "haze", engine != "clickhouse" {
            throw .invalidValue(option: "--engine", value: engine, expected: "haze or clickhouse")
        }
        return Request(month: try arguments.month("--month"), period: period, scope: scope, weights: weights,
                       indicator: indicator, limits: limits, format: format, language: language, byteOrderMark: arguments.has("--bom"),
                       order: try arguments.choice("--by", default: .value),
                       top: try arguments.integer("--top"), bottom: try arguments.integer("--bottom"))
    }

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let request = try request(arguments)
        if arguments.value("--engine") != "clickhouse", request.indicator == nil, request.period == nil, let month = request.month {
            return try monthly(month, request, arguments, context)
        }
        let registry = try context.registry(arguments)
        if arguments.value("--engine") == "clickhouse", let month = request.month {
            let target = try ClickHouseOptions.target(arguments, context)
            let ranking = try ClickHouseRanking(month: month, scope: request.scope).ranking(registry: registry, target: target)
            try checkCoverage(ranking.coverage, strict: arguments.has("--strict"), format: request.format, console: context.console)
            return try write(bytes(MonthlyRankingReport(ranking: ranking, language: request.language), request), arguments, context)
        }
        let exceptional = try arguments.value("--exclude-exceptional").map { path in
            var days = try ExceptionalDays.load(path: context.absolute(path))
            days.source = path      // named in reports as the user gave it
            return try registry.resolve(days)
        }
        let output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> [UInt8] in
            if let indicator = request.indicator {
                let months: [Month]
                if let (first, last) = request.period { months = Array(first ... last) } else { months = [try request.month ?? defaultMonth(store)] }
                do {
                    let ranking = try IndicatorRanking(store: store, registry: registry, indicator: indicator, months: months,
                                                       scope: request.scope, limits: request.limits, order: request.order,
                                                       excluding: exceptional)
                    var lists: RedBlackLists?
                    if request.top != nil || request.bottom != nil {
                        lists = RedBlackLists(ranking: ranking, top: request.top, bottom: request.bottom,
                                              kinds: request.order == .change ? [.mostImproved, .mostDeteriorated] : [.red, .black])
                    }
                    let report = IndicatorRankingReport(ranking: ranking, language: request.language, lists: lists)
                    return try bytes(report, request)
                } catch let error as QueryError where error.isUsage {
                    throw UsageError.conflict("haze rank \(arguments.shown(["--year", "--from", "--to"])): \(error)")
                }
            }
            if let (first, last) = request.period {
                do {
                    return try period(store, registry, first, last, request,
                                      strict: arguments.has("--strict"), console: context.console)
                } catch let error as QueryError where error.isUsage {
                    throw UsageError.conflict("haze rank \(arguments.shown(["--year", "--from", "--to"])): \(error)")
                }
            }
            let ranking = try MonthlyRanking(store: store, registry: registry, month: try request.month ?? defaultMonth(store),
                                             scope: request.scope, composite: request.weights, excluding: exceptional)
            try checkCoverage(ranking.coverage, strict: arguments.has("--strict"), format: request.format, console: context.console)
            let report = MonthlyRankingReport(ranking: ranking, language: request.language)
            return try bytes(report, request)
        }
        return try write(output, arguments, context)
    }

    /// What the monthly ranking needs of the registry: the exceptional days
    /// resolved against it, and the units formed (or why not).
    private struct Prepared: Sendable {
        var exceptional: ExceptionalDays?
        var units: Result<RankingUnits, QueryError>
    }

    /// The monthly PM ranking of a month given, on both cores: the registry is
    /// loaded, the exceptional days resolved and the units formed on another
    /// thread while this one opens the store and checks the month's daily rows
    /// (`MonthlyRanking.prepare`; a province's ranking: 25 000 stations,
    /// 150 000 series). The same report, and the same error first, as one
    /// after the other: the registry's, the exceptional days', the store's,
    /// the units', the rows'.
    ///
    /// The units formed are kept in the registry cache (`RankingUnitsImage`,
    /// `RegistryDerivation`): a later ranking of the same level, city and month
    /// from exactly the same registry files, by the same build, takes them —
    /// and prints the registry's warnings they were kept with — without
    /// loading the registry (not with `--exclude-exceptional`, whose days are
    /// resolved against it).
    static func monthly(_ month: Month, _ request: Request, _ arguments: ParsedArguments,
                        _ context: CommandContext) throws -> ExitCode {
        let scope = request.scope
        let prepared = BackgroundWork { () throws -> Prepared in
            let key = RankingUnitsImage.key(level: scope.level, city: scope.city, days: month.days, alsoFor: month.yearEarlier?.days)
            let excluding = arguments.value("--exclude-exceptional")
            if excluding == nil, let body = RegistryDerivation.cached(directory: try context.stationsDirectory(arguments),
                                                                      cache: context.registryCache, key: key),
               let kept = RankingUnitsImage.decode(body) {
                for warning in kept.warnings { context.console.note("haze: warning: \(warning)") }
                return Prepared(exceptional: nil, units: .success(kept.units))
            }
            let source = try context.registrySource(arguments)
            let registry = source.registry
            let exceptional = try excluding.map { path in
                var days = try ExceptionalDays.load(path: context.absolute(path))
                days.source = path      // named in reports as the user gave it
                return try registry.resolve(days)
            }
            let units = Result { () throws(QueryError) in
                try registry.rankingUnits(level: scope.level, city: scope.city, days: month.days, alsoFor: month.yearEarlier?.days)
            }
            if case .success(let formed) = units {
                let warnings = registry.warnings.map(\.description)
                RegistryDerivation.storeLater(key: key, of: source, in: context.registryCache) {
                    RankingUnitsImage.encode(formed, warnings: warnings)
                }
            }
            return Prepared(exceptional: exceptional, units: units)
        }
        let output: [UInt8]
        do {
            output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> [UInt8] in
                MonthlyRanking.prepare(store: store, month: month, pollutants: scope.pollutants + (request.weights?.pollutants ?? []))
                let ready = try prepared.value()
                let ranking = try MonthlyRanking(store: store, formed: try ready.units.get(), month: month, scope: scope,
                                                 composite: request.weights, excluding: ready.exceptional)
                try checkCoverage(ranking.coverage, strict: arguments.has("--strict"), format: request.format, console: context.console)
                let report = MonthlyRankingReport(ranking: ranking, language: request.language)
                return try bytes(report, request)
            }
        } catch {
            // The registry's or the exceptional days' error comes first, as it did before the store was opened.
            _ = try prepared.value()
            throw error
        }
        return try write(output, arguments, context)
    }

    /// The report to `--out`, or to stdout.
    static func write(_ output: [UInt8], _ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        if let out = arguments.value("--out") {
            let path = context.absolute(out)
            try OutputFile.write(output, to: path)
            context.console.note("wrote \(path)")
        } else {
            context.console.out(String(decoding: output, as: UTF8.self))
        }
        return .success
    }

    /// Stations without a unit are an error with `--strict`; the CSV, which
    /// has no notes, gets what is not ranked on stderr.
    static func checkCoverage(_ coverage: UnitCoverage, strict: Bool, format: OutputFormat, console: Console) throws {
        if strict && !coverage.stationsWithoutUnit.isEmpty {
            let lines = UnitCoverage(level: coverage.level, stationsWithoutUnit: coverage.stationsWithoutUnit).lines(chinese: false)
            throw QueryError.stationsWithoutUnit("--strict: \(coverage.stationsWithoutUnit.count) station(s) have no \(coverage.level) unit: "
                + lines.joined(separator: "; ") + " (add them to a membership file in stations/, or drop --strict to rank without them)")
        }
        if format == .csv {
            for line in coverage.lines(chinese: false) { console.note("haze rank: \(line)") }
        }
    }

    static func period(_ store: Store, _ registry: StationRegistry, _ first: Month, _ last: Month,
                       _ request: Request, strict: Bool = false, console: Console? = nil) throws -> [UInt8] {
        let ranking = try PeriodRanking(store: store, registry: registry, from: first, to: last, scope: request.scope,
                                        composite: request.weights)
        if let console { try checkCoverage(ranking.coverage, strict: strict, format: request.format, console: console) }
        let report = PeriodRankingReport(ranking: ranking, language: request.language)
        return try bytes(report, request)
    }

    /// The report in the requested format.
    static func bytes(_ report: some RankingDocument, _ request: Request) throws -> [UInt8] {
        switch request.format {
        case .csv: return csvBytes(report.csv(), request)
        case .json: return Array(report.json().utf8)
        case .md: return Array(report.markdown().utf8)
        case .html: return Array(report.html().utf8)
        case .xlsx: return try workbookBytes { () throws(Workbook.Failure) in try report.xlsx() }
        default: return Array(report.table().utf8)
        }
    }

    /// The CSV, after a UTF-8 byte-order mark with `--bom`.
    static func csvBytes(_ csv: String, _ request: Request) -> [UInt8] {
        (request.byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(csv.utf8)
    }

    /// A workbook, or the reason it cannot be written as a data error.
    static func workbookBytes(_ make: () throws(Workbook.Failure) -> [UInt8]) throws -> [UInt8] {
        do {
            return try make()
        } catch {
            throw QueryError.noData("cannot write the workbook: \(error)")
        }
    }

    /// The newest month whose last hour (by the store's day, see `DayCalendar`) is in the store.
    static func defaultMonth(_ store: Store) throws -> Month {
        guard let newest = store.newestHour else { throw QueryError.noData("the store is empty; ingest data first") }
        let calendar = store.calendar
        let day = calendar.day(of: newest)
        let complete = newest == calendar.hours(of: day).upperBound.advanced(by: -1) && day.advanced(by: 1).month != day.month
        guard !complete else { return day.month }
        guard let previous = day.month.previous else { throw QueryError.noData("the store has no complete month") }
        return previous
    }
}
