import Foundation
import Testing
@testable import HazeModel
@testable import HazeAssessment
@testable import HazeReport
@testable import HazeCLI

/// `haze rank --by change`, `--cumulative`, last year's value and rank, and
/// the red/black lists (`--top`, `--bottom`), against the independent
/// reference (Tests/Scripts/reference.py rank, RULES.md §11) — on a synthetic
/// second year (TwoYearStore: hand-chosen values, so the changes are known by
/// hand) and on Beijing's districts, January–February 2019.
@Suite("Rank by change, cumulative periods and red/black lists", .onTestThreads, .serialized)
struct RankingChangeTests {
    static func haze(_ store: String, _ arguments: [String]) throws -> [String: Any] {
        let run = InProcess(["rank", "--store", store, "--stations", TestPaths.stations, "--city", "北京", "--format", "json"] + arguments)
        guard run.status == 0 else { throw NSError(domain: "haze", code: Int(run.status), userInfo: [NSLocalizedDescriptionKey: run.stderr]) }
        return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] ?? [:]
    }

    static func reference(_ data: String, _ arguments: [String]) async -> [String: Any] {
        await Reference.run(["rank", "--data", data, "--registry", TestPaths.stations, "--level", "district", "--city", "北京"] + arguments)
    }

    /// Every unit's rank, value, last year's value and rank, change and change rank, and the lists, equal the reference's.
    static func compare(_ haze: [String: Any], _ reference: [String: Any], _ label: String) throws {
        let units = try #require(reference["units"] as? [String: [String: Any]], "\(label): \(reference["error"] ?? "")")
        let entries = try #require(haze["entries"] as? [[String: Any]])
        #expect(entries.count == units.count, "\(label)")
        for entry in entries {
            let name = try #require(entry["unit"] as? String)
            let want = try #require(units[name], "\(label) \(name)")
            #expect(Reference.int(entry["rank"]) == Reference.int(want["rank"]), "\(label) \(name) rank")
            #expect(entry["valid"] as? Bool == want["valid"] as? Bool, "\(label) \(name) valid")
            #expect(Reference.number(entry["value"]) == Reference.number(want["value"]), "\(label) \(name) value")
            #expect(Reference.number(entry["last_year_value"]) == Reference.number(want["last_year_value"]), "\(label) \(name) last year's value")
            #expect(entry["last_year_valid"] as? Bool == want["last_year_valid"] as? Bool, "\(label) \(name) last year valid")
            if want["last_year_valid"] as? Bool == true {
                #expect(Reference.int(entry["last_year_rank"]) == Reference.int(want["last_year_rank"]), "\(label) \(name) last year's rank")
            }
            #expect(Reference.number(entry["change"]) == Reference.number(want["change"]), "\(label) \(name) change")
            if want["change"] != nil && !(want["change"] is NSNull) {
                #expect(Reference.int(entry["change_rank"]) == Reference.int(want["change_rank"]), "\(label) \(name) change rank")
            }
            #expect(entry["attains_grade_ii"] as? Bool == want["attains_grade_ii"] as? Bool, "\(label) \(name) attains Grade II")
        }
        // The order: by the reference's order key (rank or change rank), ties in any order.
        let key = haze["order"] as? String == "change" ? "change_rank" : "rank"
        let shown = entries.compactMap { Reference.int($0[key]) ?? Int.max }
        #expect(shown == shown.sorted(), "\(label): rows ordered by \(key)")
        let lists = haze["lists"] as? [String: Any]
        for kind in ["red_list", "black_list", "most_improved", "most_deteriorated"] {
            let want = reference[kind] as? [String]
            let got = (lists?[kind] as? [[String: Any]])?.compactMap { $0["unit"] as? String }
            #expect(got.map { Set($0) } == want.map { Set($0) }, "\(label) \(kind)")
        }
    }

    @Test("two years, --by change --top 2 --bottom 2: changes (−25.0 tied, −20.0 tied, +16.7, +50.0 spared), change ranks, the most improved and most deteriorated equal the reference and the hand-computed values",
          arguments: ["pm2.5", "pm10", "composite", "good-days"])
    func byChange(indicator: String) async throws {
        let store = TwoYearStore.built
        let options = ["--indicator", indicator, "--month", "2019-02", "--by", "change", "--top", "2", "--bottom", "2"]
        let haze = try Self.haze(store.store, options)
        try await Self.compare(haze, Self.reference(store.cnemc, options), "\(indicator) by change")
        guard indicator == "pm2.5" else { return }
        // By hand: 朝阳 (80 → 60) and 石景山 (40 → 30) −25.0 %, tied first; 西城 and 东城 (80 → 64) −20.0 %, tied third;
        // 海淀 (75 → 78) +4.0 %; 顺义 (60 → 70) +16.7 %; 怀柔 (20 → 30) +50.0 % but attains Grade II; 昌平 no 2018 data.
        let entries = try #require(haze["entries"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: entries.compactMap { e in (e["unit"] as? String).map { ($0, e) } })
        let expected: [String: (Double?, Int?)] = ["朝阳区": (-25.0, 1), "石景山区": (-25.0, 1), "西城区": (-20.0, 3), "东城区": (-20.0, 3),
                                                   "海淀区": (4.0, 5), "顺义区": (16.7, 6), "怀柔区": (50.0, 7), "昌平区": (nil, nil)]
        for (name, (change, rank)) in expected {
            #expect(Reference.number(byName[name]?["change"]) == change, "\(name)")
            #expect(Reference.int(byName[name]?["change_rank"]) == rank, "\(name)")
        }
        let lists = try #require(haze["lists"] as? [String: Any])
        #expect(Set((lists["most_improved"] as? [[String: Any]] ?? []).compactMap { $0["unit"] as? String }) == ["朝阳区", "石景山区"])
        #expect(Set((lists["most_deteriorated"] as? [[String: Any]] ?? []).compactMap { $0["unit"] as? String }) == ["顺义区", "海淀区"])
        #expect(lists["spared_from_deteriorating"] as? [String] == ["怀柔区"])
    }

    @Test("two years, --by value --top 3 --bottom 2, a month and a cumulative period: ranks with ties, last year's value and rank, red and black lists equal the reference",
          arguments: [["--month", "2019-01"], ["--month", "2019-02", "--cumulative"], ["--month", "2019-02", "--cumulative", "--from", "2019-02"]])
    func byValue(period: [String]) async throws {
        let store = TwoYearStore.built
        for indicator in ["pm2.5", "o3", "composite"] {
            let options = ["--indicator", indicator, "--top", "3", "--bottom", "2"] + period
            try await Self.compare(try Self.haze(store.store, options), Self.reference(store.cnemc, options), "\(indicator) \(period)")
        }
    }

    @Test("Beijing's districts, January–February 2019 cumulative (real data, no 2018): ranks, values, red and black lists equal the reference; no change without last year",
          arguments: ["pm2.5"])   // PM10 and the composite: no district has a valid February
    func beijingCumulative(indicator: String) async throws {
        try await beijingCumulativeChecked(indicator: indicator)
    }

    @Test("the same for SO2 and the good-day ratio (the gases: the original CNEMC files)",
          .enabled(if: TestPaths.cnemcHasGases, "needs the original CNEMC files (all six pollutants) in ../shared/data/cnemc"),
          arguments: ["so2", "good-days"])
    func beijingCumulativeGases(indicator: String) async throws {
        try await beijingCumulativeChecked(indicator: indicator)
    }

    func beijingCumulativeChecked(indicator: String) async throws {
        let options = ["--indicator", indicator, "--month", "2019-02", "--cumulative", "--top", "3", "--bottom", "3"]
        let haze = try Self.haze(SharedStore.national.directory, options)
        try await Self.compare(haze, Self.reference(TestPaths.cnemc, options), "Beijing \(indicator)")
        #expect(haze["months"] as? [String] == ["2019-01", "2019-02"])
        let entries = try #require(haze["entries"] as? [[String: Any]])
        #expect(entries.allSatisfy { $0["change"] is NSNull })
    }

    @Test("two years: --format xlsx of an indicator ranking holds the CSV's numbers, last year's value and rank, and a sheet per list")
    func workbook() async throws {
        let store = TwoYearStore.built
        let dir = TestPaths.temporaryDirectory("rank-xlsx")
        let base = ["rank", "--store", store.store, "--stations", TestPaths.stations, "--city", "北京", "--indicator", "pm2.5",
                    "--month", "2019-02", "--by", "change", "--top", "2", "--bottom", "2"]
        let csv = InProcess(base + ["--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let xlsx = InProcess(base + ["--format", "xlsx", "--out", dir + "/r.xlsx"])
        #expect(xlsx.status == 0, "\(xlsx.stderr)")
        let sheets = await SpreadsheetReader.sheets(try SpreadsheetReader.read(dir + "/r.xlsx"))
        let rows = try #require(sheets.first?["rows"] as? [[[String: Any]]])
        let records = RankingExcelTests.csvRecords(csv.stdout)
        #expect(rows.count == records.count)
        let header = records.first ?? []
        for (row, record) in zip(rows, records).dropFirst() {
            for (column, text) in record.enumerated() {
                let cell = column < row.count ? row[column] : ["t": "empty"]
                // A change is written +3.2 in the CSV and as the number 3.2 in the sheet.
                let shown = text.hasPrefix("+") ? String(text.dropFirst()) : text
                #expect(SpreadsheetReader.csvText(cell) == shown, "\(header[column]) '\(text)'")
                if ["value", "last_year_value", "last_year_rank", "change", "change_rank", "rank"].contains(header[column]), !text.isEmpty {
                    #expect(cell["t"] as? String == "n", "\(header[column]) '\(text)' is a number")
                }
            }
        }
        let names = sheets.map { $0["name"] as? String ?? "" }
        #expect(names == ["PM2.5", "改善幅度最大前2名", "恶化幅度最大前2名", "说明"])
    }
}
