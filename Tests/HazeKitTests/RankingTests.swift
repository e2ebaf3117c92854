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

/// Rankings on hand-made data, where every expected figure is computed by hand
/// from the rules in DOMAIN.md.
@Suite("Ranking: rules on hand-made data", .onTestThreads)
struct RankingRuleTests {
    let zone = LocalZone.beijing

    /// A store and a registry of one city with districts A…F, one station each.
    func fixture(hours: Int = 420 * 24) throws -> (Store, StationRegistry) {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-rank"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: hours, dailyCapacity: 800, dayConvention: .hours0to23))
        let registry = StationRegistry(stations: ["A", "B", "C", "D", "E", "F"].map {
            Station(code: "S\($0)", name: "站\($0)", city: "测试", district: "\($0)区")
        } + [Station(code: "SX", name: "对照", city: "测试", district: "A区", isControl: true)])
        return (store, registry)
    }

    /// Writes `hours` hourly values for a station-day (the first `split` hours get `low`, the rest `high`).
    func day(_ store: Store, _ station: String, _ date: CivilDate, low: Int, high: Int? = nil, split: Int = 24,
             hours: Int = 24, pollutant: Pollutant = .pm25) throws {
        let id = try store.resolve([SeriesKey(station: station, pollutant: pollutant)])[0]
        let readings = (0..<hours).map {
            StoredReading(series: id, hour: zone.hour(day: Day(date), hourOfDay: $0), value: $0 < split ? low : (high ?? low))
        }
        // Hand-made history jumps between years: let the window go where the data go.
        _ = try store.write(readings, policy: .advanceAsNeeded)
    }

    func date(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    @Test("a period's valid days are counted in their own month: days in any order, days outside the months, a period spanning years")
    func validDaysByMonth() throws {
        let day = { (y: Int, m: Int, d: Int) in Day(CivilDate(year: y, month: m, day: d)!) }
        let months = [Month(year: 2019, month: 12)!, Month(year: 2020, month: 1)!, Month(year: 2020, month: 2)!]
        // Counted by hand: December 2, January 3, February 1; a November day and a March day fall in no month.
        let days: [(day: Day, mean: Double?)] = [
            (day(2020, 1, 5), 40), (day(2019, 12, 31), 50), (day(2020, 1, 1), 30), (day(2019, 11, 30), 99),
            (day(2020, 2, 29), 20), (day(2019, 12, 1), 10), (day(2020, 1, 31), nil), (day(2020, 1, 2), 25), (day(2020, 3, 1), 70),
        ]
        let statistics = PeriodStatistics(days: days, pollutant: .pm25, validity: PeriodValidity(months: months))
        #expect(statistics.validDaysByMonth == [2, 3, 1])
        #expect(statistics.validDays == 8)
    }

    @Test("means on exact halves round to even; equal rounded values share a rank (1, 2, 2, 4); invalid units last, jointly")
    func roundingAndTies() throws {
        let (store, registry) = try fixture()
        for d in 1...30 {
            let date = date(2019, 1, d)
            try day(store, "SA", date, low: 50)                       // 50
            try day(store, "SB", date, low: d <= 15 ? 52 : 53)        // 52.5 → 52
            try day(store, "SC", date, low: d <= 15 ? 51 : 52)        // 51.5 → 52
            try day(store, "SD", date, low: d <= 15 ? 53 : 54)        // 53.5 → 54
            if d <= 20 { try day(store, "SE", date, low: 10) }         // 20 valid days: invalid
            try day(store, "SF", date, low: 40, hours: 19)             // 19 hours a day: no valid day
            try day(store, "SX", date, low: 999)                      // control point: never counts
        }
        let ranking = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2019, month: 1)!,
                                         scope: RankingScope(level: .district, city: "测试", pollutants: [.pm25]))
        let entries = try #require(ranking.ranking(for: .pm25)).entries
        let byUnit = Dictionary(uniqueKeysWithValues: entries.map { ($0.unit.name, $0) })
        #expect(byUnit["A区"]?.current.rounded == 50 && byUnit["A区"]?.rank == 1, "the control point's 999 is not averaged in")
        #expect(byUnit["B区"]?.current.mean == 52.5 && byUnit["B区"]?.current.rounded == 52 && byUnit["B区"]?.rank == 2)
        #expect(byUnit["C区"]?.current.rounded == 52 && byUnit["C区"]?.rank == 2)
        #expect(byUnit["D区"]?.current.rounded == 54 && byUnit["D区"]?.rank == 4)
        #expect(byUnit["E区"]?.current.isValid == false && byUnit["E区"]?.current.validDays == 20 && byUnit["E区"]?.rank == 5)
        #expect(byUnit["F区"]?.current.validDays == 0 && byUnit["F区"]?.rank == 5)
        #expect(entries.map(\.unit.name) == ["A区", "B区", "C区", "D区", "E区", "F区"])
        #expect(Ranks.ascending([3, 1, nil, 3, 2, nil]) == [3, 1, 5, 3, 2, 5])
    }

    @Test("exceedance days compare the rounded daily value with the limit in force: 75.5 → 76 exceeds, 74.5 → 74 does not")
    func exceedanceBoundary() throws {
        let (store, registry) = try fixture()
        for d in 1...28 {
            let date = date(2019, 2, d)
            switch d {
            case 1: try day(store, "SA", date, low: 75, high: 76, split: 12)     // 75.5 → 76: exceeds
            case 2: try day(store, "SA", date, low: 74, high: 75, split: 12)     // 74.5 → 74: does not
            case 3: try day(store, "SA", date, low: 75)                          // 75: at the limit, does not
            case 4: try day(store, "SA", date, low: 300, hours: 19)              // 19 hours: not a valid day
            default: try day(store, "SA", date, low: 20)
            }
        }
        let ranking = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2019, month: 2)!,
                                         scope: RankingScope(level: .district, city: "测试", pollutants: [.pm25]))
        let a = try #require(ranking.ranking(for: .pm25)?.entries.first { $0.unit.name == "A区" })
        #expect(a.current.exceedanceDays == 1)
        #expect(a.current.validDays == 27 && a.current.isValid, "February needs 25")
        #expect(a.current.highestDay?.value == 76 && a.current.highestDay?.day == Day(date(2019, 2, 1)))
    }

    @Test("the 2026 limits apply from 2026-03-01: 61 exceeds in March 2026, not in February")
    func limitsByDate() throws {
        let (store, registry) = try fixture()
        for d in 1...28 { try day(store, "SA", date(2026, 2, d), low: 61) }
        for d in 1...31 { try day(store, "SA", date(2026, 3, d), low: 61) }
        let scope = RankingScope(level: .district, city: "测试", pollutants: [.pm25])
        let february = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2026, month: 2)!, scope: scope)
        let march = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2026, month: 3)!, scope: scope)
        #expect(february.ranking(for: .pm25)?.entries.first?.current.exceedanceDays == 0)
        #expect(march.ranking(for: .pm25)?.entries.first?.current.exceedanceDays == 31)
        #expect(march.standard == .gb3095_2026Transitional)
    }

    @Test("same month last year comes from the daily ring after the hourly ring has wrapped")
    func yearOnYearAfterWrap() throws {
        // A 40-day hourly ring: January 2018's hours are long gone by January 2019.
        let (store, registry) = try fixture(hours: 40 * 24)
        for d in 1...31 {
            try day(store, "SA", date(2018, 1, d), low: 60)
            try day(store, "SB", date(2018, 1, d), low: 40)
        }
        for d in 1...31 {
            try day(store, "SA", date(2019, 1, d), low: 52)
            try day(store, "SB", date(2019, 1, d), low: 44)
            try day(store, "SC", date(2019, 1, d), low: 30)
        }
        #expect(store.value(try #require(store.index(of: SeriesKey(station: "SA", pollutant: .pm25))),
                            at: zone.hour(day: Day(date(2018, 1, 15)), hourOfDay: 5)) == nil)
        let ranking = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2019, month: 1)!,
                                         scope: RankingScope(level: .district, city: "测试", pollutants: [.pm25]))
        let entries = try #require(ranking.ranking(for: .pm25)).entries
        let a = try #require(entries.first { $0.unit.name == "A区" })
        let b = try #require(entries.first { $0.unit.name == "B区" })
        let c = try #require(entries.first { $0.unit.name == "C区" })
        #expect(a.lastYear.rounded == 60 && a.change == -13.3 && a.changeRank == 1)   // (52-60)/60 = -13.33…%
        #expect(b.lastYear.rounded == 40 && b.change == 10.0 && b.changeRank == 2)
        #expect(c.lastYear.validDays == 0 && c.change == nil && c.changeRank == nil)
        let report = MonthlyRankingReport(ranking: ranking, language: .en)
        #expect(report.table().contains("no data"))
        #expect(!report.csv().contains(",0,0,"), "absent last year is never shown as 0")
    }

    @Test("composite score: Σ w·C/S over the annual Grade II limits, two decimals")
    func composite() throws {
        let (store, registry) = try fixture()
        for d in 1...31 {
            try day(store, "SA", date(2019, 1, d), low: 35)
            try day(store, "SA", date(2019, 1, d), low: 70, pollutant: .pm10)
            try day(store, "SB", date(2019, 1, d), low: 70)
            try day(store, "SB", date(2019, 1, d), low: 35, pollutant: .pm10)
        }
        let weights = try #require(CompositeWeights(parsing: "pm2.5=0.6,pm10=0.4"))
        let ranking = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2019, month: 1)!,
                                         scope: RankingScope(level: .district, city: "测试", pollutants: [.pm25]),
                                         composite: weights)
        let entries = try #require(ranking.composite?.entries)
        // A: 0.6·35/35 + 0.4·70/70 = 1.00; B: 0.6·70/35 + 0.4·35/70 = 1.40
        #expect(entries.first { $0.unit.name == "A区" }?.score == 1.0)
        #expect(entries.first { $0.unit.name == "B区" }?.score == 1.4)
        #expect(entries.first?.unit.name == "A区" && entries.first?.rank == 1)
        #expect(CompositeWeights(parsing: "pm2.5=-1") == nil && CompositeWeights(parsing: "so2=1") == nil)
    }

    @Test("composite weights that score no unit (PM10 short of valid days everywhere) are named in the notes, never left out silently")
    func compositeUnscored() throws {
        let (store, registry) = try fixture()
        for d in 1...31 {
            try day(store, "SA", date(2019, 1, d), low: 35)
            try day(store, "SB", date(2019, 1, d), low: 70)
        }
        for d in 1...20 { try day(store, "SA", date(2019, 1, d), low: 70, pollutant: .pm10) } // 20 valid days: invalid
        let weights = try #require(CompositeWeights(parsing: "pm2.5=0.6,pm10=0.4"))
        let ranking = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2019, month: 1)!,
                                         scope: RankingScope(level: .district, city: "测试", pollutants: [.pm25]),
                                         composite: weights)
        #expect(ranking.composite == nil && ranking.compositeUnscored == weights)
        for language in [Language.zh, .en] {
            let notes = MonthlyRankingReport(ranking: ranking, language: language).notes.joined(separator: "\n")
            #expect(notes.contains(language == .zh ? "综合得分（pm2.5=0.60,pm10=0.40）：没有单位" : "Composite score (pm2.5=0.60,pm10=0.40): no unit"), "\(notes)")
        }
    }

    @Test("a year: annual mean and rank, and how many monthly assessments each unit came first in")
    func annual() throws {
        let (store, registry) = try fixture()
        // A is best in January and February; B is best in March but worst overall.
        let plan: [(Int, Int, Int)] = [(1, 20, 30), (2, 20, 30), (3, 40, 10)]
        for (month, a, b) in plan {
            for d in 1...CivilDate.daysIn(month: month, year: 2019) {
                try day(store, "SA", date(2019, month, d), low: a)
                try day(store, "SB", date(2019, month, d), low: b)
            }
        }
        let ranking = try PeriodRanking(store: store, registry: registry, from: Month(year: 2019, month: 1)!,
                                        to: Month(year: 2019, month: 3)!,
                                        scope: RankingScope(level: .district, city: "测试", pollutants: [.pm25]))
        let entries = try #require(ranking.rankings.first).entries
        let a = try #require(entries.first { $0.unit.name == "A区" })
        let b = try #require(entries.first { $0.unit.name == "B区" })
        // A: (31·20 + 28·20 + 31·40) / 90 = 26.67 → 27; B: (31·30 + 28·30 + 31·10)/90 = 23.1 → 23
        #expect(a.statistics.rounded == 27 && b.statistics.rounded == 23)
        #expect(b.rank == 1 && a.rank == 2)
        #expect(a.monthsFirst == 2 && b.monthsFirst == 1)
        #expect(a.monthlyRanks == [.ranked(1), .ranked(1), .ranked(2)] && b.monthlyRanks == [.ranked(2), .ranked(2), .ranked(1)])
        #expect(PeriodRankingReport.ranksText([.ranked(1), .noData, .invalid(validDays: 20), .ranked(3)], .zh) == "1 — 无效 3")
        let summary = PeriodRankingReport(ranking: ranking, language: .en).summaries.joined(separator: "\n")
        #expect(summary.contains("A区: PM2.5 2nd for the period, 1st in 2 of 3 monthly assessments"))
        let zh = PeriodRankingReport(ranking: ranking, language: .zh).summaries.joined(separator: "\n")
        #expect(zh.contains("B区：PM2.5 期间第1名，月度排名第一1次（共3个月）"))
    }
}
