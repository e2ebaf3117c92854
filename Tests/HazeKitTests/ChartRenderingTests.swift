import Foundation
import Testing
@testable import HazeModel
@testable import HazeStore
@testable import HazeReport
@testable import HazeCLI

/// Every chart kind and the ranking report rendered in headless Chromium at
/// a phone's width (400 px) and a desktop's (1200 px): no horizontal
/// overflow (measured in the browser), the layout made for that width shown,
/// and each chart's screenshot neither blank nor a solid block and drawn in
/// the colours it stands for. Chromium runs are few and batched: one page
/// holds every chart kind (a district's page of the static site).
@Suite("Charts rendered in Chromium", .onTestThreads, .serialized,
       .enabled(if: Chromium.path != nil || ProcessInfo.processInfo.environment["HAZE_REQUIRE_CHROMIUM"] != nil,
                "chromium is not installed (apt-get install chromium fonts-noto-cjk); set HAZE_REQUIRE_CHROMIUM=1 to make that a failure"))
struct ChartRenderingTests {
    static let widths = [400, 1200]

    /// A site of Beijing from the shared store, made once for these tests.
    static let site: String = {
        let out = TestPaths.temporaryDirectory("haze-render") + "/site"
        let run = InProcess(["site", "--out", out, "--city", "北京", "--store", SharedStore.national.directory, "--stations", TestPaths.stations])
        precondition(run.status == 0, "site failed: \(run.stderr)")
        return out
    }()

    static let pollutantColours = ["#2c7fb8", "#7b6fb0"]
    /// The limit line: thin, so counted with a tolerance (the browser scales a layout to the column it is shown in).
    static let limit = "#c0392b~40"
    static let aqi = ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c"]

    /// What each chart of a unit page must show (colour → at least this many exact pixels).
    static let unitExpectations: [String: [String: Int]] = [
        "daily": ["#2c7fb8": 20, "#7b6fb0": 20, limit: 40, "#00e400": 40, "#ffff00": 40, "#ff7e00": 20],
        "hourly": ["#2c7fb8": 20, "#7b6fb0": 20, limit: 40],
        "calendar": ["#00e400": 400, "#ffff00": 400, "#ff7e00": 200, "#ff0000": 100, "#99004c": 100],
        "diurnal": ["#2c7fb8": 15, "#7b6fb0": 15, "#c6dcec": 60],
        "weekday": ["#2c7fb8": 15, "#7b6fb0": 15, "#c6dcec": 60],
        "ratio": ["#f6e8c3": 1500, "#dbe9f6": 1500, "#2c7fb8": 15],
        "bump": [limit: 30, "#bbbbbb": 15],
    ]

    static func check(_ layout: Browser.Layout) async {
        let page = (layout.page as NSString).lastPathComponent, width = layout.width
        #expect(layout.innerWidth == width, "\(page): the viewport is \(layout.innerWidth) px")
        #expect(layout.scrollWidth <= layout.innerWidth, "\(page) at \(width) px: the page is \(layout.scrollWidth) px wide")
        #expect(layout.overflowing.isEmpty, "\(page) at \(width) px: \(layout.overflowing) reach beyond the viewport")
        for figure in layout.figures {
            #expect(figure.visibleSVGs == 1, "\(page) \(figure.id): one layout shown")
            #expect(figure.svgClass.contains(width < 800 ? "narrow" : "wide"), "\(page) \(figure.id) at \(width) px shows \(figure.svgClass)")
            #expect(figure.right <= Double(width) + 0.5, "\(page) \(figure.id) ends at \(figure.right)")
        }
    }

    /// Every page of the batch, laid out and (where colours are checked) screenshotted in one browser.
    static let rendered = Once { () async -> Result<[Browser.Layout], Error> in
        guard let chromium = Chromium.path else { return .failure(NSError(domain: "chromium", code: 0)) }
        let shots = TestPaths.temporaryDirectory("haze-render-shots")
        let city = TestPaths.temporaryDirectory("haze-render-city") + "/cities-2019-01.html"
        let rank = InProcess(["rank", "--month", "2019-01", "--level", "city", "--format", "html", "--out", city,
                              "--store", SharedStore.national.directory, "--stations", TestPaths.stations])
        precondition(rank.status == 0, rank.stderr)
        var jobs: [Browser.Job] = []
        for width in widths {
            jobs.append(.init(page: site + "/districts/朝阳区.html", width: width, screenshot: shots + "/unit-\(width).png"))
            jobs.append(.init(page: site + "/months/2019-01.html", width: width, screenshot: shots + "/month-\(width).png"))
        }
        for page in [city, site + "/index.html", site + "/alerts.html", site + "/years/2019.html", site + "/city.html"] {
            jobs.append(.init(page: page, width: 400, screenshot: nil))
        }
        // A4 at 96 dpi less the print margins: 190 mm ≈ 718 px.
        jobs.append(.init(page: site + "/months/2019-01.html", width: 718, screenshot: nil, media: "print"))
        do { return .success(try await Browser.render(jobs, chromium: chromium)) } catch { return .failure(error) }
    }

    static func layout(_ suffix: String, width: Int) async throws -> Browser.Layout {
        let all = try await rendered.value.get()
        return try #require(all.first { $0.page.hasSuffix(suffix) && $0.width == width && $0.media.isEmpty }, "\(suffix) at \(width) px was rendered")
    }

    @Test("a district's page — every chart kind — at 400 and 1200 px: no overflow, the layout for the width, each chart drawn in its colours",
          arguments: widths)
    func unitPage(width: Int) async throws {
        let layout = try await Self.layout("/districts/朝阳区.html", width: width)
        await Self.check(layout)
        #expect(Set(layout.figures.map(\.id)) == Set(Self.unitExpectations.keys), "\(layout.figures.map(\.id))")
        let colours = Array(Set(Self.unitExpectations.values.flatMap(\.keys))).sorted()
        let regions = try await Browser.regions(try #require(layout.screenshot), figures: layout.figures, colours: colours)
        for (id, expected) in Self.unitExpectations {
            let region = try #require(regions[id], "\(id) was measured")
            #expect(region.nonWhite > 0.02 && region.nonWhite < 0.75, "\(id) at \(width) px is neither blank nor a block: \(region.nonWhite)")
            for (colour, minimum) in expected {
                #expect((region.colours[colour] ?? 0) >= minimum, "\(id) at \(width) px: \(colour) \(region.colours[colour] ?? 0) px, want ≥ \(minimum)")
            }
        }
    }

    @Test("the monthly ranking report at 400 and 1200 px: no overflow (tables scroll in their box), bars, hatched invalid bars and the limit drawn",
          arguments: widths)
    func rankingReport(width: Int) async throws {
        let layout = try await Self.layout("/months/2019-01.html", width: width)
        await Self.check(layout)
        #expect(layout.figures.count == 2)
        let regions = try await Browser.regions(try #require(layout.screenshot), figures: layout.figures,
                                          colours: Self.pollutantColours + [Self.limit, "#e0e0e0"])
        for (figure, colour) in zip(layout.figures, Self.pollutantColours) {
            let region = try #require(regions[figure.id])
            #expect(region.nonWhite > 0.05 && region.nonWhite < 0.75, "\(figure.id): \(region.nonWhite)")
            #expect((region.colours[colour] ?? 0) > (width < 800 ? 1500 : 4000), "\(figure.id) bars in \(colour): \(region.colours[colour] ?? 0)")
            #expect((region.colours[Self.limit] ?? 0) > 40, "\(figure.id) limit line: \(region.colours[Self.limit] ?? 0)")
            #expect((region.colours["#e0e0e0"] ?? 0) > 100, "\(figure.id): the hatched invalid bar and its legend entry")
        }
    }

    @Test("on a phone (400 px) the city-level ranking (367 cities, charts in parts of 40), the year, the city page, the index and the alerts are no wider than the screen")
    func longPagesOnAPhone() async throws {
        let cities = try await Self.layout("/cities-2019-01.html", width: 400)
        await Self.check(cities)
        #expect(cities.figures.count == 2 * 10, "each pollutant's 367 bars in 10 parts of at most 40")
        for page in ["/site/city.html", "/index.html", "/alerts.html", "/years/2019.html"] {
            await Self.check(try Self.layout(page, width: 400))
        }
    }

    @Test("printed (A4, 190 mm wide): the charts in their wide layout, tables not cut, nothing wider than the paper")
    func printed() async throws {
        let layout = try #require(try await Self.rendered.value.get().first { $0.media == "print" })
        #expect(layout.scrollWidth <= layout.innerWidth && layout.overflowing.isEmpty, "\(layout.overflowing)")
        #expect(layout.figures.count == 2 && layout.figures.allSatisfy { $0.visibleSVGs == 1 && $0.svgClass.contains("wide") })
        let css = ReportStyle.css
        #expect(css.contains("@page{size:A4") && css.contains("section{break-before:page}"))
    }
}
