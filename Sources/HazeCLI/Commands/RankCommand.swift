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
        abstract: "Rank districts, cities or stations by monthly or annual PM2.5 and PM10.",
        options: [
            .value("--month", "YYYY-MM", "The month to rank (default: the newest complete month)."),
            .value("--year", "YYYY", "Rank a calendar year: annual mean, and months ranked first."),
            .value("--from", "YYYY-MM", "First month of a run of months (with --to)."),
            .value("--to", "YYYY-MM", "Last month of a run of months."),
            .value("--city", "NAME", "The city whose districts or stations are ranked (or the one city at --level city)."),
            .value("--level", "LEVEL", "district (default) | city | station."),
            .value("--pollutant", "LIST", "pm2.5 | pm10 | pm2.5,pm10 (default both)."),
            .value("--composite", "WEIGHTS", "Add a weighted score, e.g. pm2.5=0.6,pm10=0.4 (monthly only)."),
            .value("--format", "FORMAT", "table (default) | csv | json | md | html."),
            .value("--lang", "LANG", "zh (default) | en — labels and titles."),
            .value("--out", "FILE", "Write the report to FILE instead of stdout (a file is replaced atomically, keeping its mode; a link is followed; /dev/null or a FIFO is written through)."),
            CommonOptions.store, CommonOptions.stations,
        ],
        discussion: """
        A unit's daily value is the mean of its assessment stations' valid daily means
        (≥ 20 hours); its month is the mean of its valid days, valid with ≥ 27 (February ≥ 25).
        Means are rounded once (GB/T 8170) and ranked lowest first; equal values share a rank;
        a unit short of valid days is listed, marked and ranked after the valid ones.
        Exceedance days use the GB 3095 Grade II 24-hour limit in force on each day
        (75/150 µg/m³ until 2026-02-28, 60/120 from 2026-03-01). Same month last year comes
        from the daily ring; when it is absent the report says so.
        """,
        examples: [
            "haze rank --month 2019-01 --city 北京",
            "haze rank --month 2019-01 --city 北京 --format html --out 2019-01.html",
            "haze rank --month 2019-01 --level city --pollutant pm2.5 --format csv",
            "haze rank --year 2019 --city 北京 --lang en",
            "haze rank --from 2019-01 --to 2019-02 --city 北京 --composite pm2.5=0.6,pm10=0.4",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let format = try arguments.format(allowed: [.table, .csv, .json, .md, .html])
        let language: Language = try arguments.choice("--lang", default: .zh)
        let level: RankingLevel = try arguments.choice("--level", default: .district)
        let scope = RankingScope(level: level, city: arguments.value("--city"), pollutants: try arguments.pollutants())
        var weights: CompositeWeights?
        if let text = arguments.value("--composite") {
            guard let parsed = CompositeWeights(parsing: text) else {
                throw UsageError.invalidValue(option: "--composite", value: text, expected: "weights like pm2.5=0.6,pm10=0.4")
            }
            weights = parsed
        }
        func month(_ name: String) throws -> Month? {
            guard let text = arguments.value(name) else { return nil }
            guard let month = Month(parsing: text) else { throw UsageError.invalidValue(option: name, value: text, expected: "YYYY-MM") }
            return month
        }
        let registry = try context.registry(arguments)
        var periodMonths: (Month, Month)?
        if let yearText = arguments.value("--year") {
            guard let year = Int(yearText), let first = Month(year: year, month: 1), let last = Month(year: year, month: 12) else {
                throw UsageError.invalidValue(option: "--year", value: yearText, expected: "a year like 2019")
            }
            periodMonths = (first, last)
        } else if let first = try month("--from") {
            guard let last = try month("--to"), first <= last else {
                throw UsageError.missing("haze rank: --from needs a --to month at or after it")
            }
            periodMonths = (first, last)
        }
        let chosenMonth = try month("--month")
        let output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> String in
            if let (first, last) = periodMonths {
                return try period(store, registry, first, last, scope, format, language)
            }
            let ranking = try MonthlyRanking(store: store, registry: registry, month: try chosenMonth ?? defaultMonth(store),
                                             scope: scope, composite: weights)
            let report = MonthlyRankingReport(ranking: ranking, language: language)
            switch format {
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
                       _ scope: RankingScope, _ format: OutputFormat, _ language: Language) throws -> String {
        let ranking = try PeriodRanking(store: store, registry: registry, from: first, to: last, scope: scope)
        let report = PeriodRankingReport(ranking: ranking, language: language)
        switch format {
        case .csv: return report.csv()
        case .json: return report.json()
        case .md: return report.markdown()
        case .html: return report.html()
        default: return report.table()
        }
    }

    /// The newest month whose last hour is in the store.
    static func defaultMonth(_ store: Store) throws -> Month {
        guard let newest = store.newestHour else { throw QueryError.noData("the store is empty; ingest data first") }
        let day = store.zone.day(of: newest)
        let complete = store.zone.hourOfDay(newest) == 23 && day.advanced(by: 1).month != day.month
        return complete ? day.month : day.month.previous
    }
}
