import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeAssessment
@testable import HazeReport

/// The parts the charts are made of, against hand-computed values and the
/// standards' tables, and the ranking HTML's structure (no browser).
@Suite("Charts: parts and report structure", .onTestThreads)
struct ChartUnitTests {
    @Test("the legend's concentration ranges per AQI category come from the model's IAQI and equal HJ 633's tables (2012, and 2026 from 2026-03-01)")
    func categoryTables() {
        func ranges(_ p: Pollutant, _ date: CivilDate) -> [String] {
            let table = CategoryTable(pollutant: p, on: date)
            return AQICategory.allCases.map(table.range)
        }
        let y2019 = CivilDate(year: 2019, month: 1, day: 1)!, y2026 = CivilDate(year: 2026, month: 3, day: 1)!
        #expect(ranges(.pm25, y2019) == ["0–35", "36–75", "76–115", "116–150", "151–250", ">250"])
        #expect(ranges(.pm25, y2026) == ["0–35", "36–60", "61–115", "116–150", "151–250", ">250"])
        #expect(ranges(.pm10, y2019) == ["0–50", "51–150", "151–250", "251–350", "351–420", ">420"])
        #expect(ranges(.pm10, y2026) == ["0–50", "51–120", "121–250", "251–350", "351–420", ">420"])
        let segments = CategoryTable.segments(pollutant: .pm25, days: Day(CivilDate(year: 2026, month: 2, day: 20)!) ... Day(CivilDate(year: 2026, month: 3, day: 10)!))
        #expect(segments.map(\.first.description) == ["2026-02-20", "2026-03-01"])
        #expect(AQICategory(aqi: 50) == .excellent && AQICategory(aqi: 51) == .good && AQICategory(aqi: 300) == .heavy && AQICategory(aqi: 301) == .severe)
        #expect(AQICategory.allCases.map(\.color) == ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023"])
    }

    @Test("quartiles by linear interpolation, by hand: n = 1, 2, 4, 5")
    func quantiles() {
        #expect(Quantile.of(sorted: [7], 0.25) == 7)
        #expect(Quantile.of(sorted: [10, 20], 0.25) == 12.5 && Quantile.of(sorted: [10, 20], 0.75) == 17.5)
        // Positions 1 + 3p: 1.75 → 1 + 0.75·(2 − 1); 3.25 → 3 + 0.25·(4 − 3).
        #expect(Quantile.of(sorted: [1, 2, 3, 4], 0.25) == 1.75 && Quantile.of(sorted: [1, 2, 3, 4], 0.75) == 3.25)
        #expect(Quantile.of(sorted: [1, 2, 3, 4, 100], 0.5) == 3)
        #expect(Quantile.of(sorted: [], 0.5) == nil)
    }

    @Test("profile groups by hour of day and by weekday (Monday first), invalid hours left out")
    func profileGroups() {
        let monday = CivilDate(year: 2019, month: 1, day: 7)!, sunday = CivilDate(year: 2019, month: 1, day: 13)!
        let slots = [TimeSlot(date: monday, hourOfDay: 0, isMonth: false, label: ""), TimeSlot(date: monday, hourOfDay: 1, isMonth: false, label: ""),
                     TimeSlot(date: sunday, hourOfDay: 0, isMonth: false, label: ""), TimeSlot(date: sunday, hourOfDay: 1, isMonth: false, label: "")]
        let values = [Aggregate(mean: 10, count: 1, isValid: true), Aggregate(mean: 30, count: 1, isValid: true),
                      Aggregate(mean: 20, count: 1, isValid: true), .none]
        let hours = ProfileStatistics(slots: slots, values: values, grouping: .hourOfDay)
        #expect(hours.groups[0] == .init(count: 2, mean: 15, lowerQuartile: 12.5, upperQuartile: 17.5))
        #expect(hours.groups[1] == .init(count: 1, mean: 30, lowerQuartile: 30, upperQuartile: 30))
        #expect(hours.groups[2].count == 0 && hours.groups[2].mean == nil)
        let days = ProfileStatistics(slots: slots, values: values, grouping: .weekday)
        #expect(days.groups[0].mean == 20 && days.groups[6].mean == 20 && days.groups[0].count == 2 && days.groups[6].count == 1)
    }

    @Test("time-axis ticks never crowd: labels at least 8 px apart for any span at 400 and 1000 px")
    func ticks() {
        for width in [ChartWidth.narrow, .wide] {
            for (resolution, count) in [(Resolution.hour, 24), (.hour, 168), (.hour, 720), (.day, 7), (.day, 90), (.day, 366), (.day, 1500), (.month, 12), (.month, 120)] {
                let start = Day(CivilDate(year: 2019, month: 1, day: 1)!)
                let slots: [TimeSlot] = (0 ..< count).map { i in
                    switch resolution {
                    case .hour: TimeSlot(date: start.advanced(by: i / 24).date, hourOfDay: i % 24, isMonth: false, label: "")
                    case .day: TimeSlot(date: start.advanced(by: i).date, hourOfDay: nil, isMonth: false, label: "")
                    case .month: TimeSlot(date: (start.month.offset(by: i) ?? start.month).firstDay.date, hourOfDay: nil, isMonth: true, label: "")
                    }
                }
                let axis = TimeAxis(slots: slots, left: 40, right: width.width - 20)
                let ticks = axis.ticks(fontSize: width.smallFontSize)
                #expect(!ticks.isEmpty)
                for (a, b) in zip(ticks, ticks.dropFirst()) {
                    let room = axis.x(b.index) - axis.x(a.index)
                    #expect(room >= TextMeasure.width(a.label, fontSize: width.smallFontSize) + 8, "\(resolution) × \(count) at \(width.pixels): \(a.label) \(b.label)")
                }
            }
        }
    }

    @Test("SVG numbers: one decimal at most, never nan or inf")
    func numbers() {
        #expect(SVGNumber.text(12.0) == "12" && SVGNumber.text(12.34) == "12.3" && SVGNumber.text(-0.04) == "0" && SVGNumber.text(-0.06) == "-0.1")
        #expect(SVGNumber.text(.nan) == "0" && SVGNumber.text(.infinity) == "0" && SVGNumber.text(1e300) == "1000000")
    }

    /// A monthly report over a hand-made store: 甲区 valid at 34 µg/m³ (31 days), 乙区 short of days at 36 (20 days), no last year.
    static func report() throws -> MonthlyRankingReport {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-chart-rank"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 60 * 24, dailyCapacity: 800))
        let registry = StationRegistry(stations: [Station(code: "S1", name: "一", city: "测试", district: "甲区"),
                                                  Station(code: "S2", name: "二", city: "测试", district: "乙区")])
        let ids = try store.resolve([SeriesKey(station: "S1", pollutant: .pm25), SeriesKey(station: "S2", pollutant: .pm25)])
        var readings: [StoredReading] = []
        for d in 1...31 {
            let day = Day(CivilDate(year: 2019, month: 1, day: d)!)
            for h in 0..<24 {
                let hour = LocalZone.beijing.hour(day: day, hourOfDay: h)
                readings.append(StoredReading(series: ids[0], hour: hour, value: 34))
                if d <= 20 { readings.append(StoredReading(series: ids[1], hour: hour, value: 36)) }
            }
        }
        _ = try store.write(readings, policy: .advanceAsNeeded)
        let ranking = try MonthlyRanking(store: store, registry: registry, month: Month(year: 2019, month: 1)!,
                                         scope: RankingScope(level: .district, city: "测试", pollutants: [.pm25]))
        return MonthlyRankingReport(ranking: ranking, language: .zh, generated: Date(timeIntervalSince1970: 0))
    }

    @Test("ranking HTML: a legend for every encoding, the limit named as the annual one for reference, no value label across the limit line, empty columns left out and named")
    func rankingHTML() throws {
        let html = try Self.report().html()
        #expect(html.contains("有效天数不足：括号内为参考值，列于最后"), "the hatched bars have a legend entry")
        #expect(html.contains("GB 3095-2012 二级年平均限值 35（月均值无限值，仅作参照）"), "the limit line says which limit and why")
        #expect(!html.contains("<th class=\"r\">去年同期</th>") && !html.contains(">同比(%)<") && !html.contains(">改善排名<"))
        #expect(html.contains("表中全部为空（无数据或“—”）的列未显示：去年同期、同比(%)、改善排名"))
        #expect(html.contains("class=\"table-scroll\"") && html.contains("class=\"unit\""), "tables scroll with the unit held")
        #expect(html.contains("@media print") && html.contains("@page{size:A4"))
        // Labels: the limit at 35 sits between the bars' ends (34 and 36): neither value label may cross it.
        var labels = 0
        for svg in html.components(separatedBy: "<svg").dropFirst() {
            let limitX = try #require(SVGData.elements("<svg" + svg, class: "limit").first?["x1"].flatMap(Double.init))
            for text in Self.texts(svg) where ["34", "(36)"].contains(text.text) {
                labels += 1
                let width = Double(text.text.count) * text.size * 0.62
                #expect(text.x > limitX + 2 || text.x + width < limitX - 2, "label \(text.text) at \(text.x) crosses the limit at \(limitX)")
            }
        }
        #expect(labels >= 2, "both value labels (34 and (36)) were found and checked")
    }

    /// The `<text>` elements of an SVG: position, size and content.
    static func texts(_ svg: String) -> [(x: Double, size: Double, text: String)] {
        svg.components(separatedBy: "<text").dropFirst().compactMap { part in
            guard let close = part.range(of: ">"), let end = part.range(of: "</text>") else { return nil }
            let attributes = SVGData.parse(Substring(" " + part[..<close.lowerBound]))
            guard let x = attributes["x"].flatMap(Double.init), let size = attributes["font-size"].flatMap(Double.init) else { return nil }
            return (x, size, SVGData.unescape(String(part[close.upperBound ..< end.lowerBound])))
        }
    }
}
