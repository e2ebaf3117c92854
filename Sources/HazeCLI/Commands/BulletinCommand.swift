import Foundation
import HazeModel
import HazeRegistry
import HazeStore
import HazeAssessment
import HazeReport

/// `haze bulletin`: a city's monthly air-quality bulletin (通报) in one report.
enum BulletinCommand {
    static let spec = CommandSpec(
        name: "bulletin",
        abstract: "A city's monthly bulletin (通报): its figures, the units ranked by each indicator, red and black lists, improvement lists, exceptional days.",
        options: [
            .value("--month", "YYYY-MM", "The month (default: the newest complete month).", accepts: .month),
            .value("--city", "NAME", "The city (北京, 北京市 and aliases)."),
            .value("--level", "LEVEL", "The units ranked: district (default) | zone | town | any layer of the registry's memberships | station."),
            .value("--indicators", "LIST", "Comma-separated: pm2.5, pm10, so2, no2, co, o3, composite, good-days, aqi-days (default pm2.5,pm10,composite,good-days)."),
            .value("--top", "N", "Size of the red and black lists and of the most improved / most deteriorated lists (default 3).", accepts: .wholeNumber(1...1000)),
            .value("--exclude-exceptional", "FILE", "Leave the exceptional days (sand and dust, HJ 663-2026) listed in FILE out of the PM figures; the bulletin names them."),
            .value("--format", "FORMAT", "table (default) | md | html | json | xlsx (a sheet per section; needs --out)."),
            .value("--lang", "LANG", "zh (default) | en — labels and titles."),
            .value("--out", "FILE", "Write the bulletin to FILE instead of stdout (replaced atomically; /dev/null or a FIFO is written through)."),
            CommonOptions.store, CommonOptions.stations,
        ],
        rules: [
            .requires("--format=xlsx", "--out", because: "a workbook is a binary file: write it to a file"),
        ],
        discussion: """
        Every figure is the one `haze rank --indicator` gives for the month: the city's own
        value of each selected indicator and its 优良天数比例, with the same month last year
        and the change (this − last)/last × 100 from the rounded values, one decimal; then
        for each indicator the ranking of the city's units, the red and black lists (best and
        worst N) and the N most improved and most deteriorated (units meeting every Grade II
        limit left out of the latter). An indicator nothing is valid for is named, not ranked.
        Exceptional days leave the PM2.5 and PM10 figures (and so the composite index), never
        the good-day count. Exit 65 when nothing at all can be reported.
        """,
        examples: [
            "haze bulletin --month 2019-01 --city 北京",
            "haze bulletin --month 2019-01 --city 周口 --level zone --indicators pm2.5,composite,good-days --top 2",
            "haze bulletin --month 2019-01 --city 北京 --format html --out bulletin-2019-01.html",
            "haze bulletin --month 2019-01 --city 北京 --format xlsx --out bulletin-2019-01.xlsx",
            "haze bulletin --month 2021-03 --city 北京 --exclude-exceptional dust-2021.csv --format json",
        ])

    static func indicators(_ arguments: ParsedArguments) throws(UsageError) -> [RankingIndicator] {
        guard let text = arguments.value("--indicators") else { return Bulletin.defaultIndicators }
        var out: [RankingIndicator] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = item.trimmingCharacters(in: .whitespaces)
            guard let indicator = RankingIndicator(text: name) else {
                throw .invalidValue(option: "--indicators", value: name,
                                    expected: RankingIndicator.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard !out.contains(indicator) else {
                throw .refusedValue(option: "--indicators", value: text, problem: "\(indicator.rawValue) is listed twice",
                                    accepted: "each indicator once")
            }
            out.append(indicator)
        }
        return out
    }

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        let format = try arguments.format(allowed: [.table, .json, .md, .html, .xlsx])
        let language: Language = try arguments.choice("--lang", default: .zh)
        let level: RankingLevel = try arguments.choice("--level", default: .district)
        guard level != .city else {
            throw UsageError.conflict("haze bulletin: --level city ranks cities, not a city's units; the bulletin is of one city's units (district, zone, town, station)")
        }
        guard let city = arguments.value("--city") else {
            throw UsageError.missing("haze bulletin needs --city NAME: the city the bulletin is of")
        }
        let indicators = try indicators(arguments)
        let listSize = try arguments.integer("--top") ?? 3
        let month = try arguments.month("--month")
        let registry = try context.registry(arguments)
        let exceptional = try arguments.value("--exclude-exceptional").map { path in
            var days = try ExceptionalDays.load(path: context.absolute(path))
            days.source = path
            return try registry.resolve(days)
        }
        let output = try Store.readConsistently(directory: context.storeDirectory(arguments)) { store -> [UInt8] in
            let bulletin = try Bulletin(store: store, registry: registry, month: try month ?? RankCommand.defaultMonth(store),
                                        city: city, level: level, indicators: indicators, listSize: listSize, excluding: exceptional)
            let report = BulletinReport(bulletin: bulletin, language: language)
            switch format {
            case .json: return Array(report.json().utf8)
            case .md: return Array(report.markdown().utf8)
            case .html: return Array(report.html().utf8)
            case .xlsx: return try RankCommand.workbookBytes { () throws(Workbook.Failure) in try report.xlsx() }
            default: return Array(report.table().utf8)
            }
        }
        if let out = arguments.value("--out") {
            let path = context.absolute(out)
            try OutputFile.write(output, to: path)
            context.console.note("wrote \(path)")
        } else {
            context.console.out(String(decoding: output, as: UTF8.self))
        }
        return .success
    }
}
