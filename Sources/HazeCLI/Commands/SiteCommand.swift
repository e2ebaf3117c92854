import HazeModel
import HazeAssessment
import HazeReport

/// `haze site`: the static web site of one city, made incrementally from cron.
enum SiteCommand {
    static let spec = CommandSpec(
        name: "site",
        abstract: "Write a static web site for a city: rankings, a page per unit with charts, current alerts.",
        options: [
            .value("--out", "DIR", "The site's directory (created if missing; must be empty or a haze site)."),
            .value("--city", "NAME", "The city, e.g. 北京."),
            .value("--level", "LEVEL", "district | station — the units ranked and given pages (default: districts if the registry has them)."),
            .value("--lang", "LANG", "zh (default) | en — labels and titles."),
            .flag("--quiet", "Print nothing when the run succeeds."),
            CommonOptions.store, CommonOptions.stations,
        ],
        discussion: """
        Writes DIR/index.html (months, years, units), months/YYYY-MM.html (the monthly
        ranking), years/YYYY.html (the year so far), city.html, districts/NAME.html and
        stations/CODE.html (recent daily and hourly values with the limit in force, the
        year's calendar, diurnal and weekday profiles, PM2.5/PM10, the unit's monthly rank,
        its history) and alerts.html (the open alert episodes of the city, from the alert
        state and log). Links are relative; pages have no script and fetch nothing.
        A run makes again only the pages whose inputs changed and writes only those whose
        bytes changed (the fingerprints are in DIR/.haze-site.json): an hourly run rewrites
        the pages the new hour touches and leaves the others, and their times, alone.
        Pages of units or months no longer in the store are removed; nothing else in DIR is.
        """,
        examples: [
            "haze site --out /var/www/haze --city 北京",
            "haze site --out site --city 周口 --level station --lang en",
        ])

    static let command = HazeCLI.Command(spec: spec) { arguments, context in
        guard let out = arguments.value("--out") else { throw UsageError.missing("haze site: give the site's directory with --out DIR") }
        guard let city = arguments.value("--city") else { throw UsageError.missing("haze site: name the city with --city NAME") }
        let language: Language = try arguments.choice("--lang", default: .zh)
        var level: RankingLevel?
        if arguments.value("--level") != nil {
            let chosen: RankingLevel = try arguments.choice("--level", default: .district)
            guard chosen != .city else {
                throw UsageError.invalidValue(option: "--level", value: "city", expected: "district or station (the site is about one city)")
            }
            level = chosen
        }
        let registry = try context.registry(arguments)
        let site = StaticSite(directory: context.absolute(out))
        let report = try site.generate(storeDirectory: context.storeDirectory(arguments), registry: registry,
                                       options: StaticSite.Options(city: city, level: level, language: language))
        for note in report.notes { context.console.note("note: \(note)") }
        if !arguments.has("--quiet") {
            context.console.note("site: \(report.city), \(report.level.rawValue) level: \(report.pages.count) pages, \(report.made.count) made again, \(report.written.count) written, \(report.removed.count) removed; \(report.monthsRanked) month(s) ranked — \(site.directory)")
        }
        return .success
    }
}
