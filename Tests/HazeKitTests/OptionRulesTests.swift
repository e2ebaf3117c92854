import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeNet
@testable import HazeSources
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI

/// Conflicting or meaningless options — one of which would be silently
/// ignored — are refused with a usage error (64), from a table each command
/// declares in its spec (`OptionRule`), before anything is read or written.
@Suite("Conflicting options", .onTestThreads)
struct OptionRulesTests {
    static let webhook = "http://127.0.0.1:9/hook"
    static let replay = ["alert", "--replay", "--from", "2019-01-10", "--to", "2019-01-12"]

    static let conflicts: [([String], String)] = [
        (["rank", "--month", "2019-01", "--year", "2019"],
         "haze rank: --month and --year cannot be used together: rank one period: --month, --year, or --from with --to"),
        (["rank", "--month", "2019-01", "--from", "2019-01", "--to", "2019-02"], "haze rank: --month with --from needs --cumulative"),
        (["rank", "--month", "2019-02", "--from", "2019-01"],
         "haze rank: --month with --from needs --cumulative: with --month, --from names the first month of a cumulative period"),
        (["rank", "--year", "2019", "--cumulative"], "haze rank: --cumulative needs --month: a cumulative period runs from January (or --from) to --month"),
        (["rank", "--from", "2019-01", "--to", "2019-02", "--cumulative"], "haze rank: --cumulative needs --month"),
        (["rank", "--month", "2019-01", "--by", "change"], "haze rank: --by needs --indicator: --by orders a ranking by one indicator"),
        (["rank", "--month", "2019-01", "--top", "3"], "haze rank: --top needs --indicator: the red and black lists belong to a ranking by one indicator"),
        (["rank", "--month", "2019-01", "--pollutant", "pm2.5", "--bottom", "3"], "haze rank: --bottom needs --indicator"),
        (["rank", "--month", "2019-01", "--indicator", "pm2.5", "--top", "0"], "--top: '0'"),
        (["rank", "--month", "2019-01", "--indicator", "pm2.5", "--by", "size"], "--by"),
        (["rank", "--month", "2019-02", "--cumulative", "--exclude-exceptional", "x.csv"],
         "haze rank: --exclude-exceptional and --cumulative cannot be used together"),
        (["rank", "--year", "2019", "--from", "2019-01", "--to", "2019-02"], "haze rank: --year and --from cannot be used together"),
        (["rank", "--from", "2019-01"], "haze rank: --from needs --to or --cumulative: a run of months needs its last month"),
        (["rank", "--to", "2019-02"], "haze rank: --to needs --from"),
        (["rank", "--month", "2019-01", "--indicator", "composite", "--pollutant", "pm2.5"],
         "haze rank: --indicator and --pollutant cannot be used together: --indicator names what is ranked"),
        (["rank", "--month", "2019-01", "--indicator", "composite", "--composite", "pm2.5=1"],
         "haze rank: --indicator and --composite cannot be used together"),
        (["rank", "--month", "2019-01", "--limits", "2026"], "haze rank: --limits needs --indicator composite: limit sets change only the composite index"),
        (["rank", "--month", "2019-01", "--indicator", "pm2.5", "--limits", "2026"], "haze rank: --limits needs --indicator composite"),
        (["query", "--city", "北京", "--indicator", "aqi", "--pollutant", "so2"], "haze query: --indicator and --pollutant cannot be used together"),
        (["init", "--day-hours", "0-24"], "--day-hours: '0-24'"),
        (["rank", "--month", "2019-01", "--composite", "pm2.5=1", "--format", "CSV"],
         "haze rank: --composite and --format csv cannot be used together: the CSV has no composite columns"),
        (["rank", "--month", "2019-01", "--lang", "en", "--format", "csv"], "haze rank: --lang and --format csv cannot be used together"),
        (["rank", "--month", "2019-01", "--level", "station"], "haze rank: --level station needs --city: stations are ranked within one city"),
        (["rank", "--month", "2019-01", "--month", "2019-02"], "haze rank: --month is given more than once ('2019-01', '2019-02'); give it once"),
        // --city with --station is allowed since issue 13: it picks among stations of one name (市监测站).
        (["query", "--station", "1001A", "--unit", "东新区"], "haze query: --station and --unit cannot be used together"),
        (["query", "--layer", "zone", "--city", "周口"], "haze query: --layer needs --unit"),
        (["rank", "--month", "2019-01", "--level", "city", "--strict"], "haze rank: --strict and --level city cannot be used together"),
        (["query", "--station", "1001A", "--district", "朝阳区"], "haze query: --station and --district cannot be used together"),
        (["alert", "--summary"], "haze alert: --summary needs --replay: the summary counts the episodes of a replay"),
        (["alert", "--from", "2019-01-10", "--to", "2019-01-12"], "haze alert: --from needs --replay"),
        (["alert", "--replay", "--from", "2019-01-10"], "haze alert: --replay needs --to: a replay needs its last date"),
        (Self.replay + ["--summary", "--format", "json"], "haze alert: --summary and --format json cannot be used together: the summary is a table"),
        (Self.replay + ["--at", "2019-01-12T08:00+08:00"], "haze alert: --replay and --at cannot be used together"),
        (Self.replay + ["--dry-run"], "haze alert: --replay and --dry-run cannot be used together: a replay never changes state"),
        (Self.replay + ["--webhook", Self.webhook], "haze alert: --replay and --webhook cannot be used together: a replay delivers nothing"),
        (Self.replay + ["--wait", "5"], "haze alert: --replay and --wait cannot be used together"),
        (["alert", "--dry-run", "--webhook", Self.webhook], "haze alert: --dry-run and --webhook cannot be used together: a dry run delivers nothing"),
        (["alert", "--webhook-format", "text"], "haze alert: --webhook-format needs --webhook"),
        (["alert", "--webhook-deadline", "5"], "haze alert: --webhook-deadline needs --webhook"),
        (["ingest", "--station", "1001A", "--format", "cnemc-wide", "x.csv"], "haze ingest: --station and --format cnemc-wide cannot be used together"),
        (["pull", "--since", "2019-01-01", "--since", "2019-01-02"], "haze pull: --since is given more than once"),
    ]

    @Test("conflicting and meaningless combinations are refused (64) with the reason, and nothing in the store changes")
    func conflicts() {
        for (arguments, message) in Self.conflicts {
            let (run, changed) = BoundsStore.run(arguments)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(changed.isEmpty, "\(arguments) changed \(changed)")
        }
    }

    /// `haze plot`: the refusals its spec declares (`rules:`, `accepts:`) and
    /// the ones its command makes for a KIND or an HTML page, each with the reason.
    static let plotConflicts: [([String], String)] = [
        (["plot", "timeseries", "--station", "1001A", "--district", "朝阳区"],
         "haze plot: --station and --district cannot be used together: a chart is about one subject"),
        (["plot", "timeseries", "--station", "1001A", "--city", "北京"], "haze plot: --station and --city cannot be used together"),
        (["plot", "timeseries", "--city", "北京", "--aqi-band", "--resolution", "month"],
         "haze plot: --aqi-band and --resolution month cannot be used together: the AQI band colours days"),
        (["plot", "timeseries", "--city", "北京", "--aqi-band", "--resolution", "Month"], "--aqi-band and --resolution month cannot be used together"),
        (["plot", "timeseries", "--city", "北京", "--width", "400", "--format", "html"],
         "haze plot: --width and --format html cannot be used together: an HTML page carries both the phone and the desktop layout"),
        (["plot", "timeseries", "--city", "北京", "--width", "400", "--format", "HTML"], "--width and --format html cannot be used together"),
        (["plot", "timeseries", "--city", "北京", "--width", "400", "--out", "chart.html"], "haze plot: --width does not apply to an HTML page (--out chart.html makes one)"),
        (["plot", "timeseries", "--city", "北京", "--width", "400", "--out", "chart.HTM"], "--width does not apply to an HTML page"),
        (["plot", "timeseries", "--city", "北京", "--width", "319"], "--width: '319' is out of range; --width accepts a whole number in 320…2400"),
        (["plot", "timeseries", "--city", "北京", "--width", "2401"], "--width: '2401' is out of range"),
        (["plot", "timeseries", "--city", "北京", "--width", "-400"], "--width: '-400' is out of range"),
        (["plot", "timeseries", "--city", "北京", "--width", "wide"], "--width: 'wide' is not a number"),
        (["plot", "timeseries", "--city", "北京", "--format", "csv"], "--format: 'csv' is not valid; expected svg|html"),
        (["plot", "calendar", "--city", "北京", "--pollutant", "pm2.5,pm10"], "haze plot calendar: --pollutant takes one pollutant for a calendar chart"),
        (["plot", "bump", "--city", "北京", "--pollutant", "pm2.5,pm10"], "haze plot bump: --pollutant takes one pollutant"),
        (["plot", "ratio", "--city", "北京", "--resolution", "month"], "haze plot ratio: --resolution is hour or day"),
        (["plot", "calendar", "--city", "北京", "--resolution", "day"], "haze plot calendar: --resolution does not apply to a calendar chart"),
        (["plot", "diurnal", "--city", "北京", "--aqi-band"], "haze plot diurnal: --aqi-band does not apply to a diurnal chart"),
        (["plot", "timeseries", "--city", "北京", "--highlight", "朝阳区"], "haze plot timeseries: --highlight does not apply to a timeseries chart"),
        (["plot", "weekday", "--city", "北京", "--level", "district"], "haze plot weekday: --level does not apply to a weekday chart"),
        (["plot", "--city", "北京"], "haze plot: name a KIND: timeseries, calendar, diurnal, weekday, bump, ratio"),
        (["plot", "pie", "--city", "北京"], "KIND: 'pie' is not valid"),
        (["plot", "timeseries", "calendar", "--city", "北京"], "haze plot: unexpected argument 'calendar'"),
        (["plot", "timeseries"], "haze plot: name a subject with --station, --district or --city"),
        (["plot", "timeseries", "--city", "北京", "--from", "2019-01-05", "--to", "2019-01-01"], "haze plot: --from 2019-01-05 is after --to 2019-01-01"),
    ]

    @Test("haze plot: refused combinations exit 64 with the reason, write no chart, and change nothing in the store")
    func plotConflicts() {
        for (arguments, message) in Self.plotConflicts {
            let dir = TestPaths.temporaryDirectory("haze-plot-refused")
            var line = arguments
            if !line.contains("--out") { line += ["--out", "chart.svg"] }
            let (run, changed) = BoundsStore.run(line, workingDirectory: dir)
            #expect(run.status == 64, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
            #expect(changed.isEmpty, "\(arguments) changed \(changed)")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: dir)) == [], "\(arguments) wrote a file")
        }
    }

    @Test("every rule names options of its own command, and every number, date, month, year or hour option declares what it accepts")
    func specsAreConsistent() {
        let typed: Set<String> = ["N", "HOURS", "SECONDS", "DATE", "YYYY-MM", "YYYY", "TIME"]
        for command in HazeCLI.commands {
            let names = Set(command.spec.options.map(\.name))
            for rule in command.spec.rules {
                for name in rule.optionNames { #expect(names.contains(name), "haze \(command.spec.name): a rule names \(name)") }
            }
            for option in command.spec.options {
                if let valueName = option.valueName, typed.contains(valueName) {
                    #expect(option.form != nil, "haze \(command.spec.name) \(option.name) \(valueName) declares no form")
                }
                if option.form != nil { #expect(option.valueName != nil, "\(option.name) is a flag with a form") }
            }
        }
    }

    @Test("--help lists the refused combinations and the ranges, and every example in it is accepted")
    func helpAndExamples() throws {
        let rank = InProcess(["rank", "--help"])
        #expect(rank.stdout.contains("NOT TOGETHER (refused, exit 64):"))
        #expect(rank.stdout.contains("--indicator with --pollutant — --indicator names what is ranked"))
        #expect(!rank.stdout.contains("--composite with --from"), "the weighted score works for any period now")
        #expect(rank.stdout.contains("[years 1900–2200]"))
        #expect(InProcess(["init", "--help"]).stdout.contains("[-14…14]"))
        for command in HazeCLI.commands {
            for example in command.spec.examples where example.hasPrefix("haze \(command.spec.name) ")
                && !example.contains("'") && !example.contains("&&") && !example.contains("|") {
                let words = example.split(separator: " ").dropFirst(1 + command.spec.name.split(separator: " ").count).map(String.init)
                #expect(throws: Never.self, "\(example)") { try command.spec.parse(words) }
            }
        }
    }

    @Test("the demo's and README's own combinations stay allowed")
    func allowedCombinations() throws {
        let allowed: [[String]] = [
            ["rank", "--month", "2019-01", "--city", "北京", "--composite", "pm2.5=0.6,pm10=0.4"],
            ["rank", "--from", "2019-01", "--to", "2019-02", "--city", "北京", "--composite", "pm2.5=0.6,pm10=0.4"],
            ["rank", "--year", "2019", "--composite", "pm2.5=1"],
            ["rank", "--month", "2019-01", "--level", "city", "--indicator", "composite", "--limits", "2026"],
            ["query", "--city", "北京", "--indicator", "aqi", "--resolution", "hour"],
            ["init", "--day-hours", "0-23"],
            ["rank", "--month", "2019-01", "--level", "city", "--pollutant", "pm2.5", "--format", "csv"],
            ["rank", "--month", "2019-01", "--level", "station", "--city", "北京"],
            ["rank", "--year", "2019", "--city", "北京", "--lang", "en"],
            ["query", "--district", "朝阳区", "--city", "北京"],
            ["alert", "--city", "北京", "--replay", "--from", "2019-01-11", "--to", "2019-01-15", "--summary", "--lang", "en"],
            ["alert", "--at", "2019-01-12T20:00+08:00", "--dry-run", "--format", "ndjson"],
            ["alert", "--webhook", Self.webhook, "--webhook-format", "text", "--webhook-deadline", "5", "--wait", "2.5"],
            ["check", "--repair", "--wait", "10"],
            ["check", "--wait", "5"],
            ["plot", "timeseries", "--city", "北京", "--aqi-band", "--resolution", "hour", "--width", "320"],
            ["plot", "timeseries", "--station", "1001A", "--width", "2400", "--format", "svg", "--out", "page.html"],
            ["plot", "bump", "--city", "北京", "--level", "station", "--highlight", "1001A", "--format", "html"],
            ["ingest", "--station", "OAQ-1", "hours.json"],
        ]
        for arguments in allowed {
            let command = try #require(HazeCLI.commands.first { $0.spec.name == arguments[0] })
            #expect(throws: Never.self, "\(arguments)") { try command.spec.parse(Array(arguments.dropFirst())) }
        }
    }
}
