import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeAssessment
@testable import HazeReport

/// The charts across the change of standards on 2026-03-01 (GB 3095-2026 and
/// HJ 633-2026 replace the 2012 editions): the time series' limit line steps
/// on that date and the calendar colours each day by the table in force on it.
/// A hand-made store, 2026-02-20 … 2026-03-10, one station at PM2.5 70 and
/// PM10 130 µg/m³ every hour — values chosen to change category with the table.
@Suite("Charts: the standards' change on 2026-03-01", .onTestThreads)
struct StandardChangeChartTests {
    static let first = CivilDate(year: 2026, month: 2, day: 20)!
    static let last = CivilDate(year: 2026, month: 3, day: 10)!
    /// Days before 2026-03-01 in the period: 20 … 28 February.
    static let daysBefore = 9
    static let daysFrom = 10

    static func store() throws -> (Store, StationRegistry) {
        let store = try Store(directory: TestPaths.temporaryDirectory("haze-chart-2026"), access: .readWrite,
                              creating: StoreConfiguration(hourlyCapacity: 40 * 24, dailyCapacity: 800))
        let registry = StationRegistry(stations: [Station(code: "S1", name: "一", city: "测试", district: "甲区")])
        let ids = try store.resolve([SeriesKey(station: "S1", pollutant: .pm25), SeriesKey(station: "S1", pollutant: .pm10)])
        var readings: [StoredReading] = []
        for day in Day(first) ... Day(last) {
            for h in 0..<24 {
                let hour = LocalZone.beijing.hour(day: day, hourOfDay: h)
                readings.append(StoredReading(series: ids[0], hour: hour, value: 70))
                readings.append(StoredReading(series: ids[1], hour: hour, value: 130))
            }
        }
        _ = try store.write(readings, policy: .advanceAsNeeded)
        return (store, registry)
    }

    static func svg(_ request: PlotRequest) throws -> String {
        let (store, registry) = try store()
        return try request.chart(store: store, registry: registry).svg(width: .wide, idPrefix: "t", standalone: true)
    }

    /// The points of an SVG path made of M and L commands.
    static func points(_ d: String) -> [(x: Double, y: Double)] {
        d.split(whereSeparator: { $0 == "M" || $0 == "L" }).compactMap { pair in
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            return xy.count == 2 ? (xy[0], xy[1]) : nil
        }
    }

    @Test("time series: the Grade II 24-hour limit steps from 75 to 60 (PM2.5) and 150 to 120 (PM10) on 2026-03-01, at day and hour resolution",
          arguments: [Resolution.day, .hour])
    func limitSteps(resolution: Resolution) throws {
        let svg = try Self.svg(PlotRequest(kind: .timeseries, subject: .station("S1"), pollutants: [.pm25, .pm10],
                                           from: Self.first, to: Self.last, resolution: resolution))
        let perDay = resolution == .hour ? 24 : 1
        let limits = SVGData.elements(svg, class: "limit")
        try #require(limits.count == 2)
        for (element, (before, after)) in zip(limits, [("75", "60"), ("150", "120")]) {
            let values = (element["data-limits"] ?? "").split(separator: ",").map(String.init)
            #expect(values == Array(repeating: before, count: Self.daysBefore * perDay) + Array(repeating: after, count: Self.daysFrom * perDay))
            // Drawn as two horizontal runs joined by one vertical step: the earlier, higher limit above (smaller y).
            let points = Self.points(element["d"] ?? "")
            try #require(points.count == 4, "two runs: \(element["d"] ?? "")")
            #expect(points[0].y == points[1].y && points[2].y == points[3].y && points[0].y < points[2].y)
            #expect(points[1].x == points[2].x, "the step is vertical, at the boundary between 02-28 and 03-01")
        }
        // The step's x lies between the last February slot and the first March one.
        let times = (SVGData.elements(svg, class: "series").first?["data-times"] ?? "").split(separator: ",").map(String.init)
        #expect(times.count == (Self.daysBefore + Self.daysFrom) * perDay)
        #expect(times[Self.daysBefore * perDay - 1].hasPrefix("2026-02-28") && times[Self.daysBefore * perDay].hasPrefix("2026-03-01"))
        #expect(svg.contains("限值依据 GB 3095-2012；2026-03-01起 GB 3095-2026"), "the subtitle names both standards and the date")
    }

    @Test("time series: the daily AQI band switches HJ 633 tables on 2026-03-01 (PM2.5 70 is 良 under 2012, 轻度污染 under 2026)")
    func aqiBand() throws {
        let svg = try Self.svg(PlotRequest(kind: .timeseries, subject: .station("S1"), pollutants: [.pm25],
                                           from: Self.first, to: Self.last, resolution: .day, aqiBand: true))
        let band = (SVGData.elements(svg, class: "aqi-band").first?["data-categories"] ?? "").split(separator: ",").map(String.init)
        // By hand: 2012 PM2.5 IAQI(70) = 50 + 50·(70−35)/(75−35) = 93.75 → 94, PM10 IAQI(130) = 50 + 50·80/100 = 90: AQI 94, 良 (2).
        // 2026: PM2.5 IAQI(70) = 100 + 50·(70−60)/(115−60) = 109.1 → 110, PM10 IAQI(130) = 100 + 50·10/130 = 103.8 → 104: AQI 110, 轻度污染 (3).
        #expect(band == Array(repeating: "2", count: Self.daysBefore) + Array(repeating: "3", count: Self.daysFrom))
    }

    @Test("calendar: each day coloured by the HJ 633 table in force on it (良 before 2026-03-01, 轻度污染 from it), the legend giving both tables",
          arguments: [(Pollutant.pm25, "良 36–75，2026-03-01起36–60"), (.pm10, "良 51–150，2026-03-01起51–120")])
    func calendar(pollutant: Pollutant, legend: String) throws {
        let svg = try Self.svg(PlotRequest(kind: .calendar, subject: .station("S1"), pollutants: [pollutant],
                                           from: Self.first, to: Self.last))
        let cells = SVGData.elements(svg, class: "day")
        try #require(cells.count == Self.daysBefore + Self.daysFrom)
        for cell in cells {
            let date = try #require(cell["data-date"])
            let before = date < "2026-03-01"
            #expect(cell["data-value"] == (pollutant == .pm25 ? "70" : "130"))
            #expect(cell["data-category"] == (before ? "2" : "3"), "\(pollutant) \(date)")
        }
        #expect(svg.contains("fill=\"#ffff00\"") && svg.contains("fill=\"#ff7e00\""), "良 yellow and 轻度污染 orange")
        #expect(svg.contains(legend), "legend: \(legend)")
    }
}
