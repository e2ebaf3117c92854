import Foundation
import Testing
@testable import HazeModel
@testable import HazeAssessment
@testable import HazeReport
@testable import HazeCLI

/// `haze bulletin`: its figures equal `haze rank --indicator`'s and the
/// independent reference's (RULES.md §11), its workbook read back by the
/// independent reader equals its JSON, its HTML is well-formed.
@Suite("Bulletin", .onTestThreads, .serialized)
struct BulletinTests {
    static func bulletin(_ store: String, _ arguments: [String]) throws -> [String: Any] {
        let run = InProcess(["bulletin", "--store", store, "--stations", TestPaths.stations, "--city", "北京", "--format", "json"] + arguments)
        guard run.status == 0 else { throw NSError(domain: "haze", code: Int(run.status), userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
    }

    nonisolated(unsafe) static let twoYears: [String: Any] = (try? bulletin(TwoYearStore.built.store, ["--month", "2019-02", "--top", "2"])) ?? [:]

    /// A ranking with only the lists the reference gives for one order.
    static func restricted(_ ranking: [String: Any], to kinds: [String]) -> [String: Any] {
        var copy = ranking
        let lists = ranking["lists"] as? [String: Any] ?? [:]
        copy["lists"] = lists.filter { kinds.contains($0.key) }
        return copy
    }

    @Test("two years: every indicator's ranking, last year's values and ranks, changes and all four lists equal the reference and haze rank --indicator")
    func rankingsAgainstReference() async throws {
        let rankings = try #require(Self.twoYears["rankings"] as? [[String: Any]])
        #expect(rankings.map { $0["indicator"] as? String ?? "" } == ["pm2.5", "pm10", "composite", "good-days"])
        for ranking in rankings {
            let indicator = ranking["indicator"] as? String ?? ""
            let base = ["--indicator", indicator, "--month", "2019-02", "--top", "2", "--bottom", "2"]
            let byValue = await RankingChangeTests.reference(TwoYearStore.built.cnemc, base)
            try RankingChangeTests.compare(Self.restricted(ranking, to: ["red_list", "black_list"]), byValue, "bulletin \(indicator) by value")
            let byChange = await RankingChangeTests.reference(TwoYearStore.built.cnemc, base + ["--by", "change"])
            var asChange = Self.restricted(ranking, to: ["most_improved", "most_deteriorated"])
            asChange["order"] = "value"   // the bulletin orders by value; the lists are what is compared
            try RankingChangeTests.compare(asChange, byChange, "bulletin \(indicator) by change")
            // The same entries as haze rank --indicator prints.
            let rank = try RankingChangeTests.haze(TwoYearStore.built.store, base)
            let mine = (ranking["entries"] as? [[String: Any]] ?? []).map { "\($0["unit"]!) \($0["rank"]!) \($0["value"]!) \($0["last_year_value"]!) \($0["last_year_rank"]!) \($0["change"]!) \($0["change_rank"]!)" }
            let theirs = (rank["entries"] as? [[String: Any]] ?? []).map { "\($0["unit"]!) \($0["rank"]!) \($0["value"]!) \($0["last_year_value"]!) \($0["last_year_rank"]!) \($0["change"]!) \($0["change_rank"]!)" }
            #expect(mine == theirs, "\(indicator)")
        }
        // 怀柔区 deteriorated by 50 % in PM2.5 but attains Grade II: named, not listed.
        let pm25Lists = try #require(rankings.first?["lists"] as? [String: Any])
        #expect(pm25Lists["spared_from_deteriorating"] as? [String] == ["怀柔区"])
    }

    @Test("two years: the city's headline figures equal the reference's city values and changes (PM2.5 by hand: 11 stations' 2019 mean, 1002A a control point)")
    func headline() async throws {
        let headline = try #require(Self.twoYears["headline"] as? [[String: Any]])
        #expect(headline.map { $0["indicator"] as? String ?? "" } == ["pm2.5", "pm10", "composite", "good-days"])
        for figure in headline {
            let indicator = figure["indicator"] as? String ?? ""
            let reference = await Reference.run(["rank", "--data", TwoYearStore.built.cnemc, "--registry", TestPaths.stations, "--level", "city",
                                           "--city", "北京", "--indicator", indicator, "--month", "2019-02"])
            let city = try #require((reference["units"] as? [String: [String: Any]])?["北京"], "\(reference)")
            #expect(Reference.number(figure["value"]) == Reference.number(city["value"]), "\(indicator)")
            #expect(Reference.number(figure["last_year_value"]) == Reference.number(city["last_year_value"]), "\(indicator)")
            #expect(Reference.number(figure["change"]) == Reference.number(city["change"]), "\(indicator)")
        }
        // By hand: 2019 PM2.5 of the 10 stations with data (1010A has 2019 data too: 11 stations) —
        // (64·4 + 60·2 + 30 + 78 + 70 + 30 + 50) / 11 = 634 / 11 = 57.6 → 58.
        #expect(Reference.int(headline[0]["value"]) == 58)
    }

    @Test("the workbook, read back by the independent reader, holds the JSON's figures: headline, every ranking row, every list")
    func workbookEqualsJSON() async throws {
        let path = TestPaths.temporaryDirectory("bulletin-xlsx") + "/b.xlsx"
        let run = InProcess(["bulletin", "--store", TwoYearStore.built.store, "--stations", TestPaths.stations, "--city", "北京",
                             "--month", "2019-02", "--top", "2", "--format", "xlsx", "--out", path])
        #expect(run.status == 0, "\(run.stderr)")
        let sheets = await SpreadsheetReader.sheets(try SpreadsheetReader.read(path))
        let byName = Dictionary(sheets.map { ($0["name"] as? String ?? "", $0["rows"] as? [[[String: Any]]] ?? []) }, uniquingKeysWith: { a, _ in a })
        #expect(sheets.map { $0["name"] as? String ?? "" } == ["全市概况", "PM2.5排名", "PM2.5红黑榜", "PM10排名", "PM10红黑榜", "综合指数排名",
                                                               "综合指数红黑榜", "优良天数比例排名", "优良天数比例红黑榜", "例外事件日", "说明"])
        func number(_ cell: [String: Any]?) -> Double? { cell?["t"] as? String == "n" ? Reference.number(cell?["v"]) : nil }
        let headline = try #require(Self.twoYears["headline"] as? [[String: Any]])
        let headlineRows = try #require(byName["全市概况"])
        #expect(headlineRows.count == headline.count + 1)
        for (row, figure) in zip(headlineRows.dropFirst(), headline) {
            #expect(number(row[1]) == Reference.number(figure["value"]))
            #expect(number(row.count > 2 ? row[2] : nil) == Reference.number(figure["last_year_value"]))
            #expect(number(row.count > 3 ? row[3] : nil) == Reference.number(figure["change"]))
        }
        for ranking in try #require(Self.twoYears["rankings"] as? [[String: Any]]) {
            let label = ["pm2.5": "PM2.5", "pm10": "PM10", "composite": "综合指数", "good-days": "优良天数比例"][ranking["indicator"] as? String ?? ""] ?? ""
            let rows = try #require(byName[label + "排名"])
            let header = rows[0].map { $0["v"] as? String ?? "" }
            let column = { (name: String) in header.firstIndex(of: name) ?? 0 }
            let entries = try #require(ranking["entries"] as? [[String: Any]])
            #expect(rows.count == entries.count + 1)
            for (row, entry) in zip(rows.dropFirst(), entries) {
                #expect(row[column("unit")]["v"] as? String == entry["unit"] as? String)
                for key in ["rank", "value", "last_year_value", "last_year_rank", "change", "change_rank"] {
                    let cell = column(key) < row.count ? row[column(key)] : nil
                    #expect(number(cell) == Reference.number(entry[key]), "\(label) \(entry["unit"] ?? "") \(key)")
                }
            }
            let listRows = try #require(byName[label + "红黑榜"])
            let lists = try #require(ranking["lists"] as? [String: Any])
            let listed = ["red_list", "black_list", "most_improved", "most_deteriorated"].flatMap { kind in
                (lists[kind] as? [[String: Any]] ?? []).map { "\($0["place"]!) \($0["unit"]!)" }
            }
            #expect(listRows.dropFirst().map { row in "\(Reference.int(row[1]["v"]) ?? -1) \(row[2]["v"] as? String ?? "")" } == listed, "\(label)")
        }
    }

    @Test("the HTML page is well-formed (every element closed in order, one title, no script) and names every section")
    func html() async throws {
        let run = InProcess(["bulletin", "--store", TwoYearStore.built.store, "--stations", TestPaths.stations, "--city", "北京",
                             "--month", "2019-02", "--format", "html"])
        #expect(run.status == 0, "\(run.stderr)")
        let path = TestPaths.temporaryDirectory("bulletin-html") + "/b.html"
        _ = FileManager.default.createFile(atPath: path, contents: Data(run.stdout.utf8))
        let check = """
        import sys, html.parser
        VOID = {'meta', 'br', 'img', 'hr', 'link', 'input', 'rect', 'line', 'path', 'circle'}
        class P(html.parser.HTMLParser):
            def __init__(s): super().__init__(); s.stack = []; s.errors = []; s.titles = 0; s.h2 = []; s.cur = None
            def handle_starttag(s, t, a):
                if t == 'title': s.titles += 1
                if t == 'script': s.errors.append('script')
                if t not in VOID: s.stack.append(t)
                s.cur = t
            def handle_startendtag(s, t, a): pass
            def handle_endtag(s, t):
                if not s.stack or s.stack[-1] != t: s.errors.append('unexpected </%s> open %s' % (t, s.stack[-3:])); return
                s.stack.pop()
            def handle_data(s, d):
                if s.stack and s.stack[-1] == 'h2': s.h2.append(d)
        p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read()); p.close()
        print('\\n'.join(p.errors + (['unclosed %s' % p.stack] if p.stack else []) + ([] if p.titles == 1 else ['titles %d' % p.titles])))
        print('H2:' + '|'.join(p.h2))
        """
        let result = try await Processes.run("/usr/bin/env", ["python3", "-c", check, path])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { !$0.hasPrefix("H2:") && !$0.isEmpty }.isEmpty, "\(result.stdout) \(result.stderr)")
        let headings = lines.first { $0.hasPrefix("H2:") }?.dropFirst(3).split(separator: "|").map(String.init) ?? []
        #expect(headings.first == "全市概况")
        #expect(headings.contains("2019年2月 北京市各区 PM2.5排名"))
        #expect(headings.contains("恶化幅度最大前3名"))
        #expect(headings.last == "例外事件日")
    }

    @Test("Beijing, January 2019 with exceptional days left out: the PM2.5 and composite rankings equal the reference's --exclude-days, the days are named, 优良天数 keep them",
          .enabled(if: TestPaths.cnemcHasGases, "needs the original CNEMC files (all six pollutants) in ../shared/data/cnemc"))
    func exceptionalDays() async throws {
        let json = try Self.bulletin(SharedStore.national.directory, ["--month", "2019-01", "--indicators", "pm2.5,composite,good-days",
                                                                       "--exclude-exceptional", ExceptionalDaysTests.written])
        let days = try #require((json["exceptional_days"] as? [String: Any])?["days"] as? [[String: Any]])
        #expect(days.compactMap { $0["date"] as? String } == ["2019-01-12", "2019-01-13"])
        for ranking in try #require(json["rankings"] as? [[String: Any]]) {
            let indicator = ranking["indicator"] as? String ?? ""
            let reference = try await Processes.python("reference.py", ["rank", "--data", TestPaths.cnemc, "--registry", TestPaths.stations,
                                                                  "--level", "district", "--city", "北京", "--indicator", indicator,
                                                                  "--month", "2019-01", "--exclude-days", ExceptionalDaysTests.written]) as? [String: Any] ?? [:]
            var values = Self.restricted(ranking, to: [])
            values["lists"] = nil
            try RankingChangeTests.compare(values, reference, "excluded \(indicator)")
        }
        // Good days keep the exceptional days: the same ratio as without the file.
        let plain = try Self.bulletin(SharedStore.national.directory, ["--month", "2019-01", "--indicators", "good-days"])
        let ratio = { (j: [String: Any]) in ((j["headline"] as? [[String: Any]])?.first { $0["indicator"] as? String == "good-days" })?["value"] }
        #expect(Reference.number(ratio(json)) == Reference.number(ratio(plain)))
    }

    @Test("refusals: --format xlsx without --out, an unknown or repeated indicator, --level city, no --city (64); nothing valid (65)")
    func refusals() {
        let store = ["--store", TwoYearStore.built.store, "--stations", TestPaths.stations]
        let cases: [([String], Int32, String)] = [
            (["--city", "北京", "--format", "xlsx"], 64, "--format xlsx needs --out"),
            (["--city", "北京", "--indicators", "pm2.5,dust"], 64, "--indicators"),
            (["--city", "北京", "--indicators", "pm2.5,PM2.5"], 64, "listed twice"),
            (["--city", "北京", "--level", "city"], 64, "--level city"),
            (["--month", "2019-02"], 64, "needs --city"),
            (["--city", "北京", "--month", "2018-06"], 65, "nothing to report"),
        ]
        for (arguments, status, message) in cases {
            let run = InProcess(["bulletin"] + store + arguments)
            #expect(run.status == status, "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
