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

/// Rankings over the real CNEMC files, checked against reference.py's
/// independent computation, and the reports read back.
@Suite("Ranking: real data against the reference", .onTestThreads, .serialized)
struct RankingRealDataTests {
    static func reference(month: String, level: String, city: String?) async throws -> [String: [String: [String: Any]]] {
        var arguments = ["rank", "--data", TestPaths.cnemc, "--registry", TestPaths.stations, "--month", month, "--level", level,
                         "--day-hours", "1-24"]
        if let city { arguments += ["--city", city] }
        return try await Processes.python("reference.py", arguments) as? [String: [String: [String: Any]]] ?? [:]
    }

    static func haze(_ arguments: [String]) throws -> [String: Any] {
        let run = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--format", "json"] + arguments)
        guard run.status == 0 else { throw QueryError.noData(run.stderr) }
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// Compares every unit of every pollutant; returns how many entries were compared.
    @discardableResult
    static func compare(_ haze: [String: Any], _ reference: [String: [String: [String: Any]]]) -> Int {
        var compared = 0
        for ranking in haze["rankings"] as? [[String: Any]] ?? [] {
            let pollutant = ranking["pollutant"] as? String ?? ""
            let expected = reference[pollutant] ?? [:]
            let entries = ranking["entries"] as? [[String: Any]] ?? []
            #expect(entries.count == expected.count, "\(pollutant): same units")
            for entry in entries {
                let unit = entry["unit"] as? String ?? ""
                guard let want = expected[unit] else {
                    Issue.record("\(pollutant) \(unit) is not in the reference")
                    continue
                }
                for key in ["rank", "valid_days", "valid", "mean", "exceedance_days", "highest_daily", "highest_daily_date"] {
                    let got = entry[key].map { "\($0)" } ?? "nil"
                    let exp = want[key].map { "\($0)" } ?? "nil"
                    #expect(got.replacingOccurrences(of: "<null>", with: "nil") == exp.replacingOccurrences(of: "<null>", with: "nil"),
                            "\(pollutant) \(unit) \(key)")
                }
                compared += 1
            }
        }
        return compared
    }

    @Test("Beijing's districts, January and February 2019 (truncated 20th, missing hours), equal the reference",
          arguments: ["2019-01", "2019-02"])
    func districts(month: String) async throws {
        let haze = try Self.haze(["--month", month, "--city", "北京"])
        let reference = try await Self.reference(month: month, level: "district", city: "北京")
        // A pollutant no district has a valid month of is not ranked (its "rank 1 of nothing" is gone):
        // in February 2019 (hour labels 1–24) that is PM10, every district invalid in the reference too.
        let unranked = haze["unranked"] as? [String] ?? []
        for pollutant in unranked {
            #expect(reference[pollutant]?.values.allSatisfy { $0["valid"] as? Bool == false } == true, "\(pollutant) has a valid district")
        }
        #expect(Self.compare(haze, reference) == 8 * (2 - unranked.count))
        #expect(unranked == (month == "2019-02" ? ["PM10"] : []))
    }

    @Test("every city in the national list, January 2019: Beijing's PM2.5 is 52 and every city equals the reference")
    func cities() async throws {
        let haze = try Self.haze(["--month", "2019-01", "--level", "city"])
        let reference = try await Self.reference(month: "2019-01", level: "city", city: nil)
        let compared = Self.compare(haze, reference)
        #expect(compared > 700, "\(compared) city-pollutant entries")
        let pm25 = (haze["rankings"] as? [[String: Any]])?.first { $0["pollutant"] as? String == "PM2.5" }
        let beijing = (pm25?["entries"] as? [[String: Any]])?.first { $0["unit"] as? String == "北京" }
        #expect(beijing?["mean"] as? Int == 52)
        // Ties are shared: some rank appears more than once.
        let ranks = (pm25?["entries"] as? [[String: Any]] ?? []).compactMap { $0["rank"] as? Int }
        #expect(Set(ranks).count < ranks.count)
    }

    @Test("nothing valid, nothing ranked: a month, a year or a pollutant without any valid unit says so and exits 65, printing no rank",
          arguments: [
            ["--month", "2019-03", "--city", "北京"],
            ["--year", "2019", "--city", "北京"],
            ["--from", "2019-02", "--to", "2019-03", "--city", "北京"],
            ["--month", "2019-02", "--level", "city", "--city", "北京", "--pollutant", "pm10"],
            ["--month", "2019-03", "--city", "北京", "--indicator", "pm2.5"],
            ["--year", "2019", "--level", "city", "--indicator", "composite"],
          ])
    func nothingValid(arguments: [String]) throws {
        let run = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations] + arguments)
        #expect(run.status == 65, "\(arguments): \(run.stdout)")
        #expect(run.stdout.isEmpty, "no table, no rank 1 of nothing: \(run.stdout)")
        #expect(run.stderr.contains("nothing is ranked"), "\(run.stderr)")
    }

    @Test("the weighted PM score works for a run of months too (it used to be refused)")
    func compositeForPeriods() throws {
        let run = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--from", "2019-01", "--to", "2019-02", "--level", "city", "--city", "北京",
                             "--composite", "pm2.5=0.6,pm10=0.4", "--format", "json"])
        #expect(run.status == 65 || run.status == 0, "\(run.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        // Beijing's PM10 February is invalid (22 of 25 days): the period is invalid for PM10, PM2.5 is ranked;
        // the score needs both, so it is absent — never a number made of an invalid mean.
        #expect(json?["composite"] == nil, "\(run.stdout)")
        let districts = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                                   "--from", "2019-01", "--to", "2019-01", "--city", "北京", "--composite", "pm2.5=0.6,pm10=0.4"])
        #expect(districts.status == 0, "\(districts.stderr)")
        #expect(districts.stdout.contains("综合得分（pm2.5=0.60,pm10=0.40）") && districts.stdout.contains("期间均值"), "\(districts.stdout)")
    }

    @Test("CSV and JSON parse back to the numbers of the ranking in memory")
    func outputsParseBack() throws {
        let store = try SharedStore.open()
        let ranking = try MonthlyRanking(store: store, registry: SharedStore.registry, month: Month(year: 2019, month: 1)!,
                                         scope: RankingScope(level: .district, city: "北京"))
        let report = MonthlyRankingReport(ranking: ranking, language: .en)
        let lines = report.csv().split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.first == MonthlyRankingReport.csvHeader)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let jsonRankings = try #require(json["rankings"] as? [[String: Any]])
        var row = 1
        for (p, pollutantRanking) in ranking.rankings.enumerated() {
            let jsonEntries = try #require(jsonRankings[p]["entries"] as? [[String: Any]])
            for (i, entry) in pollutantRanking.entries.enumerated() {
                let csv = lines[row]
                row += 1
                #expect(csv[2] == pollutantRanking.pollutant.displayName && csv[4] == entry.unit.name)
                #expect(Int(csv[3]) == entry.rank && Int(csv[7]) == entry.current.validDays && Int(csv[10]) == entry.current.exceedanceDays)
                #expect(csv[6] == (entry.current.isValid ? String(entry.current.rounded ?? -1) : ""))
                let j = jsonEntries[i]
                #expect(j["unit"] as? String == entry.unit.name && j["rank"] as? Int == entry.rank)
                #expect(j["mean"] as? Int == (entry.current.isValid ? entry.current.rounded : nil))
                #expect(abs((j["mean_of_valid_days"] as? Double ?? -1) - (entry.current.mean ?? -2)) < 1e-4)
                #expect(j["highest_daily"] as? Int == entry.current.highestDay?.value)
            }
        }
        #expect(row == lines.count)
    }

    @Test("tables and Markdown align and carry the notes", arguments: [Language.zh, .en])
    func textReports(language: Language) throws {
        let store = try SharedStore.open()
        let ranking = try MonthlyRanking(store: store, registry: SharedStore.registry, month: Month(year: 2019, month: 1)!,
                                         scope: RankingScope(level: .district, city: "北京"))
        let report = MonthlyRankingReport(ranking: ranking, language: language)
        let table = report.table()
        let tableLines = table.split(separator: "\n").map(String.init)
        // Header, rule and rows of each table have equal display widths up to the note column.
        let rule = try #require(tableLines.first { $0.hasPrefix("----") })
        #expect(DisplayWidth.of(rule) > 60)
        #expect(table.contains(language == .zh ? "2019年1月 北京市各区" : "ranking of 北京 districts, January 2019"))
        let markdown = report.markdown()
        #expect(markdown.contains("| ---: |") == false && markdown.contains("|---:|"))
        #expect(markdown.contains(language == .zh ? "有效天数不足(24/27)" : "fewer than 27 valid days (24)"))
    }

    @Test("the HTML report renders in headless Chromium with its charts, limit lines and text",
          .enabled(if: Chromium.path != nil || ProcessInfo.processInfo.environment["HAZE_REQUIRE_CHROMIUM"] != nil,
                   "no chromium on PATH (install Debian's chromium, or set HAZE_REQUIRE_CHROMIUM=1 to make its absence a failure)"))
    func htmlScreenshot() async throws {
        let chromium = try #require(Chromium.path, "HAZE_REQUIRE_CHROMIUM is set but chromium is not installed")
        let dir = TestPaths.temporaryDirectory("haze-html")
        let run = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--month", "2019-01", "--city", "北京", "--format", "html", "--out", dir + "/r.html"])
        #expect(run.status == 0)
        let html = try String(contentsOfFile: dir + "/r.html", encoding: .utf8)
        #expect(html.contains("<title>2019年1月 北京市各区 PM2.5、PM10 浓度排名</title>"))
        #expect(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained")
        #expect(html.components(separatedBy: "<svg").count == 5, "two charts, each in a phone and a desktop layout")
        let png = dir + "/r.png"
        let shot = try await Processes.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                "--window-size=1000,1500", "--screenshot=\(png)", "file://\(dir)/r.html"])
        #expect(FileManager.default.fileExists(atPath: png), "\(shot.stderr)")
        let stats = try #require(try await Processes.python("png_stats.py", [png, "#2c7fb8", "#7b6fb0", "#c0392b"]) as? [String: Any])
        let nonWhite = try #require(stats["non_white"] as? Double)
        #expect(nonWhite > 0.05 && nonWhite < 0.6, "the page is neither blank nor a solid block: \(nonWhite)")
        let colours = try #require(stats["colours"] as? [String: Int])
        #expect((colours["#2c7fb8"] ?? 0) > 5000, "PM2.5 bars are drawn")
        #expect((colours["#7b6fb0"] ?? 0) > 5000, "PM10 bars are drawn")
        #expect((colours["#c0392b"] ?? 0) > 100, "limit lines are drawn")
    }
}

enum Chromium {
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
}
