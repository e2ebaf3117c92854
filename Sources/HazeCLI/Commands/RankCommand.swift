import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeReport

/// `haze rank`: the monthly assessment, or a year's / a run of months'.
enum RankCommand {
    static let spec = CommandSpec(
        name: "rank",
        abstract: "Rank districts, cities or stations by PM2.5 and PM10, or by any indicator: a pollutant, the composite index, good days.",
        options: [
            .value("--month", "YYYY-MM", "The month to rank (default: the newest complete month).", accepts: .month),
            .value("--year", "YYYY", "Rank a calendar year: annual mean, and months ranked first.", accepts: .year),
            .value("--from", "YYYY-MM", "First month of a run of months (with --to).", accepts: .month),
            .value("--to", "YYYY-MM", "Last month of a run of months.", accepts: .month),
            .value("--city", "NAME", "The city whose districts or stations are ranked (or the one city at --level city)."),
            .value("--level", "LEVEL", "district (default) | city | station."),
            .value("--pollutant", "LIST", "pm2.5 | pm10 | pm2.5,pm10 (default both): the PM concentration ranking."),
            .value("--indicator", "NAME", "Rank by one indicator instead: pm2.5 | pm10 | so2 | no2 | co | o3 | composite (综合指数) | good-days (优良天数比例) | aqi-days (polluted days)."),
            .value("--limits", "SET", "With --indicator composite: the GB 3095 limit set for both years, 2012 | 2026 | 2031 (default: the set in force on the period's last day)."),
            .value("--composite", "WEIGHTS", "Add a weighted score of the PM means, e.g. pm2.5=0.6,pm10=0.4."),
            .value("--format", "FORMAT", "table (default) | csv | json | md | html."),
            .value("--lang", "LANG", "zh (default) | en — labels and titles."),
            .value("--out", "FILE", "Write the report to FILE instead of stdout (a file is replaced atomically, keeping its mode; a link is followed; /dev/null or a FIFO is written through)."),
            CommonOptions.store, CommonOptions.stations,
        ],
        rules: [
            .exclusive("--month", "--year", "--from", because: "rank one period: --month, --year, or --from with --to"),
            .exclusive("--month", "--year", "--to", because: "rank one period: --month, --year, or --from with --to"),
            .requires("--from", "--to", because: "a run of months needs its last month"),
            .requires("--to", "--from", because: "a run of months needs its first month"),
            .exclusive("--composite", "--format=csv", because: "the CSV has no composite columns; use --format table, json, md or html"),
            .exclusive("--indicator", "--pollutant", because: "--indicator names what is ranked; for PM concentrations use --indicator pm2.5 or --pollutant alone"),
            .exclusive("--indicator", "--composite", because: "the weighted PM score belongs to the PM ranking; the six-pollutant index is --indicator composite"),
            .requires("--limits", "--indicator=composite", because: "limit sets change only the composite index (Sᵢ)"),
            .exclusive("--lang", "--format=csv", because: "the CSV has no labels or titles to translate"),
            .requires("--level=station", "--city", because: "stations are ranked within one city"),
        ],
        discussion: """
        A unit's daily value is the mean of its assessment stations' valid daily means
        (≥ 20 hours); its month is the mean of its valid days, valid with ≥ 27 (February ≥ 25).
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
        change.
        """,
        examples: [
            "haze rank --month 2019-01 --city 北京",
            "haze rank --month 2019-01 --city 北京 --format html --out 2019-01.html",
            "haze rank --month 2019-01 --level city --pollutant pm2.5 --format csv",
            "haze rank --year 2019 --city 北京 --lang en",
            "haze rank --month 2019-01 --city 北京 --composite pm2.5=0.6,pm10=0.4",
            "haze rank --from 2019-01 --to 2019-02 --city 北京",
            "haze rank --month 2019-01 --level city --indicator composite",
            "haze rank --month 2019-01 --city 北京 --indicator good-days --format md",
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
    }

    static func request(_ arguments: ParsedArguments) throws(UsageError) -> Request {
        let format = try arguments.format(allowed: [.table, .csv, .json, .md, .html])
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
        return Request(month: try arguments.month("--month"), period: period, scope: scope, weights: weights,
                       indicator: indicator, limits: limits, format: format, language: language)
    }

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let request = try request(arguments)
        let registry = try context.registry(arguments)
        let output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> String in
            if let indicator = request.indicator {
                let months: [Month]
                if let (first, last) = request.period { months = Array(first ... last) } else { months = [try request.month ?? defaultMonth(store)] }
                do {
                    let ranking = try IndicatorRanking(store: store, registry: registry, indicator: indicator, months: months,
                                                       scope: request.scope, limits: request.limits)
                    let report = IndicatorRankingReport(ranking: ranking, language: request.language)
                    switch request.format {
                    case .csv: return report.csv()
                    case .json: return report.json()
                    case .md: return report.markdown()
                    case .html: return report.html()
                    default: return report.table()
                    }
                } catch let error as QueryError where error.isUsage {
                    throw UsageError.conflict("haze rank \(arguments.shown(["--year", "--from", "--to"])): \(error)")
                }
            }
            if let (first, last) = request.period {
                do {
                    return try period(store, registry, first, last, request.scope, request.weights, request.format, request.language)
                } catch let error as QueryError where error.isUsage {
                    throw UsageError.conflict("haze rank \(arguments.shown(["--year", "--from", "--to"])): \(error)")
                }
            }
            let ranking = try MonthlyRanking(store: store, registry: registry, month: try request.month ?? defaultMonth(store),
                                             scope: request.scope, composite: request.weights)
            let report = MonthlyRankingReport(ranking: ranking, language: request.language)
            switch request.format {
            case .csv: return report.csv()
            case .json: return report.json()
            case .md: return report.markdown()
            case .html: return report.html()
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

    static func period(_ store: Store, _ registry: StationRegistry, _ first: Month, _ last: Month,
                       _ scope: RankingScope, _ weights: CompositeWeights?, _ format: OutputFormat,
                       _ language: Language) throws -> String {
        let ranking = try PeriodRanking(store: store, registry: registry, from: first, to: last, scope: scope, composite: weights)
        let report = PeriodRankingReport(ranking: ranking, language: language)
        switch format {
        case .csv: return report.csv()
        case .json: return report.json()
        case .md: return report.markdown()
        case .html: return report.html()
        default: return report.table()
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
